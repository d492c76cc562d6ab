"""The region's report over a period of local dates (both ends included), for an officer of the
region or the administrator:

- orders placed in the period, by their status now (how many, and the state's share of them);
- spend: what the state paid out on claims marked paid in the period (the approved amount), by
  the classifier category of the aid or service and by month (every month of the period, an
  empty one with nothing);
- claims submitted in the period, by their state now (how many, and the amount claimed);
- terms kept and missed, for the claims and the applications submitted in the period: kept when
  decided on or before the due date (submission + the legal term in working days), missed when
  decided after it or still undecided past it, open when undecided and not yet due.

Moments are stored in UTC; the period's days and the months are Kazakhstan's (``clock``), so an
order placed at 01:00 on 1 March local time counts in March. Each figure is one aggregate query.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from sqlalchemy import Date, and_, case, func, or_, select
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.sql.functions import FunctionElement
from sqlalchemy.ext.asyncio import AsyncSession

from marketplace import clock
from marketplace.accounts.access import Viewer
from marketplace.accounts.models import Region, Role
from marketplace.applications.models import Application, ApplicationStatus
from marketplace.calendar import add_months
from marketplace.catalog.models import ClassifierItem, ItemCategory
from marketplace.claims.models import ClaimStatus, CompensationClaim
from marketplace.errors import DomainError, ErrorCode, not_found
from marketplace.orders.models import Order, OrderStatus

ZERO = Decimal("0.00")
MOST_MONTHS = 36  # a report spans at most three years of months
OFFSET_HOURS = int((clock.KAZAKHSTAN_TIME.utcoffset(None) or dt.timedelta()).total_seconds()) // 3600


@dataclass(frozen=True)
class StatusCount:
    status: str
    count: int
    amount: Decimal


@dataclass(frozen=True)
class CategorySpend:
    category: ItemCategory
    count: int
    amount: Decimal


@dataclass(frozen=True)
class MonthSpend:
    month: dt.date  # its first day
    count: int
    amount: Decimal


@dataclass(frozen=True)
class Terms:
    subject: str  # CLAIM or APPLICATION
    kept: int
    missed: int
    open: int


@dataclass(frozen=True)
class RegionReport:
    region: Region
    start: dt.date
    end: dt.date
    orders_by_status: list[StatusCount]
    spend_by_category: list[CategorySpend]
    spend_by_month: list[MonthSpend]
    claims_by_status: list[StatusCount]
    terms: list[Terms]

    @property
    def spend_total(self) -> Decimal:
        return sum((row.amount for row in self.spend_by_category), ZERO)


def months_of(start: dt.date, end: dt.date) -> list[dt.date]:
    """The first days of the months the period touches, in order."""
    month, months = start.replace(day=1), []
    while month <= end:
        months.append(month)
        month = add_months(month, 1)
    return months


def check_period(start: dt.date, end: dt.date) -> None:
    if end < start:
        raise DomainError(ErrorCode.INVALID, "The period must end on or after the day it starts.", "to")
    if len(months_of(start, end)) > MOST_MONTHS:
        raise DomainError(ErrorCode.OUT_OF_RANGE, "A report covers at most {most} months.", "to",
                          most=MOST_MONTHS)


def _utc_start(day: dt.date) -> dt.datetime:
    """The moment a local day starts, in UTC."""
    return clock.moment(day, dt.time()).astimezone(dt.UTC)


def _within(column: Any, start: dt.date, end: dt.date) -> Any:
    return and_(column >= _utc_start(start), column < _utc_start(end + dt.timedelta(days=1)))


async def region_report(session: AsyncSession, viewer: Viewer, region_id: int, start: dt.date, end: dt.date,
                        today: dt.date | None = None) -> RegionReport:
    viewer.require_role(Role.LOCAL_BODY, Role.ADMIN)
    if not (viewer.is_admin or viewer.is_officer_of(region_id)):
        raise not_found("region")
    region = await session.get(Region, region_id)
    if region is None:
        raise not_found("region")
    check_period(start, end)
    today = today or clock.today()
    return RegionReport(
        region=region, start=start, end=end,
        orders_by_status=await _orders_by_status(session, region_id, start, end),
        spend_by_category=await _spend_by_category(session, region_id, start, end),
        spend_by_month=await _spend_by_month(session, region_id, start, end),
        claims_by_status=await _claims_by_status(session, region_id, start, end),
        terms=[await _claim_terms(session, region_id, start, end, today),
               await _application_terms(session, region_id, start, end, today)],
    )


async def _orders_by_status(session: AsyncSession, region_id: int, start: dt.date, end: dt.date) -> list[StatusCount]:
    rows = (await session.execute(
        select(Order.status, func.count(), func.sum(Order.state_share))
        .where(Order.region_id == region_id, _within(Order.placed_at, start, end))
        .group_by(Order.status))).all()
    found = {status: (count, amount) for status, count, amount in rows}
    return [StatusCount(status.value, int(found.get(status, (0, ZERO))[0]), found.get(status, (0, ZERO))[1] or ZERO)
            for status in OrderStatus]


def _paid_in(region_id: int, start: dt.date, end: dt.date) -> list[Any]:
    return [CompensationClaim.region_id == region_id, CompensationClaim.status == ClaimStatus.PAID,
            _within(CompensationClaim.paid_at, start, end)]


async def _spend_by_category(session: AsyncSession, region_id: int, start: dt.date,
                             end: dt.date) -> list[CategorySpend]:
    rows = (await session.execute(
        select(ClassifierItem.category, func.count(), func.sum(CompensationClaim.amount_approved))
        .join(ClassifierItem, ClassifierItem.id == CompensationClaim.classifier_item_id)
        .where(*_paid_in(region_id, start, end))
        .group_by(ClassifierItem.category))).all()
    spend = [CategorySpend(category, int(count), amount or ZERO) for category, count, amount in rows]
    return sorted(spend, key=lambda row: (-row.amount, row.category.value))


async def _spend_by_month(session: AsyncSession, region_id: int, start: dt.date, end: dt.date) -> list[MonthSpend]:
    months = months_of(start, end)
    # The month a payment falls in, by the local moments the months start: one query for them all.
    month = case(*((CompensationClaim.paid_at < _utc_start(add_months(first, 1)), n)
                   for n, first in enumerate(months)), else_=len(months))
    rows = (await session.execute(
        select(month, func.count(), func.sum(CompensationClaim.amount_approved))
        .where(*_paid_in(region_id, start, end)).group_by(month))).all()
    found = {int(n): (int(count), amount or ZERO) for n, count, amount in rows}
    return [MonthSpend(first, *found.get(n, (0, ZERO))) for n, first in enumerate(months)]


async def _claims_by_status(session: AsyncSession, region_id: int, start: dt.date, end: dt.date) -> list[StatusCount]:
    rows = (await session.execute(
        select(CompensationClaim.status, func.count(), func.sum(CompensationClaim.amount_claimed))
        .where(CompensationClaim.region_id == region_id, _within(CompensationClaim.submitted_at, start, end))
        .group_by(CompensationClaim.status))).all()
    found = {status: (count, amount) for status, count, amount in rows}
    return [StatusCount(status.value, int(found.get(status, (0, ZERO))[0]), found.get(status, (0, ZERO))[1] or ZERO)
            for status in ClaimStatus]


class local_day(FunctionElement[dt.date]):
    """The Kazakhstan calendar date of a stored UTC moment, in SQL (UTC+5 has no daylight saving)."""

    type = Date()
    inherit_cache = True


@compiles(local_day, "sqlite")
def _local_day_sqlite(element: local_day, compiler: Any, **kw: Any) -> str:
    return f"date({compiler.process(element.clauses, **kw)}, '+{OFFSET_HOURS} hours')"


@compiles(local_day)
def _local_day(element: local_day, compiler: Any, **kw: Any) -> str:
    return (f"CAST(({compiler.process(element.clauses, **kw)} AT TIME ZONE 'UTC') "
            f"+ INTERVAL '{OFFSET_HOURS} hours' AS DATE)")


async def _terms(session: AsyncSession, subject: str, model: Any, undecided: Any, region_id: int, start: dt.date,
                 end: dt.date, today: dt.date) -> Terms:
    """Kept: decided on or before the due date (local); missed: decided later, or undecided
    with the due date past; open: undecided and not yet due."""
    waiting = or_(undecided, model.decided_at.is_(None))
    row = (await session.execute(
        select(func.count().filter(and_(~waiting, local_day(model.decided_at) <= model.due_date)),
               func.count().filter(or_(and_(~waiting, local_day(model.decided_at) > model.due_date),
                                       and_(waiting, model.due_date < today))),
               func.count().filter(and_(waiting, model.due_date >= today)))
        .where(model.region_id == region_id, _within(model.submitted_at, start, end)))).one()
    return Terms(subject, int(row[0]), int(row[1]), int(row[2]))


async def _claim_terms(session: AsyncSession, region_id: int, start: dt.date, end: dt.date, today: dt.date) -> Terms:
    return await _terms(session, "CLAIM", CompensationClaim, CompensationClaim.status == ClaimStatus.SUBMITTED,
                        region_id, start, end, today)


async def _application_terms(session: AsyncSession, region_id: int, start: dt.date, end: dt.date,
                             today: dt.date) -> Terms:
    return await _terms(session, "APPLICATION", Application, Application.status == ApplicationStatus.SUBMITTED,
                        region_id, start, end, today)


__all__ = ["CategorySpend", "MonthSpend", "RegionReport", "StatusCount", "Terms", "check_period", "months_of",
           "region_report"]
