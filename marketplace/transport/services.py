"""Invataxi (seed 002): transport providers' vehicles, and trips booked like appointments.

How a trip is paid: every trip is an ORDER
-------------------------------------------
Booking places an ordinary ``Order`` for one unit of the provider's published
listing of a TRANSPORT item counted in TRIP units, through
``orders.services.place_order``; the trip references it (``Trip.order_id``).
So the whole money path is the existing one, unchanged: placing reserves one
trip of the recipient's entitlement (the same conditional UPDATE, the same
idempotency), declining or cancelling releases it, the recipient's
confirmation consumes it, and the provider then claims the state's share with
``submitClaim(claimFor: ORDER)`` like any other confirmed order.

Lifecycle (trip status / its order's status)
--------------------------------------------
- recipient ``book_trip``: REQUESTED / PLACED; a pickup time in the future (at
  most 60 days ahead), from, to, companion, wheelchair, and an estimated
  duration (default 60 minutes) giving ``ends_at``;
- provider ``confirm_trip`` with one of its vehicles: CONFIRMED / ACCEPTED;
  the vehicle must be active, serve the person's region, be
  wheelchair-accessible when the trip needs it and seat the companion;
- or provider ``propose_trip_time``: RESCHEDULE_PROPOSED; the recipient
  ``accept_trip_proposal`` (REQUESTED again, at the new time, for the provider
  to confirm) or ``cancel_trip``;
- provider ``decline_trip`` (before confirming): CANCELLED / DECLINED;
  recipient ``cancel_trip`` (before it is done): CANCELLED / CANCELLED;
- provider ``mark_trip_done`` once the pickup time has come: CONFIRMED / DELIVERED;
- recipient ``complete_trip``: COMPLETED / CONFIRMED (one trip consumed).

No vehicle is double-booked: confirming locks the vehicle row (SELECT ... FOR
UPDATE on PostgreSQL; SQLite write transactions are serialised by BEGIN
IMMEDIATE) and refuses OVERLAPPING_HOURS when another live trip of that
vehicle overlaps [starts_at, ends_at). Every step is audited (``trip.*``) in
the same transaction; notifications follow from those events.

The domain's public API, gathered from its modules: ``vehicles``, ``booking``, ``dispatch`` (the
provider's and the recipient's answers), ``reading``.
"""

from __future__ import annotations

from marketplace.transport.booking import LIVE, OP_BOOK_TRIP, book_trip
from marketplace.transport.dispatch import accept_trip_proposal, cancel_trip, complete_trip, confirm_trip, decline_trip
from marketplace.transport.dispatch import mark_trip_done, propose_trip_time
from marketplace.transport.reading import can_see_trip, get_trip, list_trips, trip_cursor
from marketplace.transport.vehicles import add_vehicle, get_vehicle, list_vehicles, update_vehicle

__all__ = [
    "LIVE",
    "OP_BOOK_TRIP",
    "accept_trip_proposal",
    "add_vehicle",
    "book_trip",
    "can_see_trip",
    "cancel_trip",
    "complete_trip",
    "confirm_trip",
    "decline_trip",
    "get_trip",
    "get_vehicle",
    "list_trips",
    "list_vehicles",
    "mark_trip_done",
    "propose_trip_time",
    "trip_cursor",
    "update_vehicle",
]
