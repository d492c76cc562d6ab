"""Service hours are logged on Kazakhstan's clock (UTC+5): never for a time that has not ended there."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import func, select

from marketplace import clock
from marketplace.errors import ErrorCode
from marketplace.identifiers import make_iin
from marketplace.orders import services as orders
from marketplace.orders.models import Order, ServiceLog
from schema.core.ids import to_global_id
from tests.orders.conftest import accepted_order, t
from tests.factories import change, hours_world, refused, run

WORKER = make_iin(dt.date(1991, 6, 7), "F", 21)
# 20:19 UTC on 1 December 2026 is 01:19 on 2 December in Astana.
NOW = dt.datetime(2026, 12, 1, 20, 19, tzinfo=dt.UTC)


@pytest.fixture
async def placed_days_ago(db, monkeypatch):  # type: ignore[no-untyped-def]
    monkeypatch.setattr(clock, "now", lambda: NOW)
    h = await hours_world(db)
    order = await accepted_order(db, h.viewer, h.provider_1_viewer, h.listing_1.id, h.entitlement.id, 16)
    await change(db, Order, Order.id == order.id, placed_at=NOW - dt.timedelta(days=3))
    return h, order


async def _logs(db) -> int:  # type: ignore[no-untyped-def]
    async with db.session() as s:
        return (await s.execute(select(func.count()).select_from(ServiceLog))).scalar_one()


def _args(order, day, start, end):  # type: ignore[no-untyped-def]
    return dict(order_id=order.id, worker_iin=WORKER, worker_name="Асель Т.", service_date=day,
                start_time=t(start), end_time=t(end))


async def test_hours_count_by_kazakhstans_clock(db, placed_days_ago):  # type: ignore[no-untyped-def]
    h, order = placed_days_ago
    assert clock.today() == dt.date(2026, 12, 2)
    # Yesterday evening in Astana (the UTC "today") is over; so is today's first hour.
    await run(db, orders.log_service_hours, h.provider_1_viewer, **_args(order, dt.date(2026, 12, 1), "22:00", "23:30"))
    await run(db, orders.log_service_hours, h.provider_1_viewer, **_args(order, dt.date(2026, 12, 2), "00:00", "01:00"))
    # An hour that ends at 01:30 has not ended yet at 01:19: refused, nothing logged.
    error = await refused(db, ErrorCode.OUT_OF_RANGE, orders.log_service_hours, h.provider_1_viewer,
                          **_args(order, dt.date(2026, 12, 2), "01:00", "01:30"))
    assert error.field == "endTime" and "01:19" in error.message
    error = await refused(db, ErrorCode.OUT_OF_RANGE, orders.log_service_hours, h.provider_1_viewer,
                          **_args(order, dt.date(2026, 12, 3), "00:00", "00:30"))
    assert error.field == "serviceDate"
    assert await _logs(db) == 2


LOG = """mutation($id: ID!, $w: String!, $d: Date!, $s: Time!, $e: Time!) {
  logServiceHours(orderId: $id, workerIin: $w, workerName: "Асель Т.", serviceDate: $d, startTime: $s, endTime: $e) {
    serviceLogs { id hours } errors { field code message } } }"""


async def test_over_http(api, db, placed_days_ago):  # type: ignore[no-untyped-def]
    h, order = placed_days_ago
    token = await api.login(h.provider_1_account.username)
    base = {"id": to_global_id("Order", order.id), "w": WORKER, "d": "2026-12-02"}
    early = (await api.data(LOG, {**base, "s": "00:00:00", "e": "01:00:00"}, token=token))["logServiceHours"]
    assert early["errors"] == [] and early["serviceLogs"][0]["hours"] == "1.00"
    ahead = (await api.data(LOG, {**base, "s": "01:00:00", "e": "02:00:00"}, token=token))["logServiceHours"]
    assert ahead["serviceLogs"] in (None, []) and [(e["field"], e["code"]) for e in ahead["errors"]] == [
        ("endTime", "OUT_OF_RANGE")]
    assert await _logs(db) == 1
