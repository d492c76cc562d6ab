"""The legal term (17 working days in Almaty time), overdue claims, and listing claims by scope."""

from __future__ import annotations

import datetime as dt
import pytest

from marketplace import clock
from marketplace.accounts.access import Viewer
from marketplace.accounts.models import Role
from marketplace.claims import services as cs
from marketplace.claims.models import ClaimStatus, CompensationClaim
from marketplace.errors import DomainError, ErrorCode
from tests import factories as f
from tests.claims.conftest import make_order

UTC = dt.UTC


def at(y: int, m: int, d: int, hh: int = 10, mm: int = 0) -> dt.datetime:
    return dt.datetime(y, m, d, hh, mm, tzinfo=UTC)


def test_due_date_skips_weekends():
    # Friday 5 Sep 2025: 17 working days later is Tuesday 30 Sep (three full weeks and two days)
    assert cs.due_date_for(at(2025, 9, 5)) == dt.date(2025, 9, 30)
    # submitted on Saturday or Sunday: the count starts on Monday all the same
    assert cs.due_date_for(at(2025, 9, 6)) == dt.date(2025, 9, 30)
    assert cs.due_date_for(at(2025, 9, 7)) == dt.date(2025, 9, 30)
    # Monday 8 Sep: the 8th itself is not counted, so the 17th working day is Wednesday 1 Oct
    assert cs.due_date_for(at(2025, 9, 8)) == dt.date(2025, 10, 1)


def test_due_date_skips_nauryz():
    # Thursday 20 March 2025. Nauryz 21-23 March: Fri 21 off; Sat 22 and Sun 23 move to Mon 24, Tue 25.
    # Without holidays the 17th working day would be Mon 14 April; with them it is Thu 17 April.
    assert cs.due_date_for(at(2025, 3, 20)) == dt.date(2025, 4, 17)


def test_due_date_counts_from_the_kazakhstan_date_not_the_utc_date():
    # 19 March 2025 19:30 UTC is already Thursday 20 March 00:30 in Almaty (UTC+5)
    assert clock.local_date(at(2025, 3, 19, 19, 30)) == dt.date(2025, 3, 20)
    assert cs.due_date_for(at(2025, 3, 19, 19, 30)) == dt.date(2025, 4, 17)
    # 18:59 UTC is still Wednesday 19 March in Almaty: one working day earlier
    assert cs.due_date_for(at(2025, 3, 19, 18, 59)) == dt.date(2025, 4, 16)


async def test_a_submitted_claim_gets_its_due_date_from_the_submission_moment(db, world, monkeypatch):  # type: ignore[no-untyped-def]
    monkeypatch.setattr(clock, "now", lambda: at(2025, 3, 19, 19, 30))
    async with db.transaction() as s:
        order = await make_order(s, world)
        claim = await cs.submit_provider_claim(s, world.viewer("provider_a"), order_id=order.id, idempotency_key="k")
    assert claim.submitted_at == at(2025, 3, 19, 19, 30)
    assert claim.due_date == dt.date(2025, 4, 17)


def test_is_overdue_only_when_submitted_and_past_the_due_date():
    claim = CompensationClaim(status=ClaimStatus.SUBMITTED, due_date=dt.date(2025, 4, 17))
    assert not cs.is_overdue(claim, dt.date(2025, 4, 17))
    assert cs.is_overdue(claim, dt.date(2025, 4, 18))
    for status in (ClaimStatus.APPROVED, ClaimStatus.REJECTED, ClaimStatus.PAID):
        claim.status = status
        assert not cs.is_overdue(claim, dt.date(2026, 1, 1))


async def _claim(db, world, side="a", key=None):  # type: ignore[no-untyped-def]
    async with db.transaction() as s:
        order = await make_order(s, world, side=side)
        return await cs.submit_provider_claim(
            s, world.viewer(f"provider_{side}"), order_id=order.id, idempotency_key=key or f"k{order.id}"
        )


