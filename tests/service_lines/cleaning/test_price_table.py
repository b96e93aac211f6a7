"""A company's edited cleaning price table is checked before it can price anything."""
import copy

import pytest

from core import Invalid
from plugins.cleaning.price_table import default_table, validated

from .test_pricing import TABLE


def refusal(mutate) -> dict:
    table = copy.deepcopy(TABLE)
    mutate(table)
    with pytest.raises(Invalid) as exc:
        validated(table)
    assert exc.value.status == 422
    return exc.value.fields


def test_default_table_ships_as_json_with_money_as_strings():
    table = default_table()
    assert table["minimum_per_visit"] == "150.00"
    assert validated(table)["minimum_per_visit"] == validated(TABLE)["minimum_per_visit"]
    table["currency"] = "USD"
    assert default_table()["currency"] == "CNY"  # every call is a fresh copy


def test_missing_rate_for_a_kind_is_named():
    fields = refusal(lambda t: t["area_bands"][0]["rates"].pop("deep"))
    assert fields["area_bands.0.rates"] == [{"en": "Missing entries: deep.",
                                             "zh": "缺少条目：deep。"}]


def test_float_money_and_negative_money_are_refused():
    fields = refusal(lambda t: t.update(minimum_per_visit=150.5))
    assert fields["minimum_per_visit"][0]["zh"].startswith("不是有效的金额")
    fields = refusal(lambda t: t.update(minimum_per_visit="-1.00"))
    assert fields["minimum_per_visit"][0]["zh"] == "不能为负数。"


def test_bands_must_rise_and_reach_the_largest_area():
    fields = refusal(lambda t: t["area_bands"].reverse())
    assert fields["area_bands"][0]["zh"] == "面积档位必须从小到大排列且不重复。"
    fields = refusal(lambda t: t["area_bands"].pop())
    assert fields["area_bands"][0]["en"] == "The last area band must reach 2000 m²."


def test_discount_above_one_unknown_key_and_foreign_currency_are_refused():
    fields = refusal(lambda t: t["frequency_discounts"].update(weekly="1.10"))
    assert fields["frequency_discounts.weekly.value"][0]["zh"] == "折扣系数不能大于 1。"
    fields = refusal(lambda t: t.update(tip="5.00", currency="USD"))
    assert set(fields) == {"tip", "currency"}


def test_table_that_is_not_an_object_is_refused():
    with pytest.raises(Invalid):
        validated(["not", "a", "table"])
