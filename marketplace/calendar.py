"""Working days in Kazakhstan, for legal terms such as "17 working days from registration".

Sources of the rules, all kept as data below:

* Weekends are Saturday and Sunday (the five-day working week).
* ``FIXED_HOLIDAYS``: the public holidays of the Law "On holidays in the Republic
  of Kazakhstan" that are days off under the Labour Code (art. 84-85), with the
  years each was in force: the First President's Day (1 December) and the second
  day of Independence Day (17 December) were dropped and Republic Day
  (25 October) became a day off from 2022.
* When such a holiday falls on a Saturday or Sunday, the day off moves to the
  next working day (Labour Code art. 85 p. 2). Religious holidays are not moved:
  Orthodox Christmas (7 January) and the first day of Kurban Ait.
* ``KURBAN_AIT``: the first day of Kurban Ait (Eid al-Adha), which follows the
  lunar calendar. Dates for 2019-2026 are the ones the Spiritual Administration
  of Muslims of Kazakhstan announced; 2027-2035 are computed by
  ``estimate_kurban_ait`` (the same rule reproduces every announced date) and
  must be checked against each year's announcement. Years outside the table
  fall back to the estimate.
* ``DECREED_TRANSFERS``: days off the Government (or the Ministry of Labour)
  moved by decree "for rational use of working time" (Labour Code art. 85 p. 3):
  a weekday becomes a day off and a weekend day becomes a working day.

A legal term counts from the day after registration: ``add_working_days(d, 17)``
is the date of the 17th working day after ``d``.
"""

from __future__ import annotations

import datetime as _dt
import math
from dataclasses import dataclass
from functools import lru_cache
from types import MappingProxyType
from typing import Final

__all__ = [
    "DECREED_TRANSFERS",
    "FIXED_HOLIDAYS",
    "KURBAN_AIT",
    "KURBAN_AIT_ANNOUNCED_YEARS",
    "DecreedTransfer",
    "FixedHoliday",
    "Holiday",
    "add_working_days",
    "days_off",
    "estimate_kurban_ait",
    "is_working_day",
    "kurban_ait",
    "next_working_day",
    "public_holidays",
    "working_days_between",
]

_ONE_DAY: Final = _dt.timedelta(days=1)


@dataclass(frozen=True, slots=True)
class FixedHoliday:
    """A public holiday on the same calendar day every year."""

    month: int
    day: int
    name_en: str
    name_ru: str
    name_kk: str
    transferable: bool = True  # moved to the next working day when it falls on a weekend
    first_year: int | None = None  # in force from this year (None: always)
    last_year: int | None = None  # in force up to this year inclusive (None: still)

    def in_force(self, year: int) -> bool:
        return (self.first_year is None or year >= self.first_year) and (
            self.last_year is None or year <= self.last_year
        )


@dataclass(frozen=True, slots=True)
class Holiday:
    """One holiday of a given year."""

    date: _dt.date
    name_en: str
    name_ru: str
    name_kk: str
    transferable: bool


@dataclass(frozen=True, slots=True)
class DecreedTransfer:
    """A day off moved by decree: ``day_off`` rests, ``working_day`` (a weekend day) works."""

    day_off: _dt.date
    working_day: _dt.date
    reference: str


