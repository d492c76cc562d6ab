"""Orders against IRP entitlements, service hours, reviews.

Balance moves
-------------
- placing an order reserves: ``reserved += q`` by ONE conditional UPDATE that
  also checks the balance (and the quarterly release of quota items), so no
  concurrency can overspend and no reservation is lost;
- declining (provider) or cancelling (recipient) releases: ``reserved -= q``;
- confirming receipt consumes: ``reserved -= q, consumed += q``. For an
  hourly service order (kind SERVICE, unit HOUR) it consumes the hours the
  recipient CONFIRMED on the order's service logs and releases the rest of the
  booking; it is refused while some logged hours are neither confirmed nor
  disputed.
Tracked stock (``Listing.stock``, in whole units; a fractional hour booking
takes its ceiling) moves with the reservation and returns on decline/cancel.

State transitions are conditional UPDATEs on the old status, so a double
accept/decline/confirm cannot both succeed. Every change is audited in the
same session. Out of scope (another recipient's or provider's order) is
NOT_FOUND; the wrong role is FORBIDDEN.

``place_order`` takes an idempotency key; ``place_order_once`` runs it in its
own transaction and settles a race between two identical requests.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import math
from collections.abc import Iterable, Sequence
from decimal import Decimal
from typing import Any

from sqlalchemy import (
    Date,
    Integer,
    and_,
    bindparam,
    literal,
    or_,
    select,
    text,
    update,
)
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from marketplace.accounts.access import Viewer
from marketplace.accounts.models import Person, Role
from marketplace.audit import idempotency
from marketplace.audit.services import record as audit
from marketplace.audit.services import snapshot
from marketplace.catalog.models import (
    ClassifierItem,
    DeliveryOption,
    ItemKind,
    Listing,
    ListingRegion,
    ListingStatus,
    Provider,
    ProviderRegion,
    SearchOutbox,
    Unit,
    VerificationStatus,
)
from marketplace import clock
from marketplace.cleaning import clean_quantity, clean_required_text
from marketplace.clock import today
from marketplace.db import Database, Quantity, count_rows, run_in_transaction, utcnow
from marketplace.errors import DomainError, ErrorCode, not_found
from marketplace.lifecycle import ORDER, transition
from marketplace.orders.models import (
    Order,
    OrderStatus,
    Review,
    ServiceLog,
    ServiceLogStatus,
)
from marketplace.orders.pricing import shares
from marketplace.records.norms import (
    check_course,
    check_yearly_spending,
    line_covers,
)
from marketplace.records.balance import consume_balance, release_balance, reserve_balance
from marketplace.records.models import (
    DisabilityRecord,
    Entitlement,
    EntitlementStatus,
    RecordStatus,
)
from marketplace.records.services import clean_iin, require_whole

PLACE_ORDER = "place_order"
MAX_ORDER_QUANTITY = Decimal(10000)
MAX_REASON = 1000
MAX_REVIEW = 2000
MAX_LOGS_PER_CALL = 200
MAX_WORKER_NAME = 200
# Listings a recipient never saw: asking for them is the same as asking for a missing id.
_NEVER_PUBLIC = frozenset({ListingStatus.DRAFT, ListingStatus.PENDING_REVIEW, ListingStatus.REJECTED})
_OPEN_FOR_HOURS = (OrderStatus.ACCEPTED, OrderStatus.DELIVERED)


def _qty(value: Decimal) -> Any:
    """A bound quantity typed as the column (on SQLite that means scaled to hundredths)."""
    return literal(value, Quantity)


def _stock_units(quantity: Decimal) -> int:
    return math.ceil(quantity)


def _is_hourly(item: ClassifierItem) -> bool:
    return item.kind == ItemKind.SERVICE and item.unit == Unit.HOUR


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
    option = _clean_option(delivery_option)
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
    await _advisory_locks(session, [("idempotency", viewer.account_id, PLACE_ORDER, key)])
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
        await _advisory_locks(session, [("person-item", person.id, item.id)])
        await check_yearly_spending(session, item, person.id, qty, day)
    reserved_event = await reserve_balance(session, viewer, ent, qty, day, note={"order_quantity": str(qty)},
                                           audit_now=False)
    if listing.stock is not None:
        units = _stock_units(qty)
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

    split = shares(listing.unit_price, item.price_cap, qty)
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
        price_cap=item.price_cap,
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


def _clean_option(value: str | None) -> str | None:
    if value is None or value == "":
        return None
    try:
        return DeliveryOption(value).value
    except ValueError as exc:
        raise DomainError(
            ErrorCode.INVALID, "One of {allowed}.", "deliveryOption", allowed=list(DeliveryOption)
        ) from exc


async def _serves(session: AsyncSession, listing: Listing, region_id: int) -> bool:
    row = await session.execute(
        select(ListingRegion.listing_id)
        .join(
            ProviderRegion,
            and_(ProviderRegion.provider_id == listing.provider_id, ProviderRegion.region_id == region_id),
        )
        .where(ListingRegion.listing_id == listing.id, ListingRegion.region_id == region_id)
    )
    return row.first() is not None


async def _return_stock(session: AsyncSession, order: Order) -> None:
    result = await session.execute(
        update(Listing)
        .where(Listing.id == order.listing_id, Listing.stock.is_not(None))
        .values(stock=Listing.stock + _stock_units(order.quantity), updated_at=Listing.updated_at)
        .execution_options(synchronize_session=False)
    )
    if result.rowcount:
        session.add(SearchOutbox(entity="listing", entity_id=order.listing_id))


# -- transitions ----------------------------------------------------------------
async def _order_of_provider(session: AsyncSession, viewer: Viewer, order_id: int) -> Order:
    viewer.require_role(Role.PROVIDER)
    order = await session.get(Order, order_id)
    if order is None or not viewer.owns_provider(order.provider_id):
        raise not_found("order", "orderId")
    return order


async def _order_of_recipient(session: AsyncSession, viewer: Viewer, order_id: int) -> Order:
    viewer.require_role(Role.RECIPIENT)
    order = await session.get(Order, order_id)
    if order is None or not viewer.acts_for_person(order.person_id):
        raise not_found("order", "orderId")
    return order


async def _lock_order(session: AsyncSession, order: Order) -> None:
    """SELECT ... FOR UPDATE on the order (a no-op on SQLite, whose writers are serialised), refreshing it."""
    (
        await session.execute(
            select(Order).where(Order.id == order.id).with_for_update().execution_options(populate_existing=True)
        )
    ).scalar_one()


async def _transition(
    session: AsyncSession,
    viewer: Viewer,
    order: Order,
    old: Sequence[OrderStatus],
    new: OrderStatus,
    action: str,
    **values: Any,
) -> dict[str, Any]:
    """old → new along the order's lifecycle (race-safe, audited); returns the snapshot before."""
    return await transition(
        session, viewer, ORDER, order, new, old=old, action=action,
        refusal=lambda now: DomainError(ErrorCode.INVALID_TRANSITION, "The order is {status}; it cannot be {new} now.",
                                        "orderId", status=now.status, new=new),
        **values,
    )


