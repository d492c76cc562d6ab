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

from sqlalchemy import and_, exists, or_, select
from sqlalchemy.ext.asyncio import AsyncSession

from marketplace.accounts.access import Viewer
from marketplace.accounts.models import Person, Role
from marketplace.catalog.models import ClassifierItem, Listing, ListingRegion, ProviderRegion
from marketplace.records.models import DisabilityRecord, Entitlement, EntitlementStatus, RecordStatus

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


def today() -> dt.date:
    return dt.datetime.now(dt.UTC).date()


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


def quarters_started(valid_from: dt.date, on: dt.date) -> int:
    """How many quarters of an entitlement period have begun by ``on`` (0 before it starts)."""
    if on < valid_from:
        return 0
    months = (on.year - valid_from.year) * 12 + (on.month - valid_from.month)
    if on.day < valid_from.day:
        months -= 1
    return months // 3 + 1


def released_so_far(entitlement: Entitlement, on: dt.date) -> Decimal:
    """How much of a quota entitlement has been released by ``on`` (all of it if not a quota item)."""
    if entitlement.quarterly_release is None:
        return entitlement.quantity
    return min(entitlement.quantity, entitlement.quarterly_release * quarters_started(entitlement.valid_from, on))


def next_release_date(entitlement: Entitlement, on: dt.date) -> dt.date | None:
    """The day the next quarterly release comes, or None when everything is released."""
    if entitlement.quarterly_release is None or released_so_far(entitlement, on) >= entitlement.quantity:
        return None
    return add_months(entitlement.valid_from, 3 * quarters_started(entitlement.valid_from, on))


def add_months(day: dt.date, months: int) -> dt.date:
    """``day`` moved by whole months, clamped to the month's last day (31 Jan + 1 month = 28/29 Feb)."""
    index = day.year * 12 + day.month - 1 + months
    year, month = divmod(index, 12)
    month += 1
    for last in (31, 30, 29, 28):
        try:
            return dt.date(year, month, min(day.day, last))
        except ValueError:
            continue
    raise AssertionError("unreachable")


def available(entitlement: Entitlement, on: dt.date) -> Decimal:
    """What can be ordered now: the balance, bounded by the quarterly releases for quota items."""
    free = entitlement.quantity - entitlement.reserved - entitlement.consumed
    if entitlement.quarterly_release is not None:
        free = min(free, released_so_far(entitlement, on) - entitlement.reserved - entitlement.consumed)
    return max(free, ZERO)


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


async def coverage_for_listings(
    session: AsyncSession,
    viewer: Viewer,
    listings: Iterable[Any],
    *,
    person_id: int | None = None,
    quantity: Decimal = Decimal(1),
    on: dt.date | None = None,
) -> dict[int, Coverage]:
    """Coverage of each listing for the signed-in recipient (or a person they represent).

    ``listings`` are Listing rows or mappings with ``id``,
    ``classifier_item_id`` and ``unit_price`` (a search hit will do). Anyone
    who is not a recipient gets an empty dict: coverage is a recipient's view.
    Four queries whatever the page size: the person and their record, their
    entitlements for the page's items, the items' caps, the regions served.
    """
    rows = list(listings)
    if viewer.role != Role.RECIPIENT or not rows:
        return {}
    pid = person_id if person_id is not None else viewer.person_id
    if pid is None or pid not in viewer.person_ids:
        return {}
    day = on or today()

    # 1. The person's region, and whether a record is active today.
    record_active = exists().where(
        DisabilityRecord.person_id == Person.id,
        DisabilityRecord.status == RecordStatus.ACTIVE,
        DisabilityRecord.valid_from <= day,
        or_(DisabilityRecord.valid_until.is_(None), DisabilityRecord.valid_until >= day),
    )
    found = (await session.execute(select(Person.region_id, record_active).where(Person.id == pid))).first()
    if found is None:
        return {}
    region_id, has_record = found

    listing_ids = {int(_field(r, "id")) for r in rows}
    item_ids = {int(_field(r, "classifier_item_id")) for r in rows}

    # 2. Active entitlements for the page's classifier items.
    ents = (
        await session.execute(
            select(Entitlement).where(
                Entitlement.person_id == pid,
                Entitlement.classifier_item_id.in_(item_ids),
                Entitlement.status == EntitlementStatus.ACTIVE,
                Entitlement.valid_from <= day,
                Entitlement.valid_until >= day,
            )
        )
    ).scalars()
    by_item: dict[int, list[Entitlement]] = {}
    for e in ents:
        by_item.setdefault(e.classifier_item_id, []).append(e)

    # 3. The caps (the state norm per unit) of those items.
    cap_rows = await session.execute(
        select(ClassifierItem.id, ClassifierItem.price_cap).where(ClassifierItem.id.in_(item_ids))
    )
    caps: dict[int, Decimal | None] = {item_id: cap for item_id, cap in cap_rows.all()}

    # 4. Which listings serve the person's region (the listing and its provider both must).
    served = set(
        (
            await session.execute(
                select(Listing.id)
                .join(ListingRegion, and_(ListingRegion.listing_id == Listing.id, ListingRegion.region_id == region_id))
                .join(
                    ProviderRegion,
                    and_(ProviderRegion.provider_id == Listing.provider_id, ProviderRegion.region_id == region_id),
                )
                .where(Listing.id.in_(listing_ids))
            )
        ).scalars()
    )

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

