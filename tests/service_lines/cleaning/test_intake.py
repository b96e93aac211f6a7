"""The cleaning intake refuses what a dispatcher could not price, in both languages."""
import datetime as dt

import pytest
from marshmallow import ValidationError

from core.messages import zh_for
from plugins.cleaning.schemas import SAMPLE_INTAKE, CleaningIntakeSchema


def errors_of(today=None, **over):
    raw = {**SAMPLE_INTAKE, **over}
    with pytest.raises(ValidationError) as exc:
        CleaningIntakeSchema(today=today).load(raw)
    return exc.value.messages


def test_area_must_be_positive_and_at_most_2000_m2_with_a_chinese_message():
    for area in ("0", "-5", "2000.5"):
        (message,) = errors_of(floor_area=area)["floor_area"]
        assert message == "The area must be more than 0 and at most 2000 m²."
        assert zh_for(message) == "面积必须大于 0 且不超过 2000 平方米。"


def test_unknown_kind_and_unknown_field_are_refused_in_both_languages():
    errors = errors_of(kind="windows", colour="blue")
    assert zh_for(errors["kind"][0]).startswith("必须是以下之一")
    assert zh_for(errors["colour"][0]) == "不认识的字段。"


def test_recurring_cleaning_needs_visits_or_an_end_date_but_not_both():
    (message,) = errors_of(frequency="weekly")["visits"]
    assert message.zh == "请填写上门次数或结束日期。"
    (message,) = errors_of(frequency="weekly", visits=4, end_date="2030-06-01")["end_date"]
    assert message.zh == "上门次数与结束日期只填一项。"


def test_one_off_cleaning_is_a_single_visit():
    assert errors_of(visits=3)["visits"][0].zh == "单次保洁只上门一次。"
    CleaningIntakeSchema().load({**SAMPLE_INTAKE, "visits": 1})


def test_end_date_must_fall_within_a_year_after_the_first_visit():
    for end in ("2030-05-05", "2031-05-08"):
        errors = errors_of(frequency="monthly", end_date=end)
        assert errors["end_date"][0].zh == "结束日期须在首次上门后一年之内。"


def test_preferred_date_in_the_past_is_refused_only_when_today_is_given():
    CleaningIntakeSchema().load({**SAMPLE_INTAKE, "preferred_date": "2020-01-01"})
    errors = errors_of(today=dt.date(2030, 5, 7))
    assert errors["preferred_date"][0].zh == "期望日期已经过去。"
    CleaningIntakeSchema(today=dt.date(2030, 5, 6)).load(SAMPLE_INTAKE)


def test_address_needs_a_district():
    errors = errors_of(address={"detail": "中山北路 1 号"})
    assert zh_for(errors["address"]["district"][0]) == "必填项，不能为空。"


def test_sample_intake_loads_with_defaults_filled_in():
    data = CleaningIntakeSchema().load({k: v for k, v in SAMPLE_INTAKE.items()
                                        if k not in ("dirt_level", "frequency")})
    assert data["dirt_level"] == "normal" and data["frequency"] == "one_off"
