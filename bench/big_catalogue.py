"""A large, realistic catalogue for benchmarks, written with bulk inserts.

The texts, regions, classifier and provider profiles come from the demo data
(``marketplace.demo.data``); the amounts are scaled up: ~1,000 providers
serving one to six regions each, and tens of thousands of published listings
spread unevenly over them (a few big suppliers, a long tail). Rows go in with
``executemany`` (SQLAlchemy Core ``insert`` with a list of parameter sets) in
one transaction per table, chunked for the progress bar.

No search outbox rows are written: the benchmark builds the index with a full
``reindex`` afterwards, which would otherwise replay every row a second time.
"""

from __future__ import annotations

import datetime as dt
import random
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from sqlalchemy import func, insert, select, text
from tqdm import tqdm

from marketplace.accounts.models import Account, Language, Person, Region, Role, Sex
from marketplace.accounts.security import hash_password
from marketplace.catalog.models import ClassifierItem, ItemCategory, ItemKind, Listing, ListingRegion, ListingStatus
from marketplace.catalog.models import Provider, ProviderRegion, Unit, VerificationStatus
from marketplace import clock
from marketplace.db import Database
from marketplace.demo import data
from marketplace.demo.listing_texts import listing_texts
from marketplace.demo.organisations import provider_profiles
from marketplace.identifiers import make_bin, make_iin
from marketplace.records.models import DisabilityGroup, DisabilityRecord, Entitlement, ExamFormat

CHUNK = 5000
BIG_CITIES = ("ASTANA", "ALMATY_CITY", "SHYMKENT")
RECIPIENT_USERNAME = "bench-recipient"
RECIPIENT_REGION = "ASTANA"
# What the benchmark recipient's IRP holds (classifier codes).
RECIPIENT_ITEMS = (
    "TSR-01-002", "TSR-01-010", "TSR-03-001", "TSR-04-001", "TSR-06-001",
    "TSR-07-001", "TSR-08-001", "TSR-09-001", "TSR-10-001", "TSR-11-001",
)


@dataclass
class Timing:
    rows: int = 0
    seconds: float = 0.0
    generate_seconds: float = 0.0

    @property
    def rate(self) -> float:
        return self.rows / self.seconds if self.seconds else 0.0


@dataclass
class Catalogue:
    """What the load generator needs to know about the data it searches."""

    region_ids: dict[str, int]
    classifier_codes: list[str]
    provider_ids: list[int]
    recipient_account_id: int
    recipient_person_id: int
    recipient_region_id: int
    listings: int
    listing_regions: int
    timings: dict[str, Timing] = field(default_factory=dict)


