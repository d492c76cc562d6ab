"""The demo data set: regions, classifier, providers, listings, recipients, one login per role.

Deterministic (a fixed random seed) and safe to re-run: each part is filled
only when its table has none of it yet. Listings reach the search index by
the usual route (outbox rows, then the index worker or ``tirek reindex``).
"""

from __future__ import annotations

import datetime as dt
import random
from collections.abc import Iterable, Mapping
from decimal import Decimal
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession
from tqdm import tqdm

from marketplace.accounts.models import Account, Language, Person, Region, Role, Sex
from marketplace.accounts.security import hash_password
from marketplace.catalog.models import ClassifierItem, ItemCategory, ItemKind, Listing, ListingRegion, ListingStatus
from marketplace.catalog.models import Provider, ProviderRegion, SearchOutbox, Unit, VerificationStatus
from marketplace import clock
from marketplace.db import Database
from marketplace.claims.models import CompensationClaim
from marketplace.demo import data
from marketplace.demo.history import seed_demo_history
from marketplace.demo.listing_texts import listing_texts
from marketplace.demo.organisations import provider_profiles
from marketplace.demo.people import person_name
from marketplace.identifiers import make_bin, make_iin
from marketplace.orders.models import Order
from marketplace.records import norms
from marketplace.records.models import DisabilityGroup, DisabilityRecord, Entitlement, ExamFormat
from marketplace.transport.models import Vehicle

DEMO_PASSWORD = "tirek-demo-2026"
DEMO_LOGINS = {
    "recipient": "RECIPIENT - Aigerim, group I, Astana: wheelchair, sign language, hygiene, invataxi trips, "
                 "a bionic hand (by quote); may apply for an assistant",
    "parent": "RECIPIENT - a parent who represents a child with a disability, Almaty",
    "provider": "PROVIDER - a verified supplier of technical aids serving Astana and Almaty",
    "invataxi": "PROVIDER - Invataxi Astana: accessible transport, two vehicles",
    "provider-pending": "PROVIDER - a prosthetics workshop that signed up and waits for the admin's verification",
    "officer": "LOCAL_BODY - social-protection officer of Astana",
    "officer-almaty": "LOCAL_BODY - social-protection officer of Almaty",
    "admin": "ADMIN - keeps the classifier, regions, accounts; verifies providers",
}
SEED = 2026


def _get(obj: Any, name: str, default: Any = None) -> Any:
    if isinstance(obj, Mapping):
        return obj.get(name, default)
    return getattr(obj, name, default)


async def _count(session: AsyncSession, model: Any) -> int:
    return int((await session.execute(select(func.count()).select_from(model))).scalar_one())


async def seed_demo(db: Database, *, recipients: int = 200, listings: int = 500, providers: int = 50) -> dict[str, int]:
    rng = random.Random(SEED)
    async with db.transaction() as s:
        regions = await _seed_regions(s)
        items = await _seed_classifier(s)
    async with db.transaction() as s:
        provider_rows = await _seed_providers(s, rng, regions, providers)
    async with db.transaction() as s:
        await _seed_listings(s, rng, provider_rows, items, listings)
    async with db.transaction() as s:
        await _seed_recipients(s, rng, regions, items, recipients)
    async with db.transaction() as s:
        await _seed_demo_accounts(s, regions, items, provider_rows)
    async with db.transaction() as s:
        await _seed_demo_invataxi(s, regions, items)
    async with db.transaction() as s:
        await _seed_demo_quotes(s, regions, items)
    async with db.session() as s:  # the demo logins' persons and organisations start from a clean slate
        logins = (await s.execute(select(Account.person_id, Account.provider_id))).all()
    await seed_demo_history(db, rng, {p for p, _ in logins if p is not None}, {o for _, o in logins if o is not None})
    async with db.session() as s:
        return {
            "regions": await _count(s, Region),
            "classifier items": await _count(s, ClassifierItem),
            "providers": await _count(s, Provider),
            "listings": await _count(s, Listing),
            "persons": await _count(s, Person),
            "entitlements": await _count(s, Entitlement),
            "accounts": await _count(s, Account),
            "vehicles": await _count(s, Vehicle),
            "orders": await _count(s, Order),
            "claims": await _count(s, CompensationClaim),
        }


