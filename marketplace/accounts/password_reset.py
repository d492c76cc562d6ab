"""Password reset by a one-time code sent through the notification adapters (SMS, e-mail).

``request_password_reset(db, username)`` makes a 12-digit code valid for ``CODE_MINUTES``, keeps
only its SHA-256, and hands the code to the delivery adapters after the commit, to the account's
contacts (a recipient's phone, a provider's e-mail and phone). The code is never stored, never in
the notifications table, and no password ever travels in a message. The answer is the same
whether the username exists or not (nothing leaks); at most ``MAX_OPEN_CODES`` codes are open
per account, so the endpoint cannot be used to flood someone's phone.

An administrator may instead issue a code for an account (``issue_reset_code``: a person who
has no phone or e-mail on file, or lost them): the same kind of code, kept the same way, shown
once to the administrator to hand over, valid for ``ISSUED_HOURS``; issuing one voids the codes
issued before it for that account, so at most one is open.

``reset_password(session, code, new_password)`` takes a valid unused code once (a conditional
UPDATE), sets the new password and bumps the token version: every older session ends.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import secrets
from typing import Any

from sqlalchemy import func, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from marketplace.accounts.access import Viewer, fetch_one_in_scope
from marketplace.accounts.models import Account, AccountCode, Language, Person, Role
from marketplace.accounts.security import hash_password
from marketplace.accounts.services import clean_password
from marketplace.audit.services import record as audit
from marketplace.catalog.models import Provider
from marketplace.cleaning import clean_id
from marketplace.db import Database, utcnow
from marketplace.errors import DomainError, ErrorCode
from marketplace.notifications import delivery, messages

PURPOSE = "password_reset"
#: A code the administrator issued and handed over (``issue_reset_code``).
ISSUED = "issued_reset"
#: The codes that set a password: a reset, one the administrator issued, and the invitation of a
#: person the records brought in (marketplace/accounts/invitations.py).
SETS_A_PASSWORD = (PURPOSE, ISSUED, "invitation")
CODE_DIGITS = 12
CODE_MINUTES = 30
ISSUED_HOURS = 24
MAX_OPEN_CODES = 3


def code_hash(code: str) -> str:
    return hashlib.sha256(code.encode()).hexdigest()


def mint_code() -> str:
    """A new one-time code: ``CODE_DIGITS`` random digits (keep only its ``code_hash``)."""
    return "".join(secrets.choice("0123456789") for _ in range(CODE_DIGITS))


def grouped(code: str) -> str:
    """The code as a person reads it out: groups of four digits (``reset_password`` takes either)."""
    return " ".join(code[i:i + 4] for i in range(0, len(code), 4))


async def open_code(
    session: AsyncSession, account_id: int, purpose: str, lifetime: dt.timedelta, now: dt.datetime,
) -> tuple[str, AccountCode]:
    """A new one-time code of ``purpose`` for the account, valid for ``lifetime`` from ``now``: the
    code itself (to send or hand over; never stored) and its row, which keeps only its hash."""
    code = mint_code()
    row = AccountCode(account_id=account_id, purpose=purpose, code_hash=code_hash(code), created_at=now,
                      expires_at=now + lifetime)
    session.add(row)
    await session.flush()
    return code, row


def code_message(account_id: int, purpose: str, language: Language, params: dict[str, Any], *,
                 email: str | None, phone: str | None) -> delivery.OutgoingMessage:
    """The message carrying a code of ``purpose`` to the account's contacts, worded by the template
    ``code.<purpose>`` (``params`` with the grouped code); handed to the delivery adapters after
    the commit, never into the notifications table."""
    title, body = messages.render(f"code.{purpose}", language, params)
    return delivery.OutgoingMessage(notification_id=0, account_id=account_id, kind=purpose, language=language,
                                    title=title, body=body, email=email, phone=phone)


def _normalise(code: Any) -> str:
    if not isinstance(code, str):
        return ""
    digits = "".join(ch for ch in code if ch not in " -")
    return digits if len(digits) == CODE_DIGITS and digits.isdigit() and digits.isascii() else ""


async def request_password_reset(db: Database, username: Any) -> bool:
    """Send a code to the account's contacts; True if one was sent (callers must not tell the user)."""
    name = (username or "").strip().lower() if isinstance(username, str) else ""
    if not name or len(name) > 64:
        return False
    async with db.transaction() as session:
        account = (await session.execute(
            select(Account).where(Account.username == name, Account.is_active.is_(True)).with_for_update()
        )).scalar_one_or_none()
        if account is None:
            return False
        now = utcnow()
        open_codes = (await session.execute(select(func.count()).select_from(AccountCode).where(
            AccountCode.account_id == account.id, AccountCode.purpose == PURPOSE, AccountCode.used_at.is_(None),
            AccountCode.expires_at > now))).scalar_one()
        if open_codes >= MAX_OPEN_CODES:
            return False
        email, phone = await _contacts(session, account)
        if email is None and phone is None:
            return False
        code, row = await open_code(session, account.id, PURPOSE, dt.timedelta(minutes=CODE_MINUTES), now)
        audit(session, None, "account.password_reset_requested", account, None, {"code_id": row.id})
        message = code_message(account.id, PURPOSE, account.language,
                               {"code": grouped(code), "minutes": CODE_MINUTES}, email=email, phone=phone)
    delivery.dispatch([message])  # after the commit: a rolled-back request sends nothing
    return True