async def accept_order(session: AsyncSession, viewer: Viewer, order_id: int) -> Order:
    """Provider: PLACED → ACCEPTED."""
    order = await _order_of_provider(session, viewer, order_id)
    await _transition(session, viewer, order, [OrderStatus.PLACED], OrderStatus.ACCEPTED, "order.accepted",
                      accepted_at=utcnow())
    return order


async def decline_order(session: AsyncSession, viewer: Viewer, order_id: int, reason: str) -> Order:
    """Provider: PLACED → DECLINED, with a reason; the reservation returns to the balance."""
    order = await _order_of_provider(session, viewer, order_id)
    why = clean_required_text(reason, "reason", MAX_REASON, multiline=True)
    await _transition(session, viewer, order, [OrderStatus.PLACED], OrderStatus.DECLINED, "order.declined",
                      decline_reason=why, closed_at=utcnow())
    await release_balance(session, viewer, order.entitlement_id, order.quantity, note={"order_id": order.id})
    await _return_stock(session, order)
    return order


async def cancel_order(session: AsyncSession, viewer: Viewer, order_id: int) -> Order:
    """Recipient: PLACED or ACCEPTED → CANCELLED; the reservation returns to the balance.
    Refused once hours were logged on it (they are settled by delivery and confirmation)."""
    order = await _order_of_recipient(session, viewer, order_id)
    # Lock the order first: a provider logging hours holds the same lock while it checks the status.
    await _lock_order(session, order)
    logged = await session.execute(
        select(ServiceLog.id).where(ServiceLog.order_id == order.id, ServiceLog.status != ServiceLogStatus.DISPUTED)
    )
    if order.status in (OrderStatus.PLACED, OrderStatus.ACCEPTED) and logged.first() is not None:
        raise DomainError(
            ErrorCode.INVALID_TRANSITION,
            "Hours were already logged on this order; it is settled by delivery and confirmation.",
            "orderId",
        )
    await _transition(session, viewer, order, [OrderStatus.PLACED, OrderStatus.ACCEPTED], OrderStatus.CANCELLED,
                      "order.cancelled", closed_at=utcnow())
    await release_balance(session, viewer, order.entitlement_id, order.quantity, note={"order_id": order.id})
    await _return_stock(session, order)
    return order


