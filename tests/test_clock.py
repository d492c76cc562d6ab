"""Kazakhstan's clock (UTC+5): one "today" for the domain, whatever the host's time zone."""

from __future__ import annotations

import datetime as dt

from marketplace import clock, i18n
from marketplace.notifications import messages

UTC = dt.UTC


def test_today_is_kazakhstans_date(monkeypatch) -> None:  # type: ignore[no-untyped-def]
    monkeypatch.setattr(clock, "now", lambda: dt.datetime(2026, 3, 19, 18, 59, tzinfo=UTC))
    assert clock.today() == dt.date(2026, 3, 19)
    monkeypatch.setattr(clock, "now", lambda: dt.datetime(2026, 3, 19, 19, 0, tzinfo=UTC))
    assert clock.today() == dt.date(2026, 3, 20)  # midnight in Astana
    assert clock.local_now() == dt.datetime(2026, 3, 20, 0, 0, tzinfo=clock.KAZAKHSTAN_TIME)


def test_local_dates_times_and_years() -> None:
    assert clock.local_date(dt.datetime(2025, 12, 31, 19, 30, tzinfo=UTC)) == dt.date(2026, 1, 1)
    assert clock.local_date(dt.datetime(2025, 12, 31, 19, 30)) == dt.date(2026, 1, 1)  # naive: UTC
    assert clock.moment(dt.date(2026, 1, 1), dt.time(0, 0)) == dt.datetime(2025, 12, 31, 19, 0, tzinfo=UTC)
    start, end = clock.local_year(2026)
    assert (start, end) == (dt.datetime(2025, 12, 31, 19, 0, tzinfo=UTC), dt.datetime(2026, 12, 31, 19, 0, tzinfo=UTC))


def test_messages_and_formats_use_the_same_clock() -> None:
    late = dt.datetime(2026, 5, 1, 20, 30, tzinfo=UTC)
    assert i18n.local_time is clock.local_time
    assert messages.render_value(late, messages.RU) == "02.05.2026 01:30"
