"""The administrator keeps the regions and opens accounts; audited."""

from __future__ import annotations

from typing import Any

from sqlalchemy import func, or_, select
from sqlalchemy.ext.asyncio import AsyncSession

from marketplace.accounts.access import Viewer
from marketplace.accounts.models import Account, Language, Person, Region, Role
from marketplace.accounts.services import create_account
from marketplace.catalog.models import Provider
from marketplace.audit.services import record as audit
from marketplace.audit.services import snapshot, update_audited
from marketplace.cleaning import FieldErrors, clean_choice, clean_id, clean_required_text, clean_text
from marketplace.db import id_page
from marketplace.errors import DomainError, ErrorCode, not_found

UNSET: Any = object()
MAX_NAME = 120
MAX_CODE = 32
MAX_PAGE = 100
MAX_SEARCH = 100


def _name(value: Any, field: str) -> str:
    return clean_required_text(value, field, MAX_NAME)


def _code(value: Any) -> str:
    text = clean_text(value, "code", MAX_CODE).upper()
    if not text or not text.isascii() or any(not (ch.isalnum() or ch == "_") for ch in text):
        raise DomainError(ErrorCode.INVALID, "Latin letters, digits and _ (for example ABAI).", "code")
    return text


async def create_region(session: AsyncSession, viewer: Viewer, *, code: Any, name_kk: Any, name_ru: Any,
                        name_en: Any) -> Region:
    viewer.require_role(Role.ADMIN)
    errors = FieldErrors()
    values = {"code": errors.check(_code, code), "name_kk": errors.check(_name, name_kk, "nameKk"),
              "name_ru": errors.check(_name, name_ru, "nameRu"), "name_en": errors.check(_name, name_en, "nameEn")}
    errors.raise_if_any()
    if (await session.execute(select(Region.id).where(Region.code == values["code"]))).first():
        raise DomainError(ErrorCode.DUPLICATE, "A region with this code exists.", "code")
    region = Region(**values)
    session.add(region)
    await session.flush()
    audit(session, viewer, "region.created", region, None, snapshot(region))
    return region


async def update_region(session: AsyncSession, viewer: Viewer, region_id: int, *, name_kk: Any = UNSET,
                        name_ru: Any = UNSET, name_en: Any = UNSET) -> Region:
    """Admin: rename a region (its code, which imports and URLs use, stays)."""
    viewer.require_role(Role.ADMIN)
    region = await session.get(Region, clean_id(region_id, "region", "regionId"))
    if region is None:
        raise not_found("region", "regionId")
    errors = FieldErrors()
    values = {k: errors.check(_name, v, f) for k, v, f in (("name_kk", name_kk, "nameKk"),
                                                            ("name_ru", name_ru, "nameRu"),
                                                            ("name_en", name_en, "nameEn")) if v is not UNSET}
    errors.raise_if_any()
    if values:
        await update_audited(session, viewer, region, "region.updated", values)
    return region


async def open_account(
    session: AsyncSession, viewer: Viewer, *, username: Any, password: Any, role: Role | str, display_name: Any = "",
    person_id: int | None = None, provider_id: int | None = None, region_id: int | None = None,
    language: Language | str | None = None,
) -> Account:
    """Admin: an account scoped to an existing person, provider or region (``create_account``'s rules:
    a username of a-z, 0-9, dot, dash, underscore; a password of 10 to 200 characters)."""
    viewer.require_role(Role.ADMIN)
    try:
        role = Role(role)
        lang = Language(language) if language is not None else Language.RU
    except ValueError as exc:
        raise DomainError(ErrorCode.INVALID, "Not a role or a language.", "role") from exc
    for model, pk, what, field in ((Person, person_id, "person", "personId"),
                                   (Provider, provider_id, "provider", "providerId")):
        if pk is not None and await session.get(model, clean_id(pk, what, field)) is None:
            raise not_found(what, field)
    return await create_account(
        session, viewer, username=username if isinstance(username, str) else "",
        password=password if isinstance(password, str) else "", role=role,
        display_name=display_name if isinstance(display_name, str) else "", person_id=person_id,
        provider_id=provider_id, region_id=region_id, language=lang)


async def list_accounts(
    session: AsyncSession, viewer: Viewer, *, role: Role | str | None = None, text: Any = None, first: int = 20,
    after: int | None = None, count_only: bool = False,
) -> list[Account] | int:
    """Admin: the accounts (of a role; whose username or name holds ``text``), the oldest first,
    keyset-paged by id. Returns up to ``first + 1`` rows, or how many match with ``count_only``."""
    viewer.require_role(Role.ADMIN)
    if isinstance(first, bool) or not isinstance(first, int) or not 0 <= first <= MAX_PAGE:
        raise DomainError(ErrorCode.OUT_OF_RANGE, "first must be between 0 and {most}.", "first", most=MAX_PAGE)
    stmt = select(Account)
    if role is not None:
        stmt = stmt.where(Account.role == clean_choice(
            Role, role, "role", lambda: DomainError(ErrorCode.INVALID, "Not a role.", "role")))
    wanted = clean_text(text, "text", MAX_SEARCH)
    if wanted:
        stmt = stmt.where(or_(Account.username.contains(wanted.lower(), autoescape=True),
                              Account.display_name.contains(wanted, autoescape=True),
                              func.lower(Account.display_name).contains(wanted.lower(), autoescape=True)))
    return await id_page(session, stmt, Account, first=first, after=after, count_only=count_only)


async def get_account(session: AsyncSession, viewer: Viewer, account_id: int) -> Account:
    """Admin: one account; to anyone else signed in no account exists (NOT_FOUND, nothing leaks)."""
    viewer.require_authenticated()
    account = await session.get(Account, clean_id(account_id, "account", "id"))
    if account is None or viewer.role != Role.ADMIN:
        raise not_found("account", "id")
    return account
