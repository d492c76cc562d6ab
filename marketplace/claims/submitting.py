"""Submitting claims: a provider's for a CONFIRMED order or for its CONFIRMED service hours, a recipient's
for a self-purchase with a receipt (which reserves the entitlement's balance, ``records.balance``)."""

from __future__ import annotations

from collections.abc import Sequence
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from sqlalchemy import or_, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from marketplace import clock
from marketplace.accounts.access import Viewer, fetch_one_in_scope
from marketplace.accounts.models import Person, Role
from marketplace.audit import idempotency
from marketplace.audit.services import record as audit, snapshot
from marketplace.catalog.models import ClassifierItem
from marketplace.claims.idempotency import OP_SUBMIT_HOURS, OP_SUBMIT_ORDER, OP_SUBMIT_SELF, earlier_claim
from marketplace.claims.idempotency import remember_claim
from marketplace.claims.models import ClaimKind, ClaimStatus, CompensationClaim, Receipt
from marketplace.claims.terms import due_date_for
from marketplace.cleaning import clean_id, clean_money, clean_quantity
from marketplace.db import select_for_update
from marketplace.errors import DomainError, ErrorCode, not_found
from marketplace.orders.models import Order, OrderStatus, ServiceLog, ServiceLogStatus
from marketplace.orders.parties import is_hourly
from marketplace.orders.pricing import CENT, money
from marketplace.orders.service_hours import minutes_between
from marketplace.records.balance import reserve_balance
from marketplace.records.models import Entitlement
from marketplace.records.norms import check_yearly_spending
from marketplace.records.services import active_record, require_whole


MAX_SELF_QUANTITY = Decimal(10000)


# -- submitting: providers ---------------------------------------------------------
async def _locked_order_of_provider(session: AsyncSession, viewer: Viewer, order_id: Any) -> Order:
    """The provider's own order, locked (FOR UPDATE on PostgreSQL; SQLite serialises writers)."""
    viewer.require_role(Role.PROVIDER)
    oid = clean_id(order_id, "order", "orderId")
    return await fetch_one_in_scope(session, select_for_update(Order, oid), "order", "orderId",
                                    lambda order: viewer.owns_provider(order.provider_id))


async def _person_region(session: AsyncSession, person_id: int) -> int:
    person = await session.get(Person, person_id)
    assert person is not None
    return person.region_id


def _new_claim(**values: Any) -> CompensationClaim:
    now = clock.now()
    return CompensationClaim(status=ClaimStatus.SUBMITTED, submitted_at=now, due_date=due_date_for(now), **values)


async def _provider_claim(
    session: AsyncSession, viewer: Viewer, order: Order, kind: ClaimKind, quantity: Decimal, amount: Decimal, key: str
) -> CompensationClaim:
    """A provider's claim on its order, for ``amount`` (all of it approvable)."""
    return _new_claim(
        kind=kind,
        person_id=order.person_id,
        region_id=await _person_region(session, order.person_id),
        provider_id=order.provider_id,
        order_id=order.id,
        entitlement_id=order.entitlement_id,
        classifier_item_id=order.classifier_item_id,
        submitted_by_account_id=viewer.account_id,
        quantity=quantity,
        amount_claimed=amount,
        amount_approvable=amount,
        idempotency_key=key,
    )


async def _order_to_claim(
    session: AsyncSession, viewer: Viewer, op: str, order_id: int, idempotency_key: str
) -> tuple[Order, str, str, CompensationClaim | None]:
    """A provider's claim on its order begins: the order, locked (which serialises concurrent claims
    for one order, so the checks after hold), the cleaned key, the request's hash, and the claim an
    earlier identical request made (None if none did)."""
    viewer.require_role(Role.PROVIDER)
    key = idempotency.clean_key(idempotency_key)
    order = await _locked_order_of_provider(session, viewer, order_id)
    payload = idempotency.request_hash({"order_id": order.id})
    return order, key, payload, await earlier_claim(session, viewer, op, key, payload)


async def submit_provider_claim(
    session: AsyncSession, viewer: Viewer, *, order_id: int, idempotency_key: str
) -> CompensationClaim:
    """Provider: claim the state's share of its CONFIRMED order (not an hourly service order).

    amount_claimed = amount_approvable = order.state_share. One claim per order:
    a second one is DUPLICATE (the same idempotency key returns the first).
    """
    order, key, payload, earlier = await _order_to_claim(session, viewer, OP_SUBMIT_ORDER, order_id, idempotency_key)
    if earlier is not None:
        return earlier
    item = await session.get(ClassifierItem, order.classifier_item_id)
    assert item is not None
    if is_hourly(item):
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
    claim = await _provider_claim(session, viewer, order, ClaimKind.PROVIDER_ORDER, order.quantity,
                                  order.state_share, key)
    session.add(claim)
    await idempotency.flush_claiming_key(session)
    audit(session, viewer, "claim.submitted", claim, None, snapshot(claim))
    await remember_claim(session, viewer, OP_SUBMIT_ORDER, key, payload, claim.id)
    return claim


async def submit_service_hours_claim(
    session: AsyncSession, viewer: Viewer, *, order_id: int, idempotency_key: str
) -> CompensationClaim:
    """Provider: claim the CONFIRMED service hours of an hourly order that no claim covers yet.

    amount = hours × min(unit price, cap) over the logs this claim actually
    took; refused with NOT_ELIGIBLE when there are none (logged-only or disputed
    hours are never paid).
    """
    order, key, payload, earlier = await _order_to_claim(session, viewer, OP_SUBMIT_HOURS, order_id, idempotency_key)
    if earlier is not None:
        return earlier
    item = await session.get(ClassifierItem, order.classifier_item_id)
    assert item is not None
    if not is_hourly(item):
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
        minutes = sum(minutes_between(r.start_time, r.end_time) for r in rows)
        return (Decimal(minutes) / 60).quantize(CENT, rounding=ROUND_HALF_UP), money(Decimal(minutes) * rate / 60)

    hours, amount = amounts(candidates)
    claim = await _provider_claim(session, viewer, order, ClaimKind.PROVIDER_SERVICE_HOURS, hours, amount, key)
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
    await remember_claim(session, viewer, OP_SUBMIT_HOURS, key, payload, claim.id)
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
    receipt = await fetch_one_in_scope(session, select(Receipt).where(Receipt.id == rid).with_for_update(),
                                       "receipt", "receiptId", lambda receipt: receipt.person_id == pid)
    payload = idempotency.request_hash(
        {"person_id": pid, "entitlement_id": eid, "quantity": str(qty), "amount_paid": str(paid), "receipt_id": rid}
    )
    earlier = await earlier_claim(session, viewer, OP_SUBMIT_SELF, key, payload)
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
    cap = item.cap_on(day)
    assert cap is not None
    approvable = min(paid, money(cap * qty))
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
    await remember_claim(session, viewer, OP_SUBMIT_SELF, key, payload, claim.id)
    return claim
