"""Quotes for custom items: a bionic hand has no guaranteed price, so the price is quoted and approved.

Lifecycle
---------
REQUESTED → QUOTED → APPROVED / REJECTED → ORDERED, or WITHDRAWN / EXPIRED:

- ``request_quote``: a recipient (or their legal representative) asks the provider of a
  published listing of a custom item (no price cap) for a price, against an entitlement of
  theirs for that item, with a note. Same checks as an order (active record, active
  entitlement with enough balance, the provider serves the person's region and is not
  suspended); one open quote per entitlement and listing (DUPLICATE).
- ``submit_quote``: the listing's provider answers with a unit price, lead time and
  specification; it may revise them while the officer has not decided (``revision`` counts).
- ``approve_quote`` / ``reject_quote``: an officer of the person's region (the admin does
  not decide) approves, optionally a lower unit price than quoted, or rejects with a reason,
  within ``DECISION_TERM_WORKING_DAYS`` working days of the first quote: the officer's queue
  shows the due date and the overdue flag. ``revision`` names the version of the quote the
  officer read: a revision in between makes the decision INVALID_TRANSITION, never an
  approval of a price nobody saw.
- ``place_quoted_order`` (``placeOrder(quoteId: ...)``): the recipient orders the approved
  quote. The order's price is the quoted unit price, its cap the approved one, so the state
  share is the approved price within the entitlement and the co-payment is none unless the
  recipient chose the provider's higher price (``accept_co_payment``). It reserves the
  balance like any order and takes an idempotency key.
- ``withdraw_quote``: the recipient withdraws it before ordering.
- ``expire_quotes``: a request the provider left unanswered ``QUOTE_TERM_WORKING_DAYS``,
  or an approval left unordered ``ORDER_TERM_WORKING_DAYS``, expires. A quote awaiting the
  officer never expires: the term is the officer's, and it shows as overdue instead.

``due_date`` is when the current step is due (the provider's answer, the officer's decision,
the recipient's order), so one keyset (due date, id) pages every list.

Scope: the person (and their representative), the listing's provider, officers of the
person's region, the admin; anyone else gets NOT_FOUND, as for a missing quote. Every
transition is a conditional UPDATE on the old status (two approvals, or two orders of one
quote, cannot both succeed) and is audited in the same transaction; the notifications follow
from the audit events (``notifications.services``).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from decimal import Decimal
from typing import Any

from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import AsyncSession

from marketplace.accounts.access import Viewer, fetch_in_scope
from marketplace.accounts.models import Person, Role
from marketplace.audit import idempotency
from marketplace.audit.services import record as audit
from marketplace.audit.services import snapshot
from marketplace.calendar import add_working_days
from marketplace.catalog.models import ClassifierItem, Listing, ListingStatus, Provider, SearchOutbox
from marketplace.catalog.models import VerificationStatus
from marketplace import clock
from marketplace.cleaning import clean_id, clean_money, clean_optional_text, clean_page_size, clean_quantity
from marketplace.cleaning import clean_choice, clean_reason, clean_required_text
from marketplace.db import Database, select_for_update, utcnow
from marketplace.errors import N_, DomainError, ErrorCode, Phrase, Tenge, not_found
from marketplace.orders import services as orders
from marketplace.lifecycle import QUOTE, transition
from marketplace.orders.models import Order, OrderStatus
from marketplace.orders.pricing import money, shares
from marketplace.queues import count_overdue_in, due_date_cursor, queue_page
from marketplace.quotes.models import Quote, QuoteStatus
from marketplace.records.balance import reserve_balance
from marketplace.records.models import Entitlement, EntitlementStatus
from marketplace.records.services import active_record, require_whole

QUOTE_TERM_WORKING_DAYS = 10  # the provider answers a request
DECISION_TERM_WORKING_DAYS = 10  # the officer decides a quote (the legal term)
ORDER_TERM_WORKING_DAYS = 20  # the recipient orders an approved quote
MAX_NOTE = 1000
MAX_SPECIFICATION = 4000
MAX_LEAD_TIME_DAYS = 365
OPEN = (QuoteStatus.REQUESTED, QuoteStatus.QUOTED, QuoteStatus.APPROVED)
EXPIRING = (QuoteStatus.REQUESTED, QuoteStatus.APPROVED)
# A quote's status as a refusal names it (a Phrase: translated with the sentence around it).
STATUS_WORDS = {
    QuoteStatus.REQUESTED: N_("requested"),
    QuoteStatus.QUOTED: N_("quoted"),
    QuoteStatus.APPROVED: N_("approved"),
    QuoteStatus.REJECTED: N_("rejected"),
    QuoteStatus.ORDERED: N_("ordered"),
    QuoteStatus.WITHDRAWN: N_("withdrawn"),
    QuoteStatus.EXPIRED: N_("expired"),
}
_NEVER_PUBLIC = frozenset({ListingStatus.DRAFT, ListingStatus.PENDING_REVIEW, ListingStatus.REJECTED})


def is_overdue(quote: Quote, today: dt.date | None = None) -> bool:
    """Awaiting the officer's decision past its due date."""
    return quote.status == QuoteStatus.QUOTED and quote.due_date < (today or clock.today())


