"""The 钟点工 line's own rules: the minimum hours, the grade's rate, the senior rule."""
from __future__ import annotations

from decimal import Decimal

import pytest
from jiazheng_hourly_help import pricing
from jiazheng_hourly_help.line import SENIOR_NEEDS_GOLD
from jiazheng_hourly_help.price_table import default_table, validated
from jiazheng_hourly_help.schemas import SAMPLE_INTAKE, HourlyHelpIntakeSchema

from core import Invalid


def load(**changes) -> dict:
    return HourlyHelpIntakeSchema().load({**SAMPLE_INTAKE, **changes})


def test_three_hours_of_a_standard_worker_cost_three_times_the_rate():
    quote = pricing.quote(load(), validated(default_table()))
    assert quote.total == Decimal("120.00") and not quote.minimum_applied
    assert quote.lines[0].label_zh == "普通阿姨 3 小时 × ¥40.00"


def test_one_hour_is_charged_as_the_two_hour_minimum_on_a_line_of_its_own():
    quote = pricing.quote(load(hours=1, grade="senior"), validated(default_table()))
    assert quote.total == Decimal("110.00") and quote.minimum_applied
    assert [line.amount for line in quote.lines] == [Decimal("55.00"), Decimal("55.00")]


def test_a_table_missing_a_grade_is_refused_naming_it():
    table = default_table()
    del table["hour_rates"]["senior"]
    with pytest.raises(Invalid) as caught:
        validated(table)
    assert "hour_rates" in caught.value.fields


def test_a_senior_booking_is_matched_only_to_gold_grade_workers_or_above():
    senior, standard = {"grade": "senior"}, {"grade": "standard"}
    assert SENIOR_NEEDS_GOLD.check(senior, {"grade": "gold"})
    assert not SENIOR_NEEDS_GOLD.check(senior, {"grade": "silver"})
    assert SENIOR_NEEDS_GOLD.check(standard, {"grade": "junior"})
