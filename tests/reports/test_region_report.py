"""The region's report, figure by figure, against a world built with tests/factories.py: orders
placed in the period by status, what the state paid by category and by month (Kazakhstan's
days and months, not UTC's), claims by state, terms kept and missed; another region's rows never
count; who may read it; a period that is not one."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from marketplace import clock
from marketplace.applications.models import Application, ApplicationKind, ApplicationStatus
from marketplace.catalog.models import ItemCategory
from marketplace.claims.models import ClaimKind, ClaimStatus, CompensationClaim
from marketplace.errors import ErrorCode
from marketplace.orders.models import Order, OrderStatus
from marketplace.reports.services import MonthSpend, StatusCount, Terms, region_report
from tests import factories as f

START, END = dt.date(2026, 1, 1), dt.date(2026, 3, 31)
TODAY = dt.date(2026, 4, 15)


def local(text: str) -> dt.datetime:
    """A moment written on Kazakhstan's clock ("2026-01-01 00:30"), as the database keeps it (UTC)."""
    return dt.datetime.fromisoformat(text).replace(tzinfo=clock.KAZAKHSTAN_TIME).astimezone(dt.UTC)


async def build(s: Any) -> Any:
    w = await f.build_world(s)
    w.hearing = await f.classifier_item(s, category=ItemCategory.HEARING, price_cap=Decimal("90000.00"))
    keys = iter(range(1, 1000))

    def order(placed: str, status: OrderStatus, share: str, region: str = "a") -> None:
        person, listing, line = ((w.recipient_a, w.listing_a, w.entitlement_a) if region == "a"
                                 else (w.recipient_b, w.listing_b, w.entitlement_b))
        s.add(Order(person_id=person.id, region_id=person.region_id, placed_by_account_id=w.recipient_a_account.id,
                    listing_id=listing.id, provider_id=listing.provider_id, entitlement_id=line.id,
                    classifier_item_id=w.item.id, quantity=Decimal(1), unit_price=Decimal(share),
                    price_cap=Decimal(share), total=Decimal(share), state_share=Decimal(share), co_payment=Decimal(0),
                    idempotency_key=f"report-{next(keys)}", placed_at=local(placed), status=status))

    def claim(submitted: str, due: str, status: ClaimStatus, amount: str, decided: str | None = None,
              paid: str | None = None, item: Any = None, region: str = "a") -> None:
        person, provider = (w.recipient_a, w.provider_a) if region == "a" else (w.recipient_b, w.provider_b)
        approved = Decimal(amount) if status in (ClaimStatus.APPROVED, ClaimStatus.PAID) else None
        s.add(CompensationClaim(
            kind=ClaimKind.PROVIDER_ORDER, person_id=person.id, region_id=person.region_id, provider_id=provider.id,
            classifier_item_id=(item or w.item).id, submitted_by_account_id=w.provider_a_account.id,
            quantity=Decimal(1), amount_claimed=Decimal(amount), amount_approvable=Decimal(amount),
            amount_approved=approved, status=status, submitted_at=local(submitted), due_date=dt.date.fromisoformat(due),
            decided_at=local(decided) if decided else None, paid_at=local(paid) if paid else None))

    def application(submitted: str, due: str, status: ApplicationStatus, decided: str | None = None) -> None:
        s.add(Application(kind=ApplicationKind.INDIVIDUAL_ASSISTANT, person_id=w.recipient_a.id,
                          region_id=w.region_a.id, submitted_by_account_id=w.recipient_a_account.id, details={},
                          status=status, submitted_at=local(submitted), due_date=dt.date.fromisoformat(due),
                          decided_at=local(decided) if decided else None))

    # Orders: the first minute of 1 January local (still 31 December in UTC) counts; the first
    # minute of 1 April local (still 31 March in UTC) does not; nor anything of region B.
    order("2026-01-01 00:30", OrderStatus.CONFIRMED, "100000.00")
    order("2026-02-14 12:00", OrderStatus.CONFIRMED, "50000.00")
    order("2026-03-31 23:59", OrderStatus.PLACED, "20000.00")
    order("2026-03-02 10:00", OrderStatus.CANCELLED, "7000.00")
    order("2026-04-01 00:30", OrderStatus.PLACED, "999.00")
    order("2025-12-31 23:30", OrderStatus.CONFIRMED, "999.00")
    order("2026-02-01 10:00", OrderStatus.CONFIRMED, "999.00", region="b")

    # Claims. Paid in January (local) and in February: the one paid at 00:10 on 1 February local
    # time (31 January in UTC) is February's.
    claim("2026-01-05 09:00", "2026-01-29", ClaimStatus.PAID, "100000.00", decided="2026-01-20 10:00",
          paid="2026-01-26 10:00")                                       # kept
    claim("2026-01-10 09:00", "2026-02-03", ClaimStatus.PAID, "60000.00", decided="2026-02-03 23:30",
          paid="2026-02-01 00:10", item=w.hearing)                       # kept: decided late on the due day
    claim("2026-01-12 09:00", "2026-02-05", ClaimStatus.PAID, "30000.00", decided="2026-02-06 00:30",
          paid="2026-03-10 10:00", item=w.hearing)                       # missed by 30 minutes
    claim("2026-02-02 09:00", "2026-02-25", ClaimStatus.APPROVED, "45000.00", decided="2026-02-20 10:00")  # kept
    claim("2026-02-10 09:00", "2026-03-05", ClaimStatus.REJECTED, "12000.00", decided="2026-03-12 10:00")  # missed
    claim("2026-03-02 09:00", "2026-03-25", ClaimStatus.SUBMITTED, "8000.00")   # undecided past due: missed
    claim("2026-03-30 09:00", "2026-04-22", ClaimStatus.SUBMITTED, "5000.00")   # undecided, due later: open
    # Outside the period, or of region B: not counted (nor is the payment in April of a March claim).
    claim("2025-12-20 09:00", "2026-01-15", ClaimStatus.PAID, "7777.00", decided="2026-01-10 10:00",
          paid="2026-01-12 10:00")                                       # paid in the period: spend only
    claim("2026-03-03 09:00", "2026-03-26", ClaimStatus.PAID, "4444.00", decided="2026-03-20 10:00",
          paid="2026-04-02 10:00")                                       # kept; paid after the period
    claim("2026-02-02 09:00", "2026-02-25", ClaimStatus.PAID, "1111.00", decided="2026-02-20 10:00",
          paid="2026-02-21 10:00", region="b")

    # Applications: one kept, one decided late, one undecided past due, one open.
    application("2026-01-15 09:00", "2026-02-10", ApplicationStatus.APPROVED, decided="2026-02-09 16:00")
    application("2026-02-01 09:00", "2026-02-26", ApplicationStatus.REJECTED, decided="2026-03-02 10:00")
    application("2026-03-01 09:00", "2026-03-26", ApplicationStatus.SUBMITTED)
    application("2026-03-31 09:00", "2026-04-24", ApplicationStatus.SUBMITTED)
    application("2026-04-01 09:00", "2026-04-27", ApplicationStatus.SUBMITTED)  # after the period
    await s.flush()
    return w