async def mark_delivered(session: AsyncSession, viewer: Viewer, order_id: int) -> Order:
    """Provider: ACCEPTED → DELIVERED (for a service: the service is finished; no more hours can be logged)."""
    order = await _order_of_provider(session, viewer, order_id)
    await _transition(session, viewer, order, [OrderStatus.ACCEPTED], OrderStatus.DELIVERED, "order.delivered",
                      delivered_at=utcnow())
    return order


async def confirm_receipt(session: AsyncSession, viewer: Viewer, order_id: int) -> Order:
    """Recipient: DELIVERED → CONFIRMED; the reservation is consumed.

    For an hourly service the consumption is the CONFIRMED hours on its logs
    (the rest of the booking returns to the balance); it is refused while any
    logged hours await the recipient's confirmation or dispute.
    """
    order = await _order_of_recipient(session, viewer, order_id)
    # Lock the order first: confirming or disputing its hours takes the same lock.
    await _lock_order(session, order)
    item = await session.get(ClassifierItem, order.classifier_item_id)
    assert item is not None
    consume = order.quantity
    if _is_hourly(item) and order.status == OrderStatus.DELIVERED:
        pending = await session.execute(
            select(ServiceLog.id).where(ServiceLog.order_id == order.id, ServiceLog.status == ServiceLogStatus.LOGGED)
        )
        if pending.first() is not None:
            raise DomainError(
                ErrorCode.INVALID_TRANSITION,
                "Confirm or dispute the logged hours before confirming the service.",
                "orderId",
            )
        confirmed = await _minutes(
            session, [ServiceLog.order_id == order.id, ServiceLog.status == ServiceLogStatus.CONFIRMED]
        )
        consume = min(order.quantity, (Decimal(confirmed) / 60).quantize(Decimal("0.01")))
    now = utcnow()
    await _transition(session, viewer, order, [OrderStatus.DELIVERED], OrderStatus.CONFIRMED, "order.confirmed",
                      confirmed_at=now, closed_at=now)
    await consume_balance(session, viewer, order.entitlement_id, consume, reserved=order.quantity,
                          note={"order_id": order.id})
    return order


# -- service hours --------------------------------------------------------------
def _minutes_between(start: dt.time, end: dt.time) -> int:
    return (end.hour * 60 + end.minute) - (start.hour * 60 + start.minute)


async def _minutes(session: AsyncSession, conditions: list[Any]) -> int:
    rows = await session.execute(select(ServiceLog.start_time, ServiceLog.end_time).where(*conditions))
    return sum(_minutes_between(s, e) for s, e in rows.all())


