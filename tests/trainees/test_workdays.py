"""The certificate pickup date: exam + 4 working days in the official Chinese calendar.

The chinese_calendar package in use carries the State Council's calendars up to 2026; the
dates below are inside that range.
"""
import datetime as dt

import pytest

from core.trainees.workdays import add_working_days, pickup_date

D = dt.date


@pytest.mark.parametrize("exam, pickup", [
    # National Day + Mid-Autumn 2025 (Oct 1–8 off); Sat Oct 11 is a make-up working day
    (D(2025, 9, 29), D(2025, 10, 11)),
    # National Day 2026 (Oct 1–7 off); Sat Oct 10 is a make-up working day
    (D(2026, 9, 30), D(2026, 10, 12)),
    # Mid-Autumn 2026 (Sep 25–27 off) then National Day
    (D(2026, 9, 24), D(2026, 10, 8)),
    # Spring Festival 2026 (Feb 15–23 off); Sat Feb 14 is a make-up working day
    (D(2026, 2, 12), D(2026, 2, 25)),
    # Spring Festival 2025 (Jan 28–Feb 4 off); Sun Jan 26 is a make-up working day
    (D(2025, 1, 24), D(2025, 2, 6)),
    # an ordinary week: Monday → Friday
    (D(2026, 11, 16), D(2026, 11, 20)),
])
def test_pickup_date_follows_holidays_and_make_up_working_days(exam, pickup):
    result = pickup_date(exam)
    assert result.date == pickup
    assert result.official


def test_a_plain_weekday_count_would_be_wrong_across_national_day():
    naive, day = 0, D(2026, 9, 30)
    while naive < 4:
        day += dt.timedelta(days=1)
        naive += day.weekday() < 5
    assert day != pickup_date(D(2026, 9, 30)).date


def test_make_up_saturday_counts_as_a_working_day():
    # Fri 2026-02-13 + 1 working day is Sat 2026-02-14 (调休), not Mon
    assert add_working_days(D(2026, 2, 13), 1).date == D(2026, 2, 14)


def test_a_year_the_calendar_does_not_cover_is_marked_as_an_estimate():
    result = pickup_date(D(2030, 6, 3))
    assert result.official is False
    assert result.date == D(2030, 6, 7)