FIXED_HOLIDAYS: Final[tuple[FixedHoliday, ...]] = (
    FixedHoliday(1, 1, "New Year", "Новый год", "Жаңа жыл"),
    FixedHoliday(1, 2, "New Year", "Новый год", "Жаңа жыл"),
    FixedHoliday(1, 7, "Orthodox Christmas", "Православное Рождество", "Православиелік Рождество", transferable=False),
    FixedHoliday(3, 8, "International Women's Day", "Международный женский день", "Халықаралық әйелдер күні"),
    FixedHoliday(3, 21, "Nauryz", "Наурыз мейрамы", "Наурыз мейрамы"),
    FixedHoliday(3, 22, "Nauryz", "Наурыз мейрамы", "Наурыз мейрамы"),
    FixedHoliday(3, 23, "Nauryz", "Наурыз мейрамы", "Наурыз мейрамы"),
    FixedHoliday(
        5,
        1,
        "Unity Day of the People of Kazakhstan",
        "Праздник единства народа Казахстана",
        "Қазақстан халқының бірлігі мерекесі",
    ),
    FixedHoliday(5, 7, "Defender of the Fatherland Day", "День защитника Отечества", "Отан қорғаушы күні"),
    FixedHoliday(5, 9, "Victory Day", "День Победы", "Жеңіс күні"),
    FixedHoliday(7, 6, "Capital Day", "День Столицы", "Астана күні"),
    FixedHoliday(8, 30, "Constitution Day", "День Конституции", "Конституция күні"),
    FixedHoliday(10, 25, "Republic Day", "День Республики", "Республика күні", first_year=2022),
    FixedHoliday(12, 1, "First President's Day", "День Первого Президента", "Тұңғыш Президент күні", last_year=2021),
    FixedHoliday(12, 16, "Independence Day", "День Независимости", "Тәуелсіздік күні"),
    FixedHoliday(12, 17, "Independence Day", "День Независимости", "Тәуелсіздік күні", last_year=2021),
)

_KURBAN_AIT_NAMES: Final = ("Kurban Ait", "Курбан айт", "Құрбан айт")

#: First day of Kurban Ait. Announced dates: 2019-2026; the rest are estimates.
KURBAN_AIT: Final[MappingProxyType[int, _dt.date]] = MappingProxyType(
    {
        2019: _dt.date(2019, 8, 11),
        2020: _dt.date(2020, 7, 31),
        2021: _dt.date(2021, 7, 20),
        2022: _dt.date(2022, 7, 9),
        2023: _dt.date(2023, 6, 28),
        2024: _dt.date(2024, 6, 16),
        2025: _dt.date(2025, 6, 6),
        2026: _dt.date(2026, 5, 27),
        2027: _dt.date(2027, 5, 16),
        2028: _dt.date(2028, 5, 5),
        2029: _dt.date(2029, 4, 24),
        2030: _dt.date(2030, 4, 13),
        2031: _dt.date(2031, 4, 2),
        2032: _dt.date(2032, 3, 22),
        2033: _dt.date(2033, 3, 11),
        2034: _dt.date(2034, 3, 1),
        2035: _dt.date(2035, 2, 18),
    }
)
KURBAN_AIT_ANNOUNCED_YEARS: Final = frozenset(range(2019, 2027))

DECREED_TRANSFERS: Final[tuple[DecreedTransfer, ...]] = (
    DecreedTransfer(
        _dt.date(2020, 1, 3), _dt.date(2020, 1, 5), "Government decree of 1 November 2019 'On moving days off in 2020'"
    ),
    DecreedTransfer(
        _dt.date(2022, 10, 24), _dt.date(2022, 10, 22), "Government decree of 2022 (first Republic Day as a day off)"
    ),
    DecreedTransfer(
        _dt.date(2023, 7, 7), _dt.date(2023, 7, 1), "Government decree of 25 April 2023 'On moving a day off in 2023'"
    ),
    DecreedTransfer(
        _dt.date(2024, 5, 8), _dt.date(2024, 5, 4), "Government decree of 2024 'On moving a day off in 2024'"
    ),
    DecreedTransfer(
        _dt.date(2025, 1, 3),
        _dt.date(2025, 1, 5),
        "Order of the Minister of Labour and Social Protection of November 2024",
    ),
)


# -- Kurban Ait ------------------------------------------------------------------------------


