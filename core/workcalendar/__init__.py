"""The one working-day and holiday calendar of the platform (工作日与法定节假日).

Every rule that counts working days or greets a public holiday asks this package and no
other: the health-certificate pickup (体检后4个工作日), holiday greetings (节日问候), the
trainees' daily hand-over reminder, complaint call-back clocks. Working days follow the
State Council's official schedule — public holidays and their 调休 days off are not
working days, make-up working weekends (调休上班) are — never a Monday–Friday count.

The stable interface (other areas build on exactly these names)::

    is_working_day(d: date) -> bool
    add_working_days(d: date, n: int) -> date          # n-th working day after d (n<0: before)
    working_days_between(a: date, b: date) -> int      # working days in (a, b]
    holiday_name(d: date) -> str | None                # 国庆节 …; None on working days/weekends
    holiday_names(d: date) -> HolidayName | None       # .zh and .en
    schedule_known(year: int) -> bool                  # official schedule known for year?
    schedule_source(year: int) -> str                  # admin/chinese_calendar/holidays/estimate
    holidays_in(start: date, end: date) -> HolidayScan # holidays in a period, for greetings

Where a year's schedule comes from, in order: an administrator's entry (latest version),
the ``chinese-calendar`` package, the ``holidays`` package (years it has encoded with their
调休), else an estimate (``schedule_known(year)`` is False and dates computed in that year
must be shown as estimates). See :mod:`core.workcalendar.sources` and docs/calendar.md.
"""
from __future__ import annotations

from .days import (
    Holiday,
    HolidayScan,
    add_working_days,
    holiday_name,
    holiday_names,
    holidays_in,
    is_working_day,
    schedule_for,
    schedule_known,
    schedule_source,
    working_days_between,
)
from .sources import HolidayName, YearSchedule

__all__ = [
    "Holiday", "HolidayName", "HolidayScan", "YearSchedule", "add_working_days", "holiday_name",
    "holiday_names", "holidays_in", "is_working_day", "schedule_for", "schedule_known",
    "schedule_source", "working_days_between",
]
