"""Pricing of a maternity nurse term (月嫂报价) from a loaded price table: pure.

The grade's daily rate × the term's days, plus the twins surcharge per day.
"""
from __future__ import annotations

from decimal import Decimal

from core import Quote, QuoteLine, format_yuan, table_floor

from . import CODE
from .schemas import GRADES


def quote(intake: dict, table: dict) -> Quote:
    """The quote of a loaded maternity nurse intake from a loaded (validated) table."""
    days, grade = intake["term_days"], intake["grade"]
    grade_zh, grade_en = next((zh, en) for v, zh, en in GRADES if v == grade)
    rate = table["daily_rates"][grade]
    lines = [QuoteLine(f"{grade_zh}月嫂 {days} 天 × {format_yuan(rate)}",
                       f"{grade_en} maternity nurse, {days} days × {format_yuan(rate)}",
                       Decimal(days), "day", rate, rate * days)]
    surcharge = table["twins_daily_surcharge"]
    if intake["twins"] and surcharge > 0:
        lines.append(QuoteLine(f"双胞胎护理 {days} 天 × {format_yuan(surcharge)}",
                               f"Twins, {days} days × {format_yuan(surcharge)}",
                               Decimal(days), "day", surcharge, surcharge * days))
    total = sum((line.amount for line in lines), Decimal("0.00"))
    notes_zh = "住家服务。" if intake["live_in"] else "白班（不住家）。"
    notes_en = "Live-in." if intake["live_in"] else "Day shift (not live-in)."
    terms = table["standard_terms"]
    if days not in terms:
        listed = "/".join(map(str, terms))
        notes_zh += f"非标准周期（标准：{listed} 天）。"
        notes_en += f" Not a standard term (standard: {listed} days)."
    return Quote(service_line=CODE, total=total, lines=tuple(lines), notes_zh=notes_zh,
                 notes_en=notes_en, table_floor=table_floor(total, table["floor_ratio"]))
