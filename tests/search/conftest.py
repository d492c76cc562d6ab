"""Fixtures for the search tests: a Meilisearch client, a throwaway index name,
and a small catalogue with an independent oracle (plain Python over rows read
straight from the database) to compare both search backends with."""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator, Callable, Iterable
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

import pytest
from sqlalchemy import select, update

from marketplace.catalog.models import ClassifierItem, DeliveryOption, ItemCategory, ItemKind, Listing, ListingRegion
from marketplace.catalog.models import ListingStatus, Provider, ProviderRegion, SearchOutbox, Unit, VerificationStatus
from marketplace.db import Database
from search.client import delete_index, index_uids, make_client
from search.contract import ListingFilter, ListingSort
from search.settings import FACETS
from tests import factories as f


@pytest.fixture
async def meili_client(meili: Any) -> AsyncIterator[Any]:
    client = make_client(meili.url, meili.master_key)
    try:
        yield client
    finally:
        await client.aclose()


@pytest.fixture
async def index_name(meili_client: Any) -> AsyncIterator[str]:
    name = f"t{uuid.uuid4().hex[:12]}"
    yield name
    for uid in await index_uids(meili_client):
        if uid == name or uid.startswith(f"{name}_"):
            await delete_index(meili_client, uid)


# -- the catalogue ---------------------------------------------------------------------
@dataclass
class Catalog:
    regions: dict[str, int] = field(default_factory=dict)
    items: dict[str, int] = field(default_factory=dict)
    providers: dict[str, int] = field(default_factory=dict)
    listings: dict[str, int] = field(default_factory=dict)

    def ids(self, *names: str) -> list[int]:
        return sorted(self.listings[n] for n in names)

    @property
    def indexable_names(self) -> list[str]:
        return [n for n in self.listings if n.startswith("L") and int(n[1:]) <= 9]


