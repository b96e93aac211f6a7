"""Maternity nurse (月嫂) prices: the grade's daily rate × days, plus twins."""
import copy
from decimal import Decimal as D

import pytest

from core import Invalid
from plugins.maternity_nurse.price_table import default_table, validated
from plugins.maternity_nurse.pricing import quote
from plugins.maternity_nurse.schemas import MaternityNurseIntakeSchema

TABLE = {
    "currency": "CNY", "floor_ratio": "0.95",
    "daily_rates": {"junior": "260.00", "silver": "340.00", "gold": "450.00",
                    "platinum": "570.00", "diamond": "720.00", "crown": "900.00"},
    "twins_daily_surcharge": "100.00", "standard_terms": [26, 42, 52],
}


def price(table=TABLE, **over):
    raw = {"expected_delivery_date": "2030-05-06", "grade": "gold", **over}
    return quote(MaternityNurseIntakeSchema().load(raw), validated(copy.deepcopy(table)))


def test_standard_26_day_gold_term_is_26_times_the_gold_daily_rate():
    q = price()
    assert [(line.label_zh, line.quantity, line.unit, line.amount) for line in q.lines] == [
        ("金牌月嫂 26 天 × ¥450.00", D(26), "day", D("11700.00"))]
    assert q.total == D("11700.00")
    assert q.table_floor == D("11115.00")  # 11700 × 0.95
    assert q.notes_zh == "住家服务。"


def test_twins_add_the_daily_surcharge_for_every_day():
    q = price(grade="platinum", term_days=42, twins=True)
    # 42 × 570.00 = 23940.00; 42 × 100.00 = 4200.00
    assert [line.amount for line in q.lines] == [D("23940.00"), D("4200.00")]
    assert q.lines[1].label_zh == "双胞胎护理 42 天 × ¥100.00"
    assert q.total == D("28140.00")


def test_a_term_off_the_standard_list_is_priced_and_noted():
    q = price(grade="crown", term_days=30, live_in=False)
    assert q.total == D("27000.00")  # 30 × 900.00
    assert q.notes_zh == "白班（不住家）。非标准周期（标准：26/42/52 天）。"


def test_default_table_has_a_daily_rate_for_each_of_the_six_grades():
    table = validated(default_table())
    assert list(table["daily_rates"]) == ["junior", "silver", "gold", "platinum", "diamond",
                                          "crown"]


def test_price_table_refuses_a_missing_grade_and_a_term_over_120_days():
    table = copy.deepcopy(TABLE)
    del table["daily_rates"]["crown"]
    table["standard_terms"] = [26, 121]
    with pytest.raises(Invalid) as exc:
        validated(table)
    assert exc.value.fields["daily_rates"][0]["en"] == "Missing entries: crown."
    assert "standard_terms.1" in exc.value.fields
