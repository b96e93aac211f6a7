"""Working days (工作日) in the Chinese official calendar, for the health-certificate pickup.

The certificate is collected from the hospital 4 working days after the exam (体检后4个工作日).
Working days follow the State Council's calendar — public holidays off, make-up working
weekends (调休) on — as published in the ``chinese_calendar`` package, never a Monday–Friday
count. The package knows only the years already announced; beyond them the date is an
estimate (weekends off) and is marked ``official=False`` so nobody mistakes it for a fact.
"""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import chinese_calendar

#: working days between the exam and the certificate pickup (体检后4个工作日领证)
PICKUP_WORKING_DAYS = 4


@dataclass(frozen=True)
class PickupDate:
    """A computed pickup date; ``official`` is False when the calendar did not cover it."""

    date: dt.date
    official: bool


def is_workday(day: dt.date) -> bool:
    """Whether ``day`` is an official working day (raises NotImplementedError past the data)."""
    return chinese_calendar.is_workday(day)


def add_working_days(start: dt.date, count: int) -> PickupDate:
    """The ``count``-th working day after ``start`` (``start`` itself not counted)."""
    day, found, official = start, 0, True
    while found < count:
        day += dt.timedelta(days=1)
        try:
            working = is_workday(day)
        except NotImplementedError:
            working, official = day.weekday() < 5, False
        if working:
            found += 1
    return PickupDate(day, official)


def pickup_date(exam_date: dt.date) -> PickupDate:
    """When the health certificate (健康证) of an exam on ``exam_date`` can be collected."""
    return add_working_days(exam_date, PICKUP_WORKING_DAYS)
