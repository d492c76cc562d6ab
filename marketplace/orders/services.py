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

The domain's public API, gathered from its modules: ``placing``, ``transitions``, ``service_hours``,
``reviews``, ``reading`` (and ``parties``, the order as each party reaches it).
"""

from __future__ import annotations

from marketplace.orders.parties import MAX_REASON, quantity_param, is_hourly, order_of_provider, order_of_recipient
from marketplace.orders.parties import lock_order, lock_key, advisory_locks
from marketplace.orders.placing import PLACE_ORDER, MAX_ORDER_QUANTITY, stock_units, place_order, place_order_once
from marketplace.orders.placing import clean_delivery_option, listing_serves
from marketplace.orders.reading import can_see_order, get_order, get_service_log, get_review, list_orders
from marketplace.orders.reading import list_service_logs
from marketplace.orders.reviews import MAX_REVIEW, review_order
from marketplace.orders.service_hours import MAX_LOGS_PER_CALL, MAX_WORKER_NAME, minutes_between, logged_minutes
from marketplace.orders.service_hours import log_service_hours, confirm_service_hours, dispute_service_hours
from marketplace.orders.transitions import accept_order, decline_order, cancel_order, mark_delivered, confirm_receipt

__all__ = [
    "PLACE_ORDER",
    "MAX_ORDER_QUANTITY",
    "MAX_REASON",
    "MAX_REVIEW",
    "MAX_LOGS_PER_CALL",
    "MAX_WORKER_NAME",
    "quantity_param",
    "stock_units",
    "is_hourly",
    "place_order",
    "place_order_once",
    "clean_delivery_option",
    "listing_serves",
    "order_of_provider",
    "order_of_recipient",
    "lock_order",
    "accept_order",
    "decline_order",
    "cancel_order",
    "mark_delivered",
    "confirm_receipt",
    "minutes_between",
    "logged_minutes",
    "lock_key",
    "advisory_locks",
    "log_service_hours",
    "confirm_service_hours",
    "dispute_service_hours",
    "review_order",
    "can_see_order",
    "get_order",
    "get_service_log",
    "get_review",
    "list_orders",
    "list_service_logs",
]
