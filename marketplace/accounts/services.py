"""Signing in, reading who a token belongs to, and keeping accounts."""

from __future__ import annotations

import asyncio
import datetime as dt
import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Row, and_, bindparam, delete, func, or_, select, update
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncSession

from marketplace import clock
from marketplace.accounts.access import Viewer, fetch_one_in_scope
from marketplace.accounts.models import Account, Language, LoginAttempt, Person, Region, Role
from marketplace.accounts.security import hash_password, issue_token, read_token, verify_password
from marketplace.audit.services import record
from marketplace.db import Database
from marketplace.errors import DomainError, ErrorCode, not_found
from marketplace.settings import Settings

USERNAME_RE = re.compile(r"^[a-z0-9][a-z0-9._-]{2,63}$")
MIN_PASSWORD = 10
MAX_PASSWORD = 200
# A hash of a random password, checked when the username is unknown, so the
# time taken does not tell whether an account exists.
_DUMMY_HASH = hash_password("timing-equaliser-not-a-password")


@dataclass(frozen=True)
class SignIn:
    token: str
    expires_at: dt.datetime
    account: Account


#: Failed sign-ins a minute, per client address (over every account), as a multiple of the
#: per-account-and-address limit, and per account over every address.
ADDRESS_FACTOR = 3
ACCOUNT_FACTOR = 10
RATE_LIMITED_MESSAGE = "Too many failed sign-ins; wait a minute and try again."


def _attempt_key(username: str | None, address: str | None) -> tuple[str, str]:
    return (username or "").strip().lower()[:64], (address or "unknown")[:64]


async def _reserve_attempt(db: Database, settings: Settings, username: str, address: str) -> int:
    """Reserve a sign-in attempt before the password is checked; its id, or RATE_LIMITED.

    The reservation is a ``LoginAttempt`` row committed first; then the attempts of the last
    minute are counted, the reservation among them. Any attempt that goes on saw itself and
    every reservation committed before its count, so however many sign-ins race, at most the
    limit of them reach argon2 (count-then-insert let 19-40 of 41 concurrent guesses through a
    limit of 10). Three counts: the account from this address (``login_attempts_per_minute``),
    the address over every account (×3) and the account over every address (×10, so a stranger
    guessing from elsewhere does not lock the owner out)."""
    async with db.transaction() as session:
        attempt = LoginAttempt(username=username, address=address)
        session.add(attempt)
        await session.flush()
        attempt_id = attempt.id
    limit = settings.login_attempts_per_minute
    window = clock.now() - dt.timedelta(minutes=1)  # the clock that stamped the attempts
    same_account, same_address = LoginAttempt.username == username, LoginAttempt.address == address
    async with db.session() as session:
        pair, by_address, by_account = (await session.execute(
            select(func.count().filter(and_(same_account, same_address)), func.count().filter(same_address),
                   func.count().filter(same_account))
            .where(LoginAttempt.attempted_at >= window, or_(same_account, same_address))
        )).one()
    if pair > limit or by_address > limit * ADDRESS_FACTOR or by_account > limit * ACCOUNT_FACTOR:
        await _forget_attempts(db, LoginAttempt.id == attempt_id)  # not checked: it is no failure
        raise DomainError(ErrorCode.RATE_LIMITED, RATE_LIMITED_MESSAGE)
    return attempt_id


async def _forget_attempts(db: Database, condition: Any) -> None:
    async with db.transaction() as session:
        await session.execute(delete(LoginAttempt).where(condition))


async def sign_in(db: Database, settings: Settings, username: str, password: str, address: str = "unknown") -> SignIn:
    """Check the password and issue a token. Attempts are reserved (and so limited) before the
    password is checked, across every API process (they live in the database); a failure keeps
    its reservation, a success forgets the failures of this account from this address."""
    username, address = _attempt_key(username, address)
    attempt_id = await _reserve_attempt(db, settings, username, address)
    async with db.session() as session:
        account = (await session.execute(select(Account).where(Account.username == username))).scalar_one_or_none()
    password = password or ""
    # argon2 takes tens of milliseconds of CPU: off the event loop, so sign-ins do not stall other requests.
    if account is None or len(password) > MAX_PASSWORD:
        await asyncio.to_thread(verify_password, _DUMMY_HASH, password)
        ok = False
    else:
        ok = await asyncio.to_thread(verify_password, account.password_hash, password)
    if not ok or account is None:
        raise DomainError(ErrorCode.INVALID_CREDENTIALS, "Wrong username or password.")
    await _forget_attempts(db, or_(LoginAttempt.id == attempt_id,
                                   and_(LoginAttempt.username == username, LoginAttempt.address == address)))
    if not account.is_active:
        raise DomainError(ErrorCode.ACCOUNT_DISABLED, "This account is disabled.")
    token, expires = issue_token(settings.secret_key or "", account.id, account.token_version, settings.token_ttl)
    return SignIn(token=token, expires_at=expires, account=account)


# Who a token belongs to, read afresh on every request (a disabled account or a new password
# invalidates its tokens at once): the account's columns and the persons it represents, in one
# statement (one row per represented person, or one row with ``represented_id`` NULL). Built once:
# a statement object reused with a bound parameter skips construction and cache-key generation.
_VIEWER_STATEMENT = (
    select(
        Account.id, Account.token_version, Account.is_active, Account.role, Account.person_id,
        Account.provider_id, Account.region_id, Account.language, Person.id.label("represented_id"),
    )
    .select_from(Account)
    .outerjoin(
        Person,
        and_(Account.role == Role.RECIPIENT, Person.legal_representative_id == Account.person_id),
    )
    .where(Account.id == bindparam("account_id"))
)


