"""Schemas of the daily registration hand-over (学员登记表交接)."""
from __future__ import annotations

from marshmallow import Schema, fields, validate

from ..orders.schemas import StrictSchema
from ..pagination import page_schema


class HandoverSchema(Schema):
    """One day's hand-over: the sheet imported (``sheet``) or none (``none``, why)."""

    id = fields.Integer()
    day = fields.Date()
    kind = fields.String()
    imports = fields.Integer()
    created_count = fields.Integer()
    note = fields.String()
    first_at = fields.DateTime()
    last_at = fields.DateTime()


class HandoverStatusSchema(Schema):
    """Today's task."""

    day = fields.Date()
    working_day = fields.Boolean()
    state = fields.String(metadata={"description": "off / waiting / due / overdue / done"})
    due_at = fields.Time()
    remind_at = fields.Time()
    handover = fields.Nested(HandoverSchema, allow_none=True)


class HandoverQuerySchema(Schema):
    """Filters and paging of the hand-over list."""

    since = fields.Date(load_default=None)
    until = fields.Date(load_default=None)
    page = fields.Integer(load_default=1, validate=validate.Range(min=1, max=100_000))
    per_page = fields.Integer(load_default=20, validate=validate.Range(min=1, max=200))


HandoverPageSchema = page_schema(HandoverSchema, "HandoverPage")


class NoSheetSchema(StrictSchema):
    """No sheet came on ``day`` (default today): why."""

    day = fields.Date(load_default=None)
    note = fields.String(required=True, validate=validate.Length(min=1, max=255))
