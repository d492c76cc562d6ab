"""Who pays what: the state's share, the recipient's co-payment, and coverage.

Pure functions first (no database), used by ``place_order`` and by the search
page; then ``coverage_for_listings``, which answers "what would this cost me?"
for a page of listings with a fixed number of queries.

The rules:
- state share = min(unit price, cap) × quantity; co-payment = total − state share.
  Amounts are rounded half-up to the tiyn (0.01) once, on the products.
- A custom item (no cap) is paid by an approved quote, never by a plain order.
- An entitlement's *available* balance is quantity − reserved − consumed, and
  for a quota item (``quarterly_release`` set) also no more than what has been
  released so far: one release per started quarter since ``valid_from``.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from sqlalchemy import and_, bindparam, exists, or_, select
from sqlalchemy.ext.asyncio import AsyncSession

from marketplace.accounts.access import Viewer
from marketplace.accounts.models import Person, Role
from marketplace.catalog.models import ClassifierItem, Listing, ListingRegion, ProviderRegion
from marketplace.clock import today
from marketplace.records.models import DisabilityRecord, Entitlement, EntitlementStatus, RecordStatus
from marketplace.records.norms import available, line_covers, line_item_ids

CENT = Decimal("0.01")
ZERO = Decimal("0.00")

# Why a listing is not (fully) paid by the state, as the search page shows it.
NO_ENTITLEMENT = "NO_ENTITLEMENT"
BALANCE_USED_UP = "BALANCE_USED_UP"
REGION_NOT_SERVED = "REGION_NOT_SERVED"
NO_ACTIVE_RECORD = "NO_ACTIVE_RECORD"
NEEDS_QUOTE = "NEEDS_QUOTE"  # a custom item (no cap): the provider quotes, an officer approves


def money(value: Decimal) -> Decimal:
    return value.quantize(CENT, rounding=ROUND_HALF_UP)


@dataclass(frozen=True)
class Shares:
    total: Decimal
    state_share: Decimal
    co_payment: Decimal


def shares(unit_price: Decimal, cap: Decimal, quantity: Decimal) -> Shares:
    """The split of an order's price: the state pays up to the cap per unit."""
    total = money(unit_price * quantity)
    state = money(min(unit_price, cap) * quantity)
    return Shares(total=total, state_share=state, co_payment=total - state)


@dataclass(frozen=True)
class Coverage:
    """What one listing would cost the viewer, and why it is not covered if it is not."""

    entitlement_id: int | None
    state_pays: Decimal
    you_pay: Decimal
    covered: bool
    reason: str | None = None

    @property
    def partly_covered(self) -> bool:
        return self.covered and self.you_pay > 0


def coverage_for(
    listing_price: Decimal,
    cap: Decimal | None,
    entitlement: Entitlement | None,
    quantity: Decimal = Decimal(1),
    *,
    on: dt.date | None = None,
    record_active: bool = True,
    region_served: bool = True,
) -> Coverage:
    """The coverage of ``quantity`` units of a listing by ``entitlement`` (pure; no queries).

    The first reason that applies wins: no active record, region not served,
    no entitlement, balance used up, custom item needing a quote. A price over
    the cap is still covered; the recipient pays the difference.
    """
    quantity = Decimal(quantity)
    full = money(listing_price * quantity)

    def refused(reason: str, entitlement_id: int | None = None) -> Coverage:
        return Coverage(entitlement_id, ZERO, full, False, reason)

    if not record_active:
        return refused(NO_ACTIVE_RECORD)
    if not region_served:
        return refused(REGION_NOT_SERVED)
    day = on or today()
    if entitlement is None or not entitlement.is_active_on(day):
        return refused(NO_ENTITLEMENT)
    if available(entitlement, day) < quantity:
        return refused(BALANCE_USED_UP, entitlement.id)
    if cap is None:
        return refused(NEEDS_QUOTE, entitlement.id)
    split = shares(listing_price, cap, quantity)
    return Coverage(entitlement.id, split.state_share, split.co_payment, True, None)


def _field(listing: Any, name: str) -> Any:
    if isinstance(listing, Mapping):
        return listing[name]
    return getattr(listing, name)


def pick_entitlement(candidates: Iterable[Entitlement], quantity: Decimal, on: dt.date) -> Entitlement | None:
    """Of a person's active entitlements for one item, the one an order would use:
    one that can cover the quantity, the soonest to expire first; else the one with most left."""
    usable = [e for e in candidates if e.is_active_on(on)]
    if not usable:
        return None
    enough = [e for e in usable if available(e, on) >= quantity]
    if enough:
        return min(enough, key=lambda e: (e.valid_until, e.id))
    return max(usable, key=lambda e: (available(e, on), -e.id))


@dataclass(frozen=True)
class PersonToday:
    """What coverage needs of the person before any listing: their region, and whether a
    disability record of theirs is active today (``person_today`` reads both in one statement)."""

    person_id: int
    region_id: int
    record_active: bool


