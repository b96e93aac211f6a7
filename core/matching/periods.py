"""The period of a worker's time an order takes (服务时段), in UTC.

Live-in lines (月嫂, 育婴师) take whole business days: from 00:00 of the first day to
00:00 after the last (Asia/Shanghai). Visit lines (保洁, 小儿推拿) take a time slot: the
preferred date and time of the intake for the line's slot length.
"""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from flask import current_app

from ..timeutil import SHANGHAI

#: Hours of one visit or session per line (config ``MATCHING_SLOT_HOURS`` overrides).
SLOT_HOURS = {"cleaning": 4, "child_massage": 1}
#: Days of a live-in term when the intake names none (config ``MATCHING_TERM_DAYS``).
TERM_DAYS = {"maternity_nurse": 26, "nanny": 30}
#: intake fields that give the first day of service, tried in order
_DATE_FIELDS = ("preferred_date", "start_date", "expected_delivery_date")


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


def _cfg(name: str, default: dict) -> dict:
    return {**default, **current_app.config.get(name, {})}


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


def _date(value) -> dt.date | None:
    if isinstance(value, dt.date):
        return value
    try:
        return dt.date.fromisoformat(str(value)) if value else None
    except ValueError:
        return None


def order_period(order, from_day: dt.date | None = None) -> Period | None:
    """The period an order takes (上户 … 下户, or the visit slot); ``None`` if unknown.

    ``from_day`` starts it later (换人: the new worker from the change date)."""
    intake = order.intake or {}
    line = order.service_line
    first = order.start_date or next(
        (d for d in (_date(intake.get(f)) for f in _DATE_FIELDS) if d), None)
    if first is None:
        return None
    if line in SLOT_HOURS or "preferred_time" in intake:
        at = dt.time.fromisoformat(str(intake.get("preferred_time") or "09:00"))
        hours = _cfg("MATCHING_SLOT_HOURS", SLOT_HOURS).get(line, 2)
        return slot(first, at, hours)
    last = order.end_date
    if last is None:
        term = intake.get("term_days") or _cfg("MATCHING_TERM_DAYS", TERM_DAYS).get(line, 30)
        last = first + dt.timedelta(days=int(term) - 1)
    if from_day and from_day > first:
        first = from_day
    return whole_days(first, max(first, last))
