"""Follow-up API schemas (marshmallow 4; input schemas refuse unknown fields)."""
from __future__ import annotations

from marshmallow import RAISE, Schema, ValidationError, fields, validate, validates_schema

from ..messages import Msg
from ..pagination import PageArgsSchema, page_schema
from ..timeutil import utcnow
from .models import VERDICTS
from .queries import BUCKETS
from .rules import ANCHORS, INSTANCE_ANCHORS, OUTCOMES

MOVABLE_ANCHORS = tuple(a for a in ANCHORS if a != "holiday_in_service")


def _name(user) -> str | None:
    return user.display_name if user is not None else None


class FollowUpOutcomeSchema(Schema):
    id = fields.Integer()
    outcome = fields.String()
    reason = fields.String()
    notes = fields.String()
    data = fields.Dict(allow_none=True)
    attempt = fields.Integer()
    recorded_by_id = fields.Integer(allow_none=True)
    recorded_by = fields.Function(lambda o: _name(o.recorded_by))
    recorded_at = fields.DateTime()


class FollowUpSchema(Schema):
    id = fields.Integer()
    order_id = fields.Integer(allow_none=True, metadata={
        "description": "The order's follow-up; null for an internship check-in."})
    internship_id = fields.Integer(allow_none=True, metadata={
        "description": "The hospital internship's check-in (line ``internship``)."})
    service_line = fields.String()
    rule_code = fields.String()
    anchor_key = fields.String()
    kind = fields.String()
    title_zh = fields.String()
    title_en = fields.String()
    script_zh = fields.String()
    script_en = fields.String()
    planned_at = fields.DateTime()
    due_at = fields.DateTime()
    state = fields.String()
    outcome = fields.String(allow_none=True)
    attempts = fields.Integer()
    assignee_id = fields.Integer(allow_none=True)
    assignee = fields.Function(lambda f: _name(f.assignee))
    overdue = fields.Function(lambda f: f.state == "pending" and f.due_at < utcnow())
    escalated_at = fields.DateTime(allow_none=True)
    reminded_at = fields.DateTime(allow_none=True)
    completed_at = fields.DateTime(allow_none=True)
    mediation_id = fields.Integer(allow_none=True)
    version = fields.Integer()


class FollowUpDetailSchema(FollowUpSchema):
    outcomes = fields.List(fields.Nested(FollowUpOutcomeSchema))


FollowUpPageSchema = page_schema(FollowUpSchema, "FollowUpPage")


class FollowUpQuerySchema(PageArgsSchema):
    bucket = fields.String(load_default=None, validate=validate.OneOf(BUCKETS), metadata={
        "description": "overdue · today · upcoming · escalated (pending) · done · cancelled"})
    service_line = fields.String(load_default=None)
    assignee_id = fields.Integer(load_default=None)
    order_id = fields.Integer(load_default=None)


class EvaluationScoresSchema(Schema):
    class Meta:
        unknown = RAISE

    overall = fields.Integer(validate=validate.Range(1, 5))
    attitude = fields.Integer(validate=validate.Range(1, 5))
    skill = fields.Integer(validate=validate.Range(1, 5))
    efficiency = fields.Integer(validate=validate.Range(1, 5))
    communication = fields.Integer(validate=validate.Range(1, 5))


class FollowUpOutcomeInSchema(Schema):
    """Record an outcome: send ``version`` (from the follow-up you read) or an
    ``idempotency_key`` (or the ``Idempotency-Key`` header); a repeat changes nothing."""

    class Meta:
        unknown = RAISE

    outcome = fields.String(required=True, validate=validate.OneOf(OUTCOMES))
    reason = fields.String(load_default="", validate=validate.Length(max=255))
    notes = fields.String(load_default="", validate=validate.Length(max=4000))
    version = fields.Integer(load_default=None)
    idempotency_key = fields.String(load_default=None, validate=validate.Length(8, 80))
    new_due_at = fields.AwareDateTime(load_default=None)
    next_session_at = fields.AwareDateTime(load_default=None)
    scores = fields.Nested(EvaluationScoresSchema, load_default=None)
    early_reason = fields.String(
        load_default="", validate=validate.Length(max=255),
        metadata={"description": "Why the outcome is recorded before the follow-up's "
                  "day (required then; kept in the outcome's data.early_reason)."})


class FollowUpRecordedSchema(Schema):
    followup = fields.Nested(FollowUpDetailSchema)
    outcome = fields.Nested(FollowUpOutcomeSchema)
    replayed = fields.Boolean()
    mediation_id = fields.Function(lambda r: r.mediation.id if r.mediation else None)
    evaluation_id = fields.Function(lambda r: r.evaluation.id if r.evaluation else None)