def state_share(quote: Quote) -> Decimal | None:
    """What the state pays for the quote as approved (or as quoted, before a decision)."""
    price = quote.approved_unit_price or quote.unit_price
    return money(price * quote.quantity) if price is not None else None


def co_payment(quote: Quote) -> Decimal | None:
    """What the recipient pays when ordering at the quoted price: none unless approved for less."""
    if quote.unit_price is None:
        return None
    cap = quote.approved_unit_price or quote.unit_price
    return shares(quote.unit_price, cap, quote.quantity).co_payment


# -- requesting ------------------------------------------------------------------------------
async def request_quote(
    session: AsyncSession,
    viewer: Viewer,
    *,
    listing_id: int,
    entitlement_id: int,
    quantity: Any = Decimal(1),
    note: str | None = None,
) -> Quote:
    """A recipient asks the provider of a custom item's listing for a price."""
    viewer.require_role(Role.RECIPIENT)
    ent = await session.get(Entitlement, clean_id(entitlement_id, "entitlement", "entitlementId"))
    if ent is None or ent.person_id not in viewer.person_ids:
        raise not_found("entitlement", "entitlementId")
    listing = await session.get(Listing, clean_id(listing_id, "listing", "listingId"))
    if listing is None or listing.status in _NEVER_PUBLIC:
        raise not_found("listing", "listingId")
    qty = clean_quantity(quantity, max_value=orders.MAX_ORDER_QUANTITY)
    text = clean_optional_text(note, "note", MAX_NOTE, multiline=True) or ""
    item = await session.get(ClassifierItem, listing.classifier_item_id)
    provider = await session.get(Provider, listing.provider_id)
    person = await session.get(Person, ent.person_id)
    assert item is not None and provider is not None and person is not None
    if not item.is_custom:
        raise DomainError(ErrorCode.INVALID, "This item has a guaranteed price: order it directly.", "listingId")
    if ent.classifier_item_id != listing.classifier_item_id:
        raise DomainError(ErrorCode.NO_ENTITLEMENT, "This entitlement does not cover this item.", "entitlementId")
    day = clock.today()
    if ent.status != EntitlementStatus.ACTIVE or not ent.is_active_on(day):
        raise DomainError(ErrorCode.NO_ENTITLEMENT, "This entitlement is not valid today.", "entitlementId")
    if await active_record(session, person.id, day) is None:
        raise DomainError(ErrorCode.NO_ACTIVE_RECORD, "There is no active disability record today.", "entitlementId")
    _require_offered(listing, provider)
    if not await orders.listing_serves(session, listing, person.region_id):
        raise DomainError(ErrorCode.REGION_NOT_SERVED, "This offer is not available in your region.", "listingId")
    require_whole(qty, item.unit)
    if ent.balance < qty:
        raise DomainError(ErrorCode.INSUFFICIENT_BALANCE, "Only {left} left on this entitlement.", "quantity",
                          left=ent.balance)
    # Serialise requests for one person (PostgreSQL; SQLite serialises writers), then refuse a twin.
    await session.execute(select(Person.id).where(Person.id == person.id).with_for_update())
    twin = (await session.execute(
        select(Quote.id).where(Quote.entitlement_id == ent.id, Quote.listing_id == listing.id,
                               Quote.status.in_(OPEN))
    )).scalar()
    if twin is not None:
        raise DomainError(ErrorCode.DUPLICATE, "Quote №{quote} for this listing is already open.", "listingId",
                          quote=str(twin))  # a number that names, not counts: never grouped
    quote = Quote(
        person_id=person.id, region_id=person.region_id, listing_id=listing.id, provider_id=provider.id,
        classifier_item_id=item.id, entitlement_id=ent.id, requested_by_account_id=viewer.account_id,
        quantity=qty, note=text, status=QuoteStatus.REQUESTED, revision=0, requested_at=utcnow(),
        due_date=add_working_days(clock.today(), QUOTE_TERM_WORKING_DAYS),
    )
    session.add(quote)
    await session.flush()
    audit(session, viewer, "quote.requested", quote, None, snapshot(quote))
    return quote


