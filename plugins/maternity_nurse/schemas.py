"""Intake of the maternity nurse (月嫂) line: the birth, the term and the nurse asked for."""
from __future__ import annotations

import datetime as dt

from marshmallow import ValidationError, fields, validates_schema
from marshmallow.validate import Length, Range

from core import IntakeSchema, Msg, one_of

GRADES = (("junior", "初级", "Junior"), ("silver", "银牌", "Silver"), ("gold", "金牌", "Gold"),
          ("platinum", "铂金", "Platinum"), ("diamond", "钻石", "Diamond"),
          ("crown", "皇冠", "Crown"))
STANDARD_TERM_DAYS = 26
MAX_TERM_DAYS = 120
#: A birth this much before the due date (预产期) is accepted; earlier is a typing slip.
EARLIEST_BIRTH = dt.timedelta(days=60)
#: A due date further ahead than a pregnancy lasts is a typing slip.
LATEST_DUE = dt.timedelta(days=300)

SAMPLE_INTAKE = {
    "expected_delivery_date": "2030-05-06", "term_days": 26, "grade": "gold",
    "twins": False, "live_in": True,
}
#: raw intakes the schema must refuse, each with a message on a field (conformance check)
INVALID_SAMPLE_INTAKES = [
    {**SAMPLE_INTAKE, "term_days": 0},
    {**SAMPLE_INTAKE, "actual_birth_date": "2029-12-01"},  # long before the due date
]


def _meta(order: int, zh: str, en: str, **more) -> dict:
    return {"order": order, "label_zh": zh, "label_en": en, **more}


class MaternityNurseIntakeSchema(IntakeSchema):
    """A maternity nurse request (月嫂需求)."""

    expected_delivery_date = fields.Date(required=True,
                                         metadata=_meta(1, "预产期", "Expected delivery date"))
    actual_birth_date = fields.Date(metadata=_meta(
        2, "实际出生日期", "Actual birth date", help_zh="已出生时填写",
        help_en="Once the baby is born"))
    term_days = fields.Integer(load_default=STANDARD_TERM_DAYS, metadata=_meta(
        3, "服务天数", "Term", unit="天", help_zh="标准 26 天，也可更长或更短",
        help_en="Usually 26 days; longer or shorter terms are possible"), validate=Range(
        1, MAX_TERM_DAYS, error=Msg("The term must be {min} to {max} days.",
                                    "服务天数须在 {min} 到 {max} 天之间。")))
    grade = fields.String(required=True, validate=one_of(GRADES),
                          metadata=_meta(4, "月嫂级别", "Nurse's grade", choices=GRADES))
    twins = fields.Boolean(load_default=False, metadata=_meta(5, "双胞胎", "Twins"))
    live_in = fields.Boolean(load_default=True, metadata=_meta(6, "住家", "Live-in"))
    notes = fields.String(validate=Length(max=500), metadata=_meta(
        7, "备注", "Notes", widget="textarea"))

    @validates_schema(skip_on_field_errors=True)
    def _birth_near_due_date(self, data: dict, **kwargs) -> None:
        """A birth date long before the due date is a slip, not a premature birth."""
        born, due = data.get("actual_birth_date"), data["expected_delivery_date"]
        if born is not None and born < due - EARLIEST_BIRTH:
            raise ValidationError(Msg(
                "The birth date is more than {0} days before the due date.",
                "实际出生日期比预产期早了 {0} 天以上。").format(EARLIEST_BIRTH.days),
                "actual_birth_date")

    @validates_schema(skip_on_field_errors=True)
    def _against_today(self, data: dict, **kwargs) -> None:
        """With today given: the baby is not born in the future; the due date is near."""
        if self.today is None:
            return
        born = data.get("actual_birth_date")
        if born is not None and born > self.today:
            raise ValidationError(Msg("The birth date is in the future.",
                                      "实际出生日期不能晚于今天。"), "actual_birth_date")
        if data["expected_delivery_date"] > self.today + LATEST_DUE:
            raise ValidationError(Msg("The due date is more than {0} days away.",
                                      "预产期距今超过 {0} 天。").format(LATEST_DUE.days),
                                  "expected_delivery_date")
