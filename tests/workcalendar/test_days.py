"""The one calendar: working days with 调休, holiday names, sources, and the years no
package publishes yet (2027 for the packages pinned today).

chinese-calendar 1.11 carries the State Council's calendars up to 2026; ``holidays`` has
encoded its notices up to 2026 too. Outside an app context no administrator's schedule
applies, so these tests see the packages alone.
"""
import datetime as dt

import chinese_calendar
import pytest

from core.trainees.pickup import pickup_date
from core.workcalendar import (
    add_working_days,
    holiday_name,
    holiday_names,
    holidays_in,
    is_working_day,
    schedule_known,
    schedule_source,
    working_days_between,
)
from core.workcalendar.sources import estimate, from_chinese_calendar, from_holidays_package

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
    # an exam on a Saturday: Mon, Tue, Wed, Thu
    (D(2026, 11, 14), D(2026, 11, 19)),
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
    assert add_working_days(D(2026, 2, 13), 1) == D(2026, 2, 14)
    assert is_working_day(D(2026, 2, 14)) and holiday_name(D(2026, 2, 14)) is None


def test_new_years_day_2027_is_not_a_working_day_even_before_its_schedule_is_published():
    assert not schedule_known(2027)
    assert not is_working_day(D(2027, 1, 1))
    assert holiday_name(D(2027, 1, 1)) == "元旦"
    # the pickup after a 2026-12-28 exam skips 2027-01-01 and is flagged as an estimate
    result = pickup_date(D(2026, 12, 28))
    assert result.date == D(2027, 1, 4) and result.official is False


def test_a_year_no_source_covers_is_an_estimate_with_its_festivals():
    assert schedule_source(2030) == "estimate" and not schedule_known(2030)
    result = pickup_date(D(2030, 11, 4))
    assert result.official is False
    assert result.date == D(2030, 11, 8)
    assert not is_working_day(D(2030, 6, 5))  # 端午, from the lunar calendar
    assert holiday_name(D(2030, 10, 1)) == "国庆节"


def test_add_and_between_are_inverse_and_go_backwards():
    for start in (D(2026, 9, 20), D(2026, 12, 24), D(2025, 1, 20)):
        for n in (1, 4, 10, 30):
            assert working_days_between(start, add_working_days(start, n)) == n
    assert add_working_days(D(2026, 10, 12), -4) == D(2026, 9, 30)
    assert add_working_days(D(2026, 10, 12), 0) == D(2026, 10, 12)
    assert working_days_between(D(2026, 10, 12), D(2026, 9, 30)) == -4
    # across the package's last year into the estimate: 12-31 (Thu), 01-04, 01-05
    assert working_days_between(D(2026, 12, 30), D(2027, 1, 5)) == 3


def test_holiday_names_come_from_chinese_calendar_in_both_languages():
    names = holiday_names(D(2026, 10, 3))
    assert (names.zh, names.en) == ("国庆节", "National Day")
    assert names.zh == chinese_calendar.Holiday.national_day.chinese
    assert holiday_name(D(2026, 11, 21)) is None  # a plain Saturday
    assert holiday_name(D(2026, 11, 23)) is None  # a working Monday


def test_the_holidays_package_agrees_with_chinese_calendar_on_every_day_of_2025_and_2026():
    for year in (2025, 2026):
        ours, theirs = from_chinese_calendar(year), from_holidays_package(year)
        assert theirs is not None and theirs.official and theirs.make_up_days
        day = D(year, 1, 1)
        while day.year == year:
            assert ours.is_working_day(day) == theirs.is_working_day(day), day
            day += dt.timedelta(days=1)


def test_the_holidays_package_has_no_make_up_days_for_2027():
    assert from_holidays_package(2027) is None
    assert estimate(2027).make_up_days == frozenset()


def test_a_service_starting_inside_a_holiday_greets_on_its_first_day_there():
    scan = holidays_in(D(2025, 10, 3), D(2025, 10, 20))
    assert [(h.date.isoformat(), h.name_zh) for h in scan.holidays] == [
        ("2025-10-03", "国庆节"), ("2025-10-06", "中秋")]


def test_holidays_in_an_unknown_year_are_given_as_estimates():
    scan = holidays_in(D(2026, 12, 20), D(2027, 2, 20))
    assert scan.uncovered_years == (2027,)
    assert [(h.date.isoformat(), h.name_zh, h.official) for h in scan.holidays] == [
        ("2027-01-01", "元旦", False), ("2027-02-05", "春节", False)]