def _new_moon_utc(k: int) -> _dt.datetime:
    """Moment of the k-th new moon after 6 January 2000 (Meeus, Astronomical Algorithms, ch. 49).

    Accurate to about a minute over this century, which is all the day rule below needs.
    """
    t = k / 1236.85
    jde = 2451550.09766 + 29.530588861 * k + 0.00015437 * t**2 - 0.000000150 * t**3 + 0.00000000073 * t**4
    e = 1 - 0.002516 * t - 0.0000074 * t**2
    r = math.radians
    m = r(2.5534 + 29.10535670 * k - 0.0000014 * t**2 - 0.00000011 * t**3)
    mp = r(201.5643 + 385.81693528 * k + 0.0107582 * t**2 + 0.00001238 * t**3 - 0.000000058 * t**4)
    f = r(160.7108 + 390.67050284 * k - 0.0016118 * t**2 - 0.00000227 * t**3 + 0.000000011 * t**4)
    om = r(124.7746 - 1.56375588 * k + 0.0020672 * t**2 + 0.00000215 * t**3)
    sin = math.sin
    correction = (
        -0.40720 * sin(mp)
        + 0.17241 * e * sin(m)
        + 0.01608 * sin(2 * mp)
        + 0.01039 * sin(2 * f)
        + 0.00739 * e * sin(mp - m)
        - 0.00514 * e * sin(mp + m)
        + 0.00208 * e * e * sin(2 * m)
        - 0.00111 * sin(mp - 2 * f)
        - 0.00057 * sin(mp + 2 * f)
        + 0.00056 * e * sin(2 * mp + m)
        - 0.00042 * sin(3 * mp)
        + 0.00042 * e * sin(m + 2 * f)
        + 0.00038 * e * sin(m - 2 * f)
        - 0.00024 * e * sin(2 * mp - m)
        - 0.00017 * sin(om)
        - 0.00007 * sin(mp + 2 * m)
        + 0.00004 * sin(2 * mp - 2 * f)
        + 0.00004 * sin(3 * m)
        + 0.00003 * sin(mp + m - 2 * f)
        + 0.00003 * sin(2 * mp + 2 * f)
        - 0.00003 * sin(mp + m + 2 * f)
        + 0.00003 * sin(mp - m + 2 * f)
        - 0.00002 * sin(mp - m - 2 * f)
        - 0.00002 * sin(3 * mp + m)
        + 0.00002 * sin(4 * mp)
    )
    planetary = (
        (325, 299.77 + 0.107408 * k - 0.009173 * t**2),
        (165, 251.88 + 0.016321 * k),
        (164, 251.83 + 26.651886 * k),
        (126, 349.42 + 36.412478 * k),
        (110, 84.66 + 18.206239 * k),
        (62, 141.74 + 53.303771 * k),
        (60, 207.14 + 2.453732 * k),
        (56, 154.84 + 7.306860 * k),
        (47, 34.52 + 27.261239 * k),
        (42, 207.19 + 0.121824 * k),
        (40, 291.34 + 1.844379 * k),
        (37, 161.72 + 24.198154 * k),
        (35, 239.56 + 25.513099 * k),
        (23, 331.55 + 3.592518 * k),
    )
    jde += correction + sum(c * 1e-6 * sin(r(a)) for c, a in planetary)
    # JDE is Terrestrial Time; UTC is about 69 s behind in the 2020s (ignorable at this precision).
    return _dt.datetime(2000, 1, 1, 12) + _dt.timedelta(days=jde - 2451545.0, seconds=-69)


# Lunation index (k above) of the new moon that began Dhu al-Hijjah 1445 AH (6 June 2024).
_DHU_AL_HIJJAH_1445_K: Final = 302


def _sunset_utc_hours(d: _dt.date) -> float:
    """Rough sunset in Astana, hours UTC: 16:05 at the June solstice, 11:55 at the December one."""
    day_of_year = d.timetuple().tm_yday
    return 14.0 + 2.1 * math.cos(2 * math.pi * (day_of_year - 172) / 365.25)


def _kurban_ait_of_hijri_year(hijri_year: int) -> _dt.date:
    conjunction = _new_moon_utc(_DHU_AL_HIJJAH_1445_K + 12 * (hijri_year - 1445))
    day = conjunction.date()
    hours = conjunction.hour + conjunction.minute / 60
    # Dhu al-Hijjah begins the day after the conjunction when it happens before sunset in
    # Kazakhstan, otherwise a day later; Kurban Ait is its 10th day.
    first = day + _ONE_DAY * (1 if hours < _sunset_utc_hours(day) else 2)
    return first + _dt.timedelta(days=9)


