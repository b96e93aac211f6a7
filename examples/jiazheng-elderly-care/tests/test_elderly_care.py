"""Tests of the example plugin: its pure parts directly, then inside a Jiazheng app."""
from __future__ import annotations

import datetime as dt
from decimal import Decimal
from importlib import metadata

import pytest
from jiazheng_elderly_care import hooks, pricing
from jiazheng_elderly_care.price_table import default_table, validated
from jiazheng_elderly_care.schemas import SAMPLE_INTAKE, ElderlyCareIntakeSchema
from marshmallow import ValidationError

from core import Invalid, create_app
from core import plugins as facade


def load(**changes):
    """The sample intake, loaded, with some fields changed (None: left out)."""
    raw = {**SAMPLE_INTAKE, **changes}
    return ElderlyCareIntakeSchema().load({k: v for k, v in raw.items() if v is not None})


def test_live_in_care_is_priced_per_day_by_care_level():
    quote = pricing.quote(load(days=10), validated(default_table()))
    assert quote.total == Decimal("3000.00")
    assert quote.lines[0].label_zh == "住家养老护理（半自理）10 天"
    assert quote.table_floor == Decimal("2850.00")


def test_a_short_hourly_visit_is_charged_the_minimum_hours():
    intake = load(arrangement="hourly", days=None, hours=1, visits=4)
    quote = pricing.quote(intake, validated(default_table()))
    assert quote.total == Decimal("480.00") and quote.minimum_applied


def test_hourly_care_needs_hours_and_visits():
    with pytest.raises(ValidationError) as caught:
        load(arrangement="hourly", days=None)
    assert set(caught.value.messages) == {"hours", "visits"}


def test_a_start_date_in_the_past_is_refused_when_today_is_known():
    with pytest.raises(ValidationError):
        ElderlyCareIntakeSchema(today=dt.date(2031, 1, 1)).load(SAMPLE_INTAKE)


def test_a_table_missing_a_care_level_is_refused_naming_it():
    table = default_table()
    del table["day_rates"]["dependent"]
    with pytest.raises(Invalid) as caught:
        validated(table)
    assert "day_rates" in caught.value.fields


def _installed() -> bool:
    return any(ep.name == "elderly_care"
               for ep in metadata.entry_points(group="jiazheng.plugins"))


def test_a_jiazheng_app_loads_the_line_and_quotes_it(tmp_path):
    extra = [] if _installed() else [("elderly_care", hooks)]  # installed: its entry point
    app = create_app({"TESTING": True, "SECRET_KEY": "test",
                      "SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path / 'test.db'}",
                      "INSTANCE_PATH": str(tmp_path / "instance"), "EXTRA_PLUGINS": extra})
    with app.app_context():
        assert facade.service_lines()["elderly_care"].name_zh == "养老护理"
        assert facade.credential_kinds()["elderly_care"].name_zh == "养老护理员证"
        assert facade.quote("elderly_care", load()).total == Decimal("9000.00")