def counts(rows: list[StatusCount]) -> dict[str, tuple[int, Decimal]]:
    return {row.status: (row.count, row.amount) for row in rows}


async def test_the_figures_of_a_quarter(db) -> None:  # type: ignore[no-untyped-def]
    async with db.transaction() as s:
        w = await build(s)
    for who in ("officer_a", "admin"):
        report = await f.run(db, region_report, w.viewer(who), w.region_a.id, START, END, today=TODAY)
        assert report.region.id == w.region_a.id and (report.start, report.end) == (START, END)
        assert counts(report.orders_by_status) == {
            "PLACED": (1, Decimal("20000.00")), "ACCEPTED": (0, Decimal("0.00")), "DELIVERED": (0, Decimal("0.00")),
            "CONFIRMED": (2, Decimal("150000.00")), "DECLINED": (0, Decimal("0.00")),
            "CANCELLED": (1, Decimal("7000.00"))}
        # What the state paid: 100 000 + 7 777 on wheelchairs, 60 000 + 30 000 on hearing aids.
        assert [(row.category, row.count, row.amount) for row in report.spend_by_category] == [
            (ItemCategory.MOBILITY, 2, Decimal("107777.00")), (ItemCategory.HEARING, 2, Decimal("90000.00"))]
        assert report.spend_total == Decimal("197777.00")
        assert report.spend_by_month == [
            MonthSpend(dt.date(2026, 1, 1), 2, Decimal("107777.00")),
            MonthSpend(dt.date(2026, 2, 1), 1, Decimal("60000.00")),
            MonthSpend(dt.date(2026, 3, 1), 1, Decimal("30000.00"))]
        assert counts(report.claims_by_status) == {
            "SUBMITTED": (2, Decimal("13000.00")), "APPROVED": (1, Decimal("45000.00")),
            "REJECTED": (1, Decimal("12000.00")), "PAID": (4, Decimal("194444.00"))}
        assert report.terms == [Terms("CLAIM", kept=4, missed=3, open=1),
                                Terms("APPLICATION", kept=1, missed=2, open=1)]