async def _seed_regions(s: AsyncSession) -> list[Region]:
    existing = {r.code: r for r in (await s.execute(select(Region))).scalars()}
    for r in data.REGIONS:
        if _get(r, "code") not in existing:
            region = Region(code=_get(r, "code"), name_kk=_get(r, "name_kk"), name_ru=_get(r, "name_ru"),
                            name_en=_get(r, "name_en"))
            s.add(region)
            existing[region.code] = region
    await s.flush()
    return sorted(existing.values(), key=lambda r: r.code)


async def _seed_classifier(s: AsyncSession) -> list[ClassifierItem]:
    existing = {c.code: c for c in (await s.execute(select(ClassifierItem))).scalars()}
    for c in data.CLASSIFIER:
        if _get(c, "code") in existing:
            continue
        cap = _get(c, "price_cap")
        item = ClassifierItem(
            code=_get(c, "code"), name_kk=_get(c, "name_kk"), name_ru=_get(c, "name_ru"), name_en=_get(c, "name_en"),
            kind=ItemKind(_get(c, "kind")), unit=Unit(_get(c, "unit")), category=ItemCategory(_get(c, "category")),
            price_cap=Decimal(cap) if cap is not None else None, service_life_months=_get(c, "service_life_months"),
            **_norms(c),
        )
        s.add(item)
        existing[item.code] = item
    await s.flush()
    for c in data.CLASSIFIER:
        base = _get(c, "companion_variant_of", None)
        if base and base in existing:
            existing[_get(c, "code")].companion_variant_of_id = existing[base].id
    await s.flush()
    return sorted(existing.values(), key=lambda c: c.code)


def _norms(entry: Any) -> dict[str, Any]:
    if isinstance(entry, Mapping):
        return {k: entry.get(k) for k in ("quarterly_release", "yearly_max", "daily_max", "course_days")} | {
            "companion_allowed": bool(entry.get("companion_allowed"))}
    return entry.norms()


_PROFILE_CATEGORIES: dict[str, set[str]] = {}


def _provider_profiles(rng: random.Random, count: int) -> list[dict[str, Any]]:
    profiles = list(provider_profiles(count, rng))
    for profile in profiles:
        _PROFILE_CATEGORIES[_get(profile, "name")] = set(_get(profile, "categories", []) or [])
    return profiles


def _categories_of(provider_name: str) -> set[str]:
    if not _PROFILE_CATEGORIES:
        _provider_profiles(random.Random(SEED), 200)
    return _PROFILE_CATEGORIES.get(provider_name, set())


async def _seed_providers(s: AsyncSession, rng: random.Random, regions: list[Region], count: int) -> list[Provider]:
    have = list((await s.execute(select(Provider).order_by(Provider.id))).scalars())
    if have:
        return have
    by_code = {r.code: r for r in regions}
    big_cities = [by_code[c] for c in ("ASTANA", "ALMATY_CITY", "SHYMKENT") if c in by_code]
    rows: list[Provider] = []
    for n, profile in enumerate(_provider_profiles(rng, count)):
        provider = Provider(
            bin=make_bin(2005 + n % 18, 1 + n % 12, 1000 + n * 7),
            name=_get(profile, "name"),
            verification_status=VerificationStatus.VERIFIED if n % 10 else VerificationStatus.PENDING,
            phone=_get(profile, "phone"), email=_get(profile, "email"), address=_get(profile, "address"),
            website=_get(profile, "website"), accessibility=list(_get(profile, "accessibility", []) or []),
        )
        s.add(provider)
        rows.append(provider)
    await s.flush()
    for n, provider in enumerate(rows):
        served = set(rng.sample(regions, k=rng.randint(1, 5)))
        served.add(big_cities[n % len(big_cities)] if big_cities else regions[0])
        if n == 0:
            served.update(big_cities[:2])
        for region in sorted(served, key=lambda r: r.code):  # a set of rows: its order is the process's
            s.add(ProviderRegion(provider_id=provider.id, region_id=region.id))
    await s.flush()
    return rows


