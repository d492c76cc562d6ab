"""Working days in Kazakhstan, for legal terms such as "17 working days from registration".

The days off come from the ``holidays`` package's Kazakhstan calendar: the public holidays of the
Labour Code, the days off moved from holidays falling on a weekend, the government's yearly
transfers of days off (a weekday off, a weekend day worked), Kurban Ait, and the changes of the
law (2026 keeps no Constitution Day). Keeping that table is a library's job, not ours; this module
is our own thin face over it, so the rest of the code never imports ``holidays``.

A legal term counts from the day after registration: ``add_working_days(d, 17)`` is the date of
the 17th working day after ``d``.
"""

from __future__ import annotations

import datetime as _dt
from functools import lru_cache
from typing import Final

import holidays

__all__ = [
    "add_months",
    "add_working_days",
    "days_off",
    "is_working_day",
    "next_working_day",
    "public_holidays",
    "working_days_between",
]

_ONE_DAY: Final = _dt.timedelta(days=1)


@lru_cache(maxsize=64)
def _calendar(year: int) -> holidays.HolidayBase:
    return holidays.country_holidays("KZ", years=year, language="en_US")


def public_holidays(year: int) -> tuple[tuple[_dt.date, str], ...]:
    """The year's holidays and days off in lieu, by date, with their English names."""
    return tuple(sorted(_calendar(year).items()))


def is_working_day(d: _dt.date) -> bool:
    """Not a weekend (unless worked by a transfer), not a holiday, not a day off in lieu."""
    return bool(_calendar(d.year).is_working_day(d))


@lru_cache(maxsize=64)
def days_off(year: int) -> frozenset[_dt.date]:
    """Every day of ``year`` that is not a working day."""
    first = _dt.date(year, 1, 1)
    days = (first + _dt.timedelta(days=n) for n in range((_dt.date(year + 1, 1, 1) - first).days))
    return frozenset(d for d in days if not is_working_day(d))


def next_working_day(d: _dt.date) -> _dt.date:
    """The first working day strictly after ``d``."""
    return add_working_days(d, 1)


def add_working_days(start: _dt.date, n: int) -> _dt.date:
    """The date on which the ``n``-th working day after ``start`` falls.

    The day of ``start`` itself (the registration day) is never counted, whether
    or not it is a working day. ``n == 0`` returns ``start``; a negative ``n``
    counts backwards (the ``|n|``-th working day before ``start``).
    """
    step = _ONE_DAY if n >= 0 else -_ONE_DAY
    d = start
    remaining = abs(n)
    while remaining:
        d += step
        if is_working_day(d):
            remaining -= 1
    return d


def working_days_between(a: _dt.date, b: _dt.date) -> int:
    """Working days ``d`` with ``a < d <= b``; negative when ``b`` is before ``a``.

    The inverse of ``add_working_days``: ``working_days_between(a, add_working_days(a, n)) == n``
    for every ``n >= 0``.
    """
    if b < a:
        return -working_days_between(b, a)
    count = 0
    d = a + _ONE_DAY
    while d <= b:
        count += is_working_day(d)
        d += _ONE_DAY
    return count


def add_months(day: _dt.date, months: int) -> _dt.date:
    """``day`` moved by whole months, clamped to the month's last day (31 Jan + 1 month = 28/29 Feb)."""
    index = day.year * 12 + day.month - 1 + months
    year, month = divmod(index, 12)
    month += 1
    for last in (31, 30, 29, 28):
        try:
            return _dt.date(year, month, min(day.day, last))
        except ValueError:
            continue
    raise AssertionError("unreachable")