async def build_catalogue(
    db: Database, *, listings: int, providers: int, seed: int = 2026, progress: bool = True
) -> Catalogue:
    rng = random.Random(seed)
    timings: dict[str, Timing] = {}
    now = dt.datetime.now(dt.UTC)

    # -- reference data ------------------------------------------------------------------
    region_rows = [
        {"id": n, "code": r.code, "name_kk": r.name_kk, "name_ru": r.name_ru, "name_en": r.name_en}
        for n, r in enumerate(data.REGIONS, start=1)
    ]
    item_rows = [
        {
            "id": n, "code": c.code, "name_kk": c.name_kk, "name_ru": c.name_ru, "name_en": c.name_en,
            "kind": ItemKind(c.kind), "unit": Unit(c.unit), "category": ItemCategory(c.category),
            "price_cap": c.price_cap, "service_life_months": c.service_life_months, **c.norms(),
            "is_active": True,
        }
        for n, c in enumerate(data.CLASSIFIER, start=1)
    ]
    async with db.transaction() as s:
        await s.execute(insert(Region.__table__), region_rows)
        await s.execute(insert(ClassifierItem.__table__), item_rows)
    region_ids = {r["code"]: r["id"] for r in region_rows}
    all_region_ids = list(region_ids.values())
    entries = {n: c for n, c in enumerate(data.CLASSIFIER, start=1)}
    items_by_category: dict[str, list[int]] = {}
    for n, c in entries.items():
        items_by_category.setdefault(c.category, []).append(n)

    # -- providers and the regions they serve -------------------------------------------
    started = time.perf_counter()
    profiles = list(provider_profiles(providers, rng))
    provider_rows: list[dict[str, Any]] = []
    served: dict[int, list[int]] = {}
    used_bins: set[str] = set()
    for n, profile in enumerate(profiles, start=1):
        serial = 1000 + n * 7
        bin_ = make_bin(2005 + n % 18, 1 + n % 12, serial)
        while bin_ in used_bins:
            serial += 1
            bin_ = make_bin(2005 + n % 18, 1 + n % 12, serial)
        used_bins.add(bin_)
        # One in twenty is still awaiting verification (its listings are not published).
        status = VerificationStatus.PENDING if n % 20 == 0 else VerificationStatus.VERIFIED
        rating_count = rng.choice([0, 0, 3, 8, 15, 40, 120])
        provider_rows.append({
            "id": n, "bin": bin_, "name": profile["name"], "verification_status": status,
            "phone": profile["phone"], "email": profile["email"], "address": profile["address"],
            "website": profile["website"], "accessibility": profile["accessibility"],
            "rating_sum": int(rating_count * rng.uniform(3.4, 5.0)), "rating_count": rating_count,
            "created_at": now, "updated_at": now,
        })
        regions = {region_ids[profile["region_code"]]}
        regions.update(rng.sample(all_region_ids, k=rng.choice([0, 0, 1, 1, 2, 3, 5])))
        if rng.random() < 0.4:
            regions.add(region_ids[rng.choice(BIG_CITIES)])
        served[n] = sorted(regions)
    provider_region_rows = [{"provider_id": p, "region_id": r} for p, rs in served.items() for r in rs]
    generated = time.perf_counter() - started
    started = time.perf_counter()
    async with db.transaction() as s:
        await s.execute(insert(Provider.__table__), provider_rows)
        await s.execute(insert(ProviderRegion.__table__), provider_region_rows)
    timings["providers"] = Timing(len(provider_rows) + len(provider_region_rows),
                                  time.perf_counter() - started, generated)

    # -- listings ---------------------------------------------------------------------------
    sellers = [row for row in provider_rows if row["verification_status"] == VerificationStatus.VERIFIED]
    # A few big suppliers and a long tail: Pareto weights, capped.
    weights = [min(rng.paretovariate(1.16), 60.0) for _ in sellers]
    offered = {
        row["id"]: [i for cat in profile["categories"] for i in items_by_category.get(cat, [])] or list(entries)
        for row, profile in zip(provider_rows, profiles, strict=True)
    }
    listing_timing = Timing()
    region_timing = Timing()
    with tqdm(total=listings, desc="listings", unit="row", disable=not progress) as bar:
        async with db.transaction() as s:
            for chunk_rows, chunk_regions, gen_seconds in _listing_chunks(
                rng, listings, sellers, weights, offered, entries, served, now
            ):
                listing_timing.generate_seconds += gen_seconds
                t0 = time.perf_counter()
                await s.execute(insert(Listing.__table__), chunk_rows)
                t1 = time.perf_counter()
                await s.execute(insert(ListingRegion.__table__), chunk_regions)
                t2 = time.perf_counter()
                listing_timing.rows += len(chunk_rows)
                listing_timing.seconds += t1 - t0
                region_timing.rows += len(chunk_regions)
                region_timing.seconds += t2 - t1
                bar.update(len(chunk_rows))
            t0 = time.perf_counter()
        # The commit belongs to the insert time.
        listing_timing.seconds += time.perf_counter() - t0
    timings["listings"] = listing_timing
    timings["listing_regions"] = region_timing

    if db.dialect == "postgresql":
        # Explicit ids were written: move the sequences past them for later inserts.
        async with db.transaction() as s:
            for table in ("regions", "classifier_items", "providers", "listings"):
                await s.execute(text(
                    f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), (SELECT max(id) FROM {table}))"
                ))
        async with db.engine.connect() as conn:
            await conn.execution_options(isolation_level="AUTOCOMMIT")
            await conn.execute(text("ANALYZE"))

    # -- one recipient with an IRP, to see coverage ----------------------------------------
    recipient = await _recipient(db, region_ids[RECIPIENT_REGION], {c.code: n for n, c in entries.items()})

    async with db.session() as s:
        count = int((await s.execute(select(func.count()).select_from(Listing))).scalar_one())
    return Catalogue(
        region_ids=region_ids,
        classifier_codes=[c.code for c in data.CLASSIFIER],
        provider_ids=[row["id"] for row in sellers],
        recipient_account_id=recipient[0],
        recipient_person_id=recipient[1],
        recipient_region_id=region_ids[RECIPIENT_REGION],
        listings=count,
        listing_regions=region_timing.rows,
        timings=timings,
    )