def _lock_key(*parts: object) -> int:
    digest = hashlib.blake2b("|".join(map(str, parts)).encode(), digest_size=8).digest()
    return int.from_bytes(digest, "big", signed=True)


async def _advisory_locks(session: AsyncSession, keys: Iterable[tuple[object, ...]]) -> None:
    """Transaction-scoped locks on PostgreSQL (taken in a fixed order, so no deadlock);
    on SQLite the write transaction (BEGIN IMMEDIATE) already serialises writers."""
    if session.get_bind().dialect.name != "postgresql":
        return
    for key in sorted(_lock_key(*k) for k in keys):
        await session.execute(text("SELECT pg_advisory_xact_lock(:k)"), {"k": key})


def _clean_time(value: dt.time, field: str) -> dt.time:
    if not isinstance(value, dt.time):
        raise DomainError(ErrorCode.INVALID, "A time of day.", field)
    if value.second or value.microsecond:
        raise DomainError(ErrorCode.INVALID, "Whole minutes, please.", field)
    return value.replace(tzinfo=None)


async def log_service_hours(
    session: AsyncSession,
    viewer: Viewer,
    *,
    order_id: int,
    worker_iin: str,
    worker_name: str,
    service_date: dt.date,
    start_time: dt.time,
    end_time: dt.time,
) -> ServiceLog:
    """Provider: log a worker's hours on an ACCEPTED hourly service order.

    Refused: a date in the future or before the order was placed, or hours not over yet (all in
    Kazakhstan's time, UTC+5); a worker's
    interval overlapping another of theirs that day, for anyone
    (OVERLAPPING_HOURS); more of an item a day than its daily most (a personal assistant
    8 hours) for one person across all providers, or over the entitlement's daily limit
    (DAILY_LIMIT_EXCEEDED); more hours than the order booked
    (INSUFFICIENT_BALANCE). Disputed logs do not count. Shifts that cross
    midnight are logged as two entries.
    """
    order = await _order_of_provider(session, viewer, order_id)
    iin = clean_iin(worker_iin, "workerIin")
    name = clean_required_text(worker_name, "workerName", MAX_WORKER_NAME)
    if not isinstance(service_date, dt.date) or isinstance(service_date, dt.datetime):
        raise DomainError(ErrorCode.INVALID, "A date.", "serviceDate")
    start = _clean_time(start_time, "startTime")
    end = _clean_time(end_time, "endTime")
    if end <= start:
        raise DomainError(ErrorCode.OUT_OF_RANGE, "Ends after it starts (log a night shift as two entries).",
                          "endTime")
    minutes = _minutes_between(start, end)
    # Kazakhstan's clock: hours are logged once they are over there, never ahead of time.
    if service_date > today():
        raise DomainError(ErrorCode.OUT_OF_RANGE, "Hours cannot be logged ahead of time.", "serviceDate")
    if clock.moment(service_date, end) > clock.now():
        raise DomainError(ErrorCode.OUT_OF_RANGE, "These hours have not ended yet: it is {now} in Kazakhstan.", "endTime",
                          now=clock.local_now().time())
    if service_date < clock.local_date(order.placed_at):
        raise DomainError(ErrorCode.OUT_OF_RANGE, "Before the order was placed.", "serviceDate")

    # Serialise every check-then-insert that reads the same sums: the order row,
    # the worker's day (across providers) and the person's day (across providers).
    await _advisory_locks(session, [("worker-day", iin, service_date), ("person-day", order.person_id, service_date)])
    order = (
        await session.execute(
            select(Order).where(Order.id == order.id).with_for_update().execution_options(populate_existing=True)
        )
    ).scalar_one()
    item = await session.get(ClassifierItem, order.classifier_item_id)
    assert item is not None
    if not _is_hourly(item):
        raise DomainError(ErrorCode.INVALID, "Hours are logged on hourly service orders only.", "orderId")
    if order.status != OrderStatus.ACCEPTED:
        raise DomainError(
            ErrorCode.INVALID_TRANSITION,
            "The order is {status}; hours are logged on accepted orders.",
            "orderId", status=order.status,
        )

    counted = ServiceLog.status != ServiceLogStatus.DISPUTED
    same_worker = await session.execute(
        select(ServiceLog.start_time, ServiceLog.end_time).where(
            ServiceLog.worker_iin == iin, ServiceLog.service_date == service_date, counted
        )
    )
    for s, e in same_worker.all():
        if s < end and start < e:
            raise DomainError(
                ErrorCode.OVERLAPPING_HOURS,
                "This worker already has hours from {start} to {end} on that date.",
                "startTime", start=s, end=e,
            )

    day_rows = (
        await session.execute(
            select(ServiceLog.start_time, ServiceLog.end_time, Order.entitlement_id, Order.classifier_item_id)
            .join(Order, Order.id == ServiceLog.order_id)
            .where(ServiceLog.person_id == order.person_id, ServiceLog.service_date == service_date, counted)
        )
    ).all()
    if item.daily_max is not None:
        # The item's daily most holds for the person across all providers and lines of the item.
        most = int(item.daily_max * 60)
        same_item = sum(_minutes_between(s, e) for s, e, _, item_id in day_rows if item_id == item.id)
        if same_item + minutes > most:
            raise DomainError(
                ErrorCode.DAILY_LIMIT_EXCEEDED,
                "At most {most} hours a day of this service for one person; {left} left on that date.",
                "endTime", most=item.daily_max, left=_hours(max(0, most - same_item)),
            )
    ent = await session.get(Entitlement, order.entitlement_id)
    assert ent is not None
    if ent.daily_limit is not None:
        used = sum(_minutes_between(s, e) for s, e, eid, _ in day_rows if eid == ent.id)
        if Decimal(used + minutes) > ent.daily_limit * 60:
            raise DomainError(
                ErrorCode.DAILY_LIMIT_EXCEEDED,
                "At most {limit} hours a day on this entitlement; {left} h left on that date.",
                "endTime", limit=ent.daily_limit, left=_hours(max(0, int(ent.daily_limit * 60) - used)),
            )
    on_order = await _minutes(session, [ServiceLog.order_id == order.id, counted])
    if Decimal(on_order + minutes) > order.quantity * 60:
        raise DomainError(
            ErrorCode.INSUFFICIENT_BALANCE,
            "The order booked {quantity} hours; {left} h left.",
            "endTime", quantity=order.quantity, left=_hours(max(0, int(order.quantity * 60) - on_order)),
        )

    log = ServiceLog(
        order_id=order.id,
        person_id=order.person_id,
        provider_id=order.provider_id,
        worker_iin=iin,
        worker_name=name,
        service_date=service_date,
        start_time=start,
        end_time=end,
        hours=(Decimal(minutes) / 60).quantize(Decimal("0.01")),
        status=ServiceLogStatus.LOGGED,
        logged_at=utcnow(),
    )
    session.add(log)
    await session.flush()
    audit(session, viewer, "service_log.logged", log, None, snapshot(log))
    return log


