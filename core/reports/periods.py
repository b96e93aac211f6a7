"""Months and weeks of the business calendar (Asia/Shanghai) as UTC bounds for queries."""
from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass

from ..errors import Invalid
from ..timeutil import SHANGHAI, business_today

_MONTH = re.compile(r"^(\d{4})-(\d{2})$")


@dataclass(frozen=True)
class Period:
    """A span of business days ``first``…``last`` (both included), with its UTC bounds."""

    first: dt.date
    last: dt.date

    @property
    def start(self) -> dt.datetime:
        """The first instant of ``first`` in Shanghai, as aware UTC."""
        return _utc_midnight(self.first)

    @property
    def end(self) -> dt.datetime:
        """The first instant after ``last`` (exclusive bound), as aware UTC."""
        return _utc_midnight(self.last + dt.timedelta(days=1))

    @property
    def key(self) -> str:
        """``2026-11`` for a calendar month, else ``2026-11-02..2026-11-08``."""
        if self.first.day == 1 and self.last == month_of(self.first).last:
            return f"{self.first:%Y-%m}"
        return f"{self.first.isoformat()}..{self.last.isoformat()}"

    def ended(self, today: dt.date | None = None) -> bool:
        """Whether every day of the period is past."""
        return self.last < (today or business_today())


def _utc_midnight(day: dt.date) -> dt.datetime:
    return dt.datetime.combine(day, dt.time(), SHANGHAI).astimezone(dt.timezone.utc)


def month_of(day: dt.date) -> Period:
    """The calendar month containing ``day``."""
    first = day.replace(day=1)
    nxt = (first + dt.timedelta(days=32)).replace(day=1)
    return Period(first, nxt - dt.timedelta(days=1))


def shift_month(period: Period, months: int) -> Period:
    """The calendar month ``months`` before (negative) or after ``period``'s month."""
    index = period.first.year * 12 + period.first.month - 1 + months
    return month_of(dt.date(index // 12, index % 12 + 1, 1))


def parse_month(text: str | None, field: str = "month", *, must_have_ended: bool = False,
                today: dt.date | None = None) -> Period:
    """``YYYY-MM`` → its month; 422 on ``field`` when malformed, in the future, or (with
    ``must_have_ended``) not yet over. Empty means the current month."""
    today = today or business_today()
    if not text:
        period = month_of(today)
    else:
        m = _MONTH.match(text.strip())
        if not m or not 1 <= int(m.group(2)) <= 12 or int(m.group(1)) < 2000:
            raise Invalid(fields={field: [{"en": "Give a month as YYYY-MM, e.g. 2026-11.",
                                           "zh": "月份格式应为 YYYY-MM，例如 2026-11。"}]})
        period = month_of(dt.date(int(m.group(1)), int(m.group(2)), 1))
    if period.first > today:
        raise Invalid(fields={field: [{"en": "This month has not begun yet.",
                                       "zh": "该月份尚未开始。"}]})
    if must_have_ended and not period.ended(today):
        raise Invalid(fields={field: [{
            "en": "This month has not ended yet; its report can be made from the 1st of "
                  "the next month.",
            "zh": "该月份尚未结束，次月 1 日起才能生成该月报表。"}]})
    return period


def week_of(day: dt.date) -> Period:
    """The Monday–Sunday week containing ``day``."""
    monday = day - dt.timedelta(days=day.weekday())
    return Period(monday, monday + dt.timedelta(days=6))


def parse_span(first: dt.date | None, last: dt.date | None, *, max_days: int = 92,
               today: dt.date | None = None) -> Period:
    """A span of days from query arguments (default: the last 7 days up to today);
    422 on ``to``/``from`` when reversed, in the future or too long."""
    today = today or business_today()
    last = last or today
    first = first or last - dt.timedelta(days=6)
    if last > today:
        raise Invalid(fields={"to": [{"en": "The span cannot end in the future.",
                                      "zh": "截止日期不能晚于今天。"}]})
    if first > last:
        raise Invalid(fields={"from": [{"en": "'from' must not be after 'to'.",
                                        "zh": "开始日期不能晚于截止日期。"}]})
    if (last - first).days + 1 > max_days:
        raise Invalid(fields={"from": [{"en": f"At most {max_days} days at a time.",
                                        "zh": f"一次最多 {max_days} 天。"}]})
    return Period(first, last)