async def viewer_from_token(session: AsyncSession | AsyncConnection, settings: Settings, token: str) -> Viewer:
    """The viewer a bearer token stands for; ``session`` may be a session or a (read-only,
    autocommit) connection: one statement is executed."""
    account_id, version = read_token(settings.secret_key or "", token, settings.token_ttl)
    rows = (await session.execute(_VIEWER_STATEMENT, {"account_id": account_id})).all()
    if not rows or rows[0].token_version != version:
        raise DomainError(ErrorCode.TOKEN_INVALID, "The token is no longer valid; sign in again.")
    if not rows[0].is_active:
        raise DomainError(ErrorCode.ACCOUNT_DISABLED, "This account is disabled.")
    return _viewer(rows)


def _viewer(rows: Sequence[Row[Any]]) -> Viewer:
    """The viewer from ``_VIEWER_STATEMENT``'s rows of one account."""
    account = rows[0]
    return Viewer(
        account_id=account.id,
        role=account.role,
        person_id=account.person_id,
        provider_id=account.provider_id,
        region_id=account.region_id,
        language=account.language,
        represented_person_ids=frozenset(r.represented_id for r in rows if r.represented_id is not None),
    )


async def viewer_for_account(session: AsyncSession, account: Account) -> Viewer:
    """The viewer of an account already loaded (the CLI acting as someone, benches, tests)."""
    return _viewer((await session.execute(_VIEWER_STATEMENT, {"account_id": account.id})).all())


def clean_password(password: str) -> str:
    if not (MIN_PASSWORD <= len(password or "") <= MAX_PASSWORD):
        raise DomainError(
            ErrorCode.OUT_OF_RANGE, "A password has {low} to {high} characters.", "password",
            low=MIN_PASSWORD, high=MAX_PASSWORD,
        )
    return password


async def create_account(
    session: AsyncSession,
    viewer: Viewer | None,
    *,
    username: str,
    password: str,
    role: Role,
    display_name: str = "",
    person_id: int | None = None,
    provider_id: int | None = None,
    region_id: int | None = None,
    language: Language = Language.RU,
) -> Account:
    """Create an account. ``viewer`` None means the operator's command line."""
    if viewer is not None:
        viewer.require_role(Role.ADMIN)
    username = (username or "").strip().lower()
    if not USERNAME_RE.match(username):
        raise DomainError(ErrorCode.INVALID, "3-64 characters: a-z, 0-9, dot, dash, underscore.", "username")
    clean_password(password)
    needed = {Role.RECIPIENT: person_id, Role.PROVIDER: provider_id, Role.LOCAL_BODY: region_id}
    if role in needed and needed[role] is None:
        raise DomainError(ErrorCode.REQUIRED, "A {role} account needs its scope.", "scope", role=role)
    if region_id is not None and await session.get(Region, region_id) is None:
        raise not_found("region", "regionId")
    if (await session.execute(select(Account.id).where(Account.username == username))).first():
        raise DomainError(ErrorCode.DUPLICATE, "This username is taken.", "username")
    account = Account(
        username=username,
        password_hash=hash_password(password),
        role=role,
        display_name=display_name[:200],
        person_id=person_id if role == Role.RECIPIENT else None,
        provider_id=provider_id if role == Role.PROVIDER else None,
        region_id=region_id if role == Role.LOCAL_BODY else None,
        language=language,
    )
    session.add(account)
    await session.flush()
    record(session, viewer, "account.created", account, None, {"username": username, "role": role.value})
    return account


async def change_password(session: AsyncSession, viewer: Viewer, old_password: str, new_password: str) -> None:
    viewer.require_authenticated()
    account = await session.get(Account, viewer.account_id)
    assert account is not None
    if not verify_password(account.password_hash, old_password):
        raise DomainError(ErrorCode.INVALID_CREDENTIALS, "The current password is wrong.", "oldPassword")
    clean_password(new_password)
    await session.execute(
        update(Account)
        .where(Account.id == account.id)
        .values(password_hash=hash_password(new_password), token_version=Account.token_version + 1)
    )
    record(session, viewer, "account.password_changed", account, None, None)


async def set_account_active(session: AsyncSession, viewer: Viewer | None, account_id: int, active: bool) -> Account:
    """Disable (or enable again) an account: its tokens stop working at once, also once enabled again
    (``token_version`` moves on; ``viewer_from_token`` refuses a disabled account). The administrator,
    or the operator's command line (``viewer`` None); an admin cannot disable their own account."""
    if viewer is not None:
        viewer.require_role(Role.ADMIN)
    account = await session.get(Account, account_id)
    if account is None:
        raise not_found("account", "accountId")
    if viewer is not None and not active and account.id == viewer.account_id:
        raise DomainError(ErrorCode.INVALID, "You cannot disable your own account.", "accountId")
    before = account.is_active
    await session.execute(
        update(Account).where(Account.id == account.id)
        .values(is_active=active, token_version=Account.token_version + 1)
    )
    await session.refresh(account)
    record(session, viewer, "account.activation", account, {"is_active": before}, {"is_active": active})
    return account


async def account_id_of(session: AsyncSession, username: str) -> int:
    """The id of the account named ``username`` (the command line names accounts so)."""
    return int(await fetch_one_in_scope(
        session, select(Account.id).where(Account.username == (username or "").strip().lower()), "account", "username",
    ))