def _hours(minutes: int) -> str:
    h, m = divmod(minutes, 60)
    return f"{h}:{m:02d}"


async def _logs_of_recipient(
    session: AsyncSession, viewer: Viewer, log_ids: Iterable[int]
) -> list[ServiceLog]:
    viewer.require_role(Role.RECIPIENT)
    ids = sorted({int(i) for i in log_ids})
    if not ids:
        raise DomainError(ErrorCode.REQUIRED, "Name at least one service log.", "logIds")
    if len(ids) > MAX_LOGS_PER_CALL:
        raise DomainError(ErrorCode.OUT_OF_RANGE, "At most {count} at a time.", "logIds", count=MAX_LOGS_PER_CALL)
    logs = list((await session.execute(select(ServiceLog).where(ServiceLog.id.in_(ids)))).scalars())
    if len(logs) != len(ids) or any(not viewer.acts_for_person(log.person_id) for log in logs):
        raise not_found("service log", "logIds")
    # Lock their orders (in id order): confirm_receipt takes the same lock before it sums the hours.
    order_ids = sorted({log.order_id for log in logs})
    orders = (
        await session.execute(
            select(Order).where(Order.id.in_(order_ids)).order_by(Order.id).with_for_update()
            .execution_options(populate_existing=True)
        )
    ).scalars()
    for o in orders:
        if o.status not in _OPEN_FOR_HOURS:
            raise DomainError(ErrorCode.INVALID_TRANSITION, "The order is {status}.", "logIds", status=o.status)
    return sorted(logs, key=lambda log: log.id)


