"""Compensation claims: submitted by providers and recipients, decided and paid by the region's officer.

Kinds
-----
- PROVIDER_ORDER: the provider that owns a CONFIRMED order claims the state's
  share of it (``order.state_share``). One claim per order, ever. Any order
  that is not an hourly service (PRODUCT items, and services counted by the
  course or day) goes this way.
- PROVIDER_SERVICE_HOURS: for an hourly service order (SERVICE, unit HOUR)
  the provider claims the CONFIRMED service logs that no claim covers yet;
  the logs are bound to the claim by one conditional UPDATE
  (``... WHERE claim_id IS NULL AND status = 'CONFIRMED'``) and the amount is
  computed from the rows that UPDATE actually took:
  hours × min(unit price, cap). Unconfirmed (LOGGED) or DISPUTED hours are never paid.
- SELF_PURCHASE: a recipient (for themself or a represented person) claims an
  aid bought on their own, with a receipt: approvable = min(paid, cap × quantity).
  Submitting RESERVES the entitlement balance (one conditional UPDATE, as an
  order does), so the same balance cannot also be spent on an order;
  rejection releases it, payment consumes it.

Decisions
---------
Only a LOCAL_BODY officer of the claim's region (the recipient's region at
submission) decides: SUBMITTED → APPROVED (an amount up to the approvable one)
or REJECTED (with a reason), then APPROVED → PAID. Other roles get FORBIDDEN;
an officer of another region gets NOT_FOUND. Every transition is ONE
conditional UPDATE on the old status, so however many concurrent calls race,
a claim is approved once and paid once; the losers get ALREADY_DECIDED
(already approved/rejected/paid) or INVALID_TRANSITION (paying an unapproved
claim). Submitting and paying take an idempotency key: the same key and request
return the first result. Every change is audited in the same transaction.

Due date: the legal term is 17 working days from registration, counted from
the submission date in Almaty local time (UTC+5); a SUBMITTED claim past its
due date is overdue.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from sqlalchemy import func, literal, or_, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from marketplace.accounts.access import Viewer
from marketplace.accounts.models import Person, Role
from marketplace.audit import idempotency
from marketplace.audit.services import record as audit
from marketplace.audit.services import snapshot
from marketplace import clock
from marketplace.calendar import add_working_days
from marketplace.catalog.models import ClassifierItem, ItemKind, Unit
from marketplace.claims.models import ClaimKind, ClaimStatus, CompensationClaim, Receipt
from marketplace.cleaning import clean_id, clean_money, clean_quantity, clean_reason
from marketplace.db import Quantity, count_rows
from marketplace.errors import N_, DomainError, ErrorCode, Tenge, not_found
from marketplace.documents.services import issue_decision_document
from marketplace.lifecycle import CLAIM, transition
from marketplace.orders.pricing import CENT, money
from marketplace.orders.models import Order, OrderStatus, ServiceLog, ServiceLogStatus
from marketplace.records.norms import check_yearly_spending
from marketplace.queues import due_date_cursor, parse_due_date_cursor
from marketplace.records.balance import consume_balance, release_balance, reserve_balance
from marketplace.records.models import Entitlement
from marketplace.records.services import active_record, require_whole

LEGAL_TERM_WORKING_DAYS = 17

OP_SUBMIT_ORDER = "claims.submit_provider_order"
OP_SUBMIT_HOURS = "claims.submit_service_hours"
OP_SUBMIT_SELF = "claims.submit_self_purchase"
OP_MARK_PAID = "claims.mark_paid"

MAX_SELF_QUANTITY = Decimal(10000)
MAX_PAYMENT_REFERENCE = 64
MAX_PAGE = 100


# -- dates ------------------------------------------------------------------------
def due_date_for(submitted_at: dt.datetime) -> dt.date:
    """Submission date in Kazakhstan + 17 working days (weekends and public holidays skipped)."""
    return add_working_days(clock.local_date(submitted_at), LEGAL_TERM_WORKING_DAYS)


def is_overdue(claim: CompensationClaim, today: dt.date | None = None) -> bool:
    """Still undecided after its due date."""
    return claim.status == ClaimStatus.SUBMITTED and claim.due_date < (today or clock.today())


# -- cleaning ---------------------------------------------------------------------
def clean_payment_reference(value: str | None) -> str | None:
    if value is None:
        return None
    if not isinstance(value, str):
        raise DomainError(ErrorCode.INVALID, "A text.", "paymentReference")
    value = value.strip()
    if not value:
        return None
    if len(value) > MAX_PAYMENT_REFERENCE:
        raise DomainError(ErrorCode.TOO_LONG, "At most {count} characters.", "paymentReference",
                          count=MAX_PAYMENT_REFERENCE)
    if not value.isprintable():
        raise DomainError(ErrorCode.INVALID, "Letters, digits and punctuation only.", "paymentReference")
    return value


def _qty(value: Decimal) -> Any:
    """A bound quantity typed as the column (on SQLite: scaled to hundredths)."""
    return literal(value, Quantity)


def _is_hourly(item: ClassifierItem) -> bool:
    return item.kind == ItemKind.SERVICE and item.unit == Unit.HOUR


async def _earlier(
    session: AsyncSession, viewer: Viewer, operation: str, key: str, payload: str
) -> CompensationClaim | None:
    """The claim an earlier call with this key returned, or None (IDEMPOTENCY_CONFLICT for another request)."""
    assert viewer.account_id is not None
    subject_id = await idempotency.previous_result(session, viewer.account_id, operation, key, payload)
    if subject_id is None:
        return None
    claim = (
        await session.execute(
            select(CompensationClaim)
            .where(CompensationClaim.id == subject_id)
            .execution_options(populate_existing=True)
        )
    ).scalar_one()
    return claim


async def _remember(session: AsyncSession, viewer: Viewer, operation: str, key: str, payload: str, claim_id: int) -> None:
    assert viewer.account_id is not None
    idempotency.remember(session, viewer.account_id, operation, key, payload, claim_id)
    await idempotency.flush_claiming_key(session)


# -- submitting: providers ---------------------------------------------------------
async def _locked_order_of_provider(session: AsyncSession, viewer: Viewer, order_id: Any) -> Order:
    """The provider's own order, locked (FOR UPDATE on PostgreSQL; SQLite serialises writers)."""
    viewer.require_role(Role.PROVIDER)
    oid = clean_id(order_id, "order", "orderId")
    order = (
        await session.execute(
            select(Order).where(Order.id == oid).with_for_update().execution_options(populate_existing=True)
        )
    ).scalar_one_or_none()
    if order is None or not viewer.owns_provider(order.provider_id):
        raise not_found("order", "orderId")
    return order