class FollowUpAnchorInSchema(Schema):
    """An anchor moved or became known (e.g. the baby was born on ``date``)."""

    class Meta:
        unknown = RAISE

    anchor = fields.String(required=True, validate=validate.OneOf(MOVABLE_ANCHORS))
    at = fields.AwareDateTime(load_default=None)
    date = fields.Date(load_default=None)
    instance = fields.String(load_default=None, validate=validate.Length(1, 40))
    reason = fields.String(load_default="", validate=validate.Length(max=500), metadata={
        "description": "service_start / service_end: why the order's date moves (kept in "
                       "its history; required for a past 上户 of an order not yet in service)"})

    @validates_schema(skip_on_field_errors=True)
    def _one_time(self, data, **_):
        if (data["at"] is None) == (data["date"] is None):
            raise ValidationError(Msg("Give either at (a time) or date.",
                                      "请填写时间（at）或日期（date）之一。"), "at")
        if (data["anchor"] in INSTANCE_ANCHORS) != (data["instance"] is not None):
            raise ValidationError(Msg("Give instance for a per-visit/session/case anchor, "
                                      "and only for it.", "按次锚点需要填写 instance。"),
                                  "instance")


class FollowUpAssignInSchema(Schema):
    class Meta:
        unknown = RAISE

    assignee_id = fields.Integer(required=True)


class FollowUpCountsSchema(Schema):
    overdue = fields.Integer()
    today = fields.Integer()
    upcoming = fields.Integer()
    escalated = fields.Integer()


class FollowUpCountsQuerySchema(Schema):
    assignee_id = fields.Integer(load_default=None)


class MediationSchema(Schema):
    id = fields.Integer()
    order_id = fields.Integer()
    opened_from_id = fields.Integer(allow_none=True)
    worker_id = fields.Integer(allow_none=True)
    state = fields.String()
    cause = fields.String()
    actions = fields.String()
    resolution = fields.String()
    worker_replaced = fields.Boolean()
    opened_at = fields.DateTime()
    resolved_at = fields.DateTime(allow_none=True)
    flagged_at = fields.DateTime(allow_none=True, metadata={
        "description": "set when the case was still unresolved as its order finished or "
                       "was cancelled: the supervisors were told"})
    flag_reason = fields.String()
    version = fields.Integer()


class MediationQuerySchema(Schema):
    order_id = fields.Integer(load_default=None)
    state = fields.String(load_default=None, validate=validate.OneOf(("open", "resolved")))


class MediationUpdateSchema(Schema):
    class Meta:
        unknown = RAISE

    version = fields.Integer(required=True)
    cause = fields.String(validate=validate.Length(max=4000))
    actions = fields.String(validate=validate.Length(max=4000))
    resolution = fields.String(validate=validate.Length(max=4000))
    worker_replaced = fields.Boolean()
    resolve = fields.Boolean(load_default=False)


class EvaluationSchema(Schema):
    id = fields.Integer()
    worker_id = fields.Integer()
    order_id = fields.Integer(allow_none=True)
    followup_id = fields.Integer(allow_none=True)
    source = fields.String()
    verdict = fields.String(validate=validate.OneOf(VERDICTS))
    notes = fields.String()
    created_at = fields.DateTime()
    overall = fields.Integer()
    attitude = fields.Integer(allow_none=True)
    skill = fields.Integer(allow_none=True)
    efficiency = fields.Integer(allow_none=True)
    communication = fields.Integer(allow_none=True)


class EvaluationQuerySchema(Schema):
    worker_id = fields.Integer(load_default=None)
    order_id = fields.Integer(load_default=None)


class WorkerRatingSchema(Schema):
    count = fields.Integer()
    overall = fields.Float(allow_none=True)
    satisfied = fields.Integer()
    not_satisfied = fields.Integer()


class FollowUpTimelineItemSchema(Schema):
    type = fields.String()
    at = fields.DateTime()
    followup = fields.Nested(FollowUpSchema, allow_none=True)
    outcomes = fields.List(fields.Nested(FollowUpOutcomeSchema), allow_none=True)
    case = fields.Nested(MediationSchema, allow_none=True)
    evaluation = fields.Nested(EvaluationSchema, allow_none=True)


class CalendarTokenSchema(Schema):
    token = fields.String()
    url = fields.String()


class NotificationSchema(Schema):
    id = fields.Integer()
    title_zh = fields.String()
    title_en = fields.String()
    body_zh = fields.String()
    body_en = fields.String()
    link = fields.String()
    created_at = fields.DateTime()
    read_at = fields.DateTime(allow_none=True)


class NotificationQuerySchema(PageArgsSchema):
    unread = fields.Boolean(load_default=False)


NotificationPageSchema = page_schema(NotificationSchema, "NotificationPage")