async def build_catalog(db: Database) -> Catalog:
    c = Catalog()
    async with db.transaction() as s:
        r1, r2, r3 = await f.region(s), await f.region(s), await f.region(s)
        c.regions = {"r1": r1.id, "r2": r2.id, "r3": r3.id}
        # Classifier names are neutral on purpose: a hit on "wheelchair" must come from a synonym.
        wheel = await f.classifier_item(
            s, code="TSR-010101", name_kk="Қозғалу құралы", name_ru="Средство передвижения",
            name_en="Mobility device", category=ItemCategory.MOBILITY,
        )
        hear = await f.classifier_item(
            s, code="TSR-020202", name_kk="Есту құралы", name_ru="Средство для слуха",
            name_en="Audio device", category=ItemCategory.HEARING, price_cap=Decimal("150000"),
        )
        diap = await f.classifier_item(
            s, code="TSR-030303", name_kk="Гигиена құралы", name_ru="Гигиеническое средство",
            name_en="Hygiene item", category=ItemCategory.HYGIENE, price_cap=Decimal("130"),
        )
        sign = await f.classifier_item(
            s, code="SRV-040404", name_kk="Ым қызметі", name_ru="Услуга общения",
            name_en="Communication service", category=ItemCategory.SIGN_LANGUAGE,
            kind=ItemKind.SERVICE, unit=Unit.HOUR, price_cap=Decimal("4000"),
        )
        sana = await f.classifier_item(
            s, code="SRV-050505", name_kk="Емдеу курсы", name_ru="Курс лечения",
            name_en="Treatment course", category=ItemCategory.SANATORIUM,
            kind=ItemKind.SERVICE, unit=Unit.COURSE, price_cap=Decimal("400000"),
        )
        c.items = {"wheel": wheel.id, "hear": hear.id, "diap": diap.id, "sign": sign.id, "sana": sana.id}
        p1 = await f.provider(s, [r1, r2], name='ТОО "Ортомед"')
        p2 = await f.provider(s, [r2, r3], name='ТОО "Дала Сервис"', verification_status=VerificationStatus.PENDING)
        p3 = await f.provider(s, [r1], name='ТОО "Мейірім"')
        p4 = await f.provider(s, [r1], name='ТОО "Тоқтатылған"', verification_status=VerificationStatus.SUSPENDED)
        c.providers = {"p1": p1.id, "p2": p2.id, "p3": p3.id, "p4": p4.id}

        async def add(name: str, provider: Provider, item: ClassifierItem, regions: list[Any], **kw: Any) -> None:
            kw.setdefault("title_kk", "")
            kw.setdefault("title_en", "")
            kw.setdefault("title_ru", "")
            kw.setdefault("description_ru", "")
            obj = await f.listing(s, provider, item, regions, **kw)
            c.listings[name] = obj.id

        H, P, R, A = (DeliveryOption.HOME_DELIVERY.value, DeliveryOption.PICKUP.value,
                      DeliveryOption.REMOTE.value, DeliveryOption.AT_PROVIDER.value)
        await add("L1", p1, wheel, [r1, r2], title_ru="Кресло-коляска складная", unit_price=Decimal("180000"),
                  delivery_options=[H, P], stock=5, rating_sum=5, rating_count=1, lead_time_days=7)
        await add("L2", p2, wheel, [r2, r3], title_en="Wheelchair with electric drive",
                  title_ru="Электрическая модель", unit_price=Decimal("450000"), delivery_options=[H], stock=0,
                  lead_time_days=30)
        await add("L3", p3, wheel, [r1], title_kk="Мүгедектер арбасы балаларға", unit_price=Decimal("150000"),
                  delivery_options=[P], stock=None, rating_sum=7, rating_count=2, lead_time_days=14)
        await add("L4", p1, hear, [r1], title_ru="Слуховой аппарат заушный", unit_price=Decimal("90000"),
                  delivery_options=[H, R], stock=10, rating_sum=9, rating_count=2, lead_time_days=5)
        await add("L5", p2, hear, [r3], title_en="Hearing aid, in-ear", unit_price=Decimal("120000.50"),
                  delivery_options=[P], stock=2, rating_sum=4, rating_count=1, lead_time_days=5)
        await add("L6", p1, diap, [r1, r2], title_ru="Подгузники для взрослых", unit_price=Decimal("120.00"),
                  delivery_options=[H], stock=None, lead_time_days=2,
                  attributes={"size": "L", "количество": 30, "впитываемость": "Высокая", "ночные": True})
        await add("L7", p3, diap, [r1], title_kk="Жөргек ересектерге", unit_price=Decimal("95.50"),
                  delivery_options=[H, P], stock=0, rating_sum=3, rating_count=1, lead_time_days=3)
        # p1 does not serve r3: the listing is offered in r1 and r2 only.
        await add("L8", p1, sign, [r1, r2, r3], title_ru="Сурдопереводчик онлайн", unit_price=Decimal("3000"),
                  delivery_options=[R], stock=None, lead_time_days=0)
        await add("L9", p2, sana, [r2, r3], title_ru="Санаторий Алатау, 14 дней", unit_price=Decimal("350000"),
                  delivery_options=[A], stock=20, lead_time_days=20)
        # Not to be found.
        await add("D10", p1, wheel, [r1], title_ru="Кресло-коляска черновик", status=ListingStatus.DRAFT)
        await add("A11", p1, wheel, [r1], title_ru="Кресло-коляска архивная", status=ListingStatus.ARCHIVED)
        await add("R12", p3, hear, [r1], title_ru="Слуховой аппарат отклонённый", status=ListingStatus.REJECTED)
        await add("P13", p3, wheel, [r1], title_ru="Кресло-коляска на проверке", status=ListingStatus.PENDING_REVIEW,
                  unit_price=Decimal("170000"))
        await add("S14", p4, wheel, [r1], title_ru="Кресло-коляска поставщика на паузе")
    return c


@pytest.fixture
async def catalog(db: Database) -> Catalog:
    return await build_catalog(db)


async def touch(db: Database, entity: str, *ids: int) -> None:
    """What the catalogue services do: an outbox row in the changing transaction."""
    async with db.transaction() as s:
        for i in ids:
            s.add(SearchOutbox(entity=entity, entity_id=i))


async def set_listing(db: Database, listing_id: int, **values: Any) -> None:
    async with db.transaction() as s:
        await s.execute(update(Listing).where(Listing.id == listing_id).values(**values))
        s.add(SearchOutbox(entity="listing", entity_id=listing_id))


async def set_provider(db: Database, provider_id: int, **values: Any) -> None:
    async with db.transaction() as s:
        await s.execute(update(Provider).where(Provider.id == provider_id).values(**values))
        s.add(SearchOutbox(entity="provider", entity_id=provider_id))