def _require_offered(listing: Listing, provider: Provider) -> None:
    if listing.status != ListingStatus.PUBLISHED:
        raise DomainError(ErrorCode.LISTING_NOT_AVAILABLE, "This listing is no longer offered.", "listingId")
    if provider.verification_status == VerificationStatus.SUSPENDED:
        raise DomainError(ErrorCode.LISTING_NOT_AVAILABLE, "This provider does not take orders now.", "listingId")


# -- transitions -------------------------------------------------------------------------------
async def _quote_in_scope(session: AsyncSession, viewer: Viewer, quote_id: Any) -> Quote:
    return await fetch_in_scope(session, Quote, quote_id, "quote", "quoteId",
                                lambda quote: viewer.sees_case(quote.person_id, quote.provider_id, quote.region_id))


async def _move(
    session: AsyncSession, viewer: Viewer | None, quote: Quote, old: Sequence[QuoteStatus], new: QuoteStatus,
    action: str, *conditions: Any, **values: Any,
) -> Quote:
    """old → new along the quote's lifecycle (race-safe), audited; ``_cannot`` otherwise."""
    await transition(session, viewer, QUOTE, quote, new, old=old, action=action, where=conditions,
                     refusal=lambda now: _cannot(now, new), **values)
    return quote


def _cannot(quote: Quote, new: QuoteStatus) -> DomainError:
    if quote.status == QuoteStatus.QUOTED and new in (QuoteStatus.APPROVED, QuoteStatus.REJECTED):
        return DomainError(ErrorCode.INVALID_TRANSITION,
                           "The quote was revised (now revision {revision}): read it again before deciding.",
                           "revision", revision=quote.revision)
    if quote.status in (QuoteStatus.APPROVED, QuoteStatus.REJECTED) and new in (QuoteStatus.APPROVED,
                                                                                 QuoteStatus.REJECTED):
        return DomainError(ErrorCode.ALREADY_DECIDED, "This quote is already approved." if quote.status == QuoteStatus.APPROVED
                           else "This quote is already rejected.", "quoteId")
    return DomainError(ErrorCode.INVALID_TRANSITION,
                       "The quote is {status}; it cannot be {new} now.", "quoteId",
                       status=Phrase(STATUS_WORDS[quote.status]), new=Phrase(STATUS_WORDS[new]))


