"""Providers who sign up themselves, and the administrator who verifies them.

- ``register_provider`` (anyone, signed in or not): an organisation registers with its BIN
  (check digit; refused when malformed, INVALID_BIN, or already registered, DUPLICATE), its
  name in Russian and Kazakh (English optional), contacts (a phone kept in E.164, an e-mail),
  the regions it serves, the kinds of service it offers, the accessibility of its premises, and
  its representative's account (username, password). It starts PENDING: it can prepare
  listings but cannot submit them for publication (``catalog.moderation.check_can_be_offered``)
  until an admin verifies it. All field errors of the form come back together.
- ``list_providers`` (admin): the verification queue, oldest registration first.
- ``suspend_provider`` / ``reinstate_provider`` (admin): VERIFIED (or PENDING) → SUSPENDED and
  back, with a reason the provider reads; through ``catalog.services.verify_provider``, so the
  audit trail, the search outbox and the moves allowed are the same. A suspended provider's
  listings leave search and take no orders (nor quotes).
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from marketplace.accounts.access import Viewer
from marketplace.accounts.models import Account, Language, Region, Role
from marketplace.accounts.services import create_account
from marketplace.audit.services import record as audit
from marketplace.audit.services import snapshot
from marketplace.catalog.models import ItemCategory, Provider, ProviderRegion, SearchOutbox, VerificationStatus
from marketplace.catalog.services import ProviderProfile, verify_provider
from marketplace.cleaning import FieldErrors, clean_choice, clean_id, clean_ids, clean_optional_text, clean_page_size
from marketplace.cleaning import clean_required_text
from marketplace.catalog.validation import clean_accessibility, clean_email, clean_phone, clean_review_note
from marketplace.catalog.validation import clean_website
from marketplace.db import id_page
from marketplace.errors import DomainError, ErrorCode
from marketplace.identifiers import InvalidIdentifier, validate_bin

MAX_NAME = 300
MAX_ADDRESS = 300


def _clean_bin(value: Any) -> str:
    try:
        return validate_bin(value if isinstance(value, str) else "")
    except InvalidIdentifier as exc:
        raise DomainError(ErrorCode.INVALID_BIN, "Not a valid BIN ({rule}).", "bin",
                          rule=exc.reason.lower()) from exc


def _required(fn: Any, value: Any, field: str) -> Any:
    """A contact (phone, e-mail) the sign-up cannot do without."""
    cleaned = fn(value, field)
    if not cleaned:
        raise DomainError(ErrorCode.REQUIRED, "Required.", field)
    return cleaned


def _clean_kinds(values: Any) -> list[str]:
    if not values or isinstance(values, str | bytes | dict):
        raise DomainError(ErrorCode.REQUIRED, "Name at least one kind of service.", "serviceKinds")
    out: list[str] = []
    for v in list(values)[: len(ItemCategory) * 2]:
        kind = clean_choice(ItemCategory, v, "serviceKinds").value
        if kind not in out:
            out.append(kind)
    return out


async def register_provider(
    session: AsyncSession,
    viewer: Viewer,
    *,
    bin: Any,
    name_ru: Any,
    name_kk: Any,
    name_en: Any = None,
    phone: Any,
    email: Any,
    address: Any = None,
    website: Any = None,
    region_ids: Any,
    service_kinds: Any,
    accessibility: Any = None,
    username: Any,
    password: Any,
    representative_name: Any = None,
    language: Any = Language.RU,
) -> tuple[Provider, Account]:
    """A PENDING provider and its representative's PROVIDER account, audited as the new account's doing."""
    errors = FieldErrors()
    number = errors.check(_clean_bin, bin)
    names = {
        "name": errors.check(clean_required_text, name_ru, "nameRu", MAX_NAME),
        "name_kk": errors.check(clean_required_text, name_kk, "nameKk", MAX_NAME),
        "name_en": errors.check(clean_optional_text, name_en, "nameEn", MAX_NAME),
    }
    contacts = {
        "phone": errors.check(_required, clean_phone, phone, "phone"),
        "email": errors.check(_required, clean_email, email, "email"),
        "address": errors.check(clean_optional_text, address, "address", MAX_ADDRESS),
        "website": errors.check(clean_website, website),
        "accessibility": errors.check(clean_accessibility, accessibility),
    }
    regions = errors.check(clean_ids, region_ids, "region", "regionIds")
    kinds = errors.check(_clean_kinds, service_kinds)
    lang = errors.check(clean_choice, Language, language, "language")
    display = errors.check(clean_optional_text, representative_name, "representativeName", 200)
    errors.raise_if_any()
    assert number is not None and regions is not None and lang is not None
    known = set((await session.execute(select(Region.id).where(Region.id.in_(regions)))).scalars())
    if known != set(regions):
        raise DomainError(ErrorCode.NOT_FOUND, "No such region.", "regionIds")
    if (await session.execute(select(Provider.id).where(Provider.bin == number))).first() is not None:
        raise DomainError(ErrorCode.DUPLICATE, "An organisation with this BIN is already registered.", "bin")
    provider = Provider(bin=number, verification_status=VerificationStatus.PENDING, service_kinds=kinds,
                        **names, **contacts)
    session.add(provider)
    try:
        await session.flush()
    except Exception as exc:  # a concurrent registration of the same BIN won the unique constraint
        if "bin" in str(getattr(exc, "orig", exc)).lower():
            raise DomainError(ErrorCode.DUPLICATE, "An organisation with this BIN is already registered.",
                              "bin") from exc
        raise
    for rid in regions:
        session.add(ProviderRegion(provider_id=provider.id, region_id=rid))
    account = await create_account(session, None, username=username if isinstance(username, str) else "",
                                   password=password if isinstance(password, str) else "", role=Role.PROVIDER,
                                   display_name=display or names["name"] or "", provider_id=provider.id,
                                   language=lang)
    representative = Viewer(account_id=account.id, role=Role.PROVIDER, provider_id=provider.id, language=lang)
    after = snapshot(provider)
    after["region_ids"] = sorted(regions)
    audit(session, representative, "provider.registered", provider, None, after)
    session.add(SearchOutbox(entity="provider", entity_id=provider.id))
    return provider, account


async def list_providers(
    session: AsyncSession,
    viewer: Viewer,
    *,
    verification_status: VerificationStatus | str | None = None,
    first: int = 20,
    after: int | None = None,
    count_only: bool = False,
) -> list[Provider] | int:
    """The admin's queue: providers (of a status), oldest registration first, keyset-paged by id.
    Returns up to ``first + 1`` rows."""
    viewer.require_role(Role.ADMIN)
    clean_page_size(first)
    stmt = select(Provider)
    if verification_status is not None:
        stmt = stmt.where(Provider.verification_status == clean_choice(
            VerificationStatus, verification_status, "verificationStatus",
            lambda: DomainError(ErrorCode.INVALID, "Not a verification status.", "verificationStatus")))
    return await id_page(session, stmt, Provider, first=first, after=after, count_only=count_only)


async def suspend_provider(session: AsyncSession, viewer: Viewer, provider_id: int, reason: str) -> ProviderProfile:
    """Admin: suspend, with a reason the provider reads; its listings leave search, no new orders."""
    viewer.require_role(Role.ADMIN)
    return await verify_provider(session, viewer, provider_id, VerificationStatus.SUSPENDED,
                                 clean_review_note(reason, required=True))


async def reinstate_provider(session: AsyncSession, viewer: Viewer, provider_id: int, reason: str) -> ProviderProfile:
    """Admin: SUSPENDED → VERIFIED, with a reason the provider reads (a PENDING one is verified instead)."""
    viewer.require_role(Role.ADMIN)
    why = clean_review_note(reason, required=True)
    provider = await session.get(Provider, clean_id(provider_id, "provider", "providerId"))
    if provider is None:
        raise DomainError(ErrorCode.NOT_FOUND, "No such provider.", "providerId")
    if provider.verification_status != VerificationStatus.SUSPENDED:
        raise DomainError(ErrorCode.INVALID_TRANSITION,
                          "The provider is {status}; only a suspended one is reinstated.",
                          "providerId", status=provider.verification_status)
    return await verify_provider(session, viewer, provider.id, VerificationStatus.VERIFIED, why)