async def _person_region(session: AsyncSession, person_id: int) -> int:
    person = await session.get(Person, person_id)
    assert person is not None
    return person.region_id


def _new_claim(**values: Any) -> CompensationClaim:
    now = clock.now()
    return CompensationClaim(status=ClaimStatus.SUBMITTED, submitted_at=now, due_date=due_date_for(now), **values)


async def submit_provider_claim(
    session: AsyncSession, viewer: Viewer, *, order_id: int, idempotency_key: str
) -> CompensationClaim:
    """Provider: claim the state's share of its CONFIRMED order (not an hourly service order).

    amount_claimed = amount_approvable = order.state_share. One claim per order:
    a second one is DUPLICATE (the same idempotency key returns the first).
    """
    viewer.require_role(Role.PROVIDER)
    key = idempotency.clean_key(idempotency_key)
    # The order lock serialises concurrent claims for one order, so the checks below hold.
    order = await _locked_order_of_provider(session, viewer, order_id)
    payload = idempotency.request_hash({"order_id": order.id})
    earlier = await _earlier(session, viewer, OP_SUBMIT_ORDER, key, payload)
    if earlier is not None:
        return earlier
    item = await session.get(ClassifierItem, order.classifier_item_id)
    assert item is not None
    if _is_hourly(item):
        raise DomainError(
            ErrorCode.INVALID, "An hourly service is claimed by its confirmed service hours.", "orderId"
        )
    if order.status != OrderStatus.CONFIRMED:
        raise DomainError(
            ErrorCode.INVALID_TRANSITION,
            "The order is {status}; only a confirmed order can be claimed.",
            "orderId", status=order.status,
        )
    existing = await session.execute(
        select(CompensationClaim.id).where(
            CompensationClaim.order_id == order.id, CompensationClaim.kind == ClaimKind.PROVIDER_ORDER
        )
    )
    if existing.first() is not None:
        raise DomainError(ErrorCode.DUPLICATE, "This order has already been claimed.", "orderId")
    if order.state_share <= 0:
        raise DomainError(ErrorCode.NOT_ELIGIBLE, "The state pays nothing on this order.", "orderId")
    claim = _new_claim(
        kind=ClaimKind.PROVIDER_ORDER,
        person_id=order.person_id,
        region_id=await _person_region(session, order.person_id),
        provider_id=order.provider_id,
        order_id=order.id,
        entitlement_id=order.entitlement_id,
        classifier_item_id=order.classifier_item_id,
        submitted_by_account_id=viewer.account_id,
        quantity=order.quantity,
        amount_claimed=order.state_share,
        amount_approvable=order.state_share,
        idempotency_key=key,
    )
    session.add(claim)
    await idempotency.flush_claiming_key(session)
    audit(session, viewer, "claim.submitted", claim, None, snapshot(claim))
    await _remember(session, viewer, OP_SUBMIT_ORDER, key, payload, claim.id)
    return claim


