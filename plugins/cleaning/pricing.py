"""Pricing of a cleaning request (保洁报价) from a loaded price table: pure.

Per visit: area × the band's rate for the kind — never less than the top price of a
smaller band (档位衔接), so a larger area never costs less — then the dirt factor, then
the frequency discount, topped up to the minimum charge; times the number of visits.
Each step is its own line, counted in visits, so the lines sum to the total.
"""
from __future__ import annotations

import calendar
import datetime as dt
from decimal import Decimal

from core import Quote, QuoteLine, format_yuan, quantize, table_floor

from . import CODE
from .schemas import DIRT_LEVELS, FREQUENCIES, KINDS

_STEP_DAYS = {"weekly": 7, "fortnightly": 14}


def _name(choices, value: str) -> tuple[str, str]:
    return next((zh, en) for v, zh, en in choices if v == value)


def _plain(number: Decimal) -> str:
    return f"{number.normalize():f}"


def _add_months(day: dt.date, months: int) -> dt.date:
    year, month = divmod(day.month - 1 + months, 12)
    year, month = day.year + year, month + 1
    return day.replace(year=year, month=month,
                       day=min(day.day, calendar.monthrange(year, month)[1]))


def visit_dates(intake: dict) -> list[dt.date]:
    """The dates of the visits an intake asks for: one for a one-off; every week, two
    weeks or month from the preferred date, ``visits`` of them or up to ``end_date``."""
    start, frequency = intake["preferred_date"], intake["frequency"]
    if frequency == "one_off":
        return [start]
    visits, end = intake.get("visits"), intake.get("end_date")
    dates, k = [], 0
    while (visits is None or k < visits):
        day = (_add_months(start, k) if frequency == "monthly"
               else start + dt.timedelta(days=_STEP_DAYS[frequency] * k))
        if end is not None and day > end:
            break
        dates.append(day)
        k += 1
    return dates


def band_floor(bands: list[dict], kind: str,
               area: Decimal) -> tuple[Decimal, Decimal, Decimal] | None:
    """The dearest top price among the bands below the one ``area`` falls in:
    ``(up_to, rate, up_to × rate)``, or None in the first band.

    A band's rate applies to the whole area, and larger bands have lower rates, so
    without this floor 61 ㎡ (× ¥5.00 = ¥305) would cost less than 60 ㎡ (× ¥6.00 =
    ¥360). Charging at least the top price of every smaller band makes the price
    never fall as the area grows, and leaves every price inside a band unchanged.
    """
    best = None
    for band in bands:
        if area <= band["up_to"]:
            break
        top = quantize(band["up_to"] * band["rates"][kind])
        if best is None or top > best[2]:
            best = (band["up_to"], band["rates"][kind], top)
    return best


def _line(zh: str, en: str, visits: int, per_visit: Decimal) -> QuoteLine:
    return QuoteLine(zh, en, Decimal(visits), "visit", per_visit, per_visit * visits)


def quote(intake: dict, table: dict) -> Quote:
    """The quote of a loaded cleaning intake from a loaded (validated) price table."""
    area, kind = intake["floor_area"], intake["kind"]
    visits = len(visit_dates(intake))
    rate = next(band["rates"][kind] for band in table["area_bands"] if area <= band["up_to"])
    kind_zh, kind_en = _name(KINDS, kind)
    per_visit = quantize(area * rate)
    lines = [_line(f"{kind_zh} {_plain(area)}㎡ × {format_yuan(rate)}",
                   f"{kind_en} {_plain(area)} m² × {format_yuan(rate)}", visits, per_visit)]

    floor = band_floor(table["area_bands"], kind, area)
    if floor is not None and floor[2] > per_visit:
        up_to, band_rate, top = floor
        lines.append(_line(
            f"不低于 {_plain(up_to)}㎡ 档价格（{_plain(up_to)}㎡ × {format_yuan(band_rate)} = "
            f"{format_yuan(top)}）",
            f"Not less than the {_plain(up_to)} m² band's price ({_plain(up_to)} m² × "
            f"{format_yuan(band_rate)} = {format_yuan(top)})", visits, top - per_visit))
        per_visit = top

    factor = table["dirt_factors"][intake["dirt_level"]]
    if factor != 1:
        dirt_zh, dirt_en = _name(DIRT_LEVELS, intake["dirt_level"])
        step = quantize(per_visit * (factor - 1))
        lines.append(_line(f"{dirt_zh} ×{_plain(factor)}", f"{dirt_en} ×{_plain(factor)}",
                           visits, step))
        per_visit += step

    discount = table["frequency_discounts"][intake["frequency"]]
    if discount != 1:
        freq_zh, freq_en = _name(FREQUENCIES, intake["frequency"])
        step = quantize(per_visit * (discount - 1))
        lines.append(_line(f"{freq_zh} {_plain(discount * 10)}折",
                           f"{freq_en}: {_plain((1 - discount) * 100)}% off", visits, step))
        per_visit += step

    minimum = table["minimum_per_visit"]
    minimum_applied = per_visit < minimum
    if minimum_applied:
        lines.append(_line(f"最低消费补足（每次 {format_yuan(minimum)}）",
                           f"Top-up to the minimum charge ({format_yuan(minimum)} a visit)",
                           visits, minimum - per_visit))
        per_visit = minimum

    total = per_visit * visits
    return Quote(
        service_line=CODE, total=total, lines=tuple(lines), minimum_applied=minimum_applied,
        notes_zh=f"共 {visits} 次上门，每次 {format_yuan(per_visit)}。",
        notes_en=f"{visits} visit{'s' if visits > 1 else ''} at {format_yuan(per_visit)} each.",
        table_floor=table_floor(total, table["floor_ratio"], minimum * visits))
