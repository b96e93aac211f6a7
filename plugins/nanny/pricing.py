"""Pricing of a nanny (育婴师报价) from a loaded price table: pure.

Day-shift and live-in work is priced by the month (the table's price for the
arrangement and grade); hourly work as rate × hours a day × days a month.
"""
from __future__ import annotations

from decimal import Decimal

from core import Quote, QuoteLine, format_yuan, table_floor

from . import CODE
from .schemas import ARRANGEMENTS, GRADES


def _name(choices, value: str) -> tuple[str, str]:
    return next((zh, en) for v, zh, en in choices if v == value)


def quote(intake: dict, table: dict) -> Quote:
    """The monthly quote of a loaded nanny intake from a loaded (validated) table."""
    grade_zh, grade_en = _name(GRADES, intake["grade"])
    arrangement = intake["arrangement"]
    if arrangement == "hourly":
        rate = table["hourly_rates"][intake["grade"]]
        hours = intake["hours_per_day"]
        days = intake.get("days_per_month") or table["hourly_days_per_month"]
        line = QuoteLine(f"{grade_zh} 钟点 {hours} 小时/天 × {days} 天 × {format_yuan(rate)}",
                         f"{grade_en} nanny, hourly: {hours} h a day × {days} days "
                         f"× {format_yuan(rate)}",
                         Decimal(hours * days), "hour", rate, rate * hours * days)
        notes_zh = f"按每月 {days} 天计。"
        notes_en = f"Priced on {days} days a month."
    else:
        arr_zh, arr_en = _name(ARRANGEMENTS, arrangement)
        rate = table["monthly_rates"][arrangement][intake["grade"]]
        line = QuoteLine(f"{grade_zh} {arr_zh} 每月",
                         f"{grade_en} nanny, {arr_en.lower()}, monthly",
                         Decimal(1), "month", rate, rate)
        notes_zh, notes_en = "按月计费。", "Priced by the month."
    return Quote(service_line=CODE, total=line.amount, lines=(line,), notes_zh=notes_zh,
                 notes_en=notes_en, table_floor=table_floor(line.amount, table["floor_ratio"]))
