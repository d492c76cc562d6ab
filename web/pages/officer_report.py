"""The region's report (the officer of the region): orders by status, what the state paid by
category and by month, claims by state, terms kept and missed, over a period chosen with a GET
form (this year so far unless chosen). Each chart is a bar chart drawn as SVG on the server
(``role="img"`` with its title and description) followed by its figures as a table for screen
readers; ``/officer/report.csv`` gives the same figures for the same period."""

from __future__ import annotations

import csv
import datetime as dt
import io
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from babel import dates as babel_dates
from starlette.requests import Request
from starlette.responses import Response

from marketplace import clock
from marketplace.accounts.models import Role
from marketplace.i18n import format_money, format_number, locale_tag
from web import labels
from web.labels import N_
from web.pages.staff import staff_visitor
from web.pages.trips import parse_day
from web.portal import FormErrors, Portal
from web.visitor import Visitor

CLAIM_STATUS = {"SUBMITTED": N_("Waiting for a decision"), "APPROVED": N_("Approved, not paid yet"),
                "REJECTED": N_("Refused"), "PAID": N_("Paid")}
TERM_SUBJECT = {"CLAIM": N_("Claims"), "APPLICATION": N_("Applications")}
TERM_OUTCOME = {"kept": N_("decided in term"), "missed": N_("term missed"), "open": N_("still in term")}
CSV_COLUMNS = ("section", "key", "label", "count", "amount")
FIELDS = {"from": "report-from", "to": "report-to", "regionId": "report-from"}


@dataclass
class Bar:
    label: str
    value: str  # as the page writes it
    share: float  # of the longest bar, 0..100


@dataclass
class Chart:
    """One bar chart: what it shows (its title and description, also the SVG's) and its rows,
    the same figures as the table after it."""

    id: str
    title: str
    description: str
    heading: str  # the table's header of the label column
    value_heading: str
    bars: list[Bar] = field(default_factory=list)
    count_heading: str | None = None
    counts: list[str] = field(default_factory=list)


def bars(rows: list[tuple[str, Decimal, str]]) -> list[Bar]:
    """(label, size, written value) → bars sized against the largest (none: every bar empty)."""
    largest = max((size for _, size, _ in rows), default=Decimal(0))
    return [Bar(label, value, float(size * 100 / largest) if largest > 0 else 0.0) for label, size, value in rows]


def month_name(month: dt.date, visitor: Visitor) -> str:
    return babel_dates.format_skeleton("yMMMM", month, locale=locale_tag(visitor.language))


def charts(portal: Portal, visitor: Visitor, report: dict[str, Any]) -> list[Chart]:
    t = lambda message, **params: portal.gettext(visitor, message, **params)  # noqa: E731
    money = lambda amount: format_money(Decimal(amount), visitor.language)  # noqa: E731
    number = lambda value: format_number(Decimal(value), visitor.language)  # noqa: E731
    orders = report["ordersByStatus"]
    categories = report["spendByCategory"]
    months = report["spendByMonth"]
    claims = report["claimsByStatus"]
    terms = report["terms"]
    made = [
        Chart("orders", t(N_("Orders by status")),
              t(N_("Orders placed in the period, by their status now: {count} in all."),
                count=number(sum(o["count"] for o in orders))),
              t(N_("Status")), t(N_("Orders")),
              bars([(t(labels.ORDER_STATUS[o["status"]]), Decimal(o["count"]), number(o["count"])) for o in orders]),
              t(N_("The state's share")), [money(o["stateShare"]) for o in orders]),
        Chart("spend-category", t(N_("Paid out by category")),
              t(N_("What the state paid on claims in the period, by category: {amount} in all."),
                amount=money(report["spendTotal"])),
              t(N_("Category")), t(N_("Paid out")),
              bars([(t(labels.CATEGORY[c["category"]]), Decimal(c["amount"]), money(c["amount"])) for c in categories]),
              t(N_("Claims paid")), [number(c["claimsPaid"]) for c in categories]),
        Chart("spend-month", t(N_("Paid out by month")),
              t(N_("What the state paid on claims, month by month, from {first} to {last}."),
                first=month_name(dt.date.fromisoformat(months[0]["month"]), visitor) if months else "",
                last=month_name(dt.date.fromisoformat(months[-1]["month"]), visitor) if months else ""),
              t(N_("Month")), t(N_("Paid out")),
              bars([(month_name(dt.date.fromisoformat(m["month"]), visitor), Decimal(m["amount"]), money(m["amount"]))
                    for m in months]),
              t(N_("Claims paid")), [number(m["claimsPaid"]) for m in months]),
        Chart("claims", t(N_("Claims by state")),
              t(N_("Claims submitted in the period, by their state now: {count} in all."),
                count=number(sum(c["count"] for c in claims))),
              t(N_("State")), t(N_("Claims")),
              bars([(t(CLAIM_STATUS[c["status"]]), Decimal(c["count"]), number(c["count"])) for c in claims]),
              t(N_("Amount claimed")), [money(c["amountClaimed"]) for c in claims]),
        Chart("terms", t(N_("Terms kept and missed")),
              t(N_("Claims and applications submitted in the period: decided within their term in working days, "
                "or not.")),
              t(N_("What")), t(N_("How many")),
              bars([(f"{t(TERM_SUBJECT[row['subject']])}: {t(TERM_OUTCOME[outcome])}", Decimal(row[outcome]),
                     number(row[outcome])) for row in terms for outcome in TERM_OUTCOME])),
    ]
    return made


