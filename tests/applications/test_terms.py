"""Legal terms in working days (weekends and Kazakhstan's public holidays skipped, from the
Almaty date of submission); the officer's queue by due date with overdue ones flagged."""

from __future__ import annotations

import datetime as dt

import pytest

from marketplace import clock
from marketplace.applications import services as apps
from marketplace.applications.models import ApplicationKind
from marketplace.calendar import add_working_days, is_working_day
from tests.factories import GrantWorld, run

ASSISTANT = ApplicationKind.INDIVIDUAL_ASSISTANT
SOCIAL = ApplicationKind.SPECIAL_SOCIAL_SERVICES
AID = ApplicationKind.MISSING_AID
UTC = dt.UTC


@pytest.mark.parametrize(
    ("submitted", "kind", "due"),
    [
        # Monday 14 Dec 2026; Independence Day (Wed 16 Dec) is a day off: 10 working days end Tue 29 Dec.
        (dt.datetime(2026, 12, 14, 9, 0, tzinfo=UTC), ASSISTANT, dt.date(2026, 12, 29)),
        # 17 working days cross New Year (1 Jan Fri, 2 Jan Sat moved to Mon 4 Jan) and
        # Orthodox Christmas (Thu 7 Jan, never moved): Tue 12 Jan 2027.
        (dt.datetime(2026, 12, 14, 9, 0, tzinfo=UTC), SOCIAL, dt.date(2027, 1, 12)),
        # 20:00 UTC on Sunday is 01:00 on Monday in Almaty: the term counts from Monday.
        (dt.datetime(2026, 12, 13, 20, 0, tzinfo=UTC), ASSISTANT, dt.date(2026, 12, 29)),
        # Registered on a Saturday (the day itself never counts): Mon 9 March (8 March moved) and
        # Nauryz (23 March, and 21-22 moved to 24-25) are skipped: Thu 26 March.
        (dt.datetime(2026, 3, 7, 6, 0, tzinfo=UTC), AID, dt.date(2026, 3, 26)),
    ],
)
def test_terms_skip_weekends_and_public_holidays(submitted: dt.datetime, kind: ApplicationKind, due: dt.date) -> None:
    assert apps.due_date_for(kind, submitted) == due
    assert is_working_day(due)


def test_the_nauryz_week_is_skipped() -> None:
    # 2026: 8 March (Sun) moves to Mon 9 March; Nauryz 21-23 March (Sat-Mon) moves to Tue 24 and Wed 25.
    start = dt.datetime(2026, 3, 6, 6, 0, tzinfo=UTC)  # Friday
    assert apps.due_date_for(AID, start) == dt.date(2026, 3, 26)
    assert not is_working_day(dt.date(2026, 3, 9))
    assert [d for d in (dt.date(2026, 3, 23), dt.date(2026, 3, 24), dt.date(2026, 3, 25)) if is_working_day(d)] == []
    assert apps.due_date_for(SOCIAL, start) == add_working_days(dt.date(2026, 3, 6), 17) == dt.date(2026, 4, 6)


async def test_the_officers_queue_is_ordered_by_due_date_and_flags_overdue(db, gw: GrantWorld, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    now = dt.datetime.now(UTC)

    async def submit_at(moment: dt.datetime, viewer, **kw):  # type: ignore[no-untyped-def]
        monkeypatch.setattr(clock, "now", lambda: moment)
        try:
            return await run(db, apps.submit_application, viewer, **kw)
        finally:
            monkeypatch.undo()

    fresh = await submit_at(now, gw.viewer("group_two"), kind=SOCIAL, details={"service_form": "HOME"},
                            attachments=[{"kind": "MEDICAL_RECORD"}])
    late = await submit_at(now - dt.timedelta(days=30), gw.viewer("eligible"), kind=ASSISTANT)
    soon = await submit_at(now - dt.timedelta(days=12), gw.viewer("walks"), kind=AID,
                           details={"classifier_item_id": gw.wheelchair.id})
    other_region = await submit_at(now - dt.timedelta(days=30), gw.viewer("person_b"), kind=ASSISTANT)

    queue = await run(db, apps.list_applications, gw.viewer("officer_a"))
    assert [a.id for a in queue] == [late.id, soon.id, fresh.id]
    today = clock.today()
    assert [apps.is_overdue(a, today) for a in queue] == [True, False, False]
    assert apps.working_days_left(late, today) < 0
    overdue = await run(db, apps.list_applications, gw.viewer("officer_a"), overdue_only=True)
    assert [a.id for a in overdue] == [late.id]
    assert await run(db, apps.count_overdue, gw.viewer("officer_a")) == 1
    # Keyset paging keeps the order.
    page1 = await run(db, apps.list_applications, gw.viewer("officer_a"), first=1)
    assert [a.id for a in page1] == [late.id, soon.id]  # first + 1: there is a next page
    page2 = await run(db, apps.list_applications, gw.viewer("officer_a"), first=2,
                      after=apps.application_cursor(page1[0]))
    assert [a.id for a in page2] == [soon.id, fresh.id]
    # Each sees their own scope: the other region's officer, the recipient.
    assert [a.id for a in await run(db, apps.list_applications, gw.viewer("officer_b"))] == [other_region.id]
    assert [a.id for a in await run(db, apps.list_applications, gw.viewer("eligible"))] == [late.id]
    assert len(await run(db, apps.list_applications, gw.viewer("admin"))) == 4
    # A decided application is not overdue any more.
    await run(db, apps.reject_application, gw.viewer("officer_a"), late.id, "Reason given.")
    assert await run(db, apps.count_overdue, gw.viewer("officer_a")) == 0
