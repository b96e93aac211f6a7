"""core.testing.strategies: raw intakes drawn from an intake schema's fields."""
from __future__ import annotations

from decimal import Decimal

import pytest
from hypothesis import HealthCheck, given, settings
from marshmallow import fields
from marshmallow.validate import Range

from core import IntakeSchema, one_of
from core.testing.strategies import UnsupportedField, intakes
from plugins.child_massage.schemas import NEEDS, ChildMassageIntakeSchema
from plugins.cleaning.schemas import CleaningIntakeSchema
from plugins.maternity_nurse.schemas import MaternityNurseIntakeSchema
from plugins.nanny.schemas import NannyIntakeSchema

FAST = settings(max_examples=30, deadline=None, derandomize=True, database=None,
                suppress_health_check=list(HealthCheck))


@pytest.mark.parametrize("schema", [CleaningIntakeSchema, MaternityNurseIntakeSchema,
                                    ChildMassageIntakeSchema, NannyIntakeSchema])
def test_every_drawn_intake_is_accepted_by_its_schema(schema):
    drawn = []

    @FAST
    @given(intakes(schema))
    def check(raw):
        schema().load(raw)  # raises ValidationError if a refused intake got through
        drawn.append(raw)

    check()
    assert len(drawn) >= 25
    assert len({repr(sorted(raw.items())) for raw in drawn}) > 10  # not one intake again


def test_choices_lists_and_the_ends_of_a_range_are_drawn():
    drawn = []

    @FAST
    @given(intakes(ChildMassageIntakeSchema))
    def check(raw):
        drawn.append(raw)

    check()
    codes = {code for code, _zh, _en in NEEDS}
    assert all(raw["needs"] and set(raw["needs"]) <= codes for raw in drawn)
    assert all(len(set(raw["needs"])) == len(raw["needs"]) for raw in drawn)
    assert {raw["child_age_months"] for raw in drawn} >= {0, 144}


class _Odd(IntakeSchema):
    size = fields.Decimal(required=True, validate=Range(min=0, max=10, min_inclusive=False))
    when = fields.DateTime(required=True)
    colour = fields.String(validate=one_of((("red", "红", "Red"),)))


def test_a_field_it_cannot_draw_comes_from_the_fallback_or_is_refused():
    with pytest.raises(UnsupportedField, match="intake field 'when' \\(DateTime\\)"):
        intakes(_Odd)
    drawn = []

    @FAST
    @given(intakes(_Odd, {"when": "2030-05-06T09:00:00"}))
    def check(raw):
        drawn.append(raw)

    check()
    assert all(raw["when"] == "2030-05-06T09:00:00" for raw in drawn)
    assert all(Decimal("0.01") <= Decimal(raw["size"]) <= Decimal(10) for raw in drawn)
    assert all(raw.get("colour", "red") == "red" for raw in drawn)
