"""Invataxi, the transport provider's side: its vehicles (listed, added with ``addVehicle``,
changed or taken out of service with ``updateVehicle``; the plate is the vehicle's and stays) and
its trips (the incoming ones by pickup time, by status; a trip's page where it is confirmed on a
vehicle, another pickup time proposed, declined with a reason the recipient reads, or marked
done once the pickup time has come)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from starlette.datastructures import FormData
from starlette.requests import Request
from starlette.responses import Response

from marketplace.accounts.models import Role
from marketplace.clock import KAZAKHSTAN_TIME
from web.pages.drafts import keep, keep_done, load
from web.pages.provider_forms import draft_errors, form_draft, keep_refused, sent_form
from web.pages.staff import list_by_status, staff_action, staff_form, staff_visitor
from web.pages.trips import parse_clock, parse_day
from web.portal import FormErrors, Portal
from web.visitor import Visitor

TRIP_STATUSES = ("REQUESTED", "RESCHEDULE_PROPOSED", "CONFIRMED", "COMPLETED", "CANCELLED")
_VEHICLE_INPUTS = {"plateNumber": "plate", "model": "model", "seats": "seats", "serviceRegionIds": "regions",
                   "wheelchairAccessible": "wheelchair", "isActive": "active", "vehicleId": "model"}
VEHICLE_FIELDS = {**_VEHICLE_INPUTS, **{f"input.{name}": target for name, target in _VEHICLE_INPUTS.items()}}
TRIP_ACTIONS = {
    # action: (operation, payload root, what the trip page says was done, the input its errors go to)
    "confirm": ("ConfirmTrip", "confirmTrip", "confirmed", "trip-vehicle"),
    "propose": ("ProposeTripTime", "proposeTripTime", "proposed", "propose-date"),
    "decline": ("DeclineTrip", "declineTrip", "declined", "decline-reason"),
    "done": ("MarkTripDone", "markTripDone", "done", "mark-done"),
}
TRIP_FIELDS = {"vehicleId": "trip-vehicle", "startsAt": "propose-date", "time": "propose-time",
               "reason": "decline-reason"}


# -- vehicles --------------------------------------------------------------------------------
def vehicle_kind(vehicle_id: str | None) -> str:
    return f"vehicle:{vehicle_id}" if vehicle_id else "vehicle:new"


def typed_from_vehicle(vehicle: dict[str, Any] | None, regions: list[dict[str, Any]]) -> dict[str, Any]:
    if vehicle is None:  # a new one: accessible, four seats, every region the organisation serves
        return {"plate": "", "model": "", "seats": "4", "wheelchair": True, "active": True,
                "regions": [r["id"] for r in regions]}
    return {"plate": vehicle["plateNumber"], "model": vehicle["model"], "seats": str(vehicle["seats"]),
            "wheelchair": vehicle["wheelchairAccessible"], "active": vehicle["isActive"],
            "regions": [r["id"] for r in vehicle["serviceRegions"]]}


def typed_vehicle_from_form(form: FormData) -> dict[str, Any]:
    typed: dict[str, Any] = {name: str(form.get(name) or "").strip()[:200] for name in ("plate", "model", "seats")}
    typed.update(wheelchair=form.get("wheelchair") == "yes", active=form.get("active") == "yes",
                 regions=[str(v)[:60] for v in form.getlist("regions")][:30])
    return typed


async def vehicles_page(portal: Portal, request: Request) -> Response:
    visitor, refused = await staff_visitor(portal, request, Role.PROVIDER)
    if refused:
        return refused
    vehicles, next_cursor, total = await portal.run_page(request, visitor, "ProviderVehicles", "vehicles")
    return portal.render(request, visitor, "provider/vehicles.html", vehicles=vehicles, next_cursor=next_cursor,
                         total=total, done=request.query_params.get("done"))


async def _vehicle(portal: Portal, request: Request, visitor: Visitor) -> tuple[dict[str, Any] | None, list[Any]]:
    """The vehicle of the address (None: not one of this provider's), and the regions the
    organisation serves."""
    vehicle_id = request.path_params.get("id")
    if vehicle_id:
        outcome = await portal.run(request, visitor, "ProviderVehicle", id=vehicle_id)
    else:
        outcome = await portal.run(request, visitor, "ProviderMe")
    provider = (outcome.data.get("me") or {}).get("provider") or {}
    vehicle = outcome.data.get("node") if outcome.ok and vehicle_id else None
    if vehicle is not None and (vehicle.get("provider") or {}).get("id") != provider.get("id"):
        vehicle = None  # a node that is no vehicle of this provider's
    return vehicle, list(provider.get("regions") or [])


async def vehicle_form(portal: Portal, request: Request, errors: FormErrors | None = None) -> Response:
    """``/provider/vehicles/new`` or a vehicle's own page ``/provider/vehicles/{id}`` (its form)."""
    visitor, refused = await staff_visitor(portal, request, Role.PROVIDER)
    if refused:
        return refused
    vehicle_id = request.path_params.get("id")
    vehicle, regions = await _vehicle(portal, request, visitor)
    if vehicle_id and vehicle is None:
        return portal.not_found(request, visitor)
    draft = await form_draft(portal, visitor, vehicle_kind(vehicle_id), typed_from_vehicle(vehicle, regions))
    if errors is None:
        errors = draft_errors(draft, VEHICLE_FIELDS, "model")
    return portal.render_form(request, visitor, "provider/vehicle_form.html", errors, vehicle=vehicle, regions=regions,
                              typed=draft["typed"], draft=draft)


async def save_vehicle(portal: Portal, request: Request) -> Response:
    visitor, form, refused = await staff_form(portal, request, Role.PROVIDER)
    if refused:
        return refused
    vehicle_id = request.path_params.get("id")
    kind = vehicle_kind(vehicle_id)
    key = form.get("idempotency_key")
    _, made = await sent_form(portal, visitor, kind, key)
    if made:  # sent again: the vehicle it added or saved, not a second one
        return portal.redirect(visitor, f"/provider/vehicles/{made}?done=saved")
    typed = typed_vehicle_from_form(form)
    errors = FormErrors(fields=VEHICLE_FIELDS, fallback="model")
    if not vehicle_id and not typed["plate"]:
        errors.add(portal.gettext(visitor, "Enter the plate number, like 123ABC01"), "plateNumber", "REQUIRED")
    if not typed["model"]:
        errors.add(portal.gettext(visitor, "Enter the make and model, like Ford Transit with a ramp"), "model",
                   "REQUIRED")
    if not typed["seats"].isdigit() or not 1 <= int(typed["seats"]) <= 1000:
        errors.add(portal.gettext(visitor, "Enter the passenger seats as a whole number, like 4"), "seats")
    if not typed["regions"]:
        errors.add(portal.gettext(visitor, "Choose at least one region"), "serviceRegionIds", "REQUIRED")
    if not errors:
        fields = {"model": typed["model"], "seats": int(typed["seats"]), "serviceRegionIds": typed["regions"],
                  "wheelchairAccessible": typed["wheelchair"]}
        if vehicle_id:
            saved = await portal.make(request, visitor, errors, "UpdateVehicle", "updateVehicle", "vehicle",
                                      vehicleId=vehicle_id, input={**fields, "isActive": typed["active"]})
            word = "saved"
        else:
            saved = await portal.make(request, visitor, errors, "AddVehicle", "addVehicle", "vehicle",
                                      input={**fields, "plateNumber": typed["plate"]})
            word = "added"
        if saved and not errors:
            await keep_done(portal, visitor, kind, key, saved["id"])
            return portal.redirect(visitor, f"/provider/vehicles/{saved['id']}?done={word}")
        if not errors:
            return portal.not_found(request, visitor)
    await keep_refused(portal, visitor, kind, key, typed, errors)
    return await vehicle_form(portal, request, errors)


# -- trips -----------------------------------------------------------------------------------
async def trips_page(portal: Portal, request: Request) -> Response:
    return await list_by_status(portal, request, Role.PROVIDER, "ProviderTrips", "trips", "provider/trips.html",
                                TRIP_STATUSES, "trips")


async def trip_page(portal: Portal, request: Request, errors: FormErrors | None = None,
                    typed: dict[str, Any] | None = None) -> Response:
    visitor, refused = await staff_visitor(portal, request, Role.PROVIDER)
    if refused:
        return refused
    outcome = await portal.run(request, visitor, "ProviderTrip", id=request.path_params["id"])
    trip = outcome.data.get("trip") if outcome.ok else None
    if trip is None:
        return portal.not_found(request, visitor)
    vehicles = [v for v in (outcome.data.get("vehicles") or {}).get("nodes") or [] if v["isActive"]]
    if errors is None:  # a reload after a refusal: what was typed and why, from the draft
        draft = await load(portal, visitor, trip_kind(request.path_params["id"]))
        if draft.get("errors"):
            errors, typed = draft_errors(draft, TRIP_FIELDS, draft.get("fallback")), draft.get("typed") or {}
    return portal.render_form(request, visitor, "provider/trip.html", errors, trip=trip, vehicles=vehicles,
                              typed=typed or {})


def trip_kind(trip_id: str) -> str:
    return f"trip-action:{trip_id[:28]}"  # a draft kind is 40 characters at most


def _proposed_time(portal: Portal, visitor: Visitor, typed: dict[str, Any], errors: FormErrors) -> str | None:
    day, clock = parse_day(typed["date"]), parse_clock(typed["time"])
    if day is None:
        errors.add(portal.gettext(visitor, "Enter the date as day.month.year, like 25.12.2026"), "startsAt")
    if clock is None:
        errors.add(portal.gettext(visitor, "Enter the time as hours:minutes, like 14:30"), "time")
    if day is None or clock is None:
        return None
    return dt.datetime.combine(day, clock, tzinfo=KAZAKHSTAN_TIME).isoformat()


async def trip_action(portal: Portal, request: Request) -> Response:
    """``POST /provider/trips/{id}/confirm`` (on a vehicle), ``/propose`` (another time),
    ``/decline`` (with a reason) or ``/done``."""
    visitor, form, action, refused = await staff_action(portal, request, Role.PROVIDER, TRIP_ACTIONS)
    if refused:
        return refused
    operation, root, word, fallback = TRIP_ACTIONS[action]
    trip_id = request.path_params["id"]
    typed = {name: str(form.get(name) or "").strip()[:1000] for name in ("vehicle", "date", "time", "reason")}
    errors = FormErrors(fields=TRIP_FIELDS, fallback=fallback)
    variables: dict[str, Any] = {"tripId": trip_id}
    if operation == "ConfirmTrip":
        if not typed["vehicle"]:
            errors.add(portal.gettext(visitor, "Choose the vehicle for the trip"), "vehicleId", "REQUIRED")
        variables["vehicleId"] = typed["vehicle"]
    elif operation == "ProposeTripTime":
        variables["startsAt"] = _proposed_time(portal, visitor, typed, errors)
    elif operation == "DeclineTrip":
        if not typed["reason"]:
            errors.add(portal.gettext(visitor, "Say why you decline the trip: the recipient reads it"), "reason",
                       "REQUIRED")
        variables["reason"] = typed["reason"]
    answer = await portal.submit(request, visitor, errors, operation, root,
                                 f"/provider/trips/{trip_id}?done={word}", **variables)
    if answer is not None and answer.status_code in (302, 303):
        await keep(portal, visitor, trip_kind(trip_id), {})  # done: nothing left to show again
        return answer
    if answer is not None:
        return answer
    # Refused: what was typed and why stay in the draft, so a reload shows them again.
    await keep(portal, visitor, trip_kind(trip_id), {"typed": typed, "errors": errors.items, "fallback": fallback})
    return await trip_page(portal, request, errors, typed)
