"""Follow-ups API (/api/v1/followups): the queue, recording outcomes, timelines, anchors,
mediation cases, evaluations, notifications and the private calendar feed's token."""
from flask import request, url_for
from flask_smorest import Blueprint

from ..access import current_principal, roles
from ..extensions import db
from ..readcache import cached
from . import queries, service, steps
from .models import INTERNSHIP_LINE, Evaluation, MediationCase
from .schemas import (
    CalendarTokenSchema,
    EvaluationQuerySchema,
    EvaluationSchema,
    FollowUpAnchorInSchema,
    FollowUpAssignInSchema,
    FollowUpCountsQuerySchema,
    FollowUpCountsSchema,
    FollowUpDetailSchema,
    FollowUpOutcomeInSchema,
    FollowUpPageSchema,
    FollowUpQuerySchema,
    FollowUpRecordedSchema,
    FollowUpSchema,
    FollowUpTimelineItemSchema,
    MediationQuerySchema,
    MediationSchema,
    MediationUpdateSchema,
    NotificationPageSchema,
    NotificationQuerySchema,
    NotificationSchema,
    WorkerRatingSchema,
)

blp = Blueprint("followups_api", __name__, url_prefix="/api/v1/followups",
                description="Follow-up calls (回访): queue, outcomes, mediation, evaluations")

#: who makes follow-ups: dispatchers and supervisors (admin implied)
DESK = ("dispatcher", "supervisor")


def _me() -> int:
    return current_principal().id


@blp.route("")
@roles(*DESK, *service.INTERNSHIP_DESK)
@cached(max_age=10)  # what is overdue changes with the clock alone
@blp.arguments(FollowUpQuerySchema, location="query")
@blp.response(200, FollowUpPageSchema)
def list_followups(args):
    """The follow-up queue: ``bucket`` overdue / today / upcoming / escalated / done /
    cancelled, filtered by line (``internship``: internship check-ins), dispatcher
    (``assignee_id``) and order. A trainer sees her own internship check-ins only."""
    if current_principal().role in service.INTERNSHIP_DESK:
        args.update(service_line=INTERNSHIP_LINE, assignee_id=_me())
    return queries.search(**args)


@blp.route("/counts")
@roles(*DESK)
@blp.arguments(FollowUpCountsQuerySchema, location="query")
@blp.response(200, FollowUpCountsSchema)
def followup_counts(args):
    """Pending follow-ups overdue, due today, upcoming and escalated (everyone's, or one
    dispatcher's with ``assignee_id``)."""
    return queries.counts(args["assignee_id"])


@blp.route("/<int:followup_id>")
@roles(*DESK)
@blp.response(200, FollowUpDetailSchema)
def get_followup(followup_id):
    """One follow-up with its script and every outcome recorded so far."""
    return service.get_followup(followup_id)


@blp.route("/<int:followup_id>/outcomes", methods=["POST"])
@roles(*DESK, *service.INTERNSHIP_DESK)
@blp.arguments(FollowUpOutcomeInSchema)
@blp.response(200, FollowUpRecordedSchema)
def record_outcome(data, followup_id):
    """Record an outcome: satisfied, not_satisfied (``reason``), unreachable (retried the
    next day), rescheduled (``new_due_at``), done. Before the follow-up's day (Asia/Shanghai)
    only with ``early_reason`` (422 ``early_reason`` otherwise). Idempotent: send ``version`` or an
    idempotency key (body or ``Idempotency-Key`` header); a repeat answers
    ``replayed: true`` and changes nothing."""
    key = data.pop("idempotency_key") or request.headers.get("Idempotency-Key") or None
    return steps.record_outcome(followup_id, data.pop("outcome"), current_principal(),
                                idempotency_key=key, **data)


@blp.route("/<int:followup_id>/assignee", methods=["POST"])
@roles("supervisor")
@blp.arguments(FollowUpAssignInSchema)
@blp.response(200, FollowUpSchema)
def reassign(data, followup_id):
    """Hand a follow-up to another member of staff (supervisors)."""
    return steps.reassign(followup_id, data["assignee_id"])


@blp.route("/orders/<int:order_id>/timeline")
@roles(*DESK)
@blp.response(200, FollowUpTimelineItemSchema(many=True))
def order_timeline(order_id):
    """An order's follow-ups (done and planned), mediation cases and evaluations."""
    service._order(order_id)
    return service.timeline(order_id)


