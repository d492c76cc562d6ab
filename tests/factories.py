"""Builders for test data: each adds rows to an open session and returns them.

They write straight to the database (no business rules), so a test can set up
any state and then call the service under test.
"""

from __future__ import annotations

import datetime as dt
import itertools
from decimal import Decimal
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from marketplace.accounts.access import Viewer
from marketplace.accounts.models import Account, Language, Person, Region, Role, Sex
from marketplace.accounts.security import hash_password
from marketplace.catalog.models import (
    ClassifierItem,
    ItemCategory,
    ItemKind,
    Listing,
    ListingRegion,
    ListingStatus,
    Provider,
    ProviderRegion,
    Unit,
    VerificationStatus,
)
from marketplace import clock
from marketplace.identifiers import make_bin, make_iin
from marketplace.records.models import DisabilityGroup, DisabilityRecord, Entitlement, ExamFormat

_seq = itertools.count(1)
TEST_PASSWORD = "correct horse battery staple"
_PASSWORD_HASH: str | None = None


def _password_hash() -> str:
    global _PASSWORD_HASH
    if _PASSWORD_HASH is None:
        _PASSWORD_HASH = hash_password(TEST_PASSWORD)
    return _PASSWORD_HASH


def today() -> dt.date:
    """Today in Kazakhstan, as the services count it."""
    return clock.today()


async def region(session: AsyncSession, code: str | None = None) -> Region:
    n = next(_seq)
    obj = Region(code=code or f"R{n}", name_kk=f"Аймақ {n}", name_ru=f"Регион {n}", name_en=f"Region {n}")
    session.add(obj)
    await session.flush()
    return obj


async def person(session: AsyncSession, region: Region, **kw: Any) -> Person:
    n = next(_seq)
    # Adults born in the 1980s whatever the counter: a long run must not turn them into children.
    birth = kw.pop("birth_date", dt.date(1980, 1, 1) + dt.timedelta(days=n % 3650))
    sex = kw.pop("sex", Sex.F if n % 2 else Sex.M)
    obj = Person(
        iin=kw.pop("iin", make_iin(birth, sex.value, n)),
        last_name=kw.pop("last_name", f"Тестова{n}"),
        first_name=kw.pop("first_name", "Айгерим"),
        birth_date=birth,
        sex=sex,
        region_id=region.id,
        **kw,
    )
    session.add(obj)
    await session.flush()
    return obj


async def account(session: AsyncSession, role: Role, **scope: Any) -> Account:
    n = next(_seq)
    obj = Account(
        username=scope.pop("username", f"{role.value.lower()}{n}"),
        password_hash=_password_hash(),
        role=role,
        display_name=scope.pop("display_name", f"{role.value} {n}"),
        language=scope.pop("language", Language.RU),
        **scope,
    )
    session.add(obj)
    await session.flush()
    return obj


def viewer_of(acc: Account, represented: frozenset[int] = frozenset()) -> Viewer:
    return Viewer(
        account_id=acc.id,
        role=acc.role,
        person_id=acc.person_id,
        provider_id=acc.provider_id,
        region_id=acc.region_id,
        language=acc.language,
        represented_person_ids=represented,
    )


# The norms the state classifier gives items of these categories (marketplace/demo/data.py).
_CATEGORY_NORMS: dict[ItemCategory, dict[str, Any]] = {
    ItemCategory.PERSONAL_ASSISTANT: {"daily_max": Decimal(8)},
    ItemCategory.SANATORIUM: {"companion_allowed": True, "course_days": 14},
    ItemCategory.TRANSPORT: {"companion_allowed": True},
}


async def classifier_item(session: AsyncSession, **kw: Any) -> ClassifierItem:
    n = next(_seq)
    kw = {**_CATEGORY_NORMS.get(kw.get("category", ItemCategory.MOBILITY), {}), **kw}
    obj = ClassifierItem(
        code=kw.pop("code", f"T-{n:05d}"),
        name_kk=kw.pop("name_kk", f"Мүгедектер арбасы {n}"),
        name_ru=kw.pop("name_ru", f"Кресло-коляска {n}"),
        name_en=kw.pop("name_en", f"Wheelchair {n}"),
        kind=kw.pop("kind", ItemKind.PRODUCT),
        unit=kw.pop("unit", Unit.PIECE),
        category=kw.pop("category", ItemCategory.MOBILITY),
        price_cap=kw.pop("price_cap", Decimal("250000.00")),
        **kw,
    )
    session.add(obj)
    await session.flush()
    return obj


async def provider(session: AsyncSession, regions: list[Region], **kw: Any) -> Provider:
    n = next(_seq)
    obj = Provider(
        bin=kw.pop("bin", make_bin(2015, 1 + n % 12, n)),
        name=kw.pop("name", f'ТОО "Провайдер {n}"'),
        verification_status=kw.pop("verification_status", VerificationStatus.VERIFIED),
        **kw,
    )
    session.add(obj)
    await session.flush()
    for r in regions:
        session.add(ProviderRegion(provider_id=obj.id, region_id=r.id))
    await session.flush()
    return obj


