"""Complaint API schemas (marshmallow 4; input schemas refuse unknown fields)."""
from __future__ import annotations

from marshmallow import RAISE, Schema, fields, validate

from ..orders.schemas import money_field
from ..pagination import PageArgsSchema, page_schema
from .models import CONSEQUENCE_KINDS, RESOLUTION_KINDS, STATES, VERDICTS
from .queries import CLOCK_STATES

INTAKE_CHANNELS = ("phone", "wechat", "in_person")
ACTION_KINDS_IN = ("note", "contact", "callback", "promise")


class StrictSchema(Schema):
    """Input schema: unknown fields are refused."""

    class Meta:
        unknown = RAISE


def _text(max_len: int, **kw):
    return fields.String(validate=validate.Length(max=max_len), **kw)


class ComplaintQuerySchema(PageArgsSchema):
    """Desk filters. Sort by due_at (default), received_at, number, updated_at, level or
    state (``-`` descending)."""

    state = fields.List(fields.String(validate=validate.OneOf(STATES)), load_default=None)
    level = fields.List(fields.String(validate=validate.Length(max=16)), load_default=None)
    category = fields.List(fields.String(validate=validate.Length(max=32)), load_default=None)
    owner_id = fields.Integer(load_default=None)
    mine = fields.Boolean(load_default=False, metadata={"description": "Only mine."})
    clock = fields.String(load_default=None, validate=validate.OneOf(CLOCK_STATES), metadata={
        "description": "red: a clock ran out; amber: due soon; ok; paused."})
    breached = fields.Boolean(load_default=None, metadata={
        "description": "Complaints that ever breached a clock."})
    customer_id = fields.Integer(load_default=None)
    order_id = fields.Integer(load_default=None)
    worker_id = fields.Integer(load_default=None)


class ComplaintInSchema(StrictSchema):
    """A complaint taken in. ``received_at`` (default now) starts the clocks: not in the
    future, not before the order. ``contacted``: the customer was spoken to (phone, in
    person) — the first contact."""

    customer_id = fields.Integer(required=True)
    order_id = fields.Integer(load_default=None)
    worker_id = fields.Integer(load_default=None)
    channel = fields.String(required=True, validate=validate.OneOf(INTAKE_CHANNELS))
    category = fields.String(required=True, validate=validate.Length(min=1, max=32))
    level = fields.String(required=True, validate=validate.Length(min=1, max=16))
    summary = fields.String(required=True, validate=validate.Length(min=1, max=200))
    details = _text(5000, load_default="")
    received_at = fields.AwareDateTime(load_default=None)
    owner_id = fields.Integer(load_default=None)
    contacted = fields.Boolean(load_default=False)


class FromFollowupSchema(StrictSchema):
    """Turn a not-satisfied follow-up into a complaint (one click)."""

    category = fields.String(load_default="quality", validate=validate.Length(min=1, max=32))
    level = fields.String(load_default="general", validate=validate.Length(min=1, max=16))
    summary = _text(200, load_default=None)


class VersionedSchema(StrictSchema):
    version = fields.Integer(load_default=None, metadata={
        "description": "The version you read; a stale one → 409."})
    note = _text(2000, load_default="")


class ActionInSchema(VersionedSchema):
    """``contact`` meets the first-contact clock, ``callback`` the call-back clock;
    ``promise`` needs ``promised_at``."""

    kind = fields.String(required=True, validate=validate.OneOf(ACTION_KINDS_IN))
    promised_at = fields.AwareDateTime(load_default=None)


class ReassignSchema(VersionedSchema):
    owner_id = fields.Integer(required=True)


class WaitingSchema(VersionedSchema):
    waiting = fields.Boolean(required=True, metadata={
        "description": "true: stop the clocks while waiting on the customer; false: run "
                       "them again."})


class LevelChangeSchema(VersionedSchema):
    level = fields.String(required=True, validate=validate.Length(min=1, max=16))