async def test_overdue_listing(db, world, monkeypatch):  # type: ignore[no-untyped-def]
    monkeypatch.setattr(clock, "now", lambda: at(2025, 3, 20))
    old = await _claim(db, world)
    old_decided = await _claim(db, world)
    old_b = await _claim(db, world, side="b")
    async with db.transaction() as s:
        await cs.approve_claim(s, world.viewer("officer_a"), old_decided.id)
    monkeypatch.setattr(clock, "now", lambda: at(2025, 4, 17, 12))  # the due date itself: not yet overdue
    async with db.session() as s:
        assert await cs.list_claims(s, world.viewer("officer_a"), overdue_only=True) == []
    recent = await _claim(db, world)
    monkeypatch.setattr(clock, "now", lambda: at(2025, 4, 17, 19, 5))  # 18 April 00:05 in Almaty
    async with db.session() as s:
        overdue = await cs.list_claims(s, world.viewer("officer_a"), overdue_only=True)
        assert [c.id for c in overdue] == [old.id]
        assert cs.is_overdue(overdue[0]) and not cs.is_overdue(recent)
        assert await cs.count_overdue(s, world.viewer("officer_a")) == 1
        assert [c.id for c in await cs.list_claims(s, world.viewer("officer_b"), overdue_only=True)] == [old_b.id]
        assert {c.id for c in await cs.list_claims(s, world.viewer("admin"), overdue_only=True)} == {old.id, old_b.id}
        everything = await cs.list_claims(s, world.viewer("officer_a"))
        assert [c.id for c in everything] == [old.id, old_decided.id, recent.id]


async def test_each_role_lists_its_own_scope(db, world, monkeypatch):  # type: ignore[no-untyped-def]
    a1, a2, b1 = await _claim(db, world), await _claim(db, world), await _claim(db, world, side="b")
    expected = {
        "recipient_a": {a1.id, a2.id},
        "recipient_b": {b1.id},
        "provider_a": {a1.id, a2.id},
        "provider_b": {b1.id},
        "officer_a": {a1.id, a2.id},
        "officer_b": {b1.id},
        "admin": {a1.id, a2.id, b1.id},
    }
    async with db.transaction() as s:
        lonely = f.viewer_of(await f.account(s, Role.PROVIDER, provider_id=(await f.provider(s, [world.region_a])).id))
    async with db.session() as s:
        for name, ids in expected.items():
            assert {c.id for c in await cs.list_claims(s, world.viewer(name))} == ids, name
        assert await cs.list_claims(s, lonely) == []
        with pytest.raises(DomainError) as err:
            await cs.list_claims(s, Viewer.anonymous())
        assert err.value.code == ErrorCode.UNAUTHENTICATED
        # status filter
        assert await cs.list_claims(s, world.viewer("admin"), status=ClaimStatus.PAID) == []
        assert len(await cs.list_claims(s, world.viewer("admin"), status="SUBMITTED")) == 3
        with pytest.raises(DomainError) as err:
            await cs.list_claims(s, world.viewer("admin"), status="LOST")
        assert err.value.code == ErrorCode.INVALID


async def test_the_officers_queue_is_ordered_by_due_date_then_id_and_pages_by_cursor(db, world, monkeypatch):  # type: ignore[no-untyped-def]
    ids = []
    for day in (5, 3, 3, 4, 1, 2, 1):  # submission days in Sept 2025 (1-5: Mon-Fri)
        monkeypatch.setattr(clock, "now", lambda day=day: at(2025, 9, day))
        ids.append((await _claim(db, world)).id)
    officer = world.viewer("officer_a")
    async with db.session() as s:
        queue = await cs.list_claims(s, officer, first=100)
        keys = [(c.due_date, c.id) for c in queue]
        assert keys == sorted(keys) and len(queue) == 7
        assert [c.id for c in queue][:2] == [ids[4], ids[6]]  # both due soonest; lower id first
        # page through by 3
        seen, after = [], None
        while True:
            page = await cs.list_claims(s, officer, first=3, after=after)
            seen += [c.id for c in page[:3]]
            if len(page) <= 3:
                break
            after = cs.claim_cursor(page[2])
        assert seen == [c.id for c in queue]
        # a recipient sees the latest first
        mine = await cs.list_claims(s, world.viewer("recipient_a"), first=100)
        assert [c.id for c in mine] == [c.id for c in reversed(queue)]
        page = await cs.list_claims(s, world.viewer("recipient_a"), first=2)
        rest = await cs.list_claims(s, world.viewer("recipient_a"), first=100, after=cs.claim_cursor(page[1]))
        assert [c.id for c in page[:2] + rest] == [c.id for c in mine]
        for bad in (-1, 101, True, "10"):
            with pytest.raises(DomainError) as err:
                await cs.list_claims(s, officer, first=bad)
            assert err.value.code == ErrorCode.OUT_OF_RANGE
        for bad in (["x", 1], ["2025-01-01"], [1, 2], "abc", ["2025-01-01", "1"]):
            with pytest.raises(DomainError) as err:
                await cs.list_claims(s, officer, after=bad)
            assert err.value.code == ErrorCode.INVALID and err.value.field == "after"
