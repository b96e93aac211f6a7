"""Amounts in Chinese capital numerals (大写金额), as printed on contracts and receipts.

Follows the rules for filling in bills (《正确填写票据和结算凭证的基本规定》):
壹贰叁肆伍陆柒捌玖 with 拾佰仟万亿; "壹拾" is written in full; one 零 stands for any run
of zeros inside the number; an amount ending at 元 or 角 ends with 整, one with 分 does
not; a zero 元 digit before 角, or a zero 角 before 分, is marked with 零
(¥1,680.32 → 壹仟陆佰捌拾元零叁角贰分, ¥325.04 → 叁佰贰拾伍元零肆分).

Kept hand-written on purpose: cn2an (``an2cn(x, "rmb")``), the library the issue
suggested, does not follow these rules — it writes 壹仟陆佰捌拾元叁角贰分 (no 零 for the
zero 元 digit) and 壹万贰仟叁佰肆拾伍元陆角 (no 整 after 角), which a bank or a
customer's accountant may refuse on a contract or receipt.
"""
from __future__ import annotations

from decimal import Decimal

from ..money import quantize

DIGITS = "零壹贰叁肆伍陆柒捌玖"
_PLACES = ("仟", "佰", "拾", "")
_GROUPS = ("", "万", "亿", "万亿")


def _group(value: int) -> str:
    """A number below 10,000 in capitals, without leading or trailing zeros."""
    out, pending_zero, started = "", False, False
    for digit, place in zip(f"{value:04d}", _PLACES, strict=True):
        d = int(digit)
        if d == 0:
            pending_zero = pending_zero or started
            continue
        if pending_zero:
            out += "零"
            pending_zero = False
        out += DIGITS[d] + place
        started = True
    return out


def _integer(value: int) -> str:
    """Whole yuan in capitals (empty for zero)."""
    groups = []
    while value:
        groups.append(value % 10_000)
        value //= 10_000
    if len(groups) > len(_GROUPS):
        raise ValueError("amount too large for capital numerals")
    out, gap = "", False
    for index in range(len(groups) - 1, -1, -1):
        group = groups[index]
        if group == 0:
            gap = gap or bool(out)
            continue
        if out and (gap or group < 1000):
            out += "零"
        out += _group(group) + _GROUPS[index]
        gap = False
    return out


def to_capital_yuan(amount: Decimal) -> str:
    """An amount in yuan as Chinese capital numerals: 12345.60 → 壹万贰仟叁佰肆拾伍元陆角整.

    Rounds to the fen first; negative amounts are prefixed 负; zero is 零元整.
    """
    if isinstance(amount, float):
        raise TypeError("money is never a float")
    amount = quantize(amount)
    sign = "负" if amount < 0 else ""
    fen_total = int(abs(amount) * 100)
    yuan, jiao, fen = fen_total // 100, fen_total // 10 % 10, fen_total % 10
    if fen_total == 0:
        return "零元整"
    out = ""
    if yuan:
        out = _integer(yuan) + "元"
    if jiao:
        if yuan and yuan % 10 == 0:
            out += "零"
        out += DIGITS[jiao] + "角"
    elif fen and yuan:
        out += "零"
    out += DIGITS[fen] + "分" if fen else "整"
    return sign + out
