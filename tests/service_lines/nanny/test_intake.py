"""The nanny intake: arrangement, hours, start date and the family's requirements."""
import datetime as dt

import pytest
from marshmallow import ValidationError

from core.messages import zh_for
from plugins.nanny.schemas import SAMPLE_INTAKE, NannyIntakeSchema


def errors_of(today=None, **over):
    with pytest.raises(ValidationError) as exc:
        NannyIntakeSchema(today=today).load({**SAMPLE_INTAKE, **over})
    return exc.value.messages


def test_hourly_work_needs_the_hours_a_day():
    assert errors_of(arrangement="hourly")["hours_per_day"][0].zh == "请填写每天小时数。"


def test_monthly_work_takes_no_hours_a_day():
    assert errors_of(hours_per_day=4)["hours_per_day"][0].zh == "仅钟点服务需要填写。"


def test_worker_age_range_must_not_be_upside_down():
    errors = errors_of(requirements={"worker_age_min": 50, "worker_age_max": 35})
    (message,) = errors["requirements"]["worker_age_max"]
    assert (message, message.zh) == ("The age range is upside down (from 50 to 35).",
                                     "年龄下限 50 大于上限 35。")


def test_requirements_refuse_unknown_items_and_ages_outside_18_to_65():
    errors = errors_of(requirements={"worker_age_min": 16, "zodiac": "dragon"})
    assert errors["requirements"]["worker_age_min"][0].zh == "阿姨年龄须在 18 到 65 岁之间。"
    assert zh_for(errors["requirements"]["zodiac"][0]) == "不认识的字段。"


def test_requirements_are_optional():
    data = NannyIntakeSchema().load({k: v for k, v in SAMPLE_INTAKE.items()
                                     if k != "requirements"})
    assert data["requirements"] == {}


def test_child_age_over_72_months_is_refused():
    assert errors_of(child_age_months=73)["child_age_months"][0].zh == \
        "孩子月龄须在 0 到 72 个月之间。"


def test_start_date_in_the_past_is_refused_when_today_is_given():
    assert errors_of(today=dt.date(2030, 5, 7))["start_date"][0].zh == "上户日期已经过去。"
