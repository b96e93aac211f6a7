"""The health-certificate pickup date (领证日期): 4 working days after the exam.

Counted in the platform's one official calendar (:mod:`core.workcalendar`), with public
holidays and make-up working weekends (调休). When a year on the way has no official
schedule yet the date is an estimate and is marked ``official=False``.
"""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from .. import workcalendar

#: working days between the exam and the certificate pickup (体检后4个工作日领证)
PICKUP_WORKING_DAYS = 4


@dataclass(frozen=True)
class PickupDate:
    """A computed pickup date; ``official`` is False when it rests on an estimated year."""

    date: dt.date
    official: bool


def pickup_date(exam_date: dt.date) -> PickupDate:
    """When the health certificate (健康证) of an exam on ``exam_date`` can be collected."""
    day = workcalendar.add_working_days(exam_date, PICKUP_WORKING_DAYS)
    official = all(workcalendar.schedule_known(y) for y in range(exam_date.year, day.year + 1))
    return PickupDate(day, official)
