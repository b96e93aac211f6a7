"""Intake of the nanny / infant-care (育婴师) line: the child, the arrangement, the
nanny's grade, and what the family asks of her."""
from __future__ import annotations

from marshmallow import RAISE, Schema, ValidationError, fields, validates_schema
from marshmallow.validate import Length, Range

from core import IntakeSchema, Msg, one_of

ARRANGEMENTS = (("hourly", "钟点（按小时）", "Hourly"), ("day_shift", "白班", "Day shift"),
                ("live_in", "住家", "Live-in"))
MONTHLY_ARRANGEMENTS = tuple(a for a in ARRANGEMENTS if a[0] != "hourly")
GRADES = (("junior", "初级育婴师", "Junior"), ("intermediate", "中级育婴师", "Intermediate"),
          ("senior", "高级育婴师", "Senior"))
MAX_AGE_MONTHS = 72

SAMPLE_INTAKE = {
    "child_age_months": 8, "arrangement": "day_shift", "grade": "intermediate",
    "start_date": "2030-05-06",
    "requirements": {"min_experience_years": 3, "worker_age_min": 35, "worker_age_max": 50,
                     "hometown": "江苏", "dialect": "普通话"},
}
#: raw intakes the schema must refuse, each with a message on a field (conformance check)
INVALID_SAMPLE_INTAKES = [
    {**SAMPLE_INTAKE, "arrangement": "hourly"},  # without the hours a day
    {**SAMPLE_INTAKE, "requirements": {"worker_age_min": 50, "worker_age_max": 35}},
]


def _meta(order: int, zh: str, en: str, **more) -> dict:
    return {"order": order, "label_zh": zh, "label_en": en, **more}


_WORKER_AGE = Range(18, 65, error=Msg("A worker's age is {min} to {max}.",
                                      "阿姨年龄须在 {min} 到 {max} 岁之间。"))


class NannyRequirementsSchema(Schema):
    """What the family asks of the nanny; every item optional."""

    class Meta:
        unknown = RAISE

    min_experience_years = fields.Integer(validate=Range(0, 40), metadata=_meta(
        1, "最低从业年限", "Minimum years of experience", unit="年"))
    worker_age_min = fields.Integer(validate=_WORKER_AGE, metadata=_meta(
        2, "阿姨年龄下限", "Worker's age from", unit="岁"))
    worker_age_max = fields.Integer(validate=_WORKER_AGE, metadata=_meta(
        3, "阿姨年龄上限", "Worker's age to", unit="岁"))
    hometown = fields.String(validate=Length(max=30), metadata=_meta(4, "籍贯", "Hometown"))
    dialect = fields.String(validate=Length(max=30), metadata=_meta(5, "方言/语言", "Dialect"))

    @validates_schema(skip_on_field_errors=True)
    def _age_range(self, data: dict, **kwargs) -> None:
        """The lowest age asked for is not above the highest."""
        low, high = data.get("worker_age_min"), data.get("worker_age_max")
        if low is not None and high is not None and low > high:
            raise ValidationError(Msg("The age range is upside down (from {0} to {1}).",
                                      "年龄下限 {0} 大于上限 {1}。").format(low, high),
                                  "worker_age_max")


class NannyIntakeSchema(IntakeSchema):
    """A nanny request (育婴师需求)."""

    child_age_months = fields.Integer(required=True, metadata=_meta(
        1, "孩子月龄", "Child's age", unit="月"), validate=Range(
        0, MAX_AGE_MONTHS, error=Msg("The child's age must be 0 to {max} months.",
                                     "孩子月龄须在 0 到 {max} 个月之间。")))
    arrangement = fields.String(required=True, validate=one_of(ARRANGEMENTS), metadata=_meta(
        2, "服务形式", "Arrangement", choices=ARRANGEMENTS))
    grade = fields.String(required=True, validate=one_of(GRADES),
                          metadata=_meta(3, "育婴师级别", "Nanny's grade", choices=GRADES))
    hours_per_day = fields.Integer(validate=Range(1, 12), metadata=_meta(
        4, "每天小时数", "Hours a day", unit="小时",
        depends_on={"field": "arrangement", "values": ["hourly"]}))
    days_per_month = fields.Integer(validate=Range(1, 31), metadata=_meta(
        5, "每月天数", "Days a month", unit="天", help_zh="不填按价目表标准天数",
        help_en="Leave empty for the price list's standard",
        depends_on={"field": "arrangement", "values": ["hourly"]}))
    start_date = fields.Date(required=True, metadata=_meta(6, "上户日期", "Start date"))
    requirements = fields.Nested(NannyRequirementsSchema, load_default=dict,
                                 metadata=_meta(7, "对阿姨的要求", "Requirements"))
    notes = fields.String(validate=Length(max=500), metadata=_meta(
        8, "备注", "Notes", widget="textarea"))

    @validates_schema(skip_on_field_errors=True)
    def _hours_only_when_hourly(self, data: dict, **kwargs) -> None:
        """Hourly work needs the hours a day; monthly work takes no hours or days."""
        hourly = data["arrangement"] == "hourly"
        if hourly and data.get("hours_per_day") is None:
            raise ValidationError(Msg("Give the hours a day.", "请填写每天小时数。"),
                                  "hours_per_day")
        if not hourly:
            for name in ("hours_per_day", "days_per_month"):
                if data.get(name) is not None:
                    raise ValidationError(Msg("Only for hourly work.", "仅钟点服务需要填写。"),
                                          name)

    @validates_schema(skip_on_field_errors=True)
    def _not_in_past(self, data: dict, **kwargs) -> None:
        """With today given: the start date cannot be in the past."""
        if self.in_past(data["start_date"]):
            raise ValidationError(Msg("The start date has already passed.",
                                      "上户日期已经过去。"), "start_date")
