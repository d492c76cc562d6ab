"""Service hours: a provider logs a worker's hours on an accepted hourly service order (the date
and the times typed as text; one worker's overlapping hours are refused at the start time with
the other booking's time), and reads the hours logged, worker by worker.

The hours form keeps what was typed in the account's draft (the worker stays filled in for the
next entry) with a key minted when the form is shown: the same form sent twice logs once."""

from __future__ import annotations

import secrets
from collections import defaultdict
from decimal import Decimal
from typing import Any

from starlette.requests import Request
from starlette.responses import Response

from marketplace.accounts.models import Role
from web.pages.drafts import keep, load
from web.pages.staff import staff_form, staff_visitor
from web.pages.trips import parse_clock, parse_day
from web.portal import FormErrors, Portal

HOURS_FIELDS = {"workerIin": "worker-iin", "workerName": "worker-name", "serviceDate": "service-date",
                "startTime": "start-time", "endTime": "end-time"}


def hourly(order: dict[str, Any]) -> bool:
    return order["classifierItem"]["kind"] == "SERVICE" and order["classifierItem"]["unit"] == "HOUR"


def hours_kind(order_id: str) -> str:
    return f"hours:{order_id}"


async def hours_draft(portal: Portal, visitor: Any, order_id: str) -> dict[str, Any]:
    """The hours form's draft, with a new key once the last one logged its hours."""
    draft = await load(portal, visitor, hours_kind(order_id))
    if not draft.get("idempotency_key") or draft.get("done"):
        worker = {k: draft.get(k, "") for k in ("worker_iin", "worker_name")}
        draft = {"idempotency_key": secrets.token_urlsafe(18), "used": used_keys(draft), **worker}
        await keep(portal, visitor, hours_kind(order_id), draft)
    return draft


def used_keys(draft: dict[str, Any]) -> list[str]:
    """The keys of the last forms that logged their hours (the page that shows the next form
    mints a new key; the old form sent again still finds what it did)."""
    used = list(draft.get("used") or [])
    if draft.get("done") and draft.get("idempotency_key"):
        used.append(draft["idempotency_key"])
    return used[-10:]


def by_worker(orders: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Every logged hour of these orders, worker by worker (``name``, ``logs`` latest first, and
    ``hours`` in all but the disputed ones)."""
    workers: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for order in orders:
        for log in order.get("serviceLogs") or []:
            workers[log["workerName"]].append({**log, "order": order})
    return [{"name": name, "logs": sorted(logs, key=lambda log: (log["serviceDate"], log["startTime"]), reverse=True),
             "hours": sum((Decimal(str(log["hours"])) for log in logs if log["status"] != "DISPUTED"), Decimal(0))}
            for name, logs in sorted(workers.items())]


async def hours_page(portal: Portal, request: Request) -> Response:
    visitor, refused = await staff_visitor(portal, request, Role.PROVIDER)
    if refused:
        return refused
    outcome = await portal.run(request, visitor, "ProviderHours")
    orders = [o for o in (outcome.data.get("orders") or {}).get("nodes") or [] if hourly(o)]
    open_orders = [o for o in orders if o["status"] == "ACCEPTED"]
    return portal.render(request, visitor, "provider/hours.html", workers=by_worker(orders), open_orders=open_orders)


async def log_hours(portal: Portal, request: Request) -> Response:
    from web.pages.provider_orders import show_order  # the order page shows the form again

    visitor, form, refused = await staff_form(portal, request, Role.PROVIDER)
    if refused:
        return refused
    order_id = request.path_params["id"]
    kind = hours_kind(order_id)
    draft = await load(portal, visitor, kind)
    key = str(form.get("idempotency_key") or "")
    if key and key in used_keys(draft):
        return portal.redirect(visitor, f"/provider/orders/{order_id}?done=hours")  # sent again: logged once
    typed = {name: str(form.get(name) or "").strip()[:200] for name in
             ("worker_iin", "worker_name", "service_date", "start_time", "end_time")}
    draft.update(typed, idempotency_key=key or draft.get("idempotency_key") or secrets.token_urlsafe(18))
    errors = FormErrors(fields=HOURS_FIELDS, fallback="worker-iin")
    if not typed["worker_iin"]:
        errors.add(portal.gettext(visitor, "Enter the worker's IIN: 12 digits"), "workerIin", "REQUIRED")
    if not typed["worker_name"]:
        errors.add(portal.gettext(visitor, "Enter the worker's name"), "workerName", "REQUIRED")
    day = parse_day(typed["service_date"])
    if day is None:
        errors.add(portal.gettext(visitor, "Enter the date as day.month.year, like 25.12.2026"), "serviceDate")
    start, end = parse_clock(typed["start_time"]), parse_clock(typed["end_time"])
    if start is None:
        errors.add(portal.gettext(visitor, "Enter the time as hours:minutes, like 14:30"), "startTime")
    if end is None:
        errors.add(portal.gettext(visitor, "Enter the time as hours:minutes, like 14:30"), "endTime")
    if not errors and day is not None and start is not None and end is not None:
        outcome = await portal.run(request, visitor, "LogServiceHours", orderId=order_id,
                                   workerIin=typed["worker_iin"], workerName=typed["worker_name"],
                                   serviceDate=day.isoformat(), startTime=start.strftime("%H:%M:%S"),
                                   endTime=end.strftime("%H:%M:%S"))
        errors.extend(outcome.payload_errors("logServiceHours"))
        if not errors and not outcome.ok:
            return portal.not_found(request, visitor)
        if not errors:
            await keep(portal, visitor, kind, {"idempotency_key": draft["idempotency_key"], "done": True,
                                               "used": draft.get("used") or [], "worker_iin": typed["worker_iin"],
                                               "worker_name": typed["worker_name"]})
            return portal.redirect(visitor, f"/provider/orders/{order_id}?done=hours")
    await keep(portal, visitor, kind, draft)
    return await show_order(portal, request, errors=errors)
