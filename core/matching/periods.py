"""The period of a worker's time an order takes (服务时段), in UTC.

Live-in lines (月嫂, 育婴师) take whole business days: from 00:00 of the first day to
00:00 after the last (Asia/Shanghai). Visit lines (保洁, 小儿推拿) take a time slot: the
preferred date and time of the intake for the line's slot length.

What is line-specific — where the first day is read from, the slot length, the term
field and the default term — comes from the line's object (:class:`core.ServiceLine`:
``start_date_fields``, ``slot_hours``, ``term_days_field``, ``default_term_days``,
with the defaults documented there); config ``MATCHING_SLOT_HOURS`` and
``MATCHING_TERM_DAYS`` (dicts by line code) override the slot hours and default term.
"""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from flask import current_app

from ..messages import Msg
from ..servicelines.base import ServiceLine
from ..timeutil import SHANGHAI

#: why her time cannot be booked for an order without a service date (booking, matching)
NO_PERIOD = Msg("The order has no service date yet, so her time cannot be booked.",
                "订单还没有服务日期，无法占用阿姨档期。")


@dataclass(frozen=True)
class Period:
    """``[starts_at, ends_at)``, aware UTC; ``whole_days`` for live-in terms."""

    starts_at: dt.datetime
    ends_at: dt.datetime
    whole_days: bool = False

    @property
    def first_day(self) -> dt.date:
        """First business date of the period."""
        return self.starts_at.astimezone(SHANGHAI).date()

    @property
    def last_day(self) -> dt.date:
        """Last business date the period touches (its end is exclusive)."""
        return (self.ends_at.astimezone(SHANGHAI) - dt.timedelta(microseconds=1)).date()

    def overlaps(self, other: Period) -> bool:
        """Whether the two periods share any instant (half-open intervals)."""
        return self.starts_at < other.ends_at and other.starts_at < self.ends_at


def _line(code: str) -> ServiceLine:
    """The loaded line of ``code``, or a line of defaults when none is loaded (an order
    of a line whose plugin was disabled)."""
    from ..plugins import service_line

    return service_line(code) or ServiceLine(code=code)


def day_start(day: dt.date) -> dt.datetime:
    """00:00 of a business date, as aware UTC."""
    return dt.datetime.combine(day, dt.time(), SHANGHAI).astimezone(dt.timezone.utc)


def whole_days(first: dt.date, last: dt.date) -> Period:
    """The whole business days ``first`` … ``last`` (inclusive)."""
    return Period(day_start(first), day_start(last + dt.timedelta(days=1)), True)


def slot(day: dt.date, at: dt.time, hours: float) -> Period:
    """A time slot of ``hours`` from ``at`` on business date ``day``."""
    start = dt.datetime.combine(day, at, SHANGHAI).astimezone(dt.timezone.utc)
    return Period(start, start + dt.timedelta(hours=hours))


def order_period(order, from_day: dt.date | None = None) -> Period | None:
    """The period an order takes (上户 … 下户, or the visit slot); ``None`` if unknown.

    ``from_day`` starts it later (换人: the new worker from the change date)."""
    intake = order.intake or {}
    code = order.service_line
    line = _line(code)
    first = order.start_date or line.first_day(intake)
    if first is None:
        return None
    hours = line.slot_hours_for(intake)
    if hours is not None:
        hours = current_app.config.get("MATCHING_SLOT_HOURS", {}).get(code, hours)
        return slot(first, line.slot_start(intake), hours)
    last = order.end_date
    if last is None:
        term = line.term_days(intake) or current_app.config.get(
            "MATCHING_TERM_DAYS", {}).get(code, line.default_term_days)
        last = first + dt.timedelta(days=int(term) - 1)
    if from_day and from_day > first:
        first = from_day
    return whole_days(first, max(first, last))