def period(portal: Portal, request: Request, visitor: Visitor) -> tuple[dict[str, str], dt.date, dt.date, FormErrors]:
    """The period asked for in the address (this year so far unless asked), what was typed, and
    what in it is not a date."""
    today = clock.today()
    typed = {name: (request.query_params.get(name) or "").strip()[:40] for name in ("from", "to")}
    errors = FormErrors(fields=FIELDS, fallback="report-from")
    days = {"from": today.replace(month=1, day=1), "to": today}
    for name in ("from", "to"):
        if typed[name]:
            day = parse_day(typed[name])
            if day is None:
                errors.add(portal.gettext(visitor, "Enter the date as day.month.year, like 25.12.2026"), name)
            else:
                days[name] = day
        else:
            typed[name] = days[name].strftime("%d.%m.%Y")
    return typed, days["from"], days["to"], errors


async def _report(portal: Portal, request: Request) -> tuple[Visitor, Response | None, dict[str, Any]]:
    """The visitor, the answer to give instead (refused), and what the page and the file show."""
    visitor, refused = await staff_visitor(portal, request, Role.LOCAL_BODY)
    if refused:
        return visitor, refused, {}
    region = ((await portal.run(request, visitor, "ReportRegion")).data.get("me") or {}).get("region")
    if region is None:
        return visitor, portal.not_found(request, visitor), {}
    typed, start, end, errors = period(portal, request, visitor)
    report = None
    if not errors:
        outcome = await portal.run(request, visitor, "RegionReport", regionId=region["id"], **{
            "from": start.isoformat(), "to": end.isoformat()})
        report = outcome.data.get("regionReport") if outcome.ok else None
        if report is None:
            errors.add(portal.gettext(visitor, "Choose a period that ends on or after its first day, "
                                               "at most 36 months long"), "to")
    return visitor, None, {"region": region, "typed": typed, "errors": errors, "report": report}


async def report_page(portal: Portal, request: Request) -> Response:
    visitor, refused, shown = await _report(portal, request)
    if refused:
        return refused
    report = shown["report"]
    return portal.render(request, visitor, "officer/report.html", region=shown["region"], typed=shown["typed"],
                         errors=shown["errors"] or None, report=report,
                         charts=charts(portal, visitor, report) if report else [],
                         csv_query=request.url.query, status_code=400 if shown["errors"] else 200)


async def report_csv(portal: Portal, request: Request) -> Response:
    visitor, refused, shown = await _report(portal, request)
    if refused:
        return refused
    report = shown["report"]
    if report is None:
        return portal.redirect(visitor, f"/officer/report?{request.url.query}")
    t = lambda message: portal.gettext(visitor, message)  # noqa: E731
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(CSV_COLUMNS)
    writer.writerow(("period", report["from"], report["to"], "", ""))
    for o in report["ordersByStatus"]:
        writer.writerow(("orders", o["status"], t(labels.ORDER_STATUS[o["status"]]), o["count"], o["stateShare"]))
    for c in report["spendByCategory"]:
        writer.writerow(("spend_by_category", c["category"], t(labels.CATEGORY[c["category"]]), c["claimsPaid"],
                         c["amount"]))
    for m in report["spendByMonth"]:
        writer.writerow(("spend_by_month", m["month"][:7], month_name(dt.date.fromisoformat(m["month"]), visitor),
                         m["claimsPaid"], m["amount"]))
    writer.writerow(("spend_total", "", "", "", report["spendTotal"]))
    for c in report["claimsByStatus"]:
        writer.writerow(("claims", c["status"], t(CLAIM_STATUS[c["status"]]), c["count"], c["amountClaimed"]))
    for row in report["terms"]:
        for outcome in TERM_OUTCOME:
            writer.writerow((f"terms_{outcome}", row["subject"], t(TERM_SUBJECT[row["subject"]]), row[outcome], ""))
    name = f"tirek-report-{report['from']}-{report['to']}.csv"
    return Response("\ufeff" + out.getvalue(), media_type="text/csv; charset=utf-8",
                    headers={"content-disposition": f'attachment; filename="{name}"'})
