"""Signing in, reading who a token belongs to, and keeping accounts."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Row, and_, bindparam, delete, func, select, update
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncSession

from marketplace.accounts.access import Viewer
from marketplace.accounts.models import (
    Account,
    Language,
    LoginAttempt,
    Person,
    Region,
    Role,
)
from marketplace.accounts.security import (
    hash_password,
    issue_token,
    read_token,
    verify_password,
)
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


async def _recent_failures(session: AsyncSession, column, value: str, since: dt.datetime) -> int:  # type: ignore[no-untyped-def]
    stmt = select(func.count()).select_from(LoginAttempt).where(column == value, LoginAttempt.attempted_at >= since)
    return int((await session.execute(stmt)).scalar_one())


async def login(
    session: AsyncSession, settings: Settings, username: str, password: str, address: str = "unknown"
) -> SignIn:
    """Check the password and issue a token. Failed attempts are rate limited
    per account and per address, across every API process (they live in the database)."""
    username = (username or "").strip().lower()[:64]
    address = (address or "unknown")[:64]
    now = dt.datetime.now(dt.UTC)
    window = now - dt.timedelta(minutes=1)
    limit = settings.login_attempts_per_minute
    if (
        await _recent_failures(session, LoginAttempt.username, username, window) >= limit
        or await _recent_failures(session, LoginAttempt.address, address, window) >= limit * 3
    ):
        raise DomainError(ErrorCode.RATE_LIMITED, "Too many failed sign-ins; wait a minute and try again.")

    account = (await session.execute(select(Account).where(Account.username == username))).scalar_one_or_none()
    if account is None or len(password or "") > MAX_PASSWORD:
        verify_password(_DUMMY_HASH, password or "")
        ok = False
    else:
        ok = verify_password(account.password_hash, password)
    if not ok or account is None:
        raise DomainError(ErrorCode.INVALID_CREDENTIALS, "Wrong username or password.")
    if not account.is_active:
        raise DomainError(ErrorCode.ACCOUNT_DISABLED, "This account is disabled.")
    await session.execute(delete(LoginAttempt).where(LoginAttempt.username == username))
    token, expires = issue_token(settings.secret_key or "", account.id, account.token_version, settings.token_ttl)
    return SignIn(token=token, expires_at=expires, account=account)


async def sign_in(db: Database, settings: Settings, username: str, password: str, address: str = "unknown") -> SignIn:
    """``login`` in its own transaction; a failed attempt is recorded in another,
    so that the refusal's rollback does not erase it."""
    try:
        async with db.transaction() as session:
            return await login(session, settings, username, password, address)
    except DomainError as exc:
        if exc.code == ErrorCode.INVALID_CREDENTIALS:
            async with db.transaction() as session:
                session.add(
                    LoginAttempt(username=(username or "").strip().lower()[:64], address=(address or "unknown")[:64])
                )
        raise


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
            ErrorCode.OUT_OF_RANGE, f"A password has {MIN_PASSWORD} to {MAX_PASSWORD} characters.", "password"
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
        raise DomainError(ErrorCode.REQUIRED, f"A {role.value} account needs its scope.", "scope")
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
    account_id = (await session.execute(
        select(Account.id).where(Account.username == (username or "").strip().lower())
    )).scalar_one_or_none()
    if account_id is None:
        raise not_found("account", "username")
    return int(account_id)
