"""Audit API schemas."""
import datetime as dt

from marshmallow import Schema, ValidationError, fields, validate

from ..pagination import PageArgsSchema, page_schema
from ..timeutil import SHANGHAI


class AuditEventSchema(Schema):
    id = fields.Integer()
    at = fields.DateTime()
    actor_id = fields.Integer(allow_none=True)
    actor = fields.Function(lambda e: e.actor.display_name if e.actor else None)
    action = fields.String()
    entity_type = fields.String()
    entity_id = fields.Integer(allow_none=True)
    summary = fields.String()
    changes = fields.Dict(allow_none=True)


class Moment(fields.String):
    """A bound of a time filter: a time with its zone; a time without one, read as
    Asia/Shanghai local time; or a business date, meaning the start of that day in
    Shanghai (``end_of_day``: the start of the next day, so ``until=2026-12-05`` takes
    in all of the 5th)."""

    def __init__(self, *, end_of_day: bool = False, **kwargs):
        super().__init__(**kwargs)
        self.end_of_day = end_of_day
        self.metadata.setdefault("description", "ISO 8601 time (without a zone: "
                                 "Asia/Shanghai) or a date (a whole day in Shanghai).")

    def _deserialize(self, value, attr, data, **kwargs) -> dt.datetime:
        text = str(value).strip()
        try:
            if len(text) == 10:
                day = dt.date.fromisoformat(text)
                day += dt.timedelta(days=1) if self.end_of_day else dt.timedelta()
                return dt.datetime.combine(day, dt.time(), SHANGHAI)
            moment = dt.datetime.fromisoformat(text)
        except (ValueError, OverflowError):
            raise ValidationError("Not a valid datetime.") from None
        return moment if moment.tzinfo else moment.replace(tzinfo=SHANGHAI)


class AuditQuerySchema(PageArgsSchema):
    entity_type = fields.String(load_default=None)
    entity_id = fields.Integer(load_default=None)
    actor_id = fields.Integer(load_default=None)
    action = fields.String(load_default=None)
    kind = fields.String(load_default=None, validate=validate.OneOf(
        ("read", "change", "denied", "grant")), metadata={
        "description": "read (read, reveal, search, export), change, denied (a refused "
                       "read or change), grant (access requests and their outcomes)."})
    since = Moment(load_default=None)
    until = Moment(load_default=None, end_of_day=True)


AuditPageSchema = page_schema(AuditEventSchema, "AuditPage")


class AuditExportQuerySchema(AuditQuerySchema):
    """The audit page's filters, for the inspector's download."""

    format = fields.String(load_default="xlsx", validate=validate.OneOf(("xlsx", "csv")))