async def _move_logs(
    session: AsyncSession, viewer: Viewer, logs: list[ServiceLog], new: ServiceLogStatus, action: str,
    **values: Any,
) -> list[ServiceLog]:
    befores = {log.id: snapshot(log) for log in logs}
    if any(log.status != ServiceLogStatus.LOGGED for log in logs):
        raise DomainError(ErrorCode.INVALID_TRANSITION, "Only logged hours can be confirmed or disputed.", "logIds")
    result = await session.execute(
        update(ServiceLog)
        .where(ServiceLog.id.in_([log.id for log in logs]), ServiceLog.status == ServiceLogStatus.LOGGED)
        .values(status=new, **values)
        .execution_options(synchronize_session=False)
    )
    if result.rowcount != len(logs):
        raise DomainError(ErrorCode.INVALID_TRANSITION, "Only logged hours can be confirmed or disputed.", "logIds")
    for log in logs:
        await session.refresh(log)
        audit(session, viewer, action, log, befores[log.id], snapshot(log))
    return logs


async def confirm_service_hours(session: AsyncSession, viewer: Viewer, log_ids: Iterable[int]) -> list[ServiceLog]:
    """Recipient: LOGGED → CONFIRMED, all or none. Only confirmed hours are paid."""
    logs = await _logs_of_recipient(session, viewer, log_ids)
    return await _move_logs(session, viewer, logs, ServiceLogStatus.CONFIRMED, "service_log.confirmed",
                            confirmed_at=utcnow())


async def dispute_service_hours(session: AsyncSession, viewer: Viewer, log_id: int, note: str) -> ServiceLog:
    """Recipient: LOGGED → DISPUTED, with a note. Disputed hours are never paid nor counted."""
    why = clean_required_text(note, "note", MAX_REASON, multiline=True)
    logs = await _logs_of_recipient(session, viewer, [log_id])
    return (await _move_logs(session, viewer, logs, ServiceLogStatus.DISPUTED, "service_log.disputed", note=why))[0]


# -- reviews --------------------------------------------------------------------
async def review_order(
    session: AsyncSession, viewer: Viewer, order_id: int, rating: int, text: str | None = ""
) -> Review:
    """Recipient: rate a CONFIRMED order once (1..5, text up to 2000 characters)."""
    order = await _order_of_recipient(session, viewer, order_id)
    if isinstance(rating, bool) or not isinstance(rating, int) or not 1 <= rating <= 5:
        raise DomainError(ErrorCode.OUT_OF_RANGE, "A rating from 1 to 5.", "rating")
    body = (text or "").strip()
    if len(body) > MAX_REVIEW:
        raise DomainError(ErrorCode.TOO_LONG, "At most {count} characters.", "text", count=MAX_REVIEW)
    if order.status != OrderStatus.CONFIRMED:
        raise DomainError(ErrorCode.INVALID_TRANSITION, "Only a confirmed order can be reviewed.", "orderId")
    if (await session.execute(select(Review.id).where(Review.order_id == order.id))).first() is not None:
        raise DomainError(ErrorCode.DUPLICATE, "This order is already reviewed.", "orderId")
    review = Review(
        order_id=order.id,
        listing_id=order.listing_id,
        provider_id=order.provider_id,
        person_id=order.person_id,
        rating=rating,
        text=body,
        created_at=utcnow(),
    )
    session.add(review)
    try:
        await session.flush()
    except IntegrityError as exc:  # a concurrent review of the same order won
        raise DomainError(ErrorCode.DUPLICATE, "This order is already reviewed.", "orderId") from exc
    await session.execute(
        update(Listing)
        .where(Listing.id == order.listing_id)
        .values(rating_sum=Listing.rating_sum + rating, rating_count=Listing.rating_count + 1,
                updated_at=Listing.updated_at)
        .execution_options(synchronize_session=False)
    )
    await session.execute(
        update(Provider)
        .where(Provider.id == order.provider_id)
        .values(rating_sum=Provider.rating_sum + rating, rating_count=Provider.rating_count + 1,
                updated_at=Provider.updated_at)
        .execution_options(synchronize_session=False)
    )
    session.add(SearchOutbox(entity="listing", entity_id=order.listing_id))
    session.add(SearchOutbox(entity="provider", entity_id=order.provider_id))
    audit(session, viewer, "review.created", review, None, snapshot(review))
    return review


