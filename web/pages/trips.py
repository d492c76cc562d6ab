"""Invataxi: booking a trip (the date and the time typed as text, no picker to drag; the key that
makes a double submit book once is minted when the form is shown and kept in the draft with what
was typed) and my trips (accept the provider's other time, confirm the ride, cancel)."""

from __future__ import annotations

import datetime as dt
import re
import secrets
from typing import Any

from starlette.requests import Request
from starlette.responses import Response

from marketplace.clock import KAZAKHSTAN_TIME
from web.pages.drafts import done, keep_done, keep_errors, keyed, load
from web.pages.recipient import case_action
from web.pages.representing import acting_for
from web.portal import FormErrors, Portal
from web.visitor import Visitor

TRIP_DRAFT = "trip"
TRIP_FIELDS = {"startsAt": "date", "pickupAddress": "pickup", "dropoffAddress": "dropoff", "listingId": "offer",
               "entitlementId": "offer", "withCompanion": "companion", "needsWheelchair": "wheelchair",
               "durationMinutes": "date", "time": "time"}
ACTIONS = {
    # action: (operation, payload root, what the trip page says was done)
    "accept": ("AcceptTripProposal", "acceptTripProposal", "accepted"),
    "cancel": ("CancelTrip", "cancelTrip", "cancelled"),
    "complete": ("CompleteTrip", "completeTrip", "completed"),
}
_DATE = re.compile(r"^\s*(\d{1,2})[./\-\s](\d{1,2})[./\-\s](\d{4})\s*$")
_ISO_DATE = re.compile(r"^\s*(\d{4})-(\d{1,2})-(\d{1,2})\s*$")
_TIME = re.compile(r"^\s*(\d{1,2})[:.\s](\d{2})\s*$")


def parse_day(text: str) -> dt.date | None:
    """A date as typed: ``25.12.2026``, ``25/12/2026``, ``2026-12-25``."""
    match = _DATE.match(text or "")
    try:
        if match:
            return dt.date(int(match.group(3)), int(match.group(2)), int(match.group(1)))
        match = _ISO_DATE.match(text or "")
        if match:
            return dt.date(int(match.group(1)), int(match.group(2)), int(match.group(3)))
    except ValueError:
        return None
    return None


def parse_clock(text: str) -> dt.time | None:
    """A time as typed: ``14:30``, ``9.05``."""
    match = _TIME.match(text or "")
    if not match or int(match.group(1)) > 23 or int(match.group(2)) > 59:
        return None
    return dt.time(int(match.group(1)), int(match.group(2)))


async def offers(portal: Portal, request: Request, visitor: Visitor, person_id: str | None) -> list[dict[str, Any]]:
    """The invataxi listings that the person's trips line pays for, each with that line."""
    outcome = await portal.run(request, visitor, "TripOffers", forPersonId=person_id)
    found = []
    for edge in (outcome.data.get("searchListings") or {}).get("edges", []):
        coverage = edge["node"]["coverage"] or {}
        if coverage.get("covered") and coverage.get("entitlementId"):
            found.append({"listing": edge["node"]["listing"], "entitlement_id": coverage["entitlementId"]})
    return found


async def my_trips(portal: Portal, request: Request) -> Response:
    return await portal.own_list(request, "MyTrips", "trips", "pages/trips.html", "trips")


async def new_trip(portal: Portal, request: Request, errors: FormErrors | None = None) -> Response:
    visitor = await portal.visitor(request)
    if not visitor.signed_in:
        return portal.sign_in_first(request, visitor)
    acting = await acting_for(portal, request, visitor)
    found = await offers(portal, request, visitor, acting.person_id)
    draft = await keyed(portal, visitor, TRIP_DRAFT, acting.person_id)
    if errors is None:
        errors = FormErrors(items=list(draft.get("errors") or []), fields=TRIP_FIELDS, fallback="date")
    return portal.render_form(request, visitor, "pages/trip_new.html", errors, acting=acting, offers=found, draft=draft)


