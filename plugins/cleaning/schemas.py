"""Intake of the cleaning (保洁) line: what sets the price, then where and when."""
from __future__ import annotations

import datetime as dt
from decimal import Decimal

from marshmallow import RAISE, Schema, ValidationError, fields, validates_schema
from marshmallow.validate import Length, Range

from core import IntakeSchema, Msg, one_of

KINDS = (("routine", "日常保洁", "Routine cleaning"),
         ("post_renovation", "开荒保洁", "Post-renovation cleaning"),
         ("deep", "深度保洁", "Deep cleaning"))
DIRT_LEVELS = (("light", "轻度脏污", "Light soiling"), ("normal", "一般", "Normal"),
               ("heavy", "重度脏污", "Heavy soiling"))
FREQUENCIES = (("one_off", "单次", "One-off"), ("weekly", "每周", "Weekly"),
               ("fortnightly", "每两周", "Fortnightly"), ("monthly", "每月", "Monthly"))
RECURRING = ["weekly", "fortnightly", "monthly"]
MAX_AREA = Decimal(2000)
MAX_VISITS = 52
MAX_SPAN = dt.timedelta(days=366)

SAMPLE_INTAKE = {
    "address": {"district": "鼓楼区", "detail": "中山北路 1 号 2 栋 301 室"},
    "floor_area": "120", "kind": "post_renovation", "dirt_level": "heavy",
    "frequency": "one_off", "preferred_date": "2030-05-06", "preferred_time": "09:00",
}
#: raw intakes the schema must refuse, each with a message on a field (conformance check)
INVALID_SAMPLE_INTAKES = [
    {**SAMPLE_INTAKE, "floor_area": "0"},
    {**SAMPLE_INTAKE, "frequency": "weekly"},  # neither the visits nor an end date
]


def _meta(order: int, zh: str, en: str, **more) -> dict:
    return {"order": order, "label_zh": zh, "label_en": en, **more}


class CleaningAddressSchema(Schema):
    """Where to clean: the district prices nothing but plans the route."""

    class Meta:
        unknown = RAISE

    district = fields.String(required=True, validate=Length(1, 30),
                             metadata=_meta(1, "区县", "District"))
    detail = fields.String(validate=Length(max=200), metadata=_meta(
        2, "详细地址", "Street address", help_zh="小区、楼栋、门牌号；可在确认价格后补充",
        help_en="Estate, building and flat; may follow once the price is agreed"))


class CleaningIntakeSchema(IntakeSchema):
    """A cleaning request (保洁需求): area, kind, dirt and frequency set the price."""

    address = fields.Nested(CleaningAddressSchema, required=True,
                            metadata=_meta(1, "服务地址", "Address"))
    floor_area = fields.Decimal(required=True, metadata=_meta(
        2, "面积", "Floor area", unit="㎡", widget="number"), validate=Range(
        min=0, max=MAX_AREA, min_inclusive=False,
        error=Msg("The area must be more than 0 and at most {max} m².",
                  "面积必须大于 0 且不超过 {max} 平方米。")))
    kind = fields.String(required=True, validate=one_of(KINDS),
                         metadata=_meta(3, "保洁类型", "Kind of cleaning", choices=KINDS))
    dirt_level = fields.String(load_default="normal", validate=one_of(DIRT_LEVELS), metadata=_meta(
        4, "脏乱程度", "How dirty", choices=DIRT_LEVELS))
    frequency = fields.String(load_default="one_off", validate=one_of(FREQUENCIES), metadata=_meta(
        5, "频次", "Frequency", choices=FREQUENCIES))
    visits = fields.Integer(validate=Range(1, MAX_VISITS), metadata=_meta(
        6, "上门次数", "Number of visits", unit="次",
        help_zh="周期保洁填次数或结束日期之一", help_en="Recurring: the visits or an end date",
        depends_on={"field": "frequency", "values": RECURRING}))
    end_date = fields.Date(metadata=_meta(
        7, "结束日期", "Last date", depends_on={"field": "frequency", "values": RECURRING}))
    preferred_date = fields.Date(required=True, metadata=_meta(8, "期望日期", "Preferred date"))
    preferred_time = fields.Time(metadata=_meta(9, "期望时间", "Preferred time"))
    notes = fields.String(validate=Length(max=500), metadata=_meta(
        10, "备注", "Notes", widget="textarea"))

    @validates_schema(skip_on_field_errors=True)
    def _visits(self, data: dict, **kwargs) -> None:
        """One-off means one visit; recurring needs the visits or an end date, not both."""
        visits, end = data.get("visits"), data.get("end_date")
        if data["frequency"] == "one_off":
            if (visits or 1) != 1 or end is not None:
                raise ValidationError(Msg("A one-off cleaning is a single visit.",
                                          "单次保洁只上门一次。"),
                                      "end_date" if end is not None else "visits")
            return
        if visits is None and end is None:
            raise ValidationError(Msg("Give the number of visits or the last date.",
                                      "请填写上门次数或结束日期。"), "visits")
        if visits is not None and end is not None:
            raise ValidationError(Msg("Give the number of visits or the last date, not both.",
                                      "上门次数与结束日期只填一项。"), "end_date")
        first = data["preferred_date"]
        if end is not None and not first <= end <= first + MAX_SPAN:
            raise ValidationError(Msg("The last date must fall within a year after the first.",
                                      "结束日期须在首次上门后一年之内。"), "end_date")

    @validates_schema(skip_on_field_errors=True)
    def _not_in_past(self, data: dict, **kwargs) -> None:
        """With today given: the first visit cannot be in the past."""
        if self.in_past(data["preferred_date"]):
            raise ValidationError(Msg("The preferred date has already passed.",
                                      "期望日期已经过去。"), "preferred_date")
