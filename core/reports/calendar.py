"""The report deadlines on the Chinese working calendar (one platform source,
:mod:`core.workcalendar`): a day that falls on a holiday or weekend moves to the last
working day before it."""
from __future__ import annotations

import datetime as dt

from ..workcalendar import is_working_day
from .periods import Period, shift_month

#: the monthly service-quality report is due on this day of the next month (002)
REPORT_DAY = 22
#: the supervisor's plan and budget for next month is due on this day (000)
PLAN_DAY = 25


def working_day_on_or_before(day: dt.date) -> dt.date:
    """``day`` itself when it is a working day, else the last working day before it."""
    while not is_working_day(day):
        day -= dt.timedelta(days=1)
    return day


def report_deadline(month: Period) -> dt.date:
    """When the report of ``month`` is due: the 22nd of the next month, or the last
    working day before it."""
    nxt = shift_month(month, 1).first
    return working_day_on_or_before(nxt.replace(day=REPORT_DAY))


def plan_deadline(month: Period) -> dt.date:
    """When the plan and budget for the month after ``month`` is due: ``month``'s 25th,
    or the last working day before it."""
    return working_day_on_or_before(month.first.replace(day=PLAN_DAY))