async def submit_quote(
    session: AsyncSession,
    viewer: Viewer,
    quote_id: int,
    *,
    unit_price: Any,
    lead_time_days: Any,
    specification: str | None,
) -> Quote:
    """The listing's provider prices a request, or revises its quote while the officer has not decided.
    The officer's term starts with the first quote."""
    viewer.require_role(Role.PROVIDER)
    quote = await _quote_in_scope(session, viewer, quote_id)
    price = clean_money(unit_price, "unitPrice")
    if isinstance(lead_time_days, bool) or not isinstance(lead_time_days, int):
        raise DomainError(ErrorCode.INVALID, "A whole number of days.", "leadTimeDays")
    if not 0 <= lead_time_days <= MAX_LEAD_TIME_DAYS:
        raise DomainError(ErrorCode.OUT_OF_RANGE, "From 0 to {most} days.", "leadTimeDays",
                          most=MAX_LEAD_TIME_DAYS)
    spec = clean_required_text(specification, "specification", MAX_SPECIFICATION, multiline=True)
    if quote.status not in (QuoteStatus.REQUESTED, QuoteStatus.QUOTED):
        raise _cannot(quote, QuoteStatus.QUOTED)
    first = quote.status == QuoteStatus.REQUESTED
    values: dict[str, Any] = {"unit_price": price, "lead_time_days": lead_time_days, "specification": spec,
                              "revision": Quote.revision + 1, "quoted_at": utcnow()}
    if first:
        if quote.due_date < clock.today():
            raise DomainError(ErrorCode.INVALID_TRANSITION, "The request's term has passed.", "quoteId")
        values["due_date"] = add_working_days(clock.today(), DECISION_TERM_WORKING_DAYS)
    # The status it was read in: a concurrent decision (or first answer) makes this INVALID_TRANSITION.
    return await _move(session, viewer, quote, [quote.status], QuoteStatus.QUOTED,
                       "quote.submitted" if first else "quote.revised", **values)


async def _quote_for_officer(session: AsyncSession, viewer: Viewer, quote_id: Any) -> Quote:
    viewer.require_local_officer("Quotes are decided by an officer of the person's region.", "quoteId")
    return await _quote_in_scope(session, viewer, quote_id)


def _revision(value: Any) -> list[Any]:
    if value is None:
        return []
    if isinstance(value, bool) or not isinstance(value, int) or value < 1:
        raise DomainError(ErrorCode.INVALID, "The revision of the quote you read (1 or more).", "revision")
    return [Quote.revision == value]


async def approve_quote(
    session: AsyncSession, viewer: Viewer, quote_id: int, *, approved_unit_price: Any = None,
    revision: int | None = None,
) -> Quote:
    """Officer of the person's region: QUOTED → APPROVED at the quoted unit price or a lower one
    (the recipient then pays the difference only if they choose the provider's price)."""
    quote = await _quote_for_officer(session, viewer, quote_id)
    conditions = _revision(revision)
    approved: Any = Quote.unit_price
    if approved_unit_price is not None:
        approved = clean_money(approved_unit_price, "approvedUnitPrice")
        if quote.unit_price is not None and approved > quote.unit_price:
            raise DomainError(ErrorCode.OUT_OF_RANGE, "At most the quoted price, {price}.",
                              "approvedUnitPrice", price=Tenge(quote.unit_price))
        conditions.append(Quote.unit_price >= approved)
    now = utcnow()
    return await _move(session, viewer, quote, [QuoteStatus.QUOTED], QuoteStatus.APPROVED, "quote.approved",
                       *conditions, approved_unit_price=approved, decided_at=now, decided_by_account_id=viewer.account_id,
                       due_date=add_working_days(clock.today(), ORDER_TERM_WORKING_DAYS))


async def reject_quote(session: AsyncSession, viewer: Viewer, quote_id: int, reason: str,
                       revision: int | None = None) -> Quote:
    """Officer of the person's region: QUOTED → REJECTED with a reason both parties read."""
    quote = await _quote_for_officer(session, viewer, quote_id)
    why = clean_reason(reason)
    now = utcnow()
    return await _move(session, viewer, quote, [QuoteStatus.QUOTED], QuoteStatus.REJECTED, "quote.rejected",
                       *_revision(revision), reject_reason=why, decided_at=now,
                       decided_by_account_id=viewer.account_id, closed_at=now)


async def withdraw_quote(session: AsyncSession, viewer: Viewer, quote_id: int) -> Quote:
    """The recipient: any open quote → WITHDRAWN."""
    viewer.require_role(Role.RECIPIENT)
    quote = await _quote_in_scope(session, viewer, quote_id)
    return await _move(session, viewer, quote, OPEN, QuoteStatus.WITHDRAWN, "quote.withdrawn", closed_at=utcnow())