@blp.route("/orders/<int:order_id>/anchors", methods=["POST"])
@roles(*DESK)
@blp.arguments(FollowUpAnchorInSchema)
@blp.response(200, FollowUpSchema(many=True))
def move_anchor(data, order_id):
    """An anchor moved or became known (the baby was born, 上户 moved …): the pending
    follow-ups hanging on it are re-planned. ``service_start`` / ``service_end`` are the
    order's 上户/下户: they move the order's service period as one operation (the order,
    the worker's booking — 409 ``double_booking`` if she is busy then — the contract term
    and the follow-ups; same as ``POST /api/v1/orders/<id>/period``). Returns the order's
    follow-ups."""
    return steps.move_anchor(order_id, data["anchor"], data["at"] or data["date"],
                             instance=data["instance"], actor_id=_me(), reason=data["reason"])


@blp.route("/mediations")
@roles(*DESK)
@blp.arguments(MediationQuerySchema, location="query")
@blp.response(200, MediationSchema(many=True))
def list_mediations(args):
    """Mediation cases (调解), newest first, by order and state."""
    import sqlalchemy as sa

    stmt = sa.select(MediationCase).order_by(MediationCase.opened_at.desc()).limit(500)
    if args["order_id"] is not None:
        stmt = stmt.where(MediationCase.order_id == args["order_id"])
    if args["state"]:
        stmt = stmt.where(MediationCase.state == args["state"])
    return list(db.session.scalars(stmt))


@blp.route("/mediations/<int:case_id>")
@roles(*DESK)
@blp.response(200, MediationSchema)
def get_mediation(case_id):
    """One mediation case."""
    return service.get_mediation(case_id)


@blp.route("/mediations/<int:case_id>", methods=["PATCH"])
@roles(*DESK)
@blp.arguments(MediationUpdateSchema)
@blp.response(200, MediationSchema)
def update_mediation(data, case_id):
    """Write the cause, actions and resolution; ``resolve: true`` closes the case. Send
    the ``version`` you read (stale → 409)."""
    return steps.update_mediation(case_id, data.pop("version"), _me(), **data)


@blp.route("/evaluations")
@roles(*DESK)
@blp.arguments(EvaluationQuerySchema, location="query")
@blp.response(200, EvaluationSchema(many=True))
def list_evaluations(args):
    """Evaluations (评价) of a worker or of an order, newest first."""
    import sqlalchemy as sa

    stmt = sa.select(Evaluation).order_by(Evaluation.created_at.desc()).limit(500)
    if args["worker_id"] is not None:
        stmt = stmt.where(Evaluation.worker_id == args["worker_id"])
    if args["order_id"] is not None:
        stmt = stmt.where(Evaluation.order_id == args["order_id"])
    return list(db.session.scalars(stmt))


@blp.route("/workers/<int:worker_id>/rating")
@roles(*DESK)
@blp.response(200, WorkerRatingSchema)
def worker_rating(worker_id):
    """A worker's evaluations summed up: count, mean overall score, verdicts."""
    return service.worker_rating(worker_id)


@blp.route("/notifications")
@roles(*DESK)
@blp.arguments(NotificationQuerySchema, location="query")
@blp.response(200, NotificationPageSchema)
def my_notifications(args):
    """My in-app notifications (站内通知), newest first (``unread`` only if asked)."""
    return queries.notifications(_me(), unread=args["unread"], page=args["page"],
                                 per_page=args["per_page"])


@blp.route("/notifications/<int:notification_id>/read", methods=["POST"])
@roles(*DESK)
@blp.response(200, NotificationSchema)
def read_notification(notification_id):
    """Mark one of my notifications read."""
    return steps.mark_read(_me(), notification_id)


@blp.route("/calendar-token", methods=["POST"])
@roles(*DESK)
@blp.response(201, CalendarTokenSchema)
def issue_calendar_token():
    """A new private URL of my follow-up calendar (iCalendar); the previous URL stops
    working. The token is shown only now."""
    token = steps.issue_calendar_token(_me())
    return {"token": token, "url": url_for("followups.ical_feed", token=token, _external=True)}


@blp.route("/calendar-token", methods=["DELETE"])
@roles(*DESK)
@blp.response(204)
def revoke_calendar_token():
    """Revoke my calendar URL."""
    steps.revoke_calendar_token(_me())