def _minutes_between(start: dt.time, end: dt.time) -> int:
    return (end.hour * 60 + end.minute) - (start.hour * 60 + start.minute)


async def submit_service_hours_claim(
    session: AsyncSession, viewer: Viewer, *, order_id: int, idempotency_key: str
) -> CompensationClaim:
    """Provider: claim the CONFIRMED service hours of an hourly order that no claim covers yet.

    amount = hours × min(unit price, cap) over the logs this claim actually
    took; refused with NOT_ELIGIBLE when there are none (logged-only or disputed
    hours are never paid).
    """
    viewer.require_role(Role.PROVIDER)
    key = idempotency.clean_key(idempotency_key)
    order = await _locked_order_of_provider(session, viewer, order_id)
    payload = idempotency.request_hash({"order_id": order.id})
    earlier = await _earlier(session, viewer, OP_SUBMIT_HOURS, key, payload)
    if earlier is not None:
        return earlier
    item = await session.get(ClassifierItem, order.classifier_item_id)
    assert item is not None
    if not _is_hourly(item):
        raise DomainError(ErrorCode.INVALID, "Only an hourly service order is claimed by its hours.", "orderId")
    rate = order.unit_price if order.price_cap is None else min(order.unit_price, order.price_cap)
    unclaimed = (ServiceLog.order_id == order.id, ServiceLog.claim_id.is_(None),
                 ServiceLog.status == ServiceLogStatus.CONFIRMED)
    candidates = (await session.execute(select(ServiceLog.start_time, ServiceLog.end_time).where(*unclaimed))).all()
    if not candidates:
        raise DomainError(
            ErrorCode.NOT_ELIGIBLE,
            "No confirmed service hours are left to claim on this order; hours are paid once the recipient confirms them.",
            "orderId",
        )

    def amounts(rows: Sequence[Any]) -> tuple[Decimal, Decimal]:
        minutes = sum(_minutes_between(r.start_time, r.end_time) for r in rows)
        return (Decimal(minutes) / 60).quantize(CENT, rounding=ROUND_HALF_UP), money(Decimal(minutes) * rate / 60)

    hours, amount = amounts(candidates)
    claim = _new_claim(
        kind=ClaimKind.PROVIDER_SERVICE_HOURS,
        person_id=order.person_id,
        region_id=await _person_region(session, order.person_id),
        provider_id=order.provider_id,
        order_id=order.id,
        entitlement_id=order.entitlement_id,
        classifier_item_id=order.classifier_item_id,
        submitted_by_account_id=viewer.account_id,
        quantity=hours,
        amount_claimed=amount,
        amount_approvable=amount,
        idempotency_key=key,
    )
    session.add(claim)
    await idempotency.flush_claiming_key(session)
    # Bind the logs: only those still unclaimed and confirmed at this instant.
    taken = (
        await session.execute(
            update(ServiceLog)
            .where(*unclaimed)
            .values(claim_id=claim.id)
            .returning(ServiceLog.id, ServiceLog.start_time, ServiceLog.end_time)
            .execution_options(synchronize_session=False)
        )
    ).all()
    if not taken:
        raise DomainError(
            ErrorCode.NOT_ELIGIBLE, "No confirmed service hours are left to claim on this order.", "orderId"
        )
    hours, amount = amounts(taken)
    if amount <= 0:
        raise DomainError(ErrorCode.NOT_ELIGIBLE, "The state pays nothing for these hours.", "orderId")
    if (hours, amount) != (claim.quantity, claim.amount_claimed):
        claim.quantity, claim.amount_claimed, claim.amount_approvable = hours, amount, amount
        await session.flush()
    audit(session, viewer, "claim.submitted", claim, None,
          {**snapshot(claim), "service_log_ids": sorted(r.id for r in taken)})
    for r in sorted(taken, key=lambda r: r.id):
        log = await session.get(ServiceLog, r.id, populate_existing=True)
        assert log is not None
        audit(session, viewer, "service_log.claimed", log, {"claim_id": None}, {"claim_id": claim.id})
    await _remember(session, viewer, OP_SUBMIT_HOURS, key, payload, claim.id)
    return claim


