"""Pricing of 钟点工 (报价) from a loaded price table: pure (no clock, no database).

The hours asked for × the hourly rate of the grade booked; a visit shorter than the
table's minimum hours is charged the minimum, on a line of its own.
"""
from __future__ import annotations

from decimal import Decimal

from core import Quote, QuoteLine, format_yuan, quantize, table_floor

from . import CODE
from .schemas import GRADES

_GRADE = {value: (zh, en) for value, zh, en in GRADES}


def quote(intake: dict, table: dict) -> Quote:
    """The quote of a loaded 钟点工 intake from a loaded (validated) table."""
    hours, grade = intake["hours"], intake["grade"]
    rate, minimum = table["hour_rates"][grade], table["minimum_hours"]
    grade_zh, grade_en = _GRADE[grade]
    lines = [QuoteLine(f"{grade_zh} {hours} 小时 × {format_yuan(rate)}",
                       f"{grade_en}, {hours} h × {format_yuan(rate)}",
                       Decimal(hours), "hour", rate, quantize(rate * hours))]
    if hours < minimum:
        short = minimum - hours
        lines.append(QuoteLine(f"不足 {minimum} 小时按 {minimum} 小时计",
                               f"Charged as the minimum {minimum} h",
                               Decimal(short), "hour", rate, quantize(rate * short)))
    total = sum((line.amount for line in lines), Decimal("0.00"))
    return Quote(service_line=CODE, total=total, lines=tuple(lines),
                 minimum_applied=hours < minimum,
                 table_floor=table_floor(total, table["floor_ratio"]))