class ResolutionInSchema(VersionedSchema):
    """``callback_at`` (when the customer is called back to confirm) is required."""

    kind = fields.String(required=True, validate=validate.OneOf(RESOLUTION_KINDS))
    amount = money_field(load_default=None)
    callback_at = fields.AwareDateTime(load_default=None)
    new_worker_id = fields.Integer(load_default=None)
    change_date = fields.Date(load_default=None)


class CallbackInSchema(VersionedSchema):
    verdict = fields.String(required=True, validate=validate.OneOf(VERDICTS))


class ConsequenceInSchema(StrictSchema):
    kind = fields.String(required=True, validate=validate.OneOf(CONSEQUENCE_KINDS))
    reason = fields.String(required=True, validate=validate.Length(min=1, max=2000))
    overall = fields.Integer(load_default=None, validate=validate.Range(min=1, max=5))


class DecisionSchema(StrictSchema):
    approve = fields.Boolean(required=True)
    note = _text(500, load_default="")


class CategoryInSchema(StrictSchema):
    name_zh = fields.String(required=True, validate=validate.Length(min=1, max=60))
    name_en = fields.String(required=True, validate=validate.Length(min=1, max=80))
    active = fields.Boolean(load_default=True)
    position = fields.Integer(load_default=None, validate=validate.Range(min=0, max=1000))


_MINUTES = validate.Range(min=1, max=60 * 24 * 60)


class LevelInSchema(StrictSchema):
    """Minutes of desk time (the desk's hours on working days)."""

    version = fields.Integer(required=True)
    name_zh = fields.String(load_default=None, validate=validate.Length(min=1, max=20))
    name_en = fields.String(load_default=None, validate=validate.Length(min=1, max=40))
    supervisor = fields.Boolean(load_default=None)
    first_contact_minutes = fields.Integer(load_default=None, validate=_MINUTES)
    callback_minutes = fields.Integer(load_default=None, validate=_MINUTES)
    solution_minutes = fields.Integer(load_default=None, validate=_MINUTES)
    warn_minutes = fields.Integer(load_default=None, validate=validate.Range(min=0, max=1440))


# ----------------------------------------------------------------------------- output


class LabelSchema(Schema):
    zh = fields.String()
    en = fields.String()


class CustomerRefSchema(Schema):
    id = fields.Integer()
    name = fields.String(metadata={"description": "Partly hidden (王**) when the role may "
                                                  "not open the file."})
    mobile = fields.String(allow_none=True, metadata={
        "description": "Masked for roles that do not need it; null when the file is closed."})
    masked = fields.Boolean()
    openable = fields.Boolean()
    confidentiality = fields.String()


class ComplaintRowSchema(Schema):
    id = fields.Integer()
    number = fields.String()
    state = fields.String()
    channel = fields.String()
    category = fields.String()
    category_label = fields.Nested(LabelSchema, allow_none=True)
    level = fields.String()
    level_label = fields.Nested(LabelSchema, allow_none=True)
    summary = fields.String()
    customer = fields.Nested(CustomerRefSchema, allow_none=True)
    order_id = fields.Integer(allow_none=True)
    order_number = fields.String(allow_none=True)
    worker_id = fields.Integer(allow_none=True)
    worker_name = fields.String(allow_none=True)
    owner_id = fields.Integer(allow_none=True)
    owner = fields.String(allow_none=True)
    received_at = fields.DateTime()
    entered_at = fields.DateTime()
    due_at = fields.DateTime(allow_none=True)
    warn_at = fields.DateTime(allow_none=True)
    paused = fields.Boolean()
    breached = fields.Boolean()
    clock_state = fields.String(metadata={"description": "red, amber, ok, paused or done."})
    updated_at = fields.DateTime()
    version = fields.Integer()


class ComplaintPageSchema(page_schema(ComplaintRowSchema, "ComplaintPageBase")):
    """One page of the desk. A list of closed complaints is counted only up to 10,000:
    ``total_capped`` true means "10,000 or more"."""

    total_capped = fields.Boolean()


