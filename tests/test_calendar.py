"""Working days in Kazakhstan and legal terms (marketplace.calendar, over the ``holidays`` package's
Kazakhstan calendar): known dates pinned, 2026 included."""

from __future__ import annotations

import random
from datetime import date, timedelta

import pytest

from marketplace.calendar import add_working_days, days_off, is_working_day, next_working_day, public_holidays
from marketplace.calendar import working_days_between


def working(*days: date) -> list[bool]:
    return [is_working_day(d) for d in days]


# -- 17 working days from registration -----------------------------------------------------------


def test_seventeen_working_days_across_weekends() -> None:
    # Registered Wednesday 1 October 2025; counting starts on Thursday 2 October:
    # 2-3 Oct (2), 6-10 (7), 13-17 (12), 20-24 (17). Saturday 25 October (Republic Day) is after the term.
    assert add_working_days(date(2025, 10, 1), 17) == date(2025, 10, 24)


def test_registration_on_friday_or_saturday() -> None:
    # Friday 5 Sept 2025: 8-12 (5), 15-19 (10), 22-26 (15), 29-30 (17).
    assert add_working_days(date(2025, 9, 5), 17) == date(2025, 9, 30)
    # A Saturday registration counts from the same Monday.
    assert add_working_days(date(2025, 9, 6), 17) == date(2025, 9, 30)


def test_seventeen_working_days_across_nauryz() -> None:
    # 2025: Nauryz 21 (Fri), 22 (Sat), 23 (Sun) March; the weekend days move to Mon 24 and Tue 25.
    # From Wed 19 March: 20 (1), 26-28 (4), 31 (5), 1-4 Apr (9), 7-11 (14), 14-16 (17).
    assert add_working_days(date(2025, 3, 19), 17) == date(2025, 4, 16)
    assert working(date(2025, 3, 21), date(2025, 3, 24), date(2025, 3, 25), date(2025, 3, 26)) == [
        False,
        False,
        False,
        True,
    ]


def test_term_across_the_may_holidays() -> None:
    # From Mon 14 April 2025: 15-18 (4), 21-25 (9), 28-30 (12), [1 May], 2 (13), 5-6 (15),
    # [7 May], 8 (16), [9 May], 12 (17).
    assert add_working_days(date(2025, 4, 14), 17) == date(2025, 5, 12)


def test_term_across_new_year_and_christmas() -> None:
    # From Thu 25 Dec 2025: 26 (1), 29-31 (4), [1-2 Jan], 5-6 (6), [7 Jan], 8-9 (8), 12-16 (13), 19-22 (17).
    assert add_working_days(date(2025, 12, 25), 17) == date(2026, 1, 22)


def test_zero_and_negative_terms() -> None:
    assert add_working_days(date(2025, 3, 22), 0) == date(2025, 3, 22)
    assert add_working_days(date(2025, 3, 26), -1) == date(2025, 3, 20)
    assert add_working_days(date(2025, 10, 24), -17) == date(2025, 10, 1)
    assert next_working_day(date(2025, 3, 20)) == date(2025, 3, 26)


# -- transfers -----------------------------------------------------------------------------------


def test_saturday_holiday_moves_to_monday() -> None:
    # 8 March 2025 and 25 October 2025 were Saturdays.
    assert working(date(2025, 3, 8), date(2025, 3, 10), date(2025, 3, 11)) == [False, False, True]
    assert working(date(2025, 10, 25), date(2025, 10, 27), date(2025, 10, 28)) == [False, False, True]


def test_sunday_holiday_moves_to_monday() -> None:
    # Capital Day, Sunday 6 July 2025 -> Monday 7 July.
    assert working(date(2025, 7, 7), date(2025, 7, 8)) == [False, True]


def test_two_weekend_holidays_move_to_two_working_days() -> None:
    # New Year 2022 was Saturday and Sunday: 3 and 4 January off.
    assert working(date(2022, 1, 3), date(2022, 1, 4), date(2022, 1, 5)) == [False, False, True]
    # Nauryz 2026: 21 Sat, 22 Sun, 23 Mon -> 24 and 25 March off.
    assert working(date(2026, 3, 23), date(2026, 3, 24), date(2026, 3, 25), date(2026, 3, 26)) == [
        False,
        False,
        False,
        True,
    ]


def test_a_transfer_skips_a_following_holiday() -> None:
    # 7 May 2022 (Defender's Day) was a Saturday; Monday 9 May is Victory Day, so Tuesday 10 May is off.
    assert working(date(2022, 5, 9), date(2022, 5, 10), date(2022, 5, 11)) == [False, False, True]


def test_orthodox_christmas_is_not_transferred() -> None:
    assert date(2023, 1, 7).weekday() == 5
    assert is_working_day(date(2023, 1, 9))
    assert date(2024, 1, 7).weekday() == 6
    assert is_working_day(date(2024, 1, 8))