def estimate_kurban_ait(year: int) -> tuple[_dt.date, ...]:
    """Computed first day(s) of Kurban Ait in a Gregorian year (two in some years, e.g. 2039).

    The rule (a new month begins the day after a conjunction before sunset in
    Kazakhstan) gives every date announced for 2019-2026; an announcement may
    still differ by a day, which is why the announced table comes first.
    """
    # About 1445 + (year - 2024) * 1.0307 Hijri years; look one year either side.
    approx = 1445 + round((year - 2024) * 365.2425 / 354.367)
    found = (_kurban_ait_of_hijri_year(h) for h in range(approx - 2, approx + 3))
    return tuple(sorted(d for d in found if d.year == year))


def kurban_ait(year: int) -> tuple[_dt.date, ...]:
    """First day(s) of Kurban Ait in ``year``: the table when it has the year, else the estimate."""
    if year in KURBAN_AIT:
        return (KURBAN_AIT[year],)
    return estimate_kurban_ait(year)


# -- holidays and days off -------------------------------------------------------------------


@lru_cache(maxsize=256)
def public_holidays(year: int) -> tuple[Holiday, ...]:
    """The holidays of ``year`` on their own dates (before any transfer), in date order."""
    items = [
        Holiday(_dt.date(year, h.month, h.day), h.name_en, h.name_ru, h.name_kk, h.transferable)
        for h in FIXED_HOLIDAYS
        if h.in_force(year)
    ]
    items.extend(Holiday(d, *_KURBAN_AIT_NAMES, transferable=False) for d in kurban_ait(year))
    return tuple(sorted(items, key=lambda h: (h.date, not h.transferable)))


@dataclass(frozen=True, slots=True)
class _YearDaysOff:
    off: frozenset[_dt.date]  # non-working weekdays: holidays, legal transfers, decreed days off
    working_weekend: frozenset[_dt.date]  # weekend days made working by decree


@lru_cache(maxsize=256)
def _days_off_of(year: int) -> _YearDaysOff:
    """Days off caused by the holidays of ``year`` (a transfer may land early in ``year + 1``)."""
    holidays = public_holidays(year)
    decreed_off = {t.day_off for t in DECREED_TRANSFERS if t.day_off.year in (year, year + 1)}
    decreed_work = {t.working_day for t in DECREED_TRANSFERS if t.working_day.year in (year, year + 1)}
    holiday_dates = {h.date for h in holidays} | {h.date for h in public_holidays(year + 1)}
    off = {h.date for h in holidays if h.date.weekday() < 5}
    off |= {d for d in decreed_off if d.year == year}
    for h in holidays:  # date order, so transfers of consecutive holidays stack up
        if not h.transferable or h.date.weekday() < 5:
            continue
        d = h.date + _ONE_DAY
        while d.weekday() >= 5 or d in holiday_dates or d in off or d in decreed_off:
            d += _ONE_DAY
        off.add(d)
    return _YearDaysOff(
        off=frozenset(off),
        working_weekend=frozenset(d for d in decreed_work if d.year == year),
    )


def days_off(year: int) -> frozenset[_dt.date]:
    """The weekdays of ``year`` that are not working days.

    That is: holidays falling Monday to Friday, the days off that weekend
    holidays were transferred to, and decreed days off. Saturdays and Sundays
    are left out (a Saturday holiday is a day off anyway).
    """
    previous, current = _days_off_of(year - 1), _days_off_of(year)
    days = {d for d in previous.off | current.off if d.year == year}
    return frozenset(days - current.working_weekend)


def is_working_day(d: _dt.date) -> bool:
    """True for a day of work in a five-day week in Kazakhstan."""
    current = _days_off_of(d.year)
    if d in current.working_weekend:
        return True
    if d.weekday() >= 5:
        return False
    return d not in current.off and d not in _days_off_of(d.year - 1).off


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
