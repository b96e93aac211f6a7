"""Matching API schemas: bookings (档期), the "do not send" list, candidates, plans."""
from __future__ import annotations

from marshmallow import RAISE, Schema, fields, validate

from ..pagination import PageArgsSchema
from ..timeutil import to_business

_MAX_INT = 2**31 - 1


class StrictSchema(Schema):
    """Input schema: unknown fields are refused."""

    class Meta:
        unknown = RAISE


class _Business(fields.DateTime):
    def _serialize(self, value, attr, obj, **kwargs):
        return None if value is None else to_business(value).isoformat()


class AssignmentSchema(Schema):
    """One booking of a worker's time (档期占用)."""

    id = fields.Integer()
    worker_id = fields.Integer()
    order_id = fields.Integer()
    kind = fields.String(metadata={"description": "assignment | hold"})
    state = fields.String(metadata={"description": "active | released | replaced | lapsed"})
    starts_at = _Business()
    ends_at = _Business()
    expires_at = _Business(allow_none=True)
    reason = fields.String()
    created_by_id = fields.Integer(allow_none=True)
    created_at = _Business()
    ended_at = _Business(allow_none=True)
    end_reason = fields.String()


class BookInSchema(StrictSchema):
    """Assign her (派单, through the order's worker: ``version`` required) or hold her
    for an interview (面试预占, lapses after ``hold_hours``)."""

    worker_id = fields.Integer(required=True, validate=validate.Range(1, _MAX_INT))
    kind = fields.String(load_default="assignment",
                         validate=validate.OneOf(("assignment", "hold")))
    version = fields.Integer(validate=validate.Range(1, _MAX_INT),
                             metadata={"description": "The order's version (assignment)."})
    reason = fields.String(load_default="", validate=validate.Length(max=255))
    change_date = fields.Date(metadata={"description": "换人: from when (default today)."})
    hold_hours = fields.Float(validate=validate.Range(0.5, 24 * 14))


class ReleaseInSchema(StrictSchema):
    """Release a booking: the reason is required."""

    reason = fields.String(required=True, validate=validate.Length(min=1, max=255))


class ExcludedWorkerSchema(Schema):
    """A worker on the customer's "do not send" list (不再派送)."""

    customer_id = fields.Integer()
    worker_id = fields.Integer()
    reason = fields.String()
    created_at = _Business()


class ExcludedWorkerInSchema(StrictSchema):
    """Put a worker on the customer's "do not send" list."""

    worker_id = fields.Integer(required=True, validate=validate.Range(1, _MAX_INT))
    reason = fields.String(required=True, validate=validate.Length(min=1, max=255))


class CandidateQuerySchema(PageArgsSchema):
    """Filters of the candidate list."""

    min_grade = fields.String(load_default=None)
    min_rating = fields.Float(load_default=None)
    district = fields.String(load_default=None)
    include_excluded = fields.Boolean(load_default=False, metadata={
        "description": "Also list the excluded workers with the rules they fail."})


class CandidateSchema(Schema):
    """A candidate for the order with her score and its parts (weighted)."""

    worker_id = fields.Integer(attribute="id")
    name = fields.String()
    age = fields.Integer()
    grade = fields.String()
    years_experience = fields.Integer()
    hometown = fields.String()
    dialect = fields.String(allow_none=True)
    district = fields.String(allow_none=True)
    rating = fields.Float(allow_none=True)
    ratings_count = fields.Integer()
    score = fields.Float()
    parts = fields.Dict(keys=fields.String(), values=fields.Float())


class FailedRuleSchema(Schema):
    """A hard rule the worker fails, with what it means in both languages."""

    code = fields.String()
    message = fields.Dict(keys=fields.String(), values=fields.String())


class WhyNotSchema(Schema):
    """Why (not) her: the rules she fails; her score when she fails none."""

    worker_id = fields.Integer()
    name = fields.String()
    failed = fields.List(fields.Nested(FailedRuleSchema))
    score = fields.Float()
    parts = fields.Dict(keys=fields.String(), values=fields.Float())


class PlanInSchema(StrictSchema):
    """Orders to plan: their ids, or a business date (and line) of open orders."""

    order_ids = fields.List(fields.Integer(validate=validate.Range(1, _MAX_INT)))
    date = fields.Date()
    service_line = fields.String(load_default=None)
    k = fields.Integer(load_default=20, validate=validate.Range(1, 1000))


class PlanPairSchema(Schema):
    """One order → worker of a plan (input and output)."""

    class Meta:
        unknown = RAISE

    order_id = fields.Integer(required=True)
    worker_id = fields.Integer(required=True)
    number = fields.String(dump_only=True)
    worker = fields.String(dump_only=True)
    score = fields.Float(dump_only=True)


class _PlanSideSchema(Schema):
    pairs = fields.List(fields.Nested(PlanPairSchema))
    total = fields.Float()
    k = fields.Integer()


class UnservableSchema(Schema):
    """An order the plan cannot serve, and why."""

    order_id = fields.Integer()
    number = fields.String()
    reason = fields.Dict(keys=fields.String(), values=fields.String())


class ProposalSchema(Schema):
    """The optimal plan, the greedy plan beside it, the gap, the unservable orders."""

    optimal = fields.Nested(_PlanSideSchema)
    greedy = fields.Nested(_PlanSideSchema)
    gap = fields.Float()
    gap_percent = fields.Float()
    unservable = fields.List(fields.Nested(UnservableSchema))


class ApplyInSchema(StrictSchema):
    """The confirmed pairs of a plan."""

    pairs = fields.List(fields.Nested(PlanPairSchema), required=True,
                        validate=validate.Length(min=1))


class ApplyResultSchema(Schema):
    """What became of each pair: assigned, or refused with the reason."""

    order_id = fields.Integer()
    worker_id = fields.Integer()
    ok = fields.Boolean()
    error = fields.Dict(keys=fields.String(), values=fields.String())