async def _seed_listings(
    s: AsyncSession, rng: random.Random, providers: list[Provider], items: list[ClassifierItem], count: int
) -> None:
    if await _count(s, Listing):
        return
    served = {}
    # In a fixed order: the random choices below must make the same data set every time.
    for pid, rid in (await s.execute(select(ProviderRegion.provider_id, ProviderRegion.region_id)
                                     .order_by(ProviderRegion.provider_id, ProviderRegion.region_id))).all():
        served.setdefault(pid, []).append(rid)
    statuses = [ListingStatus.PUBLISHED] * 17 + [ListingStatus.PENDING_REVIEW, ListingStatus.DRAFT, ListingStatus.ARCHIVED]
    for n in tqdm(range(count), desc="listings", unit="listing", leave=False):
        provider = providers[n % len(providers)]
        # A provider offers what its kind of organisation sells: no wheelchairs from a sanatorium.
        offered = [i for i in items if i.category.value in _categories_of(provider.name)] or items
        item = offered[(n // len(providers)) % len(offered)]
        texts = listing_texts(item, provider.name, rng)
        cap = item.price_cap
        if cap is None:
            price = Decimal(rng.randrange(1_500_000, 4_500_000, 1000))
        else:
            # Most offers sit at or under the cap; some above it, for a co-payment.
            factor = Decimal(rng.choice(["0.80", "0.90", "0.95", "1.00", "1.00", "1.10", "1.25"]))
            price = (cap * factor).quantize(Decimal("1"))
        status = ListingStatus.PUBLISHED if provider.verification_status == VerificationStatus.VERIFIED and n < 20 \
            else rng.choice(statuses)
        if provider.verification_status != VerificationStatus.VERIFIED and status == ListingStatus.PUBLISHED:
            status = ListingStatus.PENDING_REVIEW
        listing = Listing(
            provider_id=provider.id, classifier_item_id=item.id, title_kk=_get(texts, "title_kk"),
            title_ru=_get(texts, "title_ru"), title_en=_get(texts, "title_en"),
            description_kk=_get(texts, "description_kk"), description_ru=_get(texts, "description_ru"),
            description_en=_get(texts, "description_en"), unit_price=price,
            delivery_options=_delivery_for(item, rng), lead_time_days=rng.choice([1, 3, 5, 7, 10, 14, 21]),
            stock=None if item.kind == ItemKind.SERVICE else rng.choice([None, 0, 3, 10, 25, 100]),
            attributes=dict(_get(texts, "attributes", {}) or {}), status=status,
        )
        s.add(listing)
        await s.flush()
        regions = served[provider.id]
        for rid in rng.sample(regions, k=max(1, min(len(regions), rng.randint(1, len(regions))))):
            s.add(ListingRegion(listing_id=listing.id, region_id=rid))
        s.add(SearchOutbox(entity="listing", entity_id=listing.id))
    await s.flush()


def _delivery_for(item: ClassifierItem, rng: random.Random) -> list[str]:
    if item.category == ItemCategory.SANATORIUM:
        return ["AT_PROVIDER"]
    if item.category == ItemCategory.SIGN_LANGUAGE:
        return rng.choice([["REMOTE", "AT_HOME_SERVICE"], ["AT_HOME_SERVICE"], ["REMOTE"]])
    if item.kind == ItemKind.SERVICE:
        return ["AT_HOME_SERVICE"]
    return rng.choice([["HOME_DELIVERY", "PICKUP"], ["HOME_DELIVERY"], ["PICKUP"], ["AT_PROVIDER", "HOME_DELIVERY"]])


def _choose_group(rng: random.Random, age: int) -> DisabilityGroup:
    if age < 18:
        return DisabilityGroup.CHILD
    return rng.choices([DisabilityGroup.I, DisabilityGroup.II, DisabilityGroup.III], weights=[18, 47, 35])[0]


def _birth_date(rng: random.Random, today: dt.date) -> dt.date:
    # The seeds' mix: 57.2% working age, 27.5% retired, 15.3% children.
    band = rng.choices(["working", "retired", "child"], weights=[572, 275, 153])[0]
    age = {"working": rng.randint(18, 62), "retired": rng.randint(63, 90), "child": rng.randint(1, 17)}[band]
    return today - dt.timedelta(days=age * 365 + rng.randint(0, 364))


def _items_for(nosology: Any, items: list[ClassifierItem], rng: random.Random) -> list[ClassifierItem]:
    wanted = set(_get(nosology, "categories", []) or [])
    fitting = [i for i in items if i.category.value in wanted and i.price_cap is not None]
    return rng.sample(fitting, k=min(len(fitting), rng.randint(1, 3))) if fitting else []


async def _seed_recipients(
    s: AsyncSession, rng: random.Random, regions: list[Region], items: list[ClassifierItem], count: int
) -> None:
    if await _count(s, Person):
        return
    today = clock.today()
    weights = [float(_get(r, "share", 1.0)) for r in data.REGIONS]
    by_code = {r.code: r for r in regions}
    region_list = [by_code[_get(r, "code")] for r in data.REGIONS]
    for n in tqdm(range(count), desc="recipients", unit="person", leave=False):
        sex = rng.choice(["M", "F"])
        birth = _birth_date(rng, today)
        first, last, middle = person_name(sex, rng)
        region = rng.choices(region_list, weights=weights)[0]
        person = Person(
            iin=make_iin(birth, sex, 100 + n), last_name=last, first_name=first, middle_name=middle, birth_date=birth,
            sex=Sex(sex), region_id=region.id, language=rng.choice([Language.KK, Language.RU, Language.RU]),
            phone=f"+7 70{rng.randint(0, 9)} {rng.randint(100, 999)} {rng.randint(10, 99)} {rng.randint(10, 99)}",
            address=f"{region.name_ru}, ул. {rng.choice(['Абая', 'Сейфуллина', 'Назарбаева', 'Достык', 'Республики'])}, "
                    f"{rng.randint(1, 200)}",
        )
        s.add(person)
        await s.flush()
        age = (today - birth).days // 365
        group = _choose_group(rng, age)
        person.has_mobility_difficulty = group == DisabilityGroup.I and rng.random() < 0.6
        nosology = rng.choice(data.NOSOLOGIES)
        record = DisabilityRecord(
            person_id=person.id, region_id=region.id, group=group,
            cause="CHILDHOOD" if group == DisabilityGroup.CHILD else rng.choice(data.DISABILITY_CAUSES),
            nosology_code=_get(nosology, "code"),
            exam_format=ExamFormat.IN_ABSENTIA if rng.random() < 0.37 else ExamFormat.IN_PERSON,
            valid_from=today - dt.timedelta(days=rng.randint(30, 900)),
            valid_until=None if rng.random() < 0.3 else today + dt.timedelta(days=rng.randint(60, 900)),
            decision_number=f"MSE-DEMO-{n + 1:06d}",
        )
        s.add(record)
        for k, item in enumerate(_items_for(nosology, items, rng)):
            s.add(_entitlement_for(person, group, item, f"IRP-DEMO-{n + 1:06d}-{k + 1}", today))
    await s.flush()


def _entitlement_for(person: Person, group: DisabilityGroup, item: ClassifierItem, line: str,
                     today: dt.date) -> Entitlement:
    """A calendar-year line of ``item`` with the classifier's norms (``norms.line_norms``)."""
    quantity = Decimal(1)
    if item.yearly_max is not None:
        quantity = item.yearly_max
    elif item.category == ItemCategory.PERSONAL_ASSISTANT and item.daily_max is not None:
        quantity = item.daily_max * 250  # the working days of a year
    elif item.unit == Unit.HOUR:
        quantity = Decimal(60)
    elif item.unit == Unit.PAIR:
        quantity = Decimal(2)
    elif item.unit == Unit.TRIP:
        quantity = Decimal(48)
    companion = item.companion_allowed and group in norms.COMPANION_GROUPS and item.category == ItemCategory.SANATORIUM
    kept = norms.line_norms(item, group, quantity=quantity, with_companion=companion)
    start = today.replace(month=1, day=1)
    return Entitlement(
        person_id=person.id, region_id=person.region_id, classifier_item_id=item.id, quantity=quantity,
        valid_from=start, valid_until=start.replace(month=12, day=31), quarterly_release=kept.quarterly_release,
        daily_limit=kept.daily_limit, with_companion=kept.with_companion, line_number=line,
    )


async def _seed_demo_accounts(
    s: AsyncSession, regions: list[Region], items: list[ClassifierItem], providers: list[Provider]
) -> None:
    if (await s.execute(select(Account.id).where(Account.username == "admin"))).first():
        return
    today = clock.today()
    by_code = {r.code: r for r in regions}
    astana, almaty = by_code["ASTANA"], by_code["ALMATY_CITY"]
    password = hash_password(DEMO_PASSWORD)

    aigerim = Person(
        iin=make_iin(dt.date(1988, 4, 12), "F", 7001), last_name="Сейтқали", first_name="Айгерим",
        middle_name="Болатқызы", birth_date=dt.date(1988, 4, 12), sex=Sex.F, region_id=astana.id,
        language=Language.KK, phone="+7 701 555 12 34", address="Астана, пр. Мәңгілік Ел, 25, кв. 14",
        has_mobility_difficulty=True,
    )
    parent = Person(
        iin=make_iin(dt.date(1985, 9, 3), "M", 7002), last_name="Ахметов", first_name="Ерлан",
        middle_name="Серикович", birth_date=dt.date(1985, 9, 3), sex=Sex.M, region_id=almaty.id,
        language=Language.RU, phone="+7 707 555 56 78", address="Алматы, ул. Толе би, 101, кв. 7",
    )
    s.add_all([aigerim, parent])
    await s.flush()
    child = Person(
        iin=make_iin(dt.date(2016, 2, 20), "F", 7003), last_name="Ахметова", first_name="Дана",
        middle_name="Ерлановна", birth_date=dt.date(2016, 2, 20), sex=Sex.F, region_id=almaty.id,
        language=Language.RU, address=parent.address, legal_representative_id=parent.id,
    )
    s.add(child)
    await s.flush()
    s.add_all([
        DisabilityRecord(person_id=aigerim.id, region_id=astana.id, group=DisabilityGroup.I,
                         cause="GENERAL_DISEASE", nosology_code="G35", exam_format=ExamFormat.IN_ABSENTIA,
                         valid_from=today - dt.timedelta(days=400), valid_until=None, decision_number="MSE-DEMO-AIGERIM"),
        DisabilityRecord(person_id=child.id, region_id=almaty.id, group=DisabilityGroup.CHILD, cause="CHILDHOOD",
                         nosology_code="G80", exam_format=ExamFormat.IN_PERSON,
                         valid_from=today - dt.timedelta(days=200), valid_until=today + dt.timedelta(days=530),
                         decision_number="MSE-DEMO-DANA"),
    ])
    wanted = {
        # No assistant hours: she applies for them (README walkthrough), they are granted, not bought.
        aigerim: ["MOBILITY", "SIGN_LANGUAGE", "HYGIENE", "SANATORIUM"],
        child: ["MOBILITY", "ORTHOTICS", "SANATORIUM"],
    }
    groups = {aigerim: DisabilityGroup.I, child: DisabilityGroup.CHILD}
    for person, categories in wanted.items():
        for k, category in enumerate(categories):
            item = next((i for i in items if i.category.value == category and i.price_cap is not None), None)
            if item is not None:
                s.add(_entitlement_for(person, groups[person], item, f"IRP-DEMO-{person.first_name}-{k + 1}", today))
    supplier = providers[1] if len(providers) > 1 else providers[0]
    supplier.verification_status = VerificationStatus.VERIFIED
    for region in (astana, almaty):
        if not (await s.execute(select(ProviderRegion).where(
                ProviderRegion.provider_id == supplier.id, ProviderRegion.region_id == region.id))).first():
            s.add(ProviderRegion(provider_id=supplier.id, region_id=region.id))
    s.add_all([
        Account(username="recipient", password_hash=password, role=Role.RECIPIENT, person_id=aigerim.id,
                display_name="Айгерим Сейтқали", language=Language.KK),
        Account(username="parent", password_hash=password, role=Role.RECIPIENT, person_id=parent.id,
                display_name="Ерлан Ахметов", language=Language.RU),
        Account(username="provider", password_hash=password, role=Role.PROVIDER, provider_id=supplier.id,
                display_name=supplier.name, language=Language.RU),
        Account(username="officer", password_hash=password, role=Role.LOCAL_BODY, region_id=astana.id,
                display_name="Отдел занятости и социальных программ г. Астаны", language=Language.RU),
        Account(username="officer-almaty", password_hash=password, role=Role.LOCAL_BODY, region_id=almaty.id,
                display_name="Управление занятости и социальных программ г. Алматы", language=Language.RU),
        Account(username="admin", password_hash=password, role=Role.ADMIN, display_name="Tirek administrator",
                language=Language.EN),
    ])
    await _demo_supplier_listings(s, supplier, items, (astana, almaty))
    await s.flush()


async def _demo_supplier_listings(
    s: AsyncSession, supplier: Provider, items: Iterable[ClassifierItem], regions: tuple[Region, Region]
) -> None:
    """Make sure the demo provider has a published offer for each demo entitlement's item in both cities."""
    rng = random.Random(SEED + 1)
    for item in items:
        if item.price_cap is None or item.category.value not in {
            "MOBILITY", "SIGN_LANGUAGE", "PERSONAL_ASSISTANT", "HYGIENE", "SANATORIUM", "ORTHOTICS"
        }:
            continue
        texts = listing_texts(item, supplier.name, rng)
        listing = Listing(
            provider_id=supplier.id, classifier_item_id=item.id, title_kk=_get(texts, "title_kk"),
            title_ru=_get(texts, "title_ru"), title_en=_get(texts, "title_en"),
            description_kk=_get(texts, "description_kk"), description_ru=_get(texts, "description_ru"),
            description_en=_get(texts, "description_en"), unit_price=item.price_cap,
            delivery_options=_delivery_for(item, rng), lead_time_days=5,
            stock=None if item.kind == ItemKind.SERVICE else 20, attributes=dict(_get(texts, "attributes", {}) or {}),
            status=ListingStatus.PUBLISHED,
        )
        s.add(listing)
        await s.flush()
        for region in regions:
            s.add(ListingRegion(listing_id=listing.id, region_id=region.id))
        s.add(SearchOutbox(entity="listing", entity_id=listing.id))


INVATAXI_NAME = 'ТОО "Инватакси Астана"'
INVATAXI_ITEM = "TSR-11-001"
INVATAXI_VEHICLES = (
    # plate, model, wheelchair accessible, seats
    ("001INV01", "Ford Transit, ramp and two wheelchair places", True, 4),
    ("002INV01", "Hyundai Staria", False, 6),
)


async def _seed_demo_invataxi(s: AsyncSession, regions: list[Region], items: list[ClassifierItem]) -> None:
    """The `invataxi` login: Astana's accessible-transport provider with a published trip listing and
    two vehicles, and a trips line in Aigerim's IRP (seed 002: Invataxi). Added on its own, so a demo
    database seeded before it gets it on the next ``tirek seed``."""
    if (await s.execute(select(Account.id).where(Account.username == "invataxi"))).first():
        return
    aigerim_account = (await s.execute(select(Account).where(Account.username == "recipient"))).scalar_one_or_none()
    item = next((i for i in items if i.code == INVATAXI_ITEM), None)
    if aigerim_account is None or aigerim_account.person_id is None or item is None:
        return
    astana = next(r for r in regions if r.code == "ASTANA")
    provider = (await s.execute(select(Provider).where(Provider.name == INVATAXI_NAME))).scalars().first()
    if provider is None:
        provider = Provider(bin=make_bin(2012, 6, 9101), name=INVATAXI_NAME, phone="+7 7172 55 01 01",
                            email="dispatch@invataxi-astana.kz", address="Астана, ул. Кенесары, 40",
                            accessibility=["RAMP"])
        s.add(provider)
        await s.flush()
    provider.verification_status = VerificationStatus.VERIFIED
    if not (await s.execute(select(ProviderRegion).where(
            ProviderRegion.provider_id == provider.id, ProviderRegion.region_id == astana.id))).first():
        s.add(ProviderRegion(provider_id=provider.id, region_id=astana.id))
    texts = listing_texts(item, provider.name, random.Random(SEED + 2))
    listing = Listing(
        provider_id=provider.id, classifier_item_id=item.id, title_kk="Инватакси: Астана бойынша сапар",
        title_ru="Инватакси: поездка по Астане", title_en="Invataxi: a trip within Astana",
        description_kk=_get(texts, "description_kk"), description_ru=_get(texts, "description_ru"),
        description_en=_get(texts, "description_en"), unit_price=item.price_cap or Decimal(2500),
        delivery_options=["AT_HOME_SERVICE"], lead_time_days=1, stock=None,
        attributes=dict(_get(texts, "attributes", {}) or {}), status=ListingStatus.PUBLISHED,
    )
    s.add(listing)
    await s.flush()
    s.add(ListingRegion(listing_id=listing.id, region_id=astana.id))
    s.add(SearchOutbox(entity="listing", entity_id=listing.id))
    for plate, model, accessible, seats in INVATAXI_VEHICLES:
        if not (await s.execute(select(Vehicle.id).where(Vehicle.plate_number == plate))).first():
            s.add(Vehicle(provider_id=provider.id, plate_number=plate, model=model, wheelchair_accessible=accessible,
                          seats=seats, service_region_ids=[astana.id], is_active=True))
    aigerim = await s.get(Person, aigerim_account.person_id)
    assert aigerim is not None
    has_trips = (await s.execute(select(Entitlement.id).where(
        Entitlement.person_id == aigerim.id, Entitlement.classifier_item_id == item.id))).first()
    if not has_trips:
        s.add(_entitlement_for(aigerim, DisabilityGroup.I, item, f"IRP-DEMO-{aigerim.first_name}-9",
                               clock.today()))
    s.add(Account(username="invataxi", password_hash=hash_password(DEMO_PASSWORD), role=Role.PROVIDER,
                  provider_id=provider.id, display_name=provider.name, language=Language.RU))
    await s.flush()


CUSTOM_ITEM = "TSR-02-007"  # the bionic hand: no price cap, ordered by an approved quote
PENDING_PROVIDER_NAME = 'ТОО "Бионика Протез"'


async def _seed_demo_quotes(s: AsyncSession, regions: list[Region], items: list[ClassifierItem]) -> None:
    """A custom item by quote (README walkthrough): a bionic hand in Aigerim's IRP, offered by the
    demo supplier in Astana and Almaty; and a workshop that signed up and waits in the admin's
    verification queue (the `provider-pending` login). Added on its own, so an older demo database
    gets it on the next ``tirek seed``."""
    if (await s.execute(select(Account.id).where(Account.username == "provider-pending"))).first():
        return
    item = next((i for i in items if i.code == CUSTOM_ITEM), None)
    recipient = (await s.execute(select(Account).where(Account.username == "recipient"))).scalar_one_or_none()
    supplier_account = (await s.execute(select(Account).where(Account.username == "provider"))).scalar_one_or_none()
    if item is None or recipient is None or recipient.person_id is None or supplier_account is None:
        return
    by_code = {r.code: r for r in regions}
    cities = (by_code["ASTANA"], by_code["ALMATY_CITY"])
    supplier = await s.get(Provider, supplier_account.provider_id)
    aigerim = await s.get(Person, recipient.person_id)
    assert supplier is not None and aigerim is not None
    offered = (await s.execute(select(Listing.id).where(Listing.provider_id == supplier.id,
                                                        Listing.classifier_item_id == item.id,
                                                        Listing.status == ListingStatus.PUBLISHED))).first()
    if not offered:
        texts = listing_texts(item, supplier.name, random.Random(SEED + 3))
        listing = Listing(
            provider_id=supplier.id, classifier_item_id=item.id, title_kk=_get(texts, "title_kk"),
            title_ru=_get(texts, "title_ru"), title_en=_get(texts, "title_en"),
            description_kk=_get(texts, "description_kk"), description_ru=_get(texts, "description_ru"),
            description_en=_get(texts, "description_en"), unit_price=Decimal("4500000.00"),
            delivery_options=["AT_PROVIDER"], lead_time_days=45, stock=None,
            attributes=dict(_get(texts, "attributes", {}) or {}), status=ListingStatus.PUBLISHED,
        )
        s.add(listing)
        await s.flush()
        for region in cities:
            s.add(ListingRegion(listing_id=listing.id, region_id=region.id))
        s.add(SearchOutbox(entity="listing", entity_id=listing.id))
    has_line = (await s.execute(select(Entitlement.id).where(
        Entitlement.person_id == aigerim.id, Entitlement.classifier_item_id == item.id))).first()
    if not has_line:
        s.add(_entitlement_for(aigerim, DisabilityGroup.I, item, f"IRP-DEMO-{aigerim.first_name}-10", clock.today()))
    pending = Provider(bin=make_bin(2024, 5, 9201), name=PENDING_PROVIDER_NAME, name_kk='"Бионика Протез" ЖШС',
                       name_en="Bionika Protez LLP", verification_status=VerificationStatus.PENDING,
                       phone="+77172550202", email="info@bionika-protez.kz", address="Астана, ул. Сыганак, 10",
                       accessibility=["RAMP"], service_kinds=["PROSTHETICS", "ORTHOTICS"])
    s.add(pending)
    await s.flush()
    s.add(ProviderRegion(provider_id=pending.id, region_id=cities[0].id))
    s.add(SearchOutbox(entity="provider", entity_id=pending.id))
    s.add(Account(username="provider-pending", password_hash=hash_password(DEMO_PASSWORD), role=Role.PROVIDER,
                  provider_id=pending.id, display_name=pending.name, language=Language.RU))
    await s.flush()
