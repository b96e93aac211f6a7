"""Pricing of a child massage purchase (小儿推拿报价) from a loaded price table: pure.

A single session at the single price, or a package at its package price; sessions at
the customer's home add the home-visit surcharge per session.
"""
from __future__ import annotations

from decimal import Decimal

from core import Invalid, Msg, Quote, QuoteLine, format_yuan, quantize, table_floor

from . import CODE


def _package(table: dict, sessions: int) -> dict:
    for package in table["packages"]:
        if package["sessions"] == sessions:
            return package
    offered = "/".join(str(p["sessions"]) for p in table["packages"]) or "-"
    raise Invalid(Msg("No package of {0} sessions is offered (offered: {1}).",
                      "没有 {0} 次的套餐（可选：{1} 次）。").format(sessions, offered),
                  fields={"package_sessions": [Msg(
                      "Not on the price list; choose {0} sessions.",
                      "价目表中没有该套餐，可选 {0} 次。").format(offered)]})


def quote(intake: dict, table: dict) -> Quote:
    """The quote of a loaded child massage intake from a loaded (validated) table."""
    single = table["single_session"]
    notes_zh = notes_en = ""
    if intake["purchase"] == "package":
        sessions = intake["package_sessions"]
        price = _package(table, sessions)["price"]
        lines = [QuoteLine(f"小儿推拿套餐 {sessions} 次",
                           f"Child massage package, {sessions} sessions",
                           Decimal(1), "package", price, price)]
        each = quantize(price / sessions)
        notes_zh = f"每次约 {format_yuan(each)}"
        notes_en = f"About {format_yuan(each)} a session"
        saving = single * sessions - price
        if saving > 0:
            notes_zh += f"，比单次购买省 {format_yuan(saving)}"
            notes_en += f", {format_yuan(saving)} less than single sessions"
        notes_zh, notes_en = notes_zh + "。", notes_en + "."
    else:
        sessions = 1
        lines = [QuoteLine("小儿推拿 单次", "Child massage, single session",
                           Decimal(1), "session", single, single)]
    surcharge = table["home_visit_surcharge"]
    if intake["place"] == "home" and surcharge > 0:
        lines.append(QuoteLine(f"上门服务费 {sessions} 次 × {format_yuan(surcharge)}",
                               f"Home visit surcharge, {sessions} × {format_yuan(surcharge)}",
                               Decimal(sessions), "session", surcharge, surcharge * sessions))
    total = sum((line.amount for line in lines), Decimal("0.00"))
    return Quote(service_line=CODE, total=total, lines=tuple(lines), notes_zh=notes_zh,
                 notes_en=notes_en, table_floor=table_floor(total, table["floor_ratio"]))
