"""Chinese public holidays (法定节假日) in a service period, for the holiday greetings.

The dates come from the ``chinese_calendar`` package, which publishes the State
Council's calendar for each year once announced (holidays with their 调休 arrangement).
It covers only the years already announced (see :func:`covered_years`); a period that
reaches past them gets greetings for the covered part only, and :func:`holidays_in`
reports the years it could not see, so nobody mistakes silence for "no holiday".
Upgrade the package and run ``jiazheng followups replan`` when a new year is announced.
"""
from __future__ import annotations

import datetime as dt
import functools
from dataclasses import dataclass

import chinese_calendar
from chinese_calendar import constants

#: the package's English holiday names → Chinese
NAME_ZH = {
    "New Year's Day": "元旦",
    "Spring Festival": "春节",
    "Tomb-sweeping Day": "清明节",
    "Labour Day": "劳动节",
    "Dragon Boat Festival": "端午节",
    "National Day": "国庆节",
    "Mid-autumn Festival": "中秋节",
    "Anti-Fascist 70th Day": "抗战胜利70周年纪念日",
}

#: days of the same holiday at most this far apart belong to one holiday (国庆 + 中秋
#: interleave: 2025-10-01…05 国庆, 10-06 中秋, 10-07…08 国庆 is one 国庆)
_SAME_HOLIDAY_GAP_DAYS = 7


@dataclass(frozen=True)
class Holiday:
    """One public holiday as it falls in a period: its first day there, and its names."""

    date: dt.date
    name_en: str
    name_zh: str


@dataclass(frozen=True)
class HolidayScan:
    """The holidays found in a period, and the years the calendar does not cover."""

    holidays: tuple[Holiday, ...]
    uncovered_years: tuple[int, ...]


@functools.cache
def covered_years() -> tuple[int, int]:
    """First and last year the installed calendar publishes."""
    years = sorted({d.year for d in constants.holidays})
    return years[0], years[-1]


def _holiday_name(day: dt.date) -> str | None:
    is_holiday, name = chinese_calendar.get_holiday_detail(day)
    if not is_holiday or name is None:  # a plain weekend has no name
        return None
    return getattr(name, "value", None) or str(name)


def holidays_in(start: dt.date, end: dt.date) -> HolidayScan:
    """Public holidays falling within ``start``…``end`` (both included).

    Each holiday is given once, dated by its first day inside the period (a service
    starting on 10-03 greets 国庆 on 10-03, not 10-01).
    """
    first, last = covered_years()
    uncovered = tuple(y for y in range(start.year, end.year + 1) if not first <= y <= last)
    found: list[Holiday] = []
    last_seen: dict[str, dt.date] = {}
    greeted: set[str] = set()  # names greeted in their current block
    # look back a little, so a holiday begun before the period is known as the same one
    day = max(start - dt.timedelta(days=_SAME_HOLIDAY_GAP_DAYS), dt.date(first, 1, 1))
    stop = min(end, dt.date(last, 12, 31))
    while day <= stop:
        name = _holiday_name(day)
        if name is not None:
            previous = last_seen.get(name)
            if previous is None or (day - previous).days > _SAME_HOLIDAY_GAP_DAYS:
                greeted.discard(name)  # a new block of this holiday
            last_seen[name] = day
            if day >= start and name not in greeted:
                greeted.add(name)
                found.append(Holiday(day, name, NAME_ZH.get(name, name)))
        day += dt.timedelta(days=1)
    return HolidayScan(tuple(found), uncovered)
