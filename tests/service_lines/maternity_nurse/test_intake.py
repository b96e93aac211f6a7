"""The maternity nurse intake: due date, birth date, term and grade."""
import datetime as dt

import pytest
from marshmallow import ValidationError

from core.messages import zh_for
from plugins.maternity_nurse.schemas import SAMPLE_INTAKE, MaternityNurseIntakeSchema


def load(today=None, **over):
    return MaternityNurseIntakeSchema(today=today).load({**SAMPLE_INTAKE, **over})


def errors_of(today=None, **over):
    with pytest.raises(ValidationError) as exc:
        load(today, **over)
    return exc.value.messages


def test_term_defaults_to_26_days_live_in_single_baby():
    data = MaternityNurseIntakeSchema().load({"expected_delivery_date": "2030-05-06",
                                              "grade": "silver"})
    assert (data["term_days"], data["live_in"], data["twins"]) == (26, True, False)


def test_term_is_1_to_120_days():
    assert load(term_days=1)["term_days"] == 1 and load(term_days=120)["term_days"] == 120
    (message,) = errors_of(term_days=121)["term_days"]
    assert message.zh == "服务天数须在 1 到 120 天之间。"


def test_unknown_grade_is_refused_in_both_languages():
    (message,) = errors_of(grade="bronze")["grade"]
    assert message.startswith("Must be one of: junior, silver, gold")
    assert zh_for(message).startswith("必须是以下之一：junior")


def test_birth_more_than_60_days_before_the_due_date_is_a_slip():
    assert load(actual_birth_date="2030-03-07")  # exactly 60 days early
    (message,) = errors_of(actual_birth_date="2030-03-06")["actual_birth_date"]
    assert message.zh == "实际出生日期比预产期早了 60 天以上。"


def test_birth_in_the_future_is_refused_when_today_is_given():
    assert load(actual_birth_date="2030-05-10")  # no today: no clock
    errors = errors_of(today=dt.date(2030, 5, 9), actual_birth_date="2030-05-10")
    assert errors["actual_birth_date"][0].zh == "实际出生日期不能晚于今天。"


def test_due_date_further_than_a_pregnancy_is_refused_when_today_is_given():
    errors = errors_of(today=dt.date(2029, 1, 1))
    assert errors["expected_delivery_date"][0].zh == "预产期距今超过 300 天。"
    assert load(today=dt.date(2029, 8, 1))
