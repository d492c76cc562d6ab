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

The domain's public API, gathered from its modules: ``terms``, ``submitting``, ``deciding``, ``reading``
(and ``idempotency``, the keys of submitting and paying).
"""

from __future__ import annotations

from marketplace.claims.deciding import MAX_PAYMENT_REFERENCE, clean_payment_reference, approve_claim, reject_claim
from marketplace.claims.deciding import mark_claim_paid
from marketplace.claims.idempotency import OP_SUBMIT_ORDER, OP_SUBMIT_HOURS, OP_SUBMIT_SELF, OP_MARK_PAID, earlier_claim
from marketplace.claims.idempotency import remember_claim
from marketplace.claims.reading import can_see_claim, get_claim, claim_cursor, queue_order_ascending, list_claims
from marketplace.claims.reading import count_overdue
from marketplace.claims.submitting import MAX_SELF_QUANTITY, submit_provider_claim, submit_service_hours_claim
from marketplace.claims.submitting import submit_self_purchase_claim
from marketplace.claims.terms import LEGAL_TERM_WORKING_DAYS, due_date_for, is_overdue

__all__ = [
    "LEGAL_TERM_WORKING_DAYS",
    "OP_SUBMIT_ORDER",
    "OP_SUBMIT_HOURS",
    "OP_SUBMIT_SELF",
    "OP_MARK_PAID",
    "MAX_SELF_QUANTITY",
    "MAX_PAYMENT_REFERENCE",
    "due_date_for",
    "is_overdue",
    "clean_payment_reference",
    "earlier_claim",
    "remember_claim",
    "submit_provider_claim",
    "submit_service_hours_claim",
    "submit_self_purchase_claim",
    "approve_claim",
    "reject_claim",
    "mark_claim_paid",
    "can_see_claim",
    "get_claim",
    "claim_cursor",
    "queue_order_ascending",
    "list_claims",
    "count_overdue",
]
