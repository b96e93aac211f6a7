"""Amounts in Chinese capital numerals (大写) as printed on contracts."""
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from core.orders.numerals import DIGITS, to_capital_yuan


@pytest.mark.parametrize("amount, capital", [
    ("12345.60", "壹万贰仟叁佰肆拾伍元陆角整"),
    ("0", "零元整"),
    ("0.05", "伍分"),
    ("0.50", "伍角整"),
    ("1.05", "壹元零伍分"),
    ("10", "壹拾元整"),
    ("16", "壹拾陆元整"),
    ("101", "壹佰零壹元整"),
    ("1005", "壹仟零伍元整"),
    ("1010", "壹仟零壹拾元整"),
    ("1000.05", "壹仟元零伍分"),
    ("20000", "贰万元整"),
    ("100000", "壹拾万元整"),
    ("100010", "壹拾万零壹拾元整"),
    ("10000100", "壹仟万零壹佰元整"),
    ("100000000", "壹亿元整"),
    ("100010000", "壹亿零壹万元整"),
    ("100001000", "壹亿零壹仟元整"),
    # the examples of 《正确填写票据和结算凭证的基本规定》
    ("1409.50", "壹仟肆佰零玖元伍角整"),
    ("6007.14", "陆仟零柒元壹角肆分"),
    ("1680.32", "壹仟陆佰捌拾元零叁角贰分"),
    ("107000.53", "壹拾万柒仟元零伍角叁分"),
    ("325.04", "叁佰贰拾伍元零肆分"),
])
def test_capital_numerals_follow_the_rules_for_bills(amount, capital):
    assert to_capital_yuan(Decimal(amount)) == capital


def test_a_negative_amount_is_prefixed_fu():
    assert to_capital_yuan(Decimal("-5")) == "负伍元整"


def test_a_float_is_refused():
    with pytest.raises(TypeError):
        to_capital_yuan(12.5)


def _read_back(text: str) -> int:
    """Parse capitals back into fen (the inverse, written independently for the test)."""
    digits = {c: i for i, c in enumerate(DIGITS)}
    small = {"拾": 10, "佰": 100, "仟": 1000}
    total_fen, section, number = 0, 0, 0
    yuan = 0
    text = text.removesuffix("整")
    for ch in text:
        if ch in digits:
            number = digits[ch]
        elif ch in small:
            section += number * small[ch]
            number = 0
        elif ch == "万":
            yuan += (section + number) * 10_000
            section = number = 0
        elif ch == "亿":
            yuan = (yuan + section + number) * 100_000_000
            section = number = 0
        elif ch == "元":
            yuan += section + number
            section = number = 0
        elif ch == "角":
            total_fen += number * 10
            number = 0
        elif ch == "分":
            total_fen += number
            number = 0
    return yuan * 100 + total_fen


@given(st.integers(min_value=0, max_value=99_999_999_999))
def test_capitals_read_back_to_the_same_amount(fen):
    amount = Decimal(fen) / 100
    text = to_capital_yuan(amount)
    assert _read_back(text) == fen
    assert "零零" not in text
    assert text.endswith("整") != text.endswith("分")