# -- reads ----------------------------------------------------------------------
def _scope(viewer: Viewer) -> list[Any]:
    """WHERE conditions for the orders the viewer may see."""
    return viewer.case_filter(Order.person_id, Order.provider_id, Order.region_id)


def can_see_order(viewer: Viewer, order: Order) -> bool:
    return viewer.sees_case(order.person_id, order.provider_id, order.region_id)


async def get_order(session: AsyncSession, viewer: Viewer, order_id: int) -> Order:
    viewer.require_authenticated()
    order = await session.get(Order, order_id)
    if order is None or not can_see_order(viewer, order):
        raise not_found("order", "orderId")
    return order


async def get_service_log(session: AsyncSession, viewer: Viewer, log_id: int) -> ServiceLog:
    """A service log, for whoever may see its order."""
    return await _of_visible_order(session, viewer, ServiceLog, log_id, "service log")


async def get_review(session: AsyncSession, viewer: Viewer, review_id: int) -> Review:
    """A review, for whoever may see the order it reviews."""
    return await _of_visible_order(session, viewer, Review, review_id, "review")


async def _of_visible_order(session: AsyncSession, viewer: Viewer, model: Any, pk: int, what: str) -> Any:
    viewer.require_authenticated()
    row = await session.get(model, pk)
    order = await session.get(Order, row.order_id) if row is not None else None
    if order is None or not can_see_order(viewer, order):
        raise not_found(what, "id")
    return row


async def list_orders(
    session: AsyncSession,
    viewer: Viewer,
    *,
    status: OrderStatus | None = None,
    person_id: int | None = None,
    first: int = 20,
    after: int | None = None,
    count_only: bool = False,
) -> list[Order] | int:
    """The orders in the viewer's scope, newest (highest id) first, keyset-paged.

    ``after`` is the id of the last order of the previous page. Returns up to
    ``first + 1`` rows: an extra row means there is a next page (as
    ``schema.core.pagination.build_connection`` expects).
    """
    if isinstance(first, bool) or not isinstance(first, int) or not 0 <= first <= 100:
        raise DomainError(ErrorCode.OUT_OF_RANGE, "first must be between 0 and 100.", "first")
    stmt = select(Order).where(*_scope(viewer))
    if status is not None:
        try:
            status = OrderStatus(status)
        except ValueError as exc:
            raise DomainError(ErrorCode.INVALID, "Not an order status.", "status") from exc
        stmt = stmt.where(Order.status == status)
    if person_id is not None:
        stmt = stmt.where(Order.person_id == person_id)
    if count_only:
        return await count_rows(session, stmt)
    if after is not None:
        stmt = stmt.where(Order.id < int(after))
    rows = await session.execute(stmt.order_by(Order.id.desc()).limit(first + 1))
    return list(rows.scalars())


async def list_service_logs(session: AsyncSession, viewer: Viewer, order_id: int) -> list[ServiceLog]:
    order = await get_order(session, viewer, order_id)
    rows = await session.execute(
        select(ServiceLog).where(ServiceLog.order_id == order.id)
        .order_by(ServiceLog.service_date, ServiceLog.start_time, ServiceLog.id)
    )
    return list(rows.scalars())
