"""Placing an order: the rules of DOMAIN.md checked in one round trip, the balance reserved
(``records.balance.reserve_balance``), stock taken, the idempotency key remembered, all audited."""

from __future__ import annotations

import datetime as dt
import math
from decimal import Decimal
from typing import Any

from sqlalchemy import Date, Integer, and_, bindparam, or_, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from marketplace.accounts.access import Viewer
from marketplace.accounts.models import Person, Role
from marketplace.audit import idempotency
from marketplace.audit.services import record as audit, snapshot
from marketplace.catalog.models import ClassifierItem, DeliveryOption, Listing, ListingRegion, ListingStatus, Provider
from marketplace.catalog.models import ProviderRegion, SearchOutbox, VerificationStatus
from marketplace.cleaning import clean_choice, clean_quantity
from marketplace.clock import today
from marketplace.db import Database, run_in_transaction, utcnow
from marketplace.errors import DomainError, ErrorCode, not_found
from marketplace.orders.models import Order, OrderStatus
from marketplace.orders.parties import advisory_locks
from marketplace.orders.pricing import shares
from marketplace.records.balance import release_balance, reserve_balance
from marketplace.records.models import DisabilityRecord, Entitlement, EntitlementStatus, RecordStatus
from marketplace.records.norms import check_course, check_yearly_spending, line_covers
from marketplace.records.services import require_whole


PLACE_ORDER = "place_order"
MAX_ORDER_QUANTITY = Decimal(10000)
# Listings a recipient never saw: asking for them is the same as asking for a missing id.
_NEVER_PUBLIC = frozenset({ListingStatus.DRAFT, ListingStatus.PENDING_REVIEW, ListingStatus.REJECTED})


def stock_units(quantity: Decimal) -> int:
    return math.ceil(quantity)