# -- submitting: recipients --------------------------------------------------------
async def submit_self_purchase_claim(
    session: AsyncSession,
    viewer: Viewer,
    *,
    person_id: int,
    entitlement_id: int,
    quantity: Decimal,
    amount_paid: Decimal,
    receipt_id: int,
    idempotency_key: str,
) -> CompensationClaim:
    """Recipient: claim an aid bought on their own, for themself or a person they represent.

    The entitlement must be the person's, active, with enough balance; the
    receipt the person's and not used by another claim; the item must have a
    cap (a custom item goes by an approved quote). approvable = min(paid,
    cap × quantity). The quantity is reserved on the entitlement.
    """
    viewer.require_role(Role.RECIPIENT)
    key = idempotency.clean_key(idempotency_key)
    pid = clean_id(person_id, "person", "personId")
    if not viewer.acts_for_person(pid) or await session.get(Person, pid) is None:
        raise not_found("person", "personId")
    rid = clean_id(receipt_id, "receipt", "receiptId")
    eid = clean_id(entitlement_id, "entitlement", "entitlementId")
    qty = clean_quantity(quantity, "quantity", max_value=MAX_SELF_QUANTITY)
    paid = clean_money(amount_paid, "amountPaid")
    # Locking the receipt serialises concurrent claims on it (and same-key retries).
    receipt = (
        await session.execute(select(Receipt).where(Receipt.id == rid).with_for_update())
    ).scalar_one_or_none()
    if receipt is None or receipt.person_id != pid:
        raise not_found("receipt", "receiptId")
    payload = idempotency.request_hash(
        {"person_id": pid, "entitlement_id": eid, "quantity": str(qty), "amount_paid": str(paid), "receipt_id": rid}
    )
    earlier = await _earlier(session, viewer, OP_SUBMIT_SELF, key, payload)
    if earlier is not None:
        return earlier
    used = await session.execute(select(CompensationClaim.id).where(
        or_(CompensationClaim.receipt_id == rid, CompensationClaim.receipt_sha256 == receipt.sha256)))
    if used.first() is not None:
        raise DomainError(ErrorCode.DUPLICATE, "This receipt (the same file) is already part of a claim.", "receiptId")
    ent = await session.get(Entitlement, eid)
    if ent is None or ent.person_id != pid:
        raise not_found("entitlement", "entitlementId")
    day = clock.today()
    if not ent.is_active_on(day):
        raise DomainError(ErrorCode.NO_ENTITLEMENT, "This entitlement is not active.", "entitlementId")
    if await active_record(session, pid, day) is None:
        raise DomainError(ErrorCode.NO_ACTIVE_RECORD, "The person has no active disability record.", "personId")
    item = await session.get(ClassifierItem, ent.classifier_item_id)
    assert item is not None
    require_whole(qty, item.unit)
    if item.price_cap is None:
        raise DomainError(
            ErrorCode.NOT_ELIGIBLE,
            "This item has no guaranteed price; it is provided by an approved quote, not reimbursed.",
            "entitlementId",
        )
    if ent.balance < qty:  # a clear answer early; the conditional UPDATE below is the real guard
        raise DomainError(ErrorCode.INSUFFICIENT_BALANCE, "Only {left} left on this entitlement.", "quantity",
                          left=ent.balance)
    await check_yearly_spending(session, item, pid, qty, day)
    person = await session.get(Person, pid)
    assert person is not None
    approvable = min(paid, money(item.price_cap * qty))
    claim = _new_claim(
        kind=ClaimKind.SELF_PURCHASE,
        person_id=pid,
        region_id=person.region_id,
        entitlement_id=ent.id,
        classifier_item_id=item.id,
        receipt_id=rid,
        receipt_sha256=receipt.sha256,
        submitted_by_account_id=viewer.account_id,
        quantity=qty,
        amount_claimed=paid,
        amount_approvable=approvable,
        idempotency_key=key,
    )
    session.add(claim)
    try:
        await idempotency.flush_claiming_key(session)
    except IntegrityError as exc:
        if "receipt_sha256" not in str(exc.orig).lower():
            raise
        # A concurrent claim on the same bytes won the unique index (the caller's transaction rolls back).
        raise DomainError(ErrorCode.DUPLICATE, "This receipt (the same file) is already part of a claim.", "receiptId") from exc
    await reserve_balance(session, viewer, ent, qty, day, note={"claim_id": claim.id})
    audit(session, viewer, "claim.submitted", claim, None, snapshot(claim))
    await _remember(session, viewer, OP_SUBMIT_SELF, key, payload, claim.id)
    return claim