async def issue_reset_code(session: AsyncSession, viewer: Viewer, account_id: int) -> tuple[Account, str, dt.datetime]:
    """Admin: a one-time code that sets the account's password (``resetPassword``), to be shown
    once and handed over: the account, the code (grouped by four) and when it expires. Only its
    hash is kept; the codes issued before it for the account are void from now. A disabled
    account gets none (no code would set its password)."""
    viewer.require_role(Role.ADMIN)
    account = await fetch_one_in_scope(
        session, select(Account).where(Account.id == clean_id(account_id, "account", "accountId")).with_for_update(),
        "account", "accountId",
    )
    if not account.is_active:
        raise DomainError(ErrorCode.INVALID, "This account is disabled: no code can set its password.", "accountId")
    now = utcnow()
    voided = (await session.execute(
        update(AccountCode).where(AccountCode.account_id == account.id, AccountCode.purpose == ISSUED,
                                  AccountCode.used_at.is_(None), AccountCode.expires_at > now)
        .values(used_at=now).execution_options(synchronize_session=False))).rowcount
    code, row = await open_code(session, account.id, ISSUED, dt.timedelta(hours=ISSUED_HOURS), now)
    audit(session, viewer, "account.password_reset_issued", account, None,
          {"code_id": row.id, "voided": int(voided or 0)})
    return account, grouped(code), row.expires_at


async def _contacts(session: AsyncSession, account: Account) -> tuple[str | None, str | None]:
    if account.person_id is not None:
        person = await session.get(Person, account.person_id)
        return None, person.phone if person else None
    if account.provider_id is not None:
        provider = await session.get(Provider, account.provider_id)
        return (provider.email, provider.phone) if provider else (None, None)
    return None, None


async def reset_password(session: AsyncSession, code: Any, new_password: Any) -> Account:
    """Take the code once and set the new password; a wrong, used or expired code is INVALID."""
    clean_password(new_password if isinstance(new_password, str) else "")
    digits = _normalise(code)
    wrong = DomainError(ErrorCode.INVALID, "This code is wrong, used or expired: ask for a new one.", "code")
    if not digits:
        raise wrong
    now = utcnow()
    taken = (await session.execute(
        update(AccountCode)
        .where(AccountCode.code_hash == code_hash(digits), AccountCode.purpose.in_(SETS_A_PASSWORD),
               AccountCode.used_at.is_(None), AccountCode.expires_at > now)
        .values(used_at=now).returning(AccountCode.account_id)
        .execution_options(synchronize_session=False)
    )).first()
    if taken is None:
        raise wrong
    account = await session.get(Account, taken.account_id)
    assert account is not None
    if not account.is_active:
        raise wrong
    await session.execute(update(Account).where(Account.id == account.id)
                          .values(password_hash=hash_password(new_password), token_version=Account.token_version + 1)
                          .execution_options(synchronize_session=False))
    await session.refresh(account)
    audit(session, None, "account.password_reset", account, None, None)
    return account
