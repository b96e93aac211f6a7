"""Working days and holidays for any date, from the one schedule in force per year.

See the package docstring (:mod:`core.workcalendar`) for the contract. The years the
chinese-calendar package covers, with no administrator's correction, are answered by the
package's own helpers (``is_workday``, ``find_workday``, ``get_workdays``); any other year
goes through its :class:`~core.workcalendar.sources.YearSchedule`.
"""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import chinese_calendar

from .overrides import admin_schedule, admin_years
from .sources import HolidayName, YearSchedule, chinese_calendar_years, package_schedule

_ONE_DAY = dt.timedelta(days=1)
#: days of one holiday at most this far apart are one holiday (国庆 and 中秋 interleave:
#: 2025-10-01…05 国庆, 10-06 中秋, 10-07…08 国庆 is one 国庆)
_SAME_HOLIDAY_GAP_DAYS = 7


def schedule_for(year: int) -> YearSchedule:
    """The schedule in force for ``year``: the administrator's latest version, else the
    packages' (see :mod:`core.workcalendar.sources`), else an estimate."""
    return admin_schedule(year) or package_schedule(year)


def schedule_known(year: int) -> bool:
    """Whether ``year``'s official schedule is known (entered or published by a package);
    False means dates in that year are estimates."""
    return schedule_for(year).official


def schedule_source(year: int) -> str:
    """Which source ``year``'s schedule comes from: admin, chinese_calendar, holidays or
    estimate."""
    return schedule_for(year).source


def _package_answers(*years: int) -> bool:
    """Whether chinese-calendar's own helpers may answer for all of ``years``."""
    first, last = chinese_calendar_years()
    overridden = admin_years()
    return all(first <= y <= last and y not in overridden for y in years)


def is_working_day(d: dt.date) -> bool:
    """Whether ``d`` is an official working day (工作日): public holidays and their 调休
    days off are not, make-up working weekends (调休上班) are."""
    if _package_answers(d.year):
        return chinese_calendar.is_workday(d)
    return schedule_for(d.year).is_working_day(d)


def add_working_days(d: dt.date, n: int) -> dt.date:
    """The ``n``-th working day after ``d`` (``d`` itself not counted); before it for a
    negative ``n``; ``d`` itself for 0. E.g. the health certificate is collected
    ``add_working_days(exam_date, 4)``."""
    if n == 0:
        return d
    try:
        if n > 0 and _package_answers(d.year, (d + _ONE_DAY).year):
            found = chinese_calendar.find_workday(n - 1, d + _ONE_DAY)
        elif n < 0 and _package_answers(d.year):
            found = chinese_calendar.find_workday(n, d)
        else:
            found = None
        if found is not None and _package_answers(found.year):
            return found
    except NotImplementedError:  # walked past the package's last year
        pass
    step = _ONE_DAY if n > 0 else -_ONE_DAY
    day, left = d, abs(n)
    while left:
        day += step
        if is_working_day(day):
            left -= 1
    return day


def working_days_between(a: dt.date, b: dt.date) -> int:
    """How many working days fall after ``a`` up to and including ``b`` — so that
    ``working_days_between(d, add_working_days(d, n)) == n``; negative when ``b < a``."""
    if b < a:
        return -working_days_between(b, a)
    if a == b:
        return 0
    start = a + _ONE_DAY
    if _package_answers(*range(start.year, b.year + 1)):
        return len(chinese_calendar.get_workdays(start, b))
    count, day = 0, start
    while day <= b:
        count += is_working_day(day)
        day += _ONE_DAY
    return count


def holiday_names(d: dt.date) -> HolidayName | None:
    """The public holiday ``d`` is a day off for, in Chinese and English; None on a
    working day (a make-up weekend too) and on a plain weekend."""
    schedule = schedule_for(d.year)
    if d in schedule.make_up_days:
        return None
    return schedule.days_off.get(d)


def holiday_name(d: dt.date) -> str | None:
    """The Chinese name of the public holiday on ``d`` (chinese-calendar's
    ``Holiday.chinese``, e.g. 国庆节), or None."""
    names = holiday_names(d)
    return names.zh if names else None


@dataclass(frozen=True)
class Holiday:
    """One public holiday as it falls in a period: its first day there, and its names."""

    date: dt.date
    name_en: str
    name_zh: str
    official: bool = True


@dataclass(frozen=True)
class HolidayScan:
    """The holidays found in a period, and the years in it whose schedule is an estimate."""

    holidays: tuple[Holiday, ...]
    uncovered_years: tuple[int, ...]


def holidays_in(start: dt.date, end: dt.date) -> HolidayScan:
    """Public holidays falling within ``start``…``end`` (both included), for greetings.

    Each holiday is given once, dated by its first day inside the period (a service
    starting on 10-03 greets 国庆 on 10-03, not 10-01). Holidays of a year whose schedule
    is not known yet are given from the estimate, marked ``official=False``, and the year
    is listed in ``uncovered_years``.
    """
    uncovered = tuple(y for y in range(start.year, end.year + 1) if not schedule_known(y))
    found: list[Holiday] = []
    last_seen: dict[str, dt.date] = {}
    greeted: set[str] = set()  # names greeted in their current block
    # look back a little, so a holiday begun before the period is known as the same one
    day = start - dt.timedelta(days=_SAME_HOLIDAY_GAP_DAYS)
    while day <= end:
        names = holiday_names(day)
        if names is not None:
            previous = last_seen.get(names.en)
            if previous is None or (day - previous).days > _SAME_HOLIDAY_GAP_DAYS:
                greeted.discard(names.en)  # a new block of this holiday
            last_seen[names.en] = day
            if day >= start and names.en not in greeted:
                greeted.add(names.en)
                found.append(Holiday(day, names.en, names.zh, day.year not in uncovered))
        day += _ONE_DAY
    return HolidayScan(tuple(found), uncovered)
