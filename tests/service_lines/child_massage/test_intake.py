"""The child massage intake and its price table refuse bad input in both languages."""
import copy
import datetime as dt

import pytest
from marshmallow import ValidationError

from core import Invalid
from core.messages import zh_for
from plugins.child_massage.price_table import default_table, validated
from plugins.child_massage.schemas import SAMPLE_INTAKE, ChildMassageIntakeSchema

from .test_pricing import TABLE


def errors_of(today=None, **over):
    with pytest.raises(ValidationError) as exc:
        ChildMassageIntakeSchema(today=today).load({**SAMPLE_INTAKE, **over})
    return exc.value.messages


def test_child_age_is_0_to_144_months():
    ChildMassageIntakeSchema().load({**SAMPLE_INTAKE, "child_age_months": 0})
    (message,) = errors_of(child_age_months=145)["child_age_months"]
    assert (message, message.zh) == ("The child's age must be 0 to 144 months.",
                                     "孩子月龄须在 0 到 144 个月之间。")


def test_needs_are_at_least_one_known_need():
    assert errors_of(needs=[])["needs"][0].zh == "请至少选择一项需求。"
    assert zh_for(errors_of(needs=["magic"])["needs"][0][0]).startswith("必须是以下之一")


def test_package_needs_its_size_and_a_single_session_has_none():
    assert errors_of(package_sessions=None)["package_sessions"][0] == \
        "Field may not be null."
    raw = {k: v for k, v in SAMPLE_INTAKE.items() if k != "package_sessions"}
    with pytest.raises(ValidationError) as exc:
        ChildMassageIntakeSchema().load(raw)
    assert exc.value.messages["package_sessions"][0].zh == "请选择套餐次数。"
    assert errors_of(purchase="single")["package_sessions"][0].zh == "单次购买不需要填写套餐次数。"


def test_place_is_home_or_company_and_required():
    raw = {k: v for k, v in SAMPLE_INTAKE.items() if k != "place"}
    with pytest.raises(ValidationError) as exc:
        ChildMassageIntakeSchema().load(raw)
    assert zh_for(exc.value.messages["place"][0]) == "必填项，不能为空。"


def test_first_session_in_the_past_is_refused_when_today_is_given():
    assert errors_of(today=dt.date(2030, 5, 7))["preferred_date"][0].zh == "期望日期已经过去。"


def test_price_table_refuses_two_packages_of_one_size_and_a_free_single_session():
    table = copy.deepcopy(TABLE)
    table["packages"].append({"sessions": 10, "price": "990.00"})
    table["single_session"] = "0.00"
    with pytest.raises(Invalid) as exc:
        validated(table)
    assert exc.value.fields["single_session"][0]["zh"] == "必须大于 0。"
    del table["single_session"]
    table["single_session"] = "120.00"
    with pytest.raises(Invalid) as exc:
        validated(table)
    assert exc.value.fields["packages"][0]["zh"] == "有两个套餐的次数相同。"


def test_default_table_is_valid_and_lists_5_10_20_session_packages():
    table = validated(default_table())
    assert [p["sessions"] for p in table["packages"]] == [5, 10, 20]