# -- the oracle: what the database says a search must return --------------------------------
@dataclass
class Row:
    id: int
    code: str
    category: str
    kind: str
    provider_id: int
    verified: bool
    regions: set[int]
    price: Decimal
    delivery: set[str]
    stock: int | None
    rating: float | None
    lead_time: int

    @property
    def in_stock(self) -> bool:
        return self.stock is None or self.stock > 0


async def oracle_rows(db: Database) -> dict[int, Row]:
    """Every listing that should be findable, read with plain queries."""
    async with db.session() as s:
        listings = (await s.execute(select(Listing))).scalars().all()
        items = {i.id: i for i in (await s.execute(select(ClassifierItem))).scalars()}
        providers = {p.id: p for p in (await s.execute(select(Provider))).scalars()}
        lregions = (await s.execute(select(ListingRegion.listing_id, ListingRegion.region_id))).all()
        pregions = {(p, r) for p, r in (await s.execute(select(ProviderRegion.provider_id, ProviderRegion.region_id)))}
    rows: dict[int, Row] = {}
    for lst in listings:
        prov = providers[lst.provider_id]
        if lst.status != ListingStatus.PUBLISHED or prov.verification_status == VerificationStatus.SUSPENDED:
            continue
        item = items[lst.classifier_item_id]
        rows[lst.id] = Row(
            id=lst.id, code=item.code, category=item.category.value, kind=item.kind.value,
            provider_id=prov.id, verified=prov.verification_status == VerificationStatus.VERIFIED,
            regions={r for li, r in lregions if li == lst.id and (prov.id, r) in pregions},
            price=lst.unit_price, delivery=set(lst.delivery_options), stock=lst.stock,
            rating=(lst.rating_sum / lst.rating_count) if lst.rating_count else None,
            lead_time=lst.lead_time_days,
        )
    return rows


def oracle_match(row: Row, flt: ListingFilter) -> bool:
    if flt.classifier_codes and row.code.lower() not in {c.lower() for c in flt.classifier_codes}:
        return False
    if flt.categories and row.category not in {c.value for c in flt.categories}:
        return False
    if flt.kind is not None and row.kind != flt.kind.value:
        return False
    if flt.region_ids and not (row.regions & set(flt.region_ids)):
        return False
    if flt.price_min is not None and row.price < flt.price_min:
        return False
    if flt.price_max is not None and row.price > flt.price_max:
        return False
    if flt.provider_verified is not None and row.verified != flt.provider_verified:
        return False
    if flt.delivery_options and not (row.delivery & {d.value for d in flt.delivery_options}):
        return False
    if flt.in_stock is not None and row.in_stock != flt.in_stock:
        return False
    if flt.min_rating is not None and (row.rating is None or row.rating < float(flt.min_rating)):
        return False
    if flt.provider_id is not None and row.provider_id != flt.provider_id:
        return False
    return True


def oracle_facets(rows: Iterable[Row]) -> dict[str, dict[str, int]]:
    counts: dict[str, dict[str, int]] = {name: {} for name in FACETS}

    def bump(name: str, value: Any) -> None:
        key = str(value).lower() if isinstance(value, bool) else str(value)
        counts[name][key] = counts[name].get(key, 0) + 1

    for row in rows:
        bump("classifier_code", row.code)
        bump("category", row.category)
        bump("kind", row.kind)
        bump("provider_verified", row.verified)
        bump("in_stock", row.in_stock)
        for r in row.regions:
            bump("region_ids", r)
        for d in row.delivery:
            bump("delivery_options", d)
    return counts


def oracle_order(rows: Iterable[Row], sort: ListingSort | None) -> list[int]:
    rows = list(rows)
    keys: dict[ListingSort | None, Callable[[Row], Any]] = {
        None: lambda r: r.id,
        ListingSort.PRICE_ASC: lambda r: (r.price, r.id),
        ListingSort.PRICE_DESC: lambda r: (-r.price, r.id),
        ListingSort.RATING_DESC: lambda r: (r.rating is None, -(r.rating or 0), r.id),
        ListingSort.LEAD_TIME_ASC: lambda r: (r.lead_time, r.id),
    }
    return [r.id for r in sorted(rows, key=keys[sort])]
