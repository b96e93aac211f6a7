"""Money is exact to the fen and never float; quotes and their lines add up."""
from decimal import Decimal as D

import pytest
from marshmallow import Schema, ValidationError

from core import Money, Quote, QuoteLine, Rate, format_yuan, quantize, table_floor, yuan


def test_yuan_reads_strings_ints_and_decimals_exactly():
    assert yuan("35") == D("35.00") and str(yuan("35")) == "35.00"
    assert yuan(" ¥1,200.5 ") == D("1200.50")
    assert yuan(7) == D("7.00") and yuan(D("0.1")) == D("0.10")


@pytest.mark.parametrize("value", [35.0, True, None, [1]])
def test_yuan_refuses_floats_and_non_numbers(value):
    with pytest.raises(TypeError):
        yuan(value)


@pytest.mark.parametrize("value", ["35.005", "abc", "", "NaN", "Infinity"])
def test_yuan_refuses_sub_fen_and_non_finite_amounts(value):
    with pytest.raises(ValueError):
        yuan(value)


def test_quantize_rounds_computed_amounts_half_up_to_the_fen():
    assert quantize(D("305.625")) == D("305.63")
    assert quantize(D("305.624")) == D("305.62")
    assert quantize(D("-1.005")) == D("-1.01")


def test_format_yuan_is_how_people_read_money():
    assert format_yuan(D("1234.5")) == "¥1,234.50"
    assert format_yuan(D("-32.5")) == "-¥32.50"


def test_money_and_rate_fields_refuse_floats_and_dump_strings():
    class T(Schema):
        price = Money()
        factor = Rate()

    assert T().load({"price": "35", "factor": "0.95"}) == {"price": D("35.00"), "factor": D("0.95")}
    with pytest.raises(ValidationError) as exc:
        T().load({"price": 35.5, "factor": 0.95})
    assert set(exc.value.messages) == {"price", "factor"}
    assert T().dump({"price": D("35.00"), "factor": D("0.95")}) == {"price": "35.00",
                                                                     "factor": "0.95"}


def test_quote_line_amount_must_be_quantity_times_unit_price():
    QuoteLine("日常保洁", "Routine", D(4), "visit", D("427.50"), D("1710.00"))
    with pytest.raises(ValueError):
        QuoteLine("日常保洁", "Routine", D(4), "visit", D("427.50"), D("1700.00"))


def test_quote_line_refuses_float_money_unquantized_money_and_unknown_units():
    with pytest.raises(TypeError):
        QuoteLine("x", "x", D(1), "visit", 1.5, D("1.50"))
    with pytest.raises(ValueError):
        QuoteLine("x", "x", D(1), "visit", D("1.5"), D("1.5"))
    with pytest.raises(ValueError):
        QuoteLine("x", "x", D(1), "bucket", D("1.50"), D("1.50"))


def test_quote_total_must_be_the_sum_of_its_lines():
    line = QuoteLine("金牌月嫂", "Gold", D(26), "day", D("450.00"), D("11700.00"))
    assert Quote("maternity_nurse", D("11700.00"), (line,)).as_dict()["lines"][0] == {
        "label_zh": "金牌月嫂", "label_en": "Gold", "quantity": "26", "unit": "day",
        "unit_zh": "天", "unit_en": "day", "unit_price": "450.00", "amount": "11700.00"}
    with pytest.raises(ValueError):
        Quote("maternity_nurse", D("11000.00"), (line,))
    with pytest.raises(TypeError):
        Quote("maternity_nurse", D("11700.00"), [line])


def test_table_floor_is_the_ratio_of_the_total_never_below_the_minimum_nor_above_the_total():
    assert table_floor(D("1560.00"), D("0.90")) == D("1404.00")
    assert table_floor(D("150.00"), D("0.90"), D("150.00")) == D("150.00")
    assert table_floor(D("100.00"), D("0.90"), D("150.00")) == D("100.00")