async def book_trip(portal: Portal, request: Request) -> Response:
    visitor, form, refused = await portal.posted(request)
    if refused:
        return refused
    acting = await acting_for(portal, request, visitor)
    draft = await load(portal, visitor, TRIP_DRAFT)
    key = str(form.get("idempotency_key") or "")
    made = done(draft, key)
    if made:
        return portal.redirect(visitor, f"/trips/{made}")  # sent again: the trip it booked
    typed = {name: str(form.get(name) or "").strip()[:300] for name in ("offer", "date", "time", "pickup", "dropoff")}
    typed.update(companion=form.get("companion") == "yes", wheelchair=form.get("wheelchair") == "yes")
    draft.update(typed, person_id=acting.person_id, idempotency_key=key or draft.get("idempotency_key")
                 or secrets.token_urlsafe(18))
    errors = FormErrors(fields=TRIP_FIELDS, fallback="date")
    found = {o["listing"]["id"]: o for o in await offers(portal, request, visitor, acting.person_id)}
    if len(found) == 1 and not typed["offer"]:
        typed["offer"] = next(iter(found))
    offer = found.get(typed["offer"])
    if offer is None:
        errors.add(portal.gettext(visitor, "Choose the invataxi service"), "listingId", "REQUIRED")
    day, clock = parse_day(typed["date"]), parse_clock(typed["time"])
    if day is None:
        errors.add(portal.gettext(visitor, "Enter the date as day.month.year, like 25.12.2026"), "startsAt")
    if clock is None:
        errors.items.append({"field": "time", "code": "INVALID",
                             "message": portal.gettext(visitor, "Enter the time as hours:minutes, like 14:30")})
    for name, field_name, message in (("pickup", "pickupAddress", "Enter where to pick you up"),
                                      ("dropoff", "dropoffAddress", "Enter where you are going")):
        if not typed[name]:
            errors.add(portal.gettext(visitor, message), field_name, "REQUIRED")
    if not errors and offer is not None and day is not None and clock is not None:
        starts = dt.datetime.combine(day, clock, tzinfo=KAZAKHSTAN_TIME)
        trip = await portal.make(request, visitor, errors, "BookTrip", "bookTrip", "trip", input={
            "listingId": offer["listing"]["id"], "entitlementId": offer["entitlement_id"],
            "startsAt": starts.isoformat(), "pickupAddress": typed["pickup"], "dropoffAddress": typed["dropoff"],
            "withCompanion": typed["companion"], "needsWheelchair": typed["wheelchair"],
            "idempotencyKey": draft["idempotency_key"]})
        if trip and not errors:
            await keep_done(portal, visitor, TRIP_DRAFT, draft["idempotency_key"], trip["id"])
            return portal.redirect(visitor, f"/trips/{trip['id']}?done=booked")
        if not errors:
            errors.add(portal.gettext(visitor, "The trip could not be booked. Check the answers and try again."))
    await keep_errors(portal, visitor, TRIP_DRAFT, draft, errors)
    return await new_trip(portal, request, errors)


async def _trip_page(portal: Portal, request: Request, errors: FormErrors | None = None) -> Response:
    visitor, trip, refused = await portal.open_case(request, "Trip", "trip")
    if refused:
        return refused
    return portal.render_form(request, visitor, "pages/trip.html", errors, trip=trip)


async def trip_page(portal: Portal, request: Request) -> Response:
    return await _trip_page(portal, request)


async def trip_action(portal: Portal, request: Request) -> Response:
    visitor, _, action, refused = await case_action(portal, request, ACTIONS)
    if refused:
        return refused
    operation, root, done = action
    trip_id = request.path_params["id"]
    errors = FormErrors(fallback=None)
    answer = await portal.submit(request, visitor, errors, operation, root, f"/trips/{trip_id}?done={done}",
                                 tripId=trip_id)
    return answer or await _trip_page(portal, request, errors)