# The statements of a recipient's search, built once (their values bound per call): building a
# SQLAlchemy expression costs more CPU than executing its cached compiled form.
_PERSON_TODAY = select(
    Person.region_id,
    exists().where(
        DisabilityRecord.person_id == Person.id,
        DisabilityRecord.status == RecordStatus.ACTIVE,
        DisabilityRecord.valid_from <= bindparam("day"),
        or_(DisabilityRecord.valid_until.is_(None), DisabilityRecord.valid_until >= bindparam("day")),
    ),
).where(Person.id == bindparam("person_id"))

_ENTITLEMENTS_FOR_ITEMS = select(Entitlement).where(
    Entitlement.person_id == bindparam("person_id"),
    Entitlement.classifier_item_id.in_(bindparam("item_ids", expanding=True)),
    Entitlement.status == EntitlementStatus.ACTIVE,
    Entitlement.valid_from <= bindparam("day"),
    Entitlement.valid_until >= bindparam("day"),
)

_ITEMS = select(ClassifierItem).where(ClassifierItem.id.in_(bindparam("item_ids", expanding=True)))


async def person_today(session: AsyncSession, person_id: int, on: dt.date | None = None) -> PersonToday | None:
    found = (await session.execute(_PERSON_TODAY, {"person_id": person_id, "day": on or today()})).first()
    return None if found is None else PersonToday(person_id, int(found[0]), bool(found[1]))


def served_in(region_id: Any, listing_id: Any = Listing.id, provider_id: Any = Listing.provider_id) -> Any:
    """Whether a listing serves a region: the listing and its provider both must (a column
    expression, for a page's query to read beside each listing)."""
    return and_(
        exists().where(ListingRegion.listing_id == listing_id, ListingRegion.region_id == region_id),
        exists().where(ProviderRegion.provider_id == provider_id, ProviderRegion.region_id == region_id),
    )


#: ``served_in`` a region given as the parameter ``served_region_id``, built once.
SERVED_IN_REGION = served_in(bindparam("served_region_id"))
_LISTINGS_SERVED = select(Listing.id).where(Listing.id.in_(bindparam("listing_ids", expanding=True)), SERVED_IN_REGION)


async def coverage_for_listings(
    session: AsyncSession,
    viewer: Viewer,
    listings: Iterable[Any],
    *,
    person_id: int | None = None,
    quantity: Decimal = Decimal(1),
    on: dt.date | None = None,
    person: PersonToday | None = None,
    items: Mapping[int, ClassifierItem] | None = None,
    served: set[int] | None = None,
) -> dict[int, Coverage]:
    """Coverage of each listing for the signed-in recipient (or a person they represent).

    ``listings`` are Listing rows or mappings with ``id``,
    ``classifier_item_id`` and ``unit_price`` (a search hit will do). Anyone
    who is not a recipient gets an empty dict: coverage is a recipient's view.
    Four queries at most whatever the page size: the person and their record, the page's items
    (caps, companion variants), the entitlements that may pay for them, the regions served; a
    caller that has read some of these already (a results page reads its listings with their
    items and whether each serves the person's region) hands them in, and they are not read again.
    """
    rows = list(listings)
    if viewer.role != Role.RECIPIENT or not rows:
        return {}
    pid = person_id if person_id is not None else viewer.person_id
    if pid is None or pid not in viewer.person_ids:
        return {}
    day = on or today()

    # 1. The person's region, and whether a record is active today.
    if person is None or person.person_id != pid:
        person = await person_today(session, pid, day)
    if person is None:
        return {}
    region_id, has_record = person.region_id, person.record_active

    listing_ids = {int(_field(r, "id")) for r in rows}
    item_ids = {int(_field(r, "classifier_item_id")) for r in rows}

    # 2. The caps (the state norm per unit) of those items, and the base item of a "with a
    # companion" variant, whose line with a companion pays for it (norms.line_covers).
    if items is None or not item_ids <= items.keys():
        item_rows = (await session.execute(_ITEMS, {"item_ids": sorted(item_ids)})).scalars().all()
    else:
        item_rows = [items[i] for i in item_ids]
    page_items = {i.id: i for i in item_rows}
    caps: dict[int, Decimal | None] = {i.id: i.cap_on(day) for i in item_rows}
    line_items = {line_item for i in item_rows for line_item in line_item_ids(i)}

    # 3. Active entitlements that may pay for the page's classifier items.
    ents = (await session.execute(
        _ENTITLEMENTS_FOR_ITEMS, {"person_id": pid, "item_ids": sorted(line_items), "day": day})).scalars().all()
    by_item: dict[int, list[Entitlement]] = {}
    for item_id, item in page_items.items():
        by_item[item_id] = [e for e in ents if line_covers(e, item)]

    # 4. Which listings serve the person's region (the listing and its provider both must).
    if served is None:
        served = set((await session.execute(
            _LISTINGS_SERVED, {"listing_ids": sorted(listing_ids), "served_region_id": region_id})).scalars())

    result: dict[int, Coverage] = {}
    for r in rows:
        lid = int(_field(r, "id"))
        item_id = int(_field(r, "classifier_item_id"))
        ent = pick_entitlement(by_item.get(item_id, ()), quantity, day)
        result[lid] = coverage_for(
            Decimal(_field(r, "unit_price")),
            caps.get(item_id),
            ent,
            quantity,
            on=day,
            record_active=bool(has_record),
            region_served=lid in served,
        )
    return result

