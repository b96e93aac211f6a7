"""Intake of the 钟点工 (Hourly help) line: what a dispatcher asks before quoting.

Core renders the intake form from the fields' ``metadata`` (labels in both languages,
order, unit, choices; see docs/plugins.md, get_intake_schema). ``SAMPLE_INTAKE`` is a
valid raw intake: the conformance check and the demo data use it.
``INVALID_SAMPLE_INTAKES`` are raw intakes the schema must refuse, each with a message on
a field: the conformance check tries them.
"""
from __future__ import annotations

from marshmallow import RAISE, Schema, ValidationError, fields, validates_schema
from marshmallow.validate import Length, Range

from core import IntakeSchema, Msg, one_of

MAX_HOURS = 8
#: the worker grade booked: a senior (金牌) worker costs more an hour
GRADES = (("standard", "普通阿姨", "Standard worker"),
          ("senior", "金牌阿姨", "Senior (gold) worker"))

SAMPLE_INTAKE = {
    "address": {"district": "鼓楼区", "detail": "中山北路 1 号 2 栋 301 室"},
    "grade": "standard", "hours": 3, "preferred_date": "2030-05-06", "preferred_time": "09:00",
}
INVALID_SAMPLE_INTAKES = [{**SAMPLE_INTAKE, "hours": 0}, {**SAMPLE_INTAKE, "grade": "gold"}]


def _meta(order: int, zh: str, en: str, **more) -> dict:
    return {"order": order, "label_zh": zh, "label_en": en, **more}


class AddressSchema(Schema):
    """Where to go: the district is what matching reads."""

    class Meta:
        unknown = RAISE

    district = fields.String(required=True, validate=Length(1, 30),
                             metadata=_meta(1, "区县", "District"))
    detail = fields.String(validate=Length(max=200),
                           metadata=_meta(2, "详细地址", "Street address"))


class HourlyHelpIntakeSchema(IntakeSchema):
    """A 钟点工 request: where, when and for how many hours."""

    address = fields.Nested(AddressSchema, required=True,
                            metadata=_meta(1, "服务地址", "Address"))
    grade = fields.String(load_default="standard", validate=one_of(GRADES), metadata=_meta(
        2, "阿姨等级", "Worker grade", choices=GRADES))
    hours = fields.Integer(required=True, validate=Range(1, MAX_HOURS), metadata=_meta(
        3, "服务时长", "Hours", unit="小时", help_zh="不足 2 小时按 2 小时计",
        help_en="Less than 2 hours is charged as 2"))
    preferred_date = fields.Date(required=True, metadata=_meta(4, "期望日期", "Preferred date"))
    preferred_time = fields.Time(required=True, metadata=_meta(5, "期望时间", "Preferred time"))
    notes = fields.String(validate=Length(max=500), metadata=_meta(
        6, "备注", "Notes", widget="textarea"))

    @validates_schema(skip_on_field_errors=True)
    def _not_in_past(self, data: dict, **kwargs) -> None:
        """With today given: the visit cannot be in the past."""
        if self.in_past(data["preferred_date"]):
            raise ValidationError(Msg("The preferred date has already passed.",
                                      "期望日期已经过去。"), "preferred_date")