async def listing(
    session: AsyncSession, provider: Provider, item: ClassifierItem, regions: list[Region], **kw: Any
) -> Listing:
    n = next(_seq)
    obj = Listing(
        provider_id=provider.id,
        classifier_item_id=item.id,
        title_ru=kw.pop("title_ru", f"{item.name_ru} модель {n}"),
        title_kk=kw.pop("title_kk", f"{item.name_kk} үлгі {n}"),
        title_en=kw.pop("title_en", f"{item.name_en} model {n}"),
        description_ru=kw.pop("description_ru", "Описание"),
        unit_price=kw.pop("unit_price", Decimal("200000.00")),
        status=kw.pop("status", ListingStatus.PUBLISHED),
        delivery_options=kw.pop("delivery_options", ["HOME_DELIVERY"]),
        lead_time_days=kw.pop("lead_time_days", 10),
        attributes=kw.pop("attributes", {}),
        **kw,
    )
    session.add(obj)
    await session.flush()
    for r in regions:
        session.add(ListingRegion(listing_id=obj.id, region_id=r.id))
    await session.flush()
    return obj


async def disability_record(session: AsyncSession, person: Person, **kw: Any) -> DisabilityRecord:
    obj = DisabilityRecord(
        person_id=person.id,
        region_id=kw.pop("region_id", person.region_id),
        group=kw.pop("group", DisabilityGroup.II),
        cause=kw.pop("cause", "GENERAL_DISEASE"),
        nosology_code=kw.pop("nosology_code", "G80"),
        exam_format=kw.pop("exam_format", ExamFormat.IN_ABSENTIA),
        valid_from=kw.pop("valid_from", today() - dt.timedelta(days=365)),
        valid_until=kw.pop("valid_until", today() + dt.timedelta(days=365)),
        **kw,
    )
    session.add(obj)
    await session.flush()
    return obj


async def entitlement(session: AsyncSession, person: Person, item: ClassifierItem, **kw: Any) -> Entitlement:
    obj = Entitlement(
        person_id=person.id,
        region_id=kw.pop("region_id", person.region_id),
        classifier_item_id=item.id,
        quantity=Decimal(kw.pop("quantity", 1)),
        reserved=Decimal(kw.pop("reserved", 0)),
        consumed=Decimal(kw.pop("consumed", 0)),
        valid_from=kw.pop("valid_from", today() - dt.timedelta(days=30)),
        valid_until=kw.pop("valid_until", today() + dt.timedelta(days=335)),
        **kw,
    )
    session.add(obj)
    await session.flush()
    return obj


class World:
    """A small, complete portal: two regions, and in each a recipient with a
    record and an entitlement, an officer, a provider with a listing; plus an admin."""

    region_a: Region
    region_b: Region
    item: ClassifierItem
    recipient_a: Person
    recipient_b: Person
    recipient_a_account: Account
    recipient_b_account: Account
    officer_a_account: Account
    officer_b_account: Account
    provider_a: Provider
    provider_b: Provider
    provider_a_account: Account
    provider_b_account: Account
    admin_account: Account
    listing_a: Listing
    listing_b: Listing
    entitlement_a: Entitlement
    entitlement_b: Entitlement

    def viewer(self, name: str) -> Viewer:
        return viewer_of(getattr(self, f"{name}_account"))


async def build_world(session: AsyncSession) -> World:
    w = World()
    w.region_a = await region(session)
    w.region_b = await region(session)
    w.item = await classifier_item(session)
    w.recipient_a = await person(session, w.region_a)
    w.recipient_b = await person(session, w.region_b)
    await disability_record(session, w.recipient_a)
    await disability_record(session, w.recipient_b)
    w.entitlement_a = await entitlement(session, w.recipient_a, w.item, quantity=2)
    w.entitlement_b = await entitlement(session, w.recipient_b, w.item, quantity=2)
    w.provider_a = await provider(session, [w.region_a])
    w.provider_b = await provider(session, [w.region_b])
    w.listing_a = await listing(session, w.provider_a, w.item, [w.region_a])
    w.listing_b = await listing(session, w.provider_b, w.item, [w.region_b])
    w.recipient_a_account = await account(session, Role.RECIPIENT, person_id=w.recipient_a.id)
    w.recipient_b_account = await account(session, Role.RECIPIENT, person_id=w.recipient_b.id)
    w.officer_a_account = await account(session, Role.LOCAL_BODY, region_id=w.region_a.id)
    w.officer_b_account = await account(session, Role.LOCAL_BODY, region_id=w.region_b.id)
    w.provider_a_account = await account(session, Role.PROVIDER, provider_id=w.provider_a.id)
    w.provider_b_account = await account(session, Role.PROVIDER, provider_id=w.provider_b.id)
    w.admin_account = await account(session, Role.ADMIN)
    return w