# -- placing --------------------------------------------------------------------
async def place_order(
    session: AsyncSession,
    viewer: Viewer,
    *,
    listing_id: int,
    entitlement_id: int,
    quantity: Decimal,
    idempotency_key: str,
    delivery_option: str | None = None,
    course_starts_on: dt.date | None = None,
) -> Order:
    """Order ``quantity`` units of a listing, paid from an entitlement of the
    viewer or of a person they represent. The same key with the same request
    returns the same order; with another request, IDEMPOTENCY_CONFLICT.

    A "with a companion" course (TSR-10-002) is paid from a line of its base item with
    ``with_companion``; a course takes the day it starts (``norms.check_course``)."""
    viewer.require_role(Role.RECIPIENT)
    assert viewer.account_id is not None
    key = idempotency.clean_key(idempotency_key)
    qty = clean_quantity(quantity, max_value=MAX_ORDER_QUANTITY)
    option = clean_delivery_option(delivery_option)
    if course_starts_on is not None and (
            not isinstance(course_starts_on, dt.date) or isinstance(course_starts_on, dt.datetime)):
        raise DomainError(ErrorCode.INVALID, "A date.", "courseStartsOn")
    request = {"listing_id": int(listing_id), "entitlement_id": int(entitlement_id), "quantity": str(qty),
               "delivery": option}
    if course_starts_on is not None:
        request["course_starts_on"] = course_starts_on.isoformat()
    payload_hash = idempotency.request_hash(request)
    # Identical requests queue on their key (PostgreSQL), so the second one reads the
    # first one's result instead of racing it to the balance; the unique constraints stay the backstop.
    await advisory_locks(session, [("idempotency", viewer.account_id, PLACE_ORDER, key)])
    earlier = await idempotency.previous_result(session, viewer.account_id, PLACE_ORDER, key, payload_hash)
    if earlier is not None:
        order = await session.get(Order, earlier)
        assert order is not None
        return order

    # Everything the rules below read, in one round trip: the entitlement and its person, the
    # listing with its provider and classifier item, whether the person has a record active
    # today, and whether the listing and its provider serve the person's region.
    day = today()
    row = (await session.execute(
        _ORDER_CONTEXT, _order_context_params(int(entitlement_id), int(listing_id), day))).first()
    ent = row.Entitlement if row is not None else None
    if ent is None or ent.person_id not in viewer.person_ids:
        raise not_found("entitlement", "entitlementId")
    listing: Listing | None = row.Listing
    if listing is None or listing.status in _NEVER_PUBLIC:
        raise not_found("listing", "listingId")
    person: Person = row.Person
    provider: Provider | None = row.Provider
    item: ClassifierItem | None = row.ClassifierItem
    assert person is not None and provider is not None and item is not None

    if not row.has_active_record:
        raise DomainError(ErrorCode.NO_ACTIVE_RECORD, "There is no active disability record today.", "entitlementId")
    if ent.status != EntitlementStatus.ACTIVE:
        raise DomainError(ErrorCode.NO_ENTITLEMENT, "This entitlement is closed.", "entitlementId")
    if not ent.is_active_on(day):
        raise DomainError(ErrorCode.NO_ENTITLEMENT, "This entitlement is not valid today.", "entitlementId")
    if not line_covers(ent, item):
        if ent.classifier_item_id == item.companion_variant_of_id:
            raise DomainError(ErrorCode.NO_ENTITLEMENT, "This line does not cover a companion.", "entitlementId")
        raise DomainError(ErrorCode.NO_ENTITLEMENT, "This entitlement does not cover this item.", "entitlementId")
    if listing.status != ListingStatus.PUBLISHED:
        raise DomainError(ErrorCode.LISTING_NOT_AVAILABLE, "This listing is no longer offered.", "listingId")
    if provider.verification_status == VerificationStatus.SUSPENDED:
        raise DomainError(ErrorCode.LISTING_NOT_AVAILABLE, "This provider does not take orders now.", "listingId")
    if not row.serves_region:
        raise DomainError(ErrorCode.REGION_NOT_SERVED, "This offer is not available in your region.", "listingId")
    if option is not None and listing.delivery_options and option not in listing.delivery_options:
        raise DomainError(ErrorCode.INVALID, "This listing does not offer that delivery option.", "deliveryOption")
    require_whole(qty, item.unit)
    if item.price_cap is None:
        raise DomainError(
            ErrorCode.NOT_ELIGIBLE,
            "A custom item has no guaranteed price: it needs an approved quote before it can be ordered.",
            "listingId",
        )
    starts_on = check_course(item, ent, course_starts_on, qty, day)

    if item.yearly_max is not None:
        # The person's orders of the item this year are summed, then one more is added: one at a time.
        await advisory_locks(session, [("person-item", person.id, item.id)])
        await check_yearly_spending(session, item, person.id, qty, day)
    reserved_event = await reserve_balance(session, viewer, ent, qty, day, note={"order_quantity": str(qty)},
                                           audit_now=False)
    if listing.stock is not None:
        units = stock_units(qty)
        taken = await session.execute(
            update(Listing)
            .where(Listing.id == listing.id, Listing.stock.is_not(None), Listing.stock >= units)
            .values(stock=Listing.stock - units, updated_at=Listing.updated_at)
            .execution_options(synchronize_session=False)
        )
        if taken.rowcount != 1:
            # Undo the reservation here too, so nothing is half-applied even if a caller kept the transaction.
            await release_balance(session, viewer, ent.id, qty, note=None)
            raise DomainError(ErrorCode.OUT_OF_STOCK, "Not enough in stock.", "quantity")
        session.add(SearchOutbox(entity="listing", entity_id=listing.id))

    cap = item.cap_on(day)
    split = shares(listing.unit_price, cap, qty)
    order = Order(
        person_id=person.id,
        region_id=person.region_id,
        placed_by_account_id=viewer.account_id,
        listing_id=listing.id,
        provider_id=listing.provider_id,
        entitlement_id=ent.id,
        classifier_item_id=item.id,
        quantity=qty,
        unit_price=listing.unit_price,
        price_cap=cap,
        total=split.total,
        state_share=split.state_share,
        co_payment=split.co_payment,
        delivery_option=option,
        course_starts_on=starts_on,
        status=OrderStatus.PLACED,
        idempotency_key=key,
        placed_at=utcnow(),
        version=1,
    )
    session.add(order)
    await idempotency.flush_claiming_key(session)  # the order's id, for the rows that refer to it
    # The idempotency key, both audit events (one INSERT) and the provider's notification (added
    # by the audit trail's before_flush listener) in one more flush, here rather than at commit:
    # a concurrent twin's key is then still told apart (ConcurrentDuplicate), and the provider,
    # item and listing the notice names are still in the session (no second read of them).
    idempotency.remember(session, viewer.account_id, PLACE_ORDER, key, payload_hash, order.id)
    audit(session, viewer, *reserved_event)
    audit(session, viewer, "order.placed", order, None, snapshot(order))
    await idempotency.flush_claiming_key(session)
    return order