def _listing_chunks(
    rng: random.Random,
    count: int,
    sellers: list[dict[str, Any]],
    weights: list[float],
    offered: dict[int, list[int]],
    entries: dict[int, data.ClassifierEntry],
    served: dict[int, list[int]],
    now: dt.datetime,
) -> Iterator[tuple[list[dict[str, Any]], list[dict[str, Any]], float]]:
    cum: list[float] = []
    total = 0.0
    for w in weights:
        total += w
        cum.append(total)
    listing_id = 0
    while listing_id < count:
        started = time.perf_counter()
        rows: list[dict[str, Any]] = []
        regions: list[dict[str, Any]] = []
        for _ in range(min(CHUNK, count - listing_id)):
            listing_id += 1
            seller = rng.choices(sellers, cum_weights=cum)[0]
            item_id = rng.choice(offered[seller["id"]])
            item = entries[item_id]
            texts = listing_texts(item, seller["name"], rng)
            if item.price_cap is None:
                price = Decimal(rng.randrange(1_500_000, 4_500_000, 1000))
            else:
                # Most offers at or under the cap, some above it (a co-payment).
                factor = Decimal(rng.choice(["0.80", "0.90", "0.95", "1.00", "1.00", "1.10", "1.25"]))
                price = max(Decimal(1), (item.price_cap * factor).quantize(Decimal(1)))
            rating_count = rng.choice([0, 0, 0, 1, 2, 5, 12, 30])
            rows.append({
                "id": listing_id, "provider_id": seller["id"], "classifier_item_id": item_id,
                "title_kk": texts["title_kk"], "title_ru": texts["title_ru"], "title_en": texts["title_en"],
                "description_kk": texts["description_kk"], "description_ru": texts["description_ru"],
                "description_en": texts["description_en"], "unit_price": price,
                "delivery_options": _delivery_for(item, rng),
                "lead_time_days": rng.choice([1, 3, 5, 7, 10, 14, 21]),
                "stock": None if item.kind == "SERVICE" else rng.choice([None, 0, 3, 10, 25, 100]),
                "attributes": texts["attributes"] or {}, "status": ListingStatus.PUBLISHED,
                "review_note": None, "rating_sum": int(rating_count * rng.uniform(3.0, 5.0)),
                "rating_count": rating_count, "version": 1, "created_at": now, "updated_at": now,
            })
            area = served[seller["id"]]
            for region_id in rng.sample(area, k=rng.randint(1, len(area))):
                regions.append({"listing_id": listing_id, "region_id": region_id})
        yield rows, regions, time.perf_counter() - started


def _delivery_for(item: data.ClassifierEntry, rng: random.Random) -> list[str]:
    if item.category == "SANATORIUM":
        return ["AT_PROVIDER"]
    if item.category == "SIGN_LANGUAGE":
        return rng.choice([["REMOTE", "AT_HOME_SERVICE"], ["AT_HOME_SERVICE"], ["REMOTE"]])
    if item.kind == "SERVICE":
        return ["AT_HOME_SERVICE"]
    return rng.choice([["HOME_DELIVERY", "PICKUP"], ["HOME_DELIVERY"], ["PICKUP"], ["AT_PROVIDER", "HOME_DELIVERY"]])


async def _recipient(db: Database, region_id: int, item_ids: dict[str, int]) -> tuple[int, int]:
    """A group I recipient in Astana with ten IRP lines; returns (account id, person id)."""
    today = clock.today()
    start, end = today.replace(month=1, day=1), today.replace(month=12, day=31)
    async with db.transaction() as s:
        person = Person(
            iin=make_iin(dt.date(1988, 4, 12), "F", 9001), last_name="Сейтқали", first_name="Айгерим",
            middle_name="Болатқызы", birth_date=dt.date(1988, 4, 12), sex=Sex.F, region_id=region_id,
            language=Language.RU, has_mobility_difficulty=True,
        )
        s.add(person)
        await s.flush()
        s.add(DisabilityRecord(
            person_id=person.id, region_id=region_id, group=DisabilityGroup.I, cause="GENERAL_DISEASE",
            nosology_code="G35", exam_format=ExamFormat.IN_PERSON, valid_from=today - dt.timedelta(days=400),
            valid_until=None, decision_number="MSE-BENCH-1",
        ))
        for n, code in enumerate(RECIPIENT_ITEMS, start=1):
            entry = data.CLASSIFIER_BY_CODE[code]
            quantity = {"PIECE": 1, "PAIR": 2, "HOUR": 2000, "DAY": 14, "COURSE": 1, "TRIP": 48}[entry.unit]
            norms = entry.norms()
            if norms["yearly_max"] is not None:
                quantity = norms["yearly_max"]
            s.add(Entitlement(
                person_id=person.id, region_id=region_id, classifier_item_id=item_ids[code],
                quantity=Decimal(quantity), valid_from=start, valid_until=end,
                quarterly_release=norms["quarterly_release"],
                line_number=f"IRP-BENCH-{n}",
            ))
        account = Account(
            username=RECIPIENT_USERNAME, password_hash=hash_password("bench-password-not-secret"),
            role=Role.RECIPIENT, person_id=person.id, display_name="Айгерим Сейтқали", language=Language.RU,
        )
        s.add(account)
        await s.flush()
        return account.id, person.id
