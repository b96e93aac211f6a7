"""describe_schema turns an intake schema into a form description core can render."""
import datetime as dt

from marshmallow import fields
from marshmallow.validate import Range

from core import IntakeSchema, one_of
from core.forms import WIDGETS, describe_schema
from plugins.cleaning.schemas import CleaningIntakeSchema
from plugins.nanny.schemas import NannyIntakeSchema

COLOURS = (("red", "红", "Red"), ("blue", "蓝", "Blue"))


class PaintSchema(IntakeSchema):
    when = fields.Date(load_default=dt.date(2030, 1, 2), metadata={
        "label_zh": "日期", "label_en": "Date", "order": 2})
    coats = fields.Integer(validate=Range(1, 3), metadata={
        "label_zh": "遍数", "label_en": "Coats", "unit": "遍", "order": 1})
    colours = fields.List(fields.String(validate=one_of(COLOURS)), metadata={
        "label_zh": "颜色", "label_en": "Colours", "choices": COLOURS})
    urgent = fields.Boolean(metadata={"label_zh": "加急", "label_en": "Urgent"})


def by_name(specs):
    return {spec["name"]: spec for spec in specs}


def test_fields_come_in_form_order_with_widgets_inferred_from_their_types():
    specs = describe_schema(PaintSchema)
    assert [s["name"] for s in specs] == ["coats", "when", "colours", "urgent"]
    assert [s["widget"] for s in specs] == ["number", "date", "select", "checkbox"]
    assert all(s["widget"] in WIDGETS for s in specs)


def test_limits_units_defaults_and_multiple_choices_are_described():
    specs = by_name(describe_schema(PaintSchema))
    assert (specs["coats"]["min"], specs["coats"]["max"], specs["coats"]["unit"]) == (1, 3, "遍")
    assert specs["when"]["default"] == "2030-01-02"
    assert specs["colours"]["many"] is True
    assert specs["colours"]["choices"] == [{"value": "red", "zh": "红", "en": "Red"},
                                           {"value": "blue", "zh": "蓝", "en": "Blue"}]


def test_cleaning_form_has_an_address_group_and_conditional_visits():
    specs = by_name(describe_schema(CleaningIntakeSchema))
    assert specs["address"]["widget"] == "group"
    assert [f["name"] for f in specs["address"]["fields"]] == ["district", "detail"]
    assert specs["floor_area"]["min_exclusive"] is True and specs["floor_area"]["max"] == "2000"
    assert specs["visits"]["depends_on"] == {"field": "frequency",
                                             "values": ["weekly", "fortnightly", "monthly"]}
    assert specs["notes"]["widget"] == "textarea"
    assert specs["dirt_level"]["default"] == "normal"


def test_nanny_requirements_are_a_group_of_optional_fields():
    specs = by_name(describe_schema(NannyIntakeSchema))
    group = specs["requirements"]
    assert group["widget"] == "group" and "default" not in group
    assert not any(f["required"] for f in group["fields"])
    assert specs["hours_per_day"]["depends_on"]["values"] == ["hourly"]
