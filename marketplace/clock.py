"""Kazakhstan's clock for the domain: one time zone, UTC+5, since 1 March 2024.

"Today", service dates and times, terms and reminders are local; moments are stored in UTC.
A fixed offset, not a zone name, because the country keeps no daylight saving time and the
offset must not depend on the host's tz database (older ones still say UTC+6 for Almaty).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar

UTC_OFFSET = dt.timedelta(hours=5)
KAZAKHSTAN_TIME = dt.timezone(UTC_OFFSET, "UTC+05:00")

# A moment the clock reads instead of the real one, within ``reading`` (the demo's past year).
_set_back: ContextVar[dt.datetime | None] = ContextVar("clock_set_back", default=None)


def now() -> dt.datetime:
    """This moment, aware, in UTC (what the database stores)."""
    fixed = _set_back.get()
    return fixed if fixed is not None else dt.datetime.now(dt.UTC)


@contextmanager
def reading(moment: dt.datetime) -> Iterator[None]:
    """Within this block (this task only) the clock reads ``moment``: the demo seed makes its
    past year through the same services the portal uses, each step on its own day."""
    if moment.tzinfo is None:
        raise ValueError("the clock reads aware moments")
    token = _set_back.set(moment.astimezone(dt.UTC))
    try:
        yield
    finally:
        _set_back.reset(token)


def local_now() -> dt.datetime:
    """This moment on Kazakhstan's clock."""
    return now().astimezone(KAZAKHSTAN_TIME)


def today() -> dt.date:
    """Today's date in Kazakhstan."""
    return local_now().date()


def local_time(value: dt.datetime) -> dt.datetime:
    """A stored moment (naive values are UTC) on Kazakhstan's clock."""
    if value.tzinfo is None:
        value = value.replace(tzinfo=dt.UTC)
    return value.astimezone(KAZAKHSTAN_TIME)


def local_date(value: dt.datetime) -> dt.date:
    """The local calendar date of a stored moment."""
    return local_time(value).date()


def moment(day: dt.date, time: dt.time) -> dt.datetime:
    """A local date and time of day as an aware moment."""
    return dt.datetime.combine(day, time, tzinfo=KAZAKHSTAN_TIME)


def local_year(year: int) -> tuple[dt.datetime, dt.datetime]:
    """The moments a calendar year starts and ends in Kazakhstan (end excluded), in UTC."""
    return (moment(dt.date(year, 1, 1), dt.time()).astimezone(dt.UTC),
            moment(dt.date(year + 1, 1, 1), dt.time()).astimezone(dt.UTC))