# -- decisions ------------------------------------------------------------------------
async def _claim_for_officer(session: AsyncSession, viewer: Viewer, claim_id: Any) -> CompensationClaim:
    """Only a LOCAL_BODY officer of the claim's region decides (ADMIN included: FORBIDDEN)."""
    viewer.require_authenticated()
    if viewer.role != Role.LOCAL_BODY:
        raise DomainError(
            ErrorCode.FORBIDDEN, "Claims are decided by an officer of the recipient's region.", "claimId"
        )
    cid = clean_id(claim_id, "claim", "claimId")
    claim = await session.get(CompensationClaim, cid)
    if claim is None or not viewer.is_officer_of(claim.region_id):
        raise not_found("claim", "claimId")
    return claim


def _refusal(claim: CompensationClaim, attempted: str) -> DomainError:
    """Why a transition's conditional UPDATE took no row, from the claim's status now."""
    status = claim.status
    if attempted == "pay":
        if status == ClaimStatus.PAID:
            return DomainError(ErrorCode.ALREADY_DECIDED, "This claim has already been paid.", "claimId")
        return DomainError(
            ErrorCode.INVALID_TRANSITION,
            "The claim is {status}; only an approved claim can be paid.",
            "claimId", status=status,
        )
    return DomainError(ErrorCode.ALREADY_DECIDED, "This claim is already {status}.", "claimId", status=status)


async def _transition(
    session: AsyncSession,
    viewer: Viewer,
    claim: CompensationClaim,
    old: ClaimStatus,
    new: ClaimStatus,
    attempted: str,
    action: str,
    **values: Any,
) -> None:
    """old → new along the claim's lifecycle (ONE conditional UPDATE, audited); ``_refusal`` when
    a concurrent decision took the row first."""
    try:
        await transition(session, viewer, CLAIM, claim, new, old=[old], action=action,
                         refusal=lambda now: _refusal(now, attempted), **values)
    except IntegrityError as exc:
        if "payment_reference" in str(exc.orig).lower():
            raise DomainError(
                ErrorCode.DUPLICATE, "This payment reference is already used.", "paymentReference"
            ) from exc
        raise


