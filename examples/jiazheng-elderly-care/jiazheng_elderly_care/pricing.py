"""Pricing of elderly care (养老护理报价) from a loaded price table: pure.

Live-in: days × the day rate of the elder's care level. Hourly: visits × hours × the
hourly rate, each visit charged at least the table's minimum hours.
"""
from __future__ import annotations

from decimal import Decimal

from core import Quote, QuoteLine, quantize, table_floor

from . import CODE
from .schemas import CARE_LEVELS

_LEVEL = {value: (zh, en) for value, zh, en in CARE_LEVELS}


def quote(intake: dict, table: dict) -> Quote:
    """The quote of a loaded elderly care intake from a loaded (validated) table."""
    level_zh, level_en = _LEVEL[intake["care_level"]]
    if intake["arrangement"] == "live_in":
        days, rate = intake["days"], table["day_rates"][intake["care_level"]]
        lines = (QuoteLine(f"住家养老护理（{level_zh}）{days} 天",
                           f"Live-in elderly care ({level_en.lower()}), {days} days",
                           Decimal(days), "day", rate, quantize(rate * days)),)
        minimum_applied = False
    else:
        charged = max(intake["hours"], table["minimum_hours"])
        hours = Decimal(charged * intake["visits"])
        rate = table["hour_rate"]
        lines = (QuoteLine(f"按小时养老护理 {intake['visits']} 次 × {charged} 小时",
                           f"Hourly elderly care, {intake['visits']} visits × {charged} h",
                           hours, "hour", rate, quantize(rate * hours)),)
        minimum_applied = charged > intake["hours"]
    total = sum((line.amount for line in lines), Decimal("0.00"))
    return Quote(service_line=CODE, total=total, lines=lines, minimum_applied=minimum_applied,
                 table_floor=table_floor(total, table["floor_ratio"]))
