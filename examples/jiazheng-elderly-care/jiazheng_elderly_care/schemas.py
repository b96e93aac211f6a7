"""Intake of the elderly care (养老护理) line: the elder, the arrangement, the start."""
from __future__ import annotations

from marshmallow import ValidationError, fields, validates_schema
from marshmallow.validate import Range

from core import IntakeSchema, Msg, one_of

CARE_LEVELS = (("independent", "自理", "Independent"),
               ("assisted", "半自理", "Needs some help"),
               ("dependent", "不能自理", "Fully dependent"))
ARRANGEMENTS = (("live_in", "住家", "Live-in"), ("hourly", "按小时", "By the hour"))

SAMPLE_INTAKE = {"elder_age": 82, "care_level": "assisted", "arrangement": "live_in",
                 "days": 30, "start_date": "2030-03-01"}
#: raw intakes the schema must refuse, each with a message on a field (conformance check)
INVALID_SAMPLE_INTAKES = [
    {**SAMPLE_INTAKE, "elder_age": 30},
    {**SAMPLE_INTAKE, "arrangement": "hourly"},  # without the hours and the visits
]


def _meta(order: int, zh: str, en: str, **more) -> dict:
    return {"order": order, "label_zh": zh, "label_en": en, **more}


class ElderlyCareIntakeSchema(IntakeSchema):
    """An elderly care request (养老护理需求)."""

    elder_age = fields.Integer(required=True, validate=Range(50, 120), metadata=_meta(
        1, "老人年龄", "Elder's age", unit="岁"))
    care_level = fields.String(required=True, validate=one_of(CARE_LEVELS), metadata=_meta(
        2, "自理能力", "Care level", choices=CARE_LEVELS))
    arrangement = fields.String(required=True, validate=one_of(ARRANGEMENTS), metadata=_meta(
        3, "服务方式", "Arrangement", choices=ARRANGEMENTS))
    days = fields.Integer(validate=Range(1, 366), metadata=_meta(
        4, "住家天数", "Days of live-in care", unit="天",
        depends_on={"field": "arrangement", "values": ["live_in"]}))
    hours = fields.Integer(validate=Range(1, 12), metadata=_meta(
        5, "每次小时数", "Hours per visit", unit="小时",
        depends_on={"field": "arrangement", "values": ["hourly"]}))
    visits = fields.Integer(validate=Range(1, 100), metadata=_meta(
        6, "上门次数", "Visits", unit="次",
        depends_on={"field": "arrangement", "values": ["hourly"]}))
    start_date = fields.Date(required=True, metadata=_meta(7, "开始日期", "Start date"))
    notes = fields.String(metadata=_meta(8, "特殊情况", "Health notes", widget="textarea"))

    @validates_schema(skip_on_field_errors=True)
    def _arrangement_fields(self, data: dict, **kwargs) -> None:
        """Live-in care is asked for in days; hourly care in hours and visits."""
        needed = ("days",) if data["arrangement"] == "live_in" else ("hours", "visits")
        missing = {name: [Msg("Needed for this arrangement.", "该服务方式必须填写。")]
                   for name in needed if data.get(name) is None}
        if missing:
            raise ValidationError(missing)

    @validates_schema(skip_on_field_errors=True)
    def _not_in_past(self, data: dict, **kwargs) -> None:
        """With today given: care cannot start in the past."""
        if self.today is not None and data["start_date"] < self.today:
            raise ValidationError(Msg("The start date has already passed.",
                                      "开始日期已经过去。"), "start_date")