async def approve_claim(
    session: AsyncSession, viewer: Viewer, claim_id: int, amount: Decimal | None = None, reason: str | None = None
) -> CompensationClaim:
    """Officer: SUBMITTED → APPROVED for ``amount`` (default: the approvable amount; may be lower, never higher).

    Approving less than was claimed needs a reason, which the claimant's notification carries: the
    officer's (required when the amount is below the approvable one), or, when only the cap held
    the amount back, the cap itself."""
    claim = await _claim_for_officer(session, viewer, claim_id)
    if amount is None:
        approved = claim.amount_approvable
    else:
        approved = clean_money(amount, "amount")
        if approved > claim.amount_approvable:
            raise DomainError(
                ErrorCode.OUT_OF_RANGE, "At most the approvable {amount}.", "amount",
                amount=Tenge(claim.amount_approvable),
            )
    why = None
    if approved < claim.amount_approvable:
        why = clean_reason(reason, N_("approving less than was claimed"))
    elif approved < claim.amount_claimed:
        why = (clean_reason(reason, N_("approving less than was claimed")) if reason and reason.strip()
               else f"The state pays at most the guaranteed price: {claim.amount_approvable} of the {claim.amount_claimed} claimed.")
    elif reason is not None and reason.strip():
        raise DomainError(ErrorCode.INVALID, "A reason is given only when less than claimed is approved.", "reason")
    if claim.status != ClaimStatus.SUBMITTED:
        raise _refusal(claim, "approve")
    await _transition(
        session, viewer, claim, ClaimStatus.SUBMITTED, ClaimStatus.APPROVED, "approve", "claim.approved",
        amount_approved=approved, reduction_reason=why, decided_at=clock.now(), decided_by_account_id=viewer.account_id,
    )
    await issue_decision_document(session, claim)
    return claim


async def reject_claim(session: AsyncSession, viewer: Viewer, claim_id: int, reason: str) -> CompensationClaim:
    """Officer: SUBMITTED → REJECTED with a reason (3..1000 characters); a self-purchase's reservation returns."""
    claim = await _claim_for_officer(session, viewer, claim_id)
    why = clean_reason(reason)
    if claim.status != ClaimStatus.SUBMITTED:
        raise _refusal(claim, "reject")
    await _transition(
        session, viewer, claim, ClaimStatus.SUBMITTED, ClaimStatus.REJECTED, "reject", "claim.rejected",
        reject_reason=why, decided_at=clock.now(), decided_by_account_id=viewer.account_id,
    )
    await issue_decision_document(session, claim)
    if claim.kind == ClaimKind.SELF_PURCHASE:
        assert claim.entitlement_id is not None
        await release_balance(session, viewer, claim.entitlement_id, claim.quantity, note={"claim_id": claim.id})
    # A provider's rejected claim is final, like the one claim per order: its
    # service logs stay bound to it, so the same hours cannot be claimed again.
    return claim


async def mark_claim_paid(
    session: AsyncSession,
    viewer: Viewer,
    claim_id: int,
    payment_reference: str | None = None,
    idempotency_key: str | None = None,
) -> CompensationClaim:
    """Officer: APPROVED → PAID, once. A self-purchase's reservation is consumed.

    The same idempotency key (with the same reference) returns the paid claim;
    any other call on a paid claim is ALREADY_DECIDED; on a claim not approved,
    INVALID_TRANSITION.
    """
    claim = await _claim_for_officer(session, viewer, claim_id)
    key = idempotency.clean_key(idempotency_key)
    ref = clean_payment_reference(payment_reference)
    payload = idempotency.request_hash({"claim_id": claim.id, "payment_reference": ref})
    earlier = await _earlier(session, viewer, OP_MARK_PAID, key, payload)
    if earlier is not None:
        return earlier
    if claim.status != ClaimStatus.APPROVED:
        raise _refusal(claim, "pay")
    if ref is not None:
        clash = await session.execute(
            select(CompensationClaim.id).where(
                CompensationClaim.payment_reference == ref, CompensationClaim.id != claim.id
            )
        )
        if clash.first() is not None:
            raise DomainError(ErrorCode.DUPLICATE, "This payment reference is already used.", "paymentReference")
    try:
        await _transition(session, viewer, claim, ClaimStatus.APPROVED, ClaimStatus.PAID, "pay", "claim.paid",
                          paid_at=clock.now(), payment_reference=ref)
    except DomainError as exc:
        if exc.code == ErrorCode.DUPLICATE:  # the payment reference: the transaction is spoilt
            raise
        # A concurrent call won. If it carried this very key, its result is ours
        # (PostgreSQL: the UPDATE waited for that commit, so the key is visible now).
        earlier = await _earlier(session, viewer, OP_MARK_PAID, key, payload)
        if earlier is not None:
            return earlier
        raise
    if claim.kind == ClaimKind.SELF_PURCHASE:
        assert claim.entitlement_id is not None
        await consume_balance(session, viewer, claim.entitlement_id, claim.quantity, note={"claim_id": claim.id})
    await _remember(session, viewer, OP_MARK_PAID, key, payload, claim.id)
    return claim


