"""The region's report over HTTP: the same figures as the service, in the API's shapes; refused
to a recipient and a provider (FORBIDDEN), and to an officer of another region exactly as for a
region that does not exist (NOT_FOUND); a period that ends before it starts refused at ``to``."""

from __future__ import annotations

import pytest

from schema.core.ids import to_global_id
from tests.reports.test_region_report import build

REPORT = """query($r: ID!, $from: Date!, $to: Date!) { regionReport(regionId: $r, from: $from, to: $to) {
  region { id } from to spendTotal
  ordersByStatus { status count stateShare }
  spendByCategory { category claimsPaid amount }
  spendByMonth { month claimsPaid amount }
  claimsByStatus { status count amountClaimed }
  terms { subject kept missed open } } }"""
QUARTER = {"from": "2026-01-01", "to": "2026-03-31"}


async def test_the_officer_reads_the_quarter(api, db) -> None:  # type: ignore[no-untyped-def]
    async with db.transaction() as s:
        w = await build(s)
    token = await api.login(w.officer_a_account.username)
    region = to_global_id("Region", w.region_a.id)
    report = (await api.data(REPORT, {"r": region, **QUARTER}, token=token))["regionReport"]
    assert report["region"]["id"] == region and (report["from"], report["to"]) == ("2026-01-01", "2026-03-31")
    assert report["spendTotal"] == "197777.00"
    assert report["spendByCategory"] == [{"category": "MOBILITY", "claimsPaid": 2, "amount": "107777.00"},
                                         {"category": "HEARING", "claimsPaid": 2, "amount": "90000.00"}]
    assert report["spendByMonth"] == [{"month": "2026-01-01", "claimsPaid": 2, "amount": "107777.00"},
                                      {"month": "2026-02-01", "claimsPaid": 1, "amount": "60000.00"},
                                      {"month": "2026-03-01", "claimsPaid": 1, "amount": "30000.00"}]
    assert {o["status"]: o["count"] for o in report["ordersByStatus"]} == {
        "PLACED": 1, "ACCEPTED": 0, "DELIVERED": 0, "CONFIRMED": 2, "DECLINED": 0, "CANCELLED": 1}
    assert {c["status"]: (c["count"], c["amountClaimed"]) for c in report["claimsByStatus"]} == {
        "SUBMITTED": (2, "13000.00"), "APPROVED": (1, "45000.00"), "REJECTED": (1, "12000.00"),
        "PAID": (4, "194444.00")}
    # Undecided ones are counted against today's date: all of the quarter's are past due by now.
    assert report["terms"] == [{"subject": "CLAIM", "kept": 4, "missed": 4, "open": 0},
                               {"subject": "APPLICATION", "kept": 1, "missed": 3, "open": 0}]


@pytest.mark.parametrize("who, code", [("recipient_a", "FORBIDDEN"), ("provider_a", "FORBIDDEN"),
                                       ("officer_b", "NOT_FOUND")])
async def test_refused_outside_the_officers_region(api, db, who, code) -> None:  # type: ignore[no-untyped-def]
    async with db.transaction() as s:
        w = await build(s)
    token = await api.login(getattr(w, f"{who}_account").username)
    body = await api.execute(REPORT, {"r": to_global_id("Region", w.region_a.id), **QUARTER}, token=token)
    assert body["data"] is None and body["errors"][0]["extensions"]["code"] == code
    anonymous = await api.execute(REPORT, {"r": to_global_id("Region", w.region_a.id), **QUARTER})
    assert anonymous["errors"][0]["extensions"]["code"] == "UNAUTHENTICATED"


async def test_a_period_ending_before_it_starts(api, db) -> None:  # type: ignore[no-untyped-def]
    async with db.transaction() as s:
        w = await build(s)
    token = await api.login(w.officer_a_account.username)
    body = await api.execute(REPORT, {"r": to_global_id("Region", w.region_a.id), "from": "2026-03-31",
                                      "to": "2026-01-01"}, token=token)
    assert body["errors"][0]["extensions"]["code"] == "INVALID"
    assert body["errors"][0]["extensions"].get("field") == "to"
