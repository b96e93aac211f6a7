"""Schemas of the file duties (档案核定): the weekly and quarterly duties and re-checks."""
from marshmallow import RAISE, Schema, fields, validate

from ..pagination import PageArgsSchema, page_schema
from .models import CONFIDENTIALITY
from .models_checks import DUTY_KINDS
from .schemas import CustomerListItemSchema, Text, _choice

DUTY_STATES = {"open": ("未完成", "Open"), "overdue": ("已逾期", "Overdue"),
               "done": ("已完成", "Done")}


class FileNoteInSchema(Schema):
    """An optional note with a re-check or a duty done."""

    class Meta:
        unknown = RAISE

    note = Text(load_default="", validate=validate.Length(max=500))


class FileCheckSchema(Schema):
    id = fields.Integer()
    customer_id = fields.Integer()
    checked_on = fields.Date()
    checked_at = fields.DateTime()
    checked_by_id = fields.Integer()
    note = fields.String()


class DutySchema(Schema):
    id = fields.Integer()
    kind = fields.String(metadata={"description": ", ".join(DUTY_KINDS)})
    period_start = fields.Date()
    due_on = fields.Date()
    done_at = fields.DateTime(allow_none=True)
    done_by_id = fields.Integer(allow_none=True)
    done_by = fields.String(allow_none=True)
    note = fields.String()
    overdue = fields.Boolean()
    files_added = fields.Integer(metadata={"description": "files created in the period"})
    files_changed = fields.Integer(metadata={"description": "older files changed in the period"})
    files_checked = fields.Integer(metadata={"description": "files re-checked in the period"})


class DutyQuerySchema(PageArgsSchema):
    """Filters: kind (weekly, quarterly), state (open, overdue, done); sort period_start,
    due_on, kind."""

    kind = fields.String(load_default=None, validate=_choice(DUTY_KINDS, "duty", "任务"))
    state = fields.String(load_default=None, validate=_choice(DUTY_STATES, "state", "状态"))


class UncheckedQuerySchema(PageArgsSchema):
    """Files not re-checked this quarter: search by name, filter by level; sort
    last_checked_on, created_at, confidentiality."""

    q = Text(load_default=None, validate=validate.Length(max=64))
    confidentiality = fields.String(load_default=None, validate=_choice(
        CONFIDENTIALITY, "confidentiality level", "密级"))


class UncheckedItemSchema(CustomerListItemSchema):
    last_checked_on = fields.Date(allow_none=True)


DutyPageSchema = page_schema(DutySchema, "FileDutyPage")
UncheckedPageSchema = page_schema(UncheckedItemSchema, "UncheckedFilePage")
