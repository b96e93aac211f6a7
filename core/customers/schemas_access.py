"""Schemas of access requests and grants (查阅申请与授权)."""
from marshmallow import RAISE, Schema, fields, validate

from ..messages import Msg
from ..pagination import PageArgsSchema, page_schema
from .models_access import DESTRUCTION_REASONS, DESTRUCTION_STATES, REQUEST_STATES
from .schemas import Text

_MAX_INT = 2**31 - 1
REASON = Msg("Give the reason (2–500 characters).", "请填写理由（2–500 个字）。")
HOURS = Msg("Give the hours wanted (at least 1).", "请填写查阅时长（至少 1 小时）。")


class AccessRequestInSchema(Schema):
    """Ask to read a confidential (机密) or top-secret (绝密) file."""

    class Meta:
        unknown = RAISE

    customer_id = fields.Integer(required=True, validate=validate.Range(1, _MAX_INT))
    reason = Text(required=True, validate=validate.Length(min=2, max=500, error=REASON))
    hours = fields.Integer(required=True, validate=validate.Range(1, 10_000, error=HOURS),
                           metadata={"description": "How long the grant lasts once approved; "
                                                    "the policy caps it per level."})


class DecisionInSchema(Schema):
    """An approver's note with the decision (optional)."""

    class Meta:
        unknown = RAISE

    note = Text(load_default="", validate=validate.Length(max=500))


class AccessRequestSchema(Schema):
    """A request, with its state as it stands now (an approved grant past its time:
    ``expired``)."""

    id = fields.Integer()
    customer_id = fields.Integer()
    customer_name = fields.String()
    requester_id = fields.Integer()
    requester = fields.String()
    level = fields.String()
    reason = fields.String()
    hours = fields.Integer()
    state = fields.String(metadata={"description": ", ".join(REQUEST_STATES) + ", expired"})
    decided_by_id = fields.Integer(allow_none=True)
    decided_by = fields.String(allow_none=True)
    decided_at = fields.DateTime(allow_none=True)
    decision_note = fields.String()
    expires_at = fields.DateTime(allow_none=True)
    created_at = fields.DateTime()
    may_decide = fields.Boolean()
    may_revoke = fields.Boolean()


class AccessRequestQuerySchema(PageArgsSchema):
    """Filters: state (pending, approved, active, expired, refused, revoked, withdrawn),
    customer, only mine."""

    state = fields.String(load_default=None, validate=validate.OneOf(
        [*REQUEST_STATES, "active", "expired"]))
    customer_id = fields.Integer(load_default=None, validate=validate.Range(1, _MAX_INT))
    mine = fields.Boolean(load_default=False)


AccessRequestPageSchema = page_schema(AccessRequestSchema, "AccessRequestPage")


class DestructionInSchema(Schema):
    """A proposal to destroy a file (档案销毁): why (obsolete, or the customer asked under
    PIPL art. 47) and a note."""

    class Meta:
        unknown = RAISE

    reason = fields.String(required=True, validate=validate.OneOf(tuple(DESTRUCTION_REASONS)),
                           metadata={"description": ", ".join(DESTRUCTION_REASONS)})
    note = fields.String(load_default="", validate=validate.Length(max=500))


class DestructionSchema(Schema):
    id = fields.Integer()
    customer_id = fields.Integer()
    reason = fields.String()
    note = fields.String()
    state = fields.String(metadata={"description": ", ".join(DESTRUCTION_STATES)})
    proposed_by_id = fields.Integer()
    approver_ids = fields.List(fields.Integer())
    approvals_needed = fields.Integer()
    created_at = fields.DateTime()
    destroyed_at = fields.DateTime(allow_none=True)
    refused_by_id = fields.Integer(allow_none=True)
    refusal_note = fields.String()
    may_approve = fields.Boolean()
    may_refuse = fields.Boolean()
    may_cancel = fields.Boolean()


class DestructionQuerySchema(PageArgsSchema):
    state = fields.String(load_default=None, validate=validate.OneOf(tuple(DESTRUCTION_STATES)))
    customer_id = fields.Integer(load_default=None, validate=validate.Range(1, _MAX_INT))


DestructionPageSchema = page_schema(DestructionSchema, "DestructionPage")
