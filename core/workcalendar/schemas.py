"""API schemas of the calendar (marshmallow 4; input refuses unknown fields)."""
from __future__ import annotations

from marshmallow import RAISE, Schema, fields, validate


class DayOffInSchema(Schema):
    class Meta:
        unknown = RAISE

    date = fields.Date(required=True)
    holiday = fields.String(required=True, validate=validate.Length(min=1, max=64), metadata={
        "description": "The holiday's name, Chinese or English: 元旦 / New Year's Day, 春节, "
                       "清明, 劳动节, 端午, 中秋, 国庆节."})


class ScheduleInSchema(Schema):
    """A year's official schedule as the State Council published it."""

    class Meta:
        unknown = RAISE

    days_off = fields.List(fields.Nested(DayOffInSchema), required=True,
                           validate=validate.Length(min=1, max=80))
    make_up_days = fields.List(fields.Date(), load_default=list,
                               validate=validate.Length(max=20), metadata={
                                   "description": "Make-up working days (调休上班), weekends."})
    note = fields.String(load_default="", validate=validate.Length(max=255), metadata={
        "description": "Where it comes from, e.g. the notice's number (国办发明电〔2026〕X号)."})


class MovedSchema(Schema):
    kind = fields.String(metadata={"description": "pickup (health certificate), greeting "
                                   "or complaint_clock"})
    ref_id = fields.Integer(metadata={"description": "exam batch id, follow-up id or "
                                      "complaint id"})
    order_id = fields.Integer(allow_none=True)
    label = fields.String()
    before = fields.String(allow_none=True, metadata={"description": "null: newly planned"})
    after = fields.String(allow_none=True, metadata={"description": "null: no longer planned"})


class ScheduleVersionSchema(Schema):
    id = fields.Integer()
    year = fields.Integer()
    version = fields.Integer()
    days_off = fields.List(fields.Dict())
    make_up_days = fields.List(fields.String())
    note = fields.String()
    moved = fields.List(fields.Nested(MovedSchema), allow_none=True)
    created_by_id = fields.Integer(allow_none=True)
    created_at = fields.DateTime()


class DayOffSchema(Schema):
    date = fields.Date()
    holiday_zh = fields.String()
    holiday_en = fields.String()


class YearSchema(Schema):
    year = fields.Integer()
    source = fields.String(metadata={
        "description": "admin, chinese_calendar, holidays or estimate"})
    official = fields.Boolean(metadata={"description": "false: an estimate"})
    version = fields.Integer(allow_none=True, metadata={"description": "admin version in force"})
    days_off = fields.List(fields.Nested(DayOffSchema))
    make_up_days = fields.List(fields.Date())
    versions = fields.List(fields.Nested(ScheduleVersionSchema))
