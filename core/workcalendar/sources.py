"""Where a year's official schedule (放假安排) comes from, one year at a time.

Each source gives a :class:`YearSchedule`: the public holidays (法定节假日, with their 调休
days off) and the make-up working weekends (调休上班) of one calendar year, as the State
Council publishes them each autumn. In order of precedence:

1. ``admin`` — a schedule an administrator entered (latest version wins), see
   :mod:`core.workcalendar.service`; the only source for a year no package carries yet.
2. ``chinese_calendar`` — the ``chinese-calendar`` package (the State Council's notices,
   2004 up to its last published year).
3. ``holidays`` — the ``holidays`` package's China calendar, for the years whose notice it
   has encoded with its 调休 substitutions (``special_public_holidays``); a newer release of
   either package that knows a new year is picked up with no code change.
4. ``estimate`` — otherwise the ``holidays`` package's rule-based China calendar (the fixed
   and lunar festivals, a weekend festival's day off moved to the next weekday) without any
   make-up working day. Marked ``official=False``: every date computed from it says so.
"""
from __future__ import annotations

import datetime as dt
import functools
import re
from collections.abc import Mapping
from dataclasses import dataclass, field

import chinese_calendar
import holidays as holidays_pkg
from chinese_calendar import Holiday as CCHoliday

#: source codes, most authoritative first
SOURCES = ("admin", "chinese_calendar", "holidays", "estimate")

#: the ``holidays`` package's English names → chinese_calendar's :class:`Holiday`
_HOLIDAYS_PKG_NAMES = (
    ("New Year's Day", CCHoliday.new_years_day),
    ("Chinese New Year", CCHoliday.spring_festival),
    ("Tomb-Sweeping", CCHoliday.tomb_sweeping_day),
    ("Labor Day", CCHoliday.labour_day),
    ("Dragon Boat", CCHoliday.dragon_boat_festival),
    ("Mid-Autumn", CCHoliday.mid_autumn_festival),
    ("National Day", CCHoliday.national_day),
)
#: a day off given in exchange (调休) belongs to the named holiday at most this many days away
_SAME_HOLIDAY_GAP_DAYS = 7


@dataclass(frozen=True)
class HolidayName:
    """The name of a public holiday in both languages."""

    zh: str
    en: str


def holiday_name_of(holiday: CCHoliday) -> HolidayName:
    """The name of one of chinese_calendar's holidays (its own ``Holiday.chinese``)."""
    return HolidayName(holiday.chinese, holiday.value)


#: every name a schedule may use, by English name (an admin picks one of these)
KNOWN_NAMES: dict[str, HolidayName] = {h.value: holiday_name_of(h) for h in CCHoliday}


@dataclass(frozen=True)
class YearSchedule:
    """One year's official schedule: days off with their holiday's name, and the make-up
    working days (调休上班, usually weekends). ``official`` is False for an estimate."""

    year: int
    source: str
    official: bool
    days_off: Mapping[dt.date, HolidayName] = field(default_factory=dict)
    make_up_days: frozenset[dt.date] = frozenset()
    version: int | None = None

    def is_working_day(self, day: dt.date) -> bool:
        """Make-up days work, days off don't, otherwise Monday–Friday."""
        if day in self.make_up_days:
            return True
        if day in self.days_off:
            return False
        return day.weekday() < 5


@functools.cache
def chinese_calendar_years() -> tuple[int, int]:
    """First and last year the installed chinese-calendar package publishes."""
    years = sorted({d.year for d in chinese_calendar.holidays})
    return years[0], years[-1]


@functools.cache
def from_chinese_calendar(year: int) -> YearSchedule | None:
    """The year as chinese-calendar publishes it, or None outside its years."""
    first, last = chinese_calendar_years()
    if not first <= year <= last:
        return None
    by_value = {h.value: h for h in CCHoliday}
    days_off = {d: holiday_name_of(by_value[name]) for d, name in chinese_calendar.holidays.items()
                if d.year == year and name in by_value}
    make_up = frozenset(d for d in chinese_calendar.workdays if d.year == year)
    return YearSchedule(year, "chinese_calendar", True, days_off, make_up)


def _official_holidays_pkg_years() -> Mapping[int, tuple]:
    from holidays.countries.china import ChinaStaticHolidays

    return ChinaStaticHolidays.special_public_holidays


def _name_from_holidays_pkg(label: str) -> CCHoliday | None:
    for needle, holiday in _HOLIDAYS_PKG_NAMES:
        if needle in label:
            return holiday
    return None


_SUBSTITUTED = re.compile(r"substituted from (\d{2})/(\d{2})/(\d{4})")


def _from_holidays_pkg(year: int, official: bool) -> YearSchedule:
    labels = dict(holidays_pkg.China(years=year, language="en_US").items())
    named: dict[dt.date, CCHoliday] = {}
    unnamed: list[dt.date] = []
    make_up: set[dt.date] = set()
    for day, label in labels.items():
        holiday = _name_from_holidays_pkg(label)
        if holiday is None:
            unnamed.append(day)
        else:
            named[day] = holiday
        if official and (m := _SUBSTITUTED.search(label)):
            make_up.add(dt.date(int(m[3]), int(m[1]), int(m[2])))
    for day in unnamed:  # a 调休 day off takes the name of the holiday it extends
        near = min(named, key=lambda d: abs((d - day).days), default=None)
        if near is not None and abs((near - day).days) <= _SAME_HOLIDAY_GAP_DAYS:
            named[day] = named[near]
    days_off = {d: holiday_name_of(h) for d, h in named.items()}
    source = "holidays" if official else "estimate"
    return YearSchedule(year, source, official, days_off, frozenset(make_up))


@functools.cache
def from_holidays_package(year: int) -> YearSchedule | None:
    """The year from the ``holidays`` package, when it has encoded the State Council's
    notice for it (its 调休 substitutions); None otherwise."""
    if year not in _official_holidays_pkg_years():
        return None
    return _from_holidays_pkg(year, official=True)


@functools.cache
def estimate(year: int) -> YearSchedule:
    """A rule-based guess for a year no source publishes (never a make-up working day)."""
    return _from_holidays_pkg(year, official=False)


@functools.cache
def package_schedule(year: int) -> YearSchedule:
    """The best schedule the installed packages give for ``year`` (maybe an estimate)."""
    return from_chinese_calendar(year) or from_holidays_package(year) or estimate(year)