# -- ordering ----------------------------------------------------------------------------------
async def place_quoted_order(
    session: AsyncSession,
    viewer: Viewer,
    *,
    quote_id: int,
    idempotency_key: str,
    delivery_option: str | None = None,
    accept_co_payment: bool = False,
) -> Order:
    """The recipient orders an approved quote (``placeOrder(quoteId: ...)``): APPROVED → ORDERED.

    The same key with the same request returns the same order; with another, IDEMPOTENCY_CONFLICT.
    """
    viewer.require_role(Role.RECIPIENT)
    assert viewer.account_id is not None
    key = idempotency.clean_key(idempotency_key)
    option = orders.clean_delivery_option(delivery_option)
    qid = clean_id(quote_id, "quote", "quoteId")
    payload_hash = idempotency.request_hash({"quote_id": qid, "delivery": option, "co_payment": bool(accept_co_payment)})
    await orders.advisory_locks(session, [("idempotency", viewer.account_id, orders.PLACE_ORDER, key)])
    earlier = await idempotency.previous_result(session, viewer.account_id, orders.PLACE_ORDER, key, payload_hash)
    if earlier is not None:
        order = await session.get(Order, earlier)
        assert order is not None
        return order
    quote = await _quote_in_scope(session, viewer, qid)
    if not viewer.acts_for_person(quote.person_id):
        raise not_found("quote", "quoteId")
    # The quote's row first: a concurrent order of the same quote waits here, then finds it ORDERED.
    quote = (await session.execute(select_for_update(Quote, qid))).scalar_one()
    if quote.status != QuoteStatus.APPROVED:
        raise _cannot(quote, QuoteStatus.ORDERED)
    if quote.due_date < clock.today():
        raise DomainError(ErrorCode.INVALID_TRANSITION, "The approval has lapsed: ask for a new quote.", "quoteId")
    assert quote.unit_price is not None and quote.approved_unit_price is not None
    listing = await session.get(Listing, quote.listing_id)
    provider = await session.get(Provider, quote.provider_id)
    ent = await session.get(Entitlement, quote.entitlement_id)
    assert listing is not None and provider is not None and ent is not None
    _require_offered(listing, provider)
    day = clock.today()
    if await active_record(session, quote.person_id, day) is None:
        raise DomainError(ErrorCode.NO_ACTIVE_RECORD, "There is no active disability record today.", "quoteId")
    if option is not None and listing.delivery_options and option not in listing.delivery_options:
        raise DomainError(ErrorCode.INVALID, "This listing does not offer that delivery option.", "deliveryOption")
    split = shares(quote.unit_price, quote.approved_unit_price, quote.quantity)
    if split.co_payment > 0 and not accept_co_payment:
        raise DomainError(
            ErrorCode.INVALID,
            "The approved price is below the quoted one: you would pay {amount}. "
            "Accept the co-payment to order.",
            "acceptCoPayment", amount=Tenge(split.co_payment),
        )
    # The row lock above already serialised it; its event is written with the order's, below.
    before = await transition(session, viewer, QUOTE, quote, QuoteStatus.ORDERED, old=[QuoteStatus.APPROVED],
                              action=None, refusal=lambda now: _cannot(now, QuoteStatus.ORDERED), closed_at=utcnow())
    reserved_event = await reserve_balance(session, viewer, ent, quote.quantity, day,
                                           note={"order_quantity": str(quote.quantity)}, audit_now=False)
    if listing.stock is not None:
        taken = await session.execute(
            update(Listing).where(Listing.id == listing.id, Listing.stock >= orders.stock_units(quote.quantity))
            .values(stock=Listing.stock - orders.stock_units(quote.quantity), updated_at=Listing.updated_at)
            .execution_options(synchronize_session=False)
        )
        if taken.rowcount != 1:
            raise DomainError(ErrorCode.OUT_OF_STOCK, "Not enough in stock.", "quoteId")
        session.add(SearchOutbox(entity="listing", entity_id=listing.id))
    order = Order(
        person_id=quote.person_id, region_id=quote.region_id, placed_by_account_id=viewer.account_id,
        listing_id=listing.id, provider_id=provider.id, entitlement_id=ent.id,
        classifier_item_id=quote.classifier_item_id, quantity=quote.quantity, unit_price=quote.unit_price,
        price_cap=quote.approved_unit_price, total=split.total, state_share=split.state_share,
        co_payment=split.co_payment, delivery_option=option, status=OrderStatus.PLACED, idempotency_key=key,
        placed_at=utcnow(), version=1,
    )
    session.add(order)
    await idempotency.flush_claiming_key(session)
    await session.execute(update(Quote).where(Quote.id == quote.id).values(order_id=order.id)
                          .execution_options(synchronize_session=False))
    await session.refresh(quote)
    idempotency.remember(session, viewer.account_id, orders.PLACE_ORDER, key, payload_hash, order.id)
    audit(session, viewer, *reserved_event)
    audit(session, viewer, "order.placed", order, None, snapshot(order))
    audit(session, viewer, "quote.ordered", quote, before, snapshot(quote))
    await idempotency.flush_claiming_key(session)
    return order


