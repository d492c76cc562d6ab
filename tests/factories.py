"""The tests' one world: builders for test data, the worlds made of them, and the one way to call
a service (``run``) or to see it refuse (``refused``).

The builders add rows to an open session and return them. They write straight to the database
(no business rules), so a test can set up any state and then call the service under test.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import itertools
import uuid
from collections.abc import Awaitable
from dataclasses import dataclass
from decimal import Decimal
from types import SimpleNamespace
from typing import Any

import pytest
from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import AsyncSession

from marketplace.accounts.access import Viewer
from marketplace.accounts.models import Account, Language, Person, Region, Role, Sex
from marketplace.accounts.security import hash_password
from marketplace.catalog.models import ClassifierItem, ItemCategory, ItemKind, Listing, ListingRegion, ListingStatus
from marketplace.catalog.models import Provider, ProviderRegion, Unit, VerificationStatus
from marketplace import clock
from marketplace.audit.models import AuditEvent
from marketplace.db import Database
from marketplace.errors import DomainError, ErrorCode
from marketplace.identifiers import make_bin, make_iin
from marketplace.orders.models import Order, OrderStatus
from marketplace.orders.pricing import shares
from marketplace.records.models import DisabilityGroup, DisabilityRecord, Entitlement, ExamFormat
from marketplace.transport.models import Vehicle

_seq = itertools.count(1)
ANONYMOUS = Viewer.anonymous()
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


async def _in_regions(session: AsyncSession, obj: Any, regions: list[Region], link: Any) -> Any:
    """``obj`` written, then its rows for the ``regions`` it serves (``link(region)``, made once it has its id)."""
    session.add(obj)
    await session.flush()
    session.add_all([link(r) for r in regions])
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
    return await _in_regions(session, obj, regions, lambda r: ProviderRegion(provider_id=obj.id, region_id=r.id))


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
    return await _in_regions(session, obj, regions, lambda r: ListingRegion(listing_id=obj.id, region_id=r.id))


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


async def order(session: AsyncSession, person: Person, account: Account, listing: Listing, ent: Entitlement, *,
                quantity: Decimal = Decimal("1"), cap: Decimal | None = Decimal("250000.00"),
                status: OrderStatus = OrderStatus.CONFIRMED, **kw: Any) -> Order:
    """An order of ``listing`` on the entitlement ``ent``, placed by ``account`` for ``person``: straight into the
    table (no business rules), with its price split under the price cap ``cap``."""
    split = shares(listing.unit_price, cap, quantity)
    obj = Order(
        person_id=person.id,
        region_id=person.region_id,
        placed_by_account_id=account.id,
        listing_id=listing.id,
        provider_id=listing.provider_id,
        entitlement_id=ent.id,
        classifier_item_id=listing.classifier_item_id,
        quantity=quantity,
        unit_price=listing.unit_price,
        price_cap=cap,
        total=split.total,
        state_share=split.state_share,
        co_payment=split.co_payment,
        status=status,
        idempotency_key=kw.pop("idempotency_key", uuid.uuid4().hex),
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

    def viewer(self, name: str | None) -> Viewer:
        """The viewer of the ``<name>_account``; ``None``: nobody signed in (``ANONYMOUS``)."""
        return ANONYMOUS if name is None else viewer_of(getattr(self, f"{name}_account"))


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


# -- calling services ---------------------------------------------------------------------------
def new_key(prefix: str = "key") -> str:
    """A fresh idempotency key."""
    return f"{prefix}-{next(_seq)}"


async def run(db: Database, fn: Any, *args: Any, **kwargs: Any) -> Any:
    """Call a service in a transaction of its own (committed unless it raises)."""
    async with db.transaction() as s:
        return await fn(s, *args, **kwargs)


async def outcome(call: Awaitable[Any]) -> Any:
    """What a call gives, or its refusal (the ``DomainError``, answered instead of raised): for calls that race."""
    try:
        return await call
    except DomainError as exc:
        return exc


async def attempt(db: Database, fn: Any, *args: Any, **kwargs: Any) -> Any:
    """``run``, with a refusal answered as its ``DomainError`` (``outcome``)."""
    return await outcome(run(db, fn, *args, **kwargs))


async def race(*calls: Awaitable[Any]) -> tuple[list[Any], list[DomainError]]:
    """The ``outcome`` of each call, all run at once: what they gave, and their refusals (each in the calls' order)."""
    results = await asyncio.gather(*[outcome(c) for c in calls])
    return [r for r in results if not isinstance(r, DomainError)], [r for r in results if isinstance(r, DomainError)]


async def refused(db: Database, code: ErrorCode, fn: Any, *args: Any, **kwargs: Any) -> DomainError:
    """The call is refused with ``code`` (and nothing of it committed); the refusal, to look at further."""
    with pytest.raises(DomainError) as info:
        await run(db, fn, *args, **kwargs)
    assert info.value.code == code, f"expected {code}, got {info.value!r}"
    return info.value


async def refused_at(db: Database, code: ErrorCode, field: str | None, fn: Any, *args: Any, **kwargs: Any
                     ) -> DomainError:
    """``refused``, on ``field`` (``...``: whatever the field)."""
    err = await refused(db, code, fn, *args, **kwargs)
    if field is not ...:
        assert err.field == field, f"expected field {field!r}, got {err!r}"
    return err


async def change(db: Database, model: Any, where: Any, **values: Any) -> None:
    """Set ``values`` on the rows of ``model`` that match ``where``, straight in the table (no business
    rules), in a transaction of its own: a state for the service under test to meet."""
    async with db.transaction() as s:
        await s.execute(update(model).where(where).values(**values))


async def actions(db: Database, subject_type: str, subject_id: int) -> list[str]:
    """The audit trail of one subject, oldest first."""
    async with db.session() as s:
        rows = await s.execute(
            select(AuditEvent.action)
            .where(AuditEvent.subject_type == subject_type, AuditEvent.subject_id == subject_id)
            .order_by(AuditEvent.id)
        )
        return list(rows.scalars())


# -- worlds for the granted services --------------------------------------------------------------
@dataclass
class GrantWorld:
    region_a: Region
    region_b: Region
    assistant: ClassifierItem
    social_home: ClassifierItem
    social_day: ClassifierItem
    taxi: ClassifierItem
    wheelchair: ClassifierItem
    eligible: Person  # group I, difficulty moving, no carer's allowance
    group_two: Person
    walks: Person  # group I without difficulty moving
    allowance: Person  # group I, difficulty moving, carer's allowance paid
    no_record: Person
    parent: Person
    child: Person  # represented by parent
    person_b: Person  # eligible, region B
    accounts: dict[str, Account]
    assistant_provider: Provider
    assistant_listing: Listing
    taxi_provider: Provider
    taxi_listing: Listing
    van: Vehicle  # wheelchair-accessible, region A
    sedan: Vehicle  # not accessible, region A

    def viewer(self, name: str, represented: frozenset[int] = frozenset()) -> Viewer:
        acc = self.accounts[name]
        if name == "parent" and not represented:
            represented = frozenset({self.child.id})
        return viewer_of(acc, represented)


async def build_grant_world(s: AsyncSession) -> GrantWorld:
    a = await region(s)
    b = await region(s)
    assistant = await classifier_item(
        s, kind=ItemKind.SERVICE, unit=Unit.HOUR, category=ItemCategory.PERSONAL_ASSISTANT,
        price_cap=Decimal("2000.00"), name_kk="Жеке көмекші", name_ru="Индивидуальный помощник",
        name_en="Personal assistant",
    )
    social_home = await classifier_item(s, kind=ItemKind.SERVICE, unit=Unit.DAY,
                                          category=ItemCategory.SOCIAL_SERVICES, price_cap=Decimal("4500.00"))
    social_day = await classifier_item(s, kind=ItemKind.SERVICE, unit=Unit.DAY,
                                         category=ItemCategory.SOCIAL_SERVICES, price_cap=Decimal("7500.00"))
    taxi = await classifier_item(
        s, kind=ItemKind.SERVICE, unit=Unit.TRIP, category=ItemCategory.TRANSPORT, price_cap=Decimal("2500.00"),
        name_kk="Инватакси сапары", name_ru="Поездка на инватакси", name_en="Invataxi trip",
    )
    wheelchair = await classifier_item(s)
    span = {"valid_from": today() - dt.timedelta(days=400), "valid_until": today() + dt.timedelta(days=800)}

    async def recorded(region: Region, group: DisabilityGroup | None, **kw: Any) -> Person:
        p = await person(s, region, **kw)
        if group is not None:
            await disability_record(s, p, group=group, **span)
        return p

    eligible = await recorded(a, DisabilityGroup.I, has_mobility_difficulty=True, phone="+77010000001")
    group_two = await recorded(a, DisabilityGroup.II, has_mobility_difficulty=True)
    walks = await recorded(a, DisabilityGroup.I, has_mobility_difficulty=False)
    allowance = await recorded(a, DisabilityGroup.I, has_mobility_difficulty=True, receives_carer_allowance=True)
    no_record = await recorded(a, None, has_mobility_difficulty=True)
    parent = await recorded(a, None)
    child = await recorded(a, DisabilityGroup.CHILD, legal_representative_id=parent.id,
                         birth_date=today() - dt.timedelta(days=365 * 8))
    person_b = await recorded(b, DisabilityGroup.I, has_mobility_difficulty=True)

    assistant_provider = await provider(s, [a], email="care@example.kz", phone="+77270000000")
    assistant_listing = await listing(s, assistant_provider, assistant, [a], unit_price=Decimal("2000.00"),
                                        delivery_options=["AT_HOME_SERVICE"])
    taxi_provider = await provider(s, [a], email="taxi@example.kz")
    taxi_listing = await listing(s, taxi_provider, taxi, [a], unit_price=Decimal("2500.00"),
                                   delivery_options=["AT_HOME_SERVICE"])
    van = Vehicle(provider_id=taxi_provider.id, plate_number=f"{next(_seq):03d}VAN02", model="Ford Transit",
                  wheelchair_accessible=True, seats=3, service_region_ids=[a.id], is_active=True)
    sedan = Vehicle(provider_id=taxi_provider.id, plate_number=f"{next(_seq):03d}SED02", model="Hyundai Accent",
                    wheelchair_accessible=False, seats=3, service_region_ids=[a.id], is_active=True)
    s.add_all([van, sedan])
    await s.flush()

    acc = {
        "eligible": await account(s, Role.RECIPIENT, person_id=eligible.id, language=Language.KK),
        "group_two": await account(s, Role.RECIPIENT, person_id=group_two.id),
        "walks": await account(s, Role.RECIPIENT, person_id=walks.id),
        "allowance": await account(s, Role.RECIPIENT, person_id=allowance.id),
        "no_record": await account(s, Role.RECIPIENT, person_id=no_record.id),
        "parent": await account(s, Role.RECIPIENT, person_id=parent.id, language=Language.EN),
        "person_b": await account(s, Role.RECIPIENT, person_id=person_b.id),
        "officer_a": await account(s, Role.LOCAL_BODY, region_id=a.id, language=Language.RU),
        "officer_a2": await account(s, Role.LOCAL_BODY, region_id=a.id, language=Language.EN),
        "officer_b": await account(s, Role.LOCAL_BODY, region_id=b.id),
        "provider": await account(s, Role.PROVIDER, provider_id=assistant_provider.id, language=Language.EN),
        "taxi": await account(s, Role.PROVIDER, provider_id=taxi_provider.id, language=Language.RU),
        "admin": await account(s, Role.ADMIN),
    }
    return GrantWorld(
        region_a=a, region_b=b, assistant=assistant, social_home=social_home, social_day=social_day, taxi=taxi,
        wheelchair=wheelchair, eligible=eligible, group_two=group_two, walks=walks, allowance=allowance,
        no_record=no_record, parent=parent, child=child, person_b=person_b, accounts=acc,
        assistant_provider=assistant_provider, assistant_listing=assistant_listing, taxi_provider=taxi_provider,
        taxi_listing=taxi_listing, van=van, sedan=sedan,
    )


async def hours_world(db: Database, *, quantity: int = 200, daily_limit: Decimal | None = Decimal("8"),
                      category: ItemCategory = ItemCategory.PERSONAL_ASSISTANT) -> Any:
    """A personal-assistant setup in region A: a group I person who has difficulty
    moving, two providers with hourly listings, an entitlement; and a second such person."""
    async with db.transaction() as s:
        w = await build_world(s)
        h = SimpleNamespace(world=w)
        h.item = await classifier_item(s, kind=ItemKind.SERVICE, unit=Unit.HOUR, category=category,
                                         price_cap=Decimal("1500.00"))
        h.person = await person(s, w.region_a, has_mobility_difficulty=True)
        await disability_record(s, h.person, group=DisabilityGroup.I)
        h.entitlement = await entitlement(s, h.person, h.item, quantity=quantity, daily_limit=daily_limit)
        h.account = await account(s, Role.RECIPIENT, person_id=h.person.id)
        h.provider_1 = w.provider_a
        h.provider_2 = await provider(s, [w.region_a])
        h.provider_1_account = w.provider_a_account
        h.provider_2_account = await account(s, Role.PROVIDER, provider_id=h.provider_2.id)
        h.listing_1 = await listing(s, h.provider_1, h.item, [w.region_a], unit_price=Decimal("1500.00"),
                                      delivery_options=["AT_HOME_SERVICE"])
        h.listing_2 = await listing(s, h.provider_2, h.item, [w.region_a], unit_price=Decimal("1400.00"),
                                      delivery_options=["AT_HOME_SERVICE"])
        # A second person, for a worker who would be in two places at once.
        h.other = await person(s, w.region_a, has_mobility_difficulty=True)
        await disability_record(s, h.other, group=DisabilityGroup.I)
        h.other_entitlement = await entitlement(s, h.other, h.item, quantity=quantity, daily_limit=daily_limit)
        h.other_account = await account(s, Role.RECIPIENT, person_id=h.other.id)
    h.viewer = viewer_of(h.account)
    h.other_viewer = viewer_of(h.other_account)
    h.provider_1_viewer = viewer_of(h.provider_1_account)
    h.provider_2_viewer = viewer_of(h.provider_2_account)
    return h
