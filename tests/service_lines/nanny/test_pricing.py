"""Nanny (育婴师) prices: monthly by arrangement and grade, or hourly."""
import copy
from decimal import Decimal as D

import pytest

from core import Invalid
from plugins.nanny.price_table import default_table, validated
from plugins.nanny.pricing import quote
from plugins.nanny.schemas import NannyIntakeSchema

TABLE = {
    "currency": "CNY", "floor_ratio": "0.95",
    "monthly_rates": {
        "day_shift": {"junior": "4800.00", "intermediate": "5800.00", "senior": "7000.00"},
        "live_in": {"junior": "5800.00", "intermediate": "6800.00", "senior": "8200.00"}},
    "hourly_rates": {"junior": "35.00", "intermediate": "40.00", "senior": "50.00"},
    "hourly_days_per_month": 26,
}


def price(table=TABLE, **over):
    raw = {"child_age_months": 8, "arrangement": "live_in", "grade": "senior",
           "start_date": "2030-05-06", **over}
    return quote(NannyIntakeSchema().load(raw), validated(copy.deepcopy(table)))


def test_live_in_senior_nanny_is_the_monthly_price_of_the_table():
    q = price()
    assert [(line.label_zh, line.unit, line.amount) for line in q.lines] == [
        ("高级育婴师 住家 每月", "month", D("8200.00"))]
    assert q.total == D("8200.00") and q.table_floor == D("7790.00")


def test_day_shift_is_priced_from_its_own_column():
    assert price(arrangement="day_shift", grade="junior").total == D("4800.00")


def test_hourly_nanny_is_rate_times_hours_times_the_tables_days_a_month():
    q = price(arrangement="hourly", grade="junior", hours_per_day=4)
    (line,) = q.lines
    assert (line.quantity, line.unit, line.unit_price, line.amount) == (
        D(104), "hour", D("35.00"), D("3640.00"))  # 4 h × 26 days × 35.00
    assert line.label_zh == "初级育婴师 钟点 4 小时/天 × 26 天 × ¥35.00"
    assert q.notes_zh == "按每月 26 天计。"


def test_hourly_nanny_on_fewer_days_a_month_is_priced_on_those_days():
    assert price(arrangement="hourly", hours_per_day=3, days_per_month=22).total == \
        D("3300.00")  # 3 × 22 × 50.00


def test_default_table_prices_every_grade_and_arrangement():
    table = validated(default_table())
    assert set(table["monthly_rates"]) == {"day_shift", "live_in"}


def test_price_table_refuses_an_hourly_column_in_monthly_rates_and_zero_days():
    table = copy.deepcopy(TABLE)
    table["monthly_rates"]["hourly"] = table["hourly_rates"]
    table["hourly_days_per_month"] = 0
    with pytest.raises(Invalid) as exc:
        validated(table)
    assert exc.value.fields["monthly_rates"][0]["zh"] == "不认识的条目：hourly。"
    assert "hourly_days_per_month" in exc.value.fields