def test_kurban_ait() -> None:
    assert not is_working_day(date(2025, 6, 6))  # Friday
    assert not is_working_day(date(2026, 5, 27))  # Wednesday
    assert is_working_day(date(2026, 5, 28))


def test_decreed_transfers() -> None:
    # 2023: Saturday 1 July worked so that Friday 7 July (after Capital Day) was off.
    assert is_working_day(date(2023, 7, 1))
    assert not is_working_day(date(2023, 7, 7))
    # 2025: Sunday 5 January worked for Friday 3 January.
    assert is_working_day(date(2025, 1, 5))
    assert not is_working_day(date(2025, 1, 3))


# -- 2026 -----------------------------------------------------------------------------------------


def test_2026_has_no_constitution_day() -> None:
    # Constitution Day (30 August) is no holiday in 2026: Sunday 30 August is an ordinary
    # weekend day and Monday 31 August a working day. In 2025 it was a Saturday, moved to 1 September.
    assert date(2026, 8, 30) not in dict(public_holidays(2026))
    assert is_working_day(date(2026, 8, 31))
    assert not is_working_day(date(2025, 9, 1))
    # So a term through late August is not a day late: from Monday 10 August 2026,
    # 11-14 (4), 17-21 (9), 24-28 (14), 31 (15), 1-2 September (17).
    assert add_working_days(date(2026, 8, 10), 17) == date(2026, 9, 2)


def test_2026_days_off() -> None:
    off = days_off(2026)
    # New Year, Christmas, 8 March (Sunday -> Monday 9), Nauryz (21 Sat, 22 Sun, 23 Mon -> 24, 25),
    # 1, 7, 9 May (Saturday -> Monday 11), Capital Day (Monday 6 July), Republic Day (Sunday 25
    # October -> Monday 26), Independence Day (Wednesday 16 December).
    assert {date(2026, 1, 1), date(2026, 1, 2), date(2026, 1, 7), date(2026, 3, 9), date(2026, 3, 23),
            date(2026, 3, 24), date(2026, 3, 25), date(2026, 5, 1), date(2026, 5, 7), date(2026, 5, 11),
            date(2026, 7, 6), date(2026, 10, 26), date(2026, 12, 16)} <= off
    assert date(2026, 12, 17) not in off and date(2026, 7, 7) not in off
    # Registered Friday 11 December 2026: 14-15 (2), [16 Dec], 17-18 (4), 21-25 (9), 28-31 (13), [1-2 Jan], 5-6 (15),
    # [7 Jan], 8 (16), 11 (17).
    assert add_working_days(date(2026, 12, 11), 17) == date(2027, 1, 11)


def test_holidays_that_changed_in_2022() -> None:
    assert not is_working_day(date(2021, 12, 1))  # First President's Day, until 2021
    assert is_working_day(date(2022, 12, 1))
    assert not is_working_day(date(2021, 12, 17))  # second day of Independence Day, until 2021
    assert is_working_day(date(2023, 12, 19))  # 16 Dec 2023 (Sat) moved to Mon 18, not further
    assert not is_working_day(date(2023, 12, 18))
    assert is_working_day(date(2021, 10, 25))  # Republic Day is a day off from 2022
    assert not is_working_day(date(2023, 10, 25))


def test_published_working_day_count_2025() -> None:
    # The 2025 production calendar: 246 working days in a five-day week.
    year = [date(2025, 1, 1) + timedelta(days=i) for i in range(365)]
    assert sum(map(is_working_day, year)) == 246


def test_public_holidays_and_days_off_listings() -> None:
    names = dict(public_holidays(2025))
    assert "Nowruz" in names[date(2025, 3, 22)]
    assert "Eid al-Adha" in names[date(2025, 6, 6)]
    assert names[date(2025, 12, 16)] == "Independence Day"
    assert date(2025, 12, 17) not in names
    off = days_off(2025)
    assert {date(2025, 3, 10), date(2025, 3, 24), date(2025, 3, 25), date(2025, 10, 27)} <= off
    assert date(2025, 1, 5) not in off
    assert all(not is_working_day(d) for d in off)


# -- counting between dates ------------------------------------------------------------------------


def test_working_days_between() -> None:
    assert working_days_between(date(2025, 10, 1), date(2025, 10, 24)) == 17
    assert working_days_between(date(2025, 10, 24), date(2025, 10, 1)) == -17
    assert working_days_between(date(2025, 3, 20), date(2025, 3, 25)) == 0
    assert working_days_between(date(2025, 3, 20), date(2025, 3, 20)) == 0


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_between_is_the_inverse_of_add(seed: int) -> None:
    rng = random.Random(seed)
    for _ in range(300):
        start = date(2020, 1, 1) + timedelta(days=rng.randrange(16 * 365))
        n = rng.randrange(0, 60)
        end = add_working_days(start, n)
        assert working_days_between(start, end) == n
        if n:
            assert is_working_day(end)
            assert end > start
            back = add_working_days(end, -n)  # the last working day on or before start
            assert back <= start
            assert back == start or not is_working_day(start)
