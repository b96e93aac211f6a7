"""Intake of the child massage (小儿推拿) line: the child, the needs, how to buy, where."""
from __future__ import annotations

from marshmallow import ValidationError, fields, validates_schema
from marshmallow.validate import Length, Range

from core import IntakeSchema, Msg, one_of

NEEDS = (("food_stagnation", "积食", "Food stagnation"),
         ("cold_cough", "感冒咳嗽", "Cold and cough"),
         ("sleep", "睡眠不安", "Poor sleep"),
         ("digestion", "腹泻便秘", "Diarrhoea or constipation"),
         ("appetite", "食欲不振", "Poor appetite"),
         ("daily_care", "日常保健", "Everyday health care"))
PURCHASES = (("single", "单次", "Single session"), ("package", "套餐", "Package"))
PLACES = (("home", "上门", "At home"), ("company", "到店", "At the company"))
MAX_AGE_MONTHS = 144

SAMPLE_INTAKE = {
    "child_age_months": 18, "needs": ["food_stagnation", "sleep"],
    "purchase": "package", "package_sessions": 10, "place": "home",
    "preferred_date": "2030-05-06", "preferred_time": "15:30",
}
#: raw intakes the schema must refuse, each with a message on a field (conformance check)
INVALID_SAMPLE_INTAKES = [
    {**SAMPLE_INTAKE, "child_age_months": 200},
    {**SAMPLE_INTAKE, "purchase": "single"},  # a single session with a package size
]


def _meta(order: int, zh: str, en: str, **more) -> dict:
    return {"order": order, "label_zh": zh, "label_en": en, **more}


class ChildMassageIntakeSchema(IntakeSchema):
    """A child massage request (小儿推拿需求)."""

    child_age_months = fields.Integer(required=True, metadata=_meta(
        1, "孩子月龄", "Child's age", unit="月", help_zh="0–144 个月（12 岁以内）",
        help_en="0–144 months (under 12 years)"), validate=Range(
        0, MAX_AGE_MONTHS, error=Msg("The child's age must be 0 to {max} months.",
                                     "孩子月龄须在 0 到 {max} 个月之间。")))
    needs = fields.List(fields.String(validate=one_of(NEEDS)), required=True,
                        validate=Length(min=1, error=Msg("Choose at least one need.",
                                                         "请至少选择一项需求。")),
                        metadata=_meta(2, "调理需求", "Needs", choices=NEEDS))
    other_needs = fields.String(validate=Length(max=200), metadata=_meta(
        3, "其他需求", "Other needs", widget="textarea"))
    purchase = fields.String(load_default="single", validate=one_of(PURCHASES),
                             metadata=_meta(4, "购买方式", "How to buy", choices=PURCHASES))
    package_sessions = fields.Integer(validate=Range(2, 100), metadata=_meta(
        5, "套餐次数", "Sessions in the package", unit="次",
        help_zh="按价目表中的套餐选择", help_en="One of the packages on the price list",
        depends_on={"field": "purchase", "values": ["package"]}))
    place = fields.String(required=True, validate=one_of(PLACES),
                          metadata=_meta(6, "服务地点", "Place", choices=PLACES))
    preferred_date = fields.Date(metadata=_meta(7, "首次期望日期",
                                                "Preferred date of the first session"))
    preferred_time = fields.Time(metadata=_meta(8, "期望时间", "Preferred time"))

    @validates_schema(skip_on_field_errors=True)
    def _package_size(self, data: dict, **kwargs) -> None:
        """A package names its size; a single session does not."""
        sessions = data.get("package_sessions")
        if data["purchase"] == "package" and sessions is None:
            raise ValidationError(Msg("Choose the package size.", "请选择套餐次数。"),
                                  "package_sessions")
        if data["purchase"] == "single" and sessions is not None:
            raise ValidationError(Msg("A single session has no package size.",
                                      "单次购买不需要填写套餐次数。"), "package_sessions")

    @validates_schema(skip_on_field_errors=True)
    def _not_in_past(self, data: dict, **kwargs) -> None:
        """With today given: the first session cannot be in the past."""
        day = data.get("preferred_date")
        if self.in_past(day):
            raise ValidationError(Msg("The preferred date has already passed.",
                                      "期望日期已经过去。"), "preferred_date")