async def test_an_empty_month_is_shown_with_nothing(db) -> None:  # type: ignore[no-untyped-def]
    async with db.transaction() as s:
        w = await build(s)
    report = await f.run(db, region_report, w.viewer("officer_a"), w.region_a.id, dt.date(2026, 2, 15),
                         dt.date(2026, 5, 10), today=TODAY)
    assert report.spend_by_month == [
        MonthSpend(dt.date(2026, 2, 1), 0, Decimal("0.00")), MonthSpend(dt.date(2026, 3, 1), 1, Decimal("30000.00")),
        MonthSpend(dt.date(2026, 4, 1), 1, Decimal("4444.00")), MonthSpend(dt.date(2026, 5, 1), 0, Decimal("0.00"))]
    # Region B's officer reads region B's quarter: one order, one payment, one claim kept.
    b = await f.run(db, region_report, w.viewer("officer_b"), w.region_b.id, START, END, today=TODAY)
    assert counts(b.orders_by_status)["CONFIRMED"] == (1, Decimal("999.00"))
    assert b.spend_total == Decimal("1111.00")
    assert b.terms == [Terms("CLAIM", 1, 0, 0), Terms("APPLICATION", 0, 0, 0)]


async def test_who_may_read_a_region_report(db) -> None:  # type: ignore[no-untyped-def]
    async with db.transaction() as s:
        w = await build(s)
    for who in ("recipient_a", "provider_a"):
        await f.refused(db, ErrorCode.FORBIDDEN, region_report, w.viewer(who), w.region_a.id, START, END)
    # Another region's officer: the same answer as for a region that does not exist.
    await f.refused(db, ErrorCode.NOT_FOUND, region_report, w.viewer("officer_b"), w.region_a.id, START, END)
    await f.refused(db, ErrorCode.NOT_FOUND, region_report, w.viewer("admin"), 10**9, START, END)


async def test_a_period_that_is_not_one(db) -> None:  # type: ignore[no-untyped-def]
    async with db.transaction() as s:
        w = await build(s)
    officer = w.viewer("officer_a")
    await f.refused_at(db, ErrorCode.INVALID, "to", region_report, officer, w.region_a.id, END, START)
    await f.refused_at(db, ErrorCode.OUT_OF_RANGE, "to", region_report, officer, w.region_a.id,
                       dt.date(2023, 12, 31), dt.date(2026, 12, 1))  # 37 months
    three_years = await f.run(db, region_report, officer, w.region_a.id, dt.date(2024, 1, 31), dt.date(2026, 12, 1),
                              today=TODAY)
    assert len(three_years.spend_by_month) == 36 and three_years.spend_total == Decimal("202221.00")