# -- expiry ------------------------------------------------------------------------------------
async def expire_quotes(db: Database, today: dt.date | None = None, *, batch: int = 500) -> int:
    """Expire every request unanswered and every approval unordered past its due date (Almaty date
    by default), audited with no actor; the parties are notified. Safe to run anywhere at once:
    each quote moves by a conditional UPDATE. Returns how many expired. The served app runs it
    hourly (``marketplace.upkeep``), ``tirek expire-quotes`` from cron."""
    day = today or clock.today()
    total = 0
    while True:
        async with db.transaction() as session:
            rows = list((await session.execute(
                select(Quote).where(Quote.status.in_(EXPIRING), Quote.due_date < day).order_by(Quote.id).limit(batch)
            )).scalars())
            for quote in rows:
                try:
                    await _move(session, None, quote, EXPIRING, QuoteStatus.EXPIRED,  # type: ignore[arg-type]
                                "quote.expired", Quote.due_date < day, closed_at=utcnow())
                    total += 1
                except DomainError:
                    continue  # moved on meanwhile (ordered, withdrawn): not expired
        if len(rows) < batch:
            return total


# -- reading -----------------------------------------------------------------------------------
async def get_quote(session: AsyncSession, viewer: Viewer, quote_id: int) -> Quote:
    viewer.require_authenticated()
    return await _quote_in_scope(session, viewer, quote_id)


def quote_cursor(quote: Quote) -> list[Any]:
    return due_date_cursor(quote.due_date, quote.id)


async def list_quotes(
    session: AsyncSession,
    viewer: Viewer,
    *,
    status: QuoteStatus | str | None = None,
    overdue_only: bool = False,
    first: int = 20,
    after: Sequence[Any] | None = None,
    count_only: bool = False,
) -> list[Quote] | int:
    """Quotes in the viewer's scope, soonest due first, keyset-paged by (due date, id): the
    officer's queue (``status=QUOTED``), the provider's requests, the recipient's own.
    ``overdue_only``: awaiting the officer past the due date. Returns up to ``first + 1`` rows."""
    clean_page_size(first)
    conditions = viewer.case_filter(Quote.person_id, Quote.provider_id, Quote.region_id)
    if status is not None:
        conditions.append(Quote.status == clean_choice(
            QuoteStatus, status, "status", lambda: DomainError(ErrorCode.INVALID, "Not a quote status.", "status")))
    return await queue_page(session, Quote, conditions, awaiting=QuoteStatus.QUOTED, overdue_only=overdue_only,
                            first=first, after=after, count_only=count_only)


async def count_overdue(session: AsyncSession, viewer: Viewer) -> int:
    conditions = viewer.case_filter(Quote.person_id, Quote.provider_id, Quote.region_id)
    return await count_overdue_in(session, Quote, conditions, QuoteStatus.QUOTED)