# -- reading ---------------------------------------------------------------------------
def _scope(viewer: Viewer) -> list[Any]:
    """WHERE conditions for the claims the viewer may see."""
    return viewer.case_filter(CompensationClaim.person_id, CompensationClaim.provider_id, CompensationClaim.region_id)


def can_see_claim(viewer: Viewer, claim: CompensationClaim) -> bool:
    return viewer.is_authenticated and viewer.sees_case(claim.person_id, claim.provider_id, claim.region_id)


async def get_claim(session: AsyncSession, viewer: Viewer, claim_id: int) -> CompensationClaim:
    viewer.require_authenticated()
    cid = clean_id(claim_id, "claim", "claimId")
    claim = await session.get(CompensationClaim, cid)
    if claim is None or not can_see_claim(viewer, claim):
        raise not_found("claim", "claimId")
    return claim


def claim_cursor(claim: CompensationClaim) -> list[Any]:
    """The keyset of a claim in ``list_claims`` (for ``schema.core.pagination``'s opaque cursors)."""
    return due_date_cursor(claim.due_date, claim.id)


def queue_order_ascending(viewer: Viewer) -> bool:
    """Officers and admins work a queue (soonest due first); recipients and providers see newest first."""
    return viewer.role in (Role.LOCAL_BODY, Role.ADMIN)


async def list_claims(
    session: AsyncSession,
    viewer: Viewer,
    *,
    status: ClaimStatus | str | None = None,
    overdue_only: bool = False,
    first: int = 20,
    after: Sequence[Any] | None = None,
    count_only: bool = False,
) -> list[CompensationClaim] | int:
    """The claims in the viewer's scope, keyset-paged by (due date, id).

    Officers (their region's queue) and admins (everything) get the soonest due
    first; recipients (their own and represented persons') and providers (their
    own) get the latest first. ``overdue_only``: SUBMITTED and past the due date
    (Almaty today). ``after`` is the decoded cursor of the previous page's last
    claim (``claim_cursor``). Returns up to ``first + 1`` rows: an extra row
    means there is a next page (as ``schema.core.pagination.build_connection`` expects).
    """
    if isinstance(first, bool) or not isinstance(first, int) or not 0 <= first <= MAX_PAGE:
        raise DomainError(ErrorCode.OUT_OF_RANGE, "first must be between 0 and {most}.", "first", most=MAX_PAGE)
    conditions = _scope(viewer)
    if status is not None:
        try:
            status = ClaimStatus(status)
        except ValueError as exc:
            raise DomainError(ErrorCode.INVALID, "Not a claim status.", "status") from exc
        conditions.append(CompensationClaim.status == status)
    if overdue_only:
        conditions += [CompensationClaim.status == ClaimStatus.SUBMITTED, CompensationClaim.due_date < clock.today()]
    if count_only:
        return await count_rows(session, select(CompensationClaim).where(*conditions))
    ascending = queue_order_ascending(viewer)
    cursor = parse_due_date_cursor(after)
    if cursor is not None:
        due, cid = cursor
        if ascending:
            conditions.append(
                (CompensationClaim.due_date > due) | ((CompensationClaim.due_date == due) & (CompensationClaim.id > cid))
            )
        else:
            conditions.append(
                (CompensationClaim.due_date < due) | ((CompensationClaim.due_date == due) & (CompensationClaim.id < cid))
            )
    order_by = (
        (CompensationClaim.due_date.asc(), CompensationClaim.id.asc())
        if ascending
        else (CompensationClaim.due_date.desc(), CompensationClaim.id.desc())
    )
    rows = await session.execute(select(CompensationClaim).where(*conditions).order_by(*order_by).limit(first + 1))
    return list(rows.scalars())


async def count_overdue(session: AsyncSession, viewer: Viewer) -> int:
    """How many claims in the viewer's scope are overdue (for an officer's dashboard)."""
    conditions = _scope(viewer) + [
        CompensationClaim.status == ClaimStatus.SUBMITTED,
        CompensationClaim.due_date < clock.today(),
    ]
    return int((await session.execute(select(func.count()).select_from(CompensationClaim).where(*conditions))).scalar_one())