class ClockSchema(Schema):
    kind = fields.String()
    target_minutes = fields.Integer()
    due_at = fields.DateTime(allow_none=True)
    warn_at = fields.DateTime(allow_none=True)
    remaining_minutes = fields.Integer(allow_none=True)
    met_at = fields.DateTime(allow_none=True)
    warned_at = fields.DateTime(allow_none=True)
    breached_at = fields.DateTime(allow_none=True)


class ActionSchema(Schema):
    id = fields.Integer()
    kind = fields.String()
    note = fields.String()
    promised_at = fields.DateTime(allow_none=True)
    data = fields.Dict(allow_none=True)
    actor_id = fields.Integer(allow_none=True)
    actor = fields.String(allow_none=True)
    at = fields.DateTime()


class ResolutionSchema(Schema):
    id = fields.Integer()
    kind = fields.String()
    amount = fields.Decimal(places=2, as_string=True, allow_none=True)
    note = fields.String()
    state = fields.String()
    approval_id = fields.Integer(allow_none=True)
    contract_id = fields.Integer(allow_none=True)
    callback_at = fields.DateTime(allow_none=True)
    confirmed_at = fields.DateTime(allow_none=True)
    created_at = fields.DateTime()


class ConsequenceSchema(Schema):
    id = fields.Integer()
    complaint_id = fields.Integer()
    worker_id = fields.Integer()
    kind = fields.String()
    reason = fields.String()
    state = fields.String()
    evaluation_id = fields.Integer(allow_none=True)
    requested_at = fields.DateTime()
    decided_at = fields.DateTime(allow_none=True)


class ComplaintSchema(ComplaintRowSchema):
    details = fields.String()
    mediation_id = fields.Integer(allow_none=True)
    followup_id = fields.Integer(allow_none=True)
    survey_id = fields.Integer(allow_none=True)
    entered_by = fields.String(allow_none=True)
    paused_at = fields.DateTime(allow_none=True)
    paused_minutes = fields.Integer()
    first_contact_at = fields.DateTime(allow_none=True)
    resolved_at = fields.DateTime(allow_none=True)
    closed_at = fields.DateTime(allow_none=True)
    verdict = fields.String(allow_none=True)
    reopened = fields.Integer()
    folded = fields.Boolean(metadata={"description": "The report was folded into this "
                                                     "complaint, already open."})
    clocks = fields.List(fields.Nested(ClockSchema))
    actions = fields.List(fields.Nested(ActionSchema))
    resolutions = fields.List(fields.Nested(ResolutionSchema))
    consequences = fields.List(fields.Nested(ConsequenceSchema))


class RefundRowSchema(Schema):
    id = fields.Integer()
    amount = fields.Decimal(places=2, as_string=True)
    state = fields.String()
    created_at = fields.DateTime()
    confirmed_at = fields.DateTime(allow_none=True)
    complaint = fields.String(metadata={"description": "The complaint's number."})
    order = fields.String(metadata={"description": "The order's number."})


RefundPageSchema = page_schema(RefundRowSchema, "ComplaintRefundPage")


class RefundQuerySchema(Schema):
    state = fields.String(load_default="awaiting_finance",
                          validate=validate.OneOf(("awaiting_finance", "done")))
    page = fields.Integer(load_default=1, validate=validate.Range(min=1))
    per_page = fields.Integer(load_default=20, validate=validate.Range(min=1, max=200))


class CategorySchema(Schema):
    code = fields.String()
    name_zh = fields.String()
    name_en = fields.String()
    position = fields.Integer()
    active = fields.Boolean()


class LevelSchema(Schema):
    code = fields.String()
    name_zh = fields.String()
    name_en = fields.String()
    rank = fields.Integer()
    supervisor = fields.Boolean()
    first_contact_minutes = fields.Integer()
    callback_minutes = fields.Integer()
    solution_minutes = fields.Integer()
    warn_minutes = fields.Integer()
    version = fields.Integer()


class PolicySchema(Schema):
    categories = fields.List(fields.Nested(CategorySchema))
    levels = fields.List(fields.Nested(LevelSchema))
    desk_hours = fields.List(fields.String())
    compensation_limit = fields.Decimal(places=2, as_string=True)
