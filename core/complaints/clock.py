"""Business time (工作时间) for the complaint clocks.

A complaint's clocks run only while the desk is open: the hotline's hours (06:00–22:00
Beijing time by default, ``COMPLAINTS_DESK_HOURS``) on official working days — public
holidays off, 调休 make-up weekends on (:mod:`core.workcalendar`, the one platform
calendar). A complaint taken at 17:50 on the last working day before National Day
therefore keeps its remaining minutes until the desk reopens after the holiday.

Pure functions of aware datetimes; nothing here reads the database.
"""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from ..timeutil import SHANGHAI
from ..workcalendar import is_working_day

#: the desk's hours (002: the hotline is staffed 06:00–22:00 in two shifts)
DEFAULT_HOURS = ("06:00", "22:00")
#: a clock never looks further ahead than this (a year of holidays is far less)
_MAX_DAYS = 800


@dataclass(frozen=True)
class DeskHours:
    """When the desk is open on a working day (Asia/Shanghai)."""

    opens: dt.time
    closes: dt.time

    @classmethod
    def parse(cls, hours: tuple[str, str] | list[str] | None) -> "DeskHours":
        """From ``("06:00", "22:00")``."""
        opens, closes = hours or DEFAULT_HOURS
        return cls(dt.time.fromisoformat(opens), dt.time.fromisoformat(closes))

    def window(self, day: dt.date) -> tuple[dt.datetime, dt.datetime] | None:
        """The open interval of ``day`` as aware datetimes, or None when closed."""
        if not is_working_day(day):
            return None
        return (dt.datetime.combine(day, self.opens, SHANGHAI),
                dt.datetime.combine(day, self.closes, SHANGHAI))


def add_business_minutes(start: dt.datetime, minutes: int, hours: DeskHours) -> dt.datetime:
    """The moment ``minutes`` of desk time after ``start`` (aware, returned in UTC).

    Started outside the hours, the count begins when the desk next opens. ``minutes`` 0
    gives the next open moment (or ``start`` itself while open).
    """
    return add_business_time(start, dt.timedelta(minutes=max(0, int(minutes))), hours)


def add_business_time(start: dt.datetime, left: dt.timedelta,
                      hours: DeskHours) -> dt.datetime:
    """The moment ``left`` of desk time after ``start`` (exact, to the microsecond)."""
    left = max(left, dt.timedelta())
    local = start.astimezone(SHANGHAI)
    day = local.date()
    for _ in range(_MAX_DAYS):
        window = hours.window(day)
        if window is not None:
            begin = max(window[0], local)
            if begin < window[1]:
                available = window[1] - begin
                if left <= available:
                    return (begin + left).astimezone(dt.timezone.utc)
                left -= available
        day += dt.timedelta(days=1)
    raise ValueError("a complaint clock runs past the calendar")  # pragma: no cover


def business_minutes_between(a: dt.datetime, b: dt.datetime, hours: DeskHours) -> int:
    """Whole minutes of desk time from ``a`` to ``b`` (0 when ``b`` ≤ ``a``)."""
    return int(business_time_between(a, b, hours).total_seconds() // 60)


def business_time_between(a: dt.datetime, b: dt.datetime, hours: DeskHours) -> dt.timedelta:
    """Desk time from ``a`` to ``b``, exact (zero when ``b`` ≤ ``a``)."""
    if b <= a:
        return dt.timedelta()
    a_local, b_local = a.astimezone(SHANGHAI), b.astimezone(SHANGHAI)
    total = dt.timedelta()
    day = a_local.date()
    while day <= b_local.date():
        window = hours.window(day)
        if window is not None:
            begin, end = max(window[0], a_local), min(window[1], b_local)
            if end > begin:
                total += end - begin
        day += dt.timedelta(days=1)
    return total