def _build_order_context() -> Any:
    """One row: the entitlement, its person, the listing, its provider and classifier item (None
    when the listing does not exist), ``has_active_record`` and ``serves_region``; no row when the
    entitlement does not exist. The checks ``place_order`` makes on them are unchanged.

    Built once, with bound parameters ``entitlement_id``, ``listing_id`` and ``day``: a statement
    object reused skips its construction and its cache-key generation on every order."""
    day = bindparam("day", type_=Date)
    listing_id = bindparam("listing_id", type_=Integer)
    has_active_record = (
        select(DisabilityRecord.id)
        .where(
            DisabilityRecord.person_id == Person.id,
            DisabilityRecord.status == RecordStatus.ACTIVE,
            DisabilityRecord.valid_from <= day,
            or_(DisabilityRecord.valid_until.is_(None), DisabilityRecord.valid_until >= day),
        )
        .exists()
    )
    serves_region = and_(
        select(ListingRegion.listing_id)
        .where(ListingRegion.listing_id == Listing.id, ListingRegion.region_id == Person.region_id)
        .exists(),
        select(ProviderRegion.provider_id)
        .where(ProviderRegion.provider_id == Listing.provider_id, ProviderRegion.region_id == Person.region_id)
        .exists(),
    )
    return (
        select(Entitlement, Person, Listing, Provider, ClassifierItem,
               has_active_record.label("has_active_record"), serves_region.label("serves_region"))
        .join(Person, Person.id == Entitlement.person_id)
        .outerjoin(Listing, Listing.id == listing_id)
        .outerjoin(Provider, Provider.id == Listing.provider_id)
        .outerjoin(ClassifierItem, ClassifierItem.id == Listing.classifier_item_id)
        .where(Entitlement.id == bindparam("entitlement_id", type_=Integer))
    )


_ORDER_CONTEXT = _build_order_context()


def _order_context_params(entitlement_id: int, listing_id: int, day: dt.date) -> dict[str, Any]:
    return {"entitlement_id": entitlement_id, "listing_id": listing_id, "day": day}


async def place_order_once(db: Database, viewer: Viewer, **kwargs: Any) -> Order:
    """``place_order`` in a transaction of its own, under the one retry policy (``db.run_in_transaction``):
    when a concurrent request with the same key wins the unique constraint, this one rolls back
    and returns the winner's order (or IDEMPOTENCY_CONFLICT if the payload differs)."""
    return await run_in_transaction(db, place_order, viewer, **kwargs)


def clean_delivery_option(value: str | None) -> str | None:
    if value is None or value == "":
        return None
    return clean_choice(DeliveryOption, value, "deliveryOption").value


async def listing_serves(session: AsyncSession, listing: Listing, region_id: int) -> bool:
    row = await session.execute(
        select(ListingRegion.listing_id)
        .join(
            ProviderRegion,
            and_(ProviderRegion.provider_id == listing.provider_id, ProviderRegion.region_id == region_id),
        )
        .where(ListingRegion.listing_id == listing.id, ListingRegion.region_id == region_id)
    )
    return row.first() is not None
