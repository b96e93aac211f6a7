"""Follow-ups (回访) and what hangs on them: outcomes, anchors, mediation cases (调解),
evaluations of workers (评价), the outbox of messages, in-app notifications, calendar tokens.

The ``followups`` table is the record of what is due: the sweep reads it, so nothing
depends on Redis remembering. A follow-up belongs to an order or to a hospital internship
(实习跟踪, :mod:`core.followups.internships`), exactly one of them. Identity of a follow-up
within its owner is ``(rule_code, anchor_key)`` (unique), which makes planning idempotent.
"""
from __future__ import annotations

import datetime as dt

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..accounts.models import User
from ..extensions import db
from ..timeutil import UTCDateTime, utcnow
from .rules import KINDS, OUTCOMES

STATE_LABELS = {"pending": ("待回访", "Pending"), "done": ("已完成", "Done"),
                "cancelled": ("已取消", "Cancelled")}
STATES = tuple(STATE_LABELS)
#: why a follow-up was cancelled
CANCEL_REASONS = ("order_cancelled", "replanned", "internship_ended")
#: the pseudo service line of internship check-ins (queue filter, rules lookup)
INTERNSHIP_LINE = "internship"
MEDIATION_STATES = ("open", "resolved")
EVALUATION_SOURCES = ("end_of_service_call", "mediation", "supervisor", "complaint", "survey")
VERDICTS = ("satisfied", "not_satisfied")
SCORE_FIELDS = ("overall", "attitude", "skill", "efficiency", "communication")
OUTBOX_STATES = ("pending", "sending", "sent", "failed", "skipped")


def _in(column: str, values) -> str:
    return f"{column} IN ({', '.join(repr(v) for v in values)})"


class FollowUp(db.Model):
    """One follow-up to make (回访): due when, how (kind), for which order (or internship),
    by whom.

    ``planned_at`` is what the rules computed; ``due_at`` what is due now (moved by a
    reschedule or an unreachable retry). ``attempts`` counts unreachable tries.
    ``reminded_at`` is set once the assignee has been reminded of the current
    ``due_at``; ``enqueued_at`` when the sweep last queued the reminder (a lease: after
    it runs out unanswered the sweep queues it again). ``version`` moves on every change
    a person makes (outcome, reschedule), for the stale-form check.
    """

    __tablename__ = "followups"

    id: Mapped[int] = mapped_column(primary_key=True)
    #: whose follow-up it is: an order's, or a hospital internship's (医院实习, the trainees
    #: area) — exactly one of the two (``ck_followups_one_owner``)
    order_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("orders.id", ondelete="CASCADE"), index=True)
    internship_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("internships.id", ondelete="CASCADE"), index=True)
    #: the order's service line; ``internship`` (:data:`INTERNSHIP_LINE`) for an internship's
    service_line: Mapped[str] = mapped_column(sa.String(32))
    rule_code: Mapped[str] = mapped_column(sa.String(40))
    anchor_key: Mapped[str] = mapped_column(sa.String(64))
    kind: Mapped[str] = mapped_column(sa.String(16))
    title_zh: Mapped[str] = mapped_column(sa.String(160))
    title_en: Mapped[str] = mapped_column(sa.String(200))
    script_zh: Mapped[str] = mapped_column(sa.Text, default="")
    script_en: Mapped[str] = mapped_column(sa.Text, default="")
    planned_at: Mapped[dt.datetime] = mapped_column(UTCDateTime)
    due_at: Mapped[dt.datetime] = mapped_column(UTCDateTime)
    state: Mapped[str] = mapped_column(sa.String(12), default="pending")
    outcome: Mapped[str | None] = mapped_column(sa.String(16))
    attempts: Mapped[int] = mapped_column(sa.Integer, default=0)
    assignee_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))
    escalated_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)
    escalated_to_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))
    reminded_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)
    enqueued_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)
    completed_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)
    completed_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))
    cancel_reason: Mapped[str | None] = mapped_column(sa.String(24))
    mediation_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("mediation_cases.id", ondelete="SET NULL"))
    version: Mapped[int] = mapped_column(sa.Integer, default=1)
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)

    assignee: Mapped[User | None] = relationship(foreign_keys=[assignee_id])
    outcomes: Mapped[list[FollowUpOutcome]] = relationship(
        back_populates="followup", cascade="all, delete-orphan",
        order_by=lambda: (FollowUpOutcome.recorded_at, FollowUpOutcome.id))

    __table_args__ = (
        sa.UniqueConstraint("order_id", "rule_code", "anchor_key", name="uq_followups_rule"),
        sa.UniqueConstraint("internship_id", "rule_code", "anchor_key",
                            name="uq_followups_internship_rule"),
        sa.CheckConstraint("(order_id IS NULL) <> (internship_id IS NULL)", name="one_owner"),
        sa.CheckConstraint(_in("state", STATES), name="state_known"),
        sa.CheckConstraint(_in("kind", KINDS), name="kind_known"),
        sa.CheckConstraint("outcome IS NULL OR " + _in("outcome", OUTCOMES),
                           name="outcome_known"),
        # the sweep: pending, due, not yet reminded
        sa.Index("ix_followups_to_remind", "due_at",
                 postgresql_where=sa.text("state = 'pending' AND reminded_at IS NULL"),
                 sqlite_where=sa.text("state = 'pending' AND reminded_at IS NULL")),
        # a dispatcher's queue: her pending follow-ups by due time
        sa.Index("ix_followups_queue", "assignee_id", "due_at",
                 postgresql_where=sa.text("state = 'pending'"),
                 sqlite_where=sa.text("state = 'pending'")),
        sa.Index("ix_followups_state_due", "state", "due_at"),
    )

    @property
    def is_open(self) -> bool:
        """Still to be done."""
        return self.state == "pending"

    @property
    def outcome_opens_at(self) -> dt.datetime:
        """From when an outcome may be recorded without a reason: the start (00:00,
        Asia/Shanghai) of the day the follow-up was planned for."""
        from ..timeutil import SHANGHAI

        day = (self.planned_at or self.due_at).astimezone(SHANGHAI).date()
        return dt.datetime.combine(day, dt.time(), SHANGHAI).astimezone(dt.timezone.utc)

    @property
    def is_early(self) -> bool:
        """An order's follow-up whose day has not come yet: an outcome now needs a
        reason (``early_reason``). Internship check-ins may be made any day."""
        return self.internship_id is None and utcnow() < self.outcome_opens_at


class FollowUpOutcome(db.Model):
    """One recorded attempt at a follow-up: what came of it, who recorded it, when.

    ``idempotency_key`` (unique) makes a double click or a retried request a no-op;
    ``data`` holds the outcome's facts (scores, the new due time, the next session).
    """

    __tablename__ = "followup_outcomes"

    id: Mapped[int] = mapped_column(primary_key=True)
    followup_id: Mapped[int] = mapped_column(
        sa.ForeignKey("followups.id", ondelete="CASCADE"), index=True)
    outcome: Mapped[str] = mapped_column(sa.String(16))
    reason: Mapped[str] = mapped_column(sa.String(255), default="")
    notes: Mapped[str] = mapped_column(sa.Text, default="")
    data: Mapped[dict | None] = mapped_column(sa.JSON)
    attempt: Mapped[int] = mapped_column(sa.Integer, default=1)
    recorded_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))
    recorded_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)
    idempotency_key: Mapped[str | None] = mapped_column(sa.String(80), unique=True)

    followup: Mapped[FollowUp] = relationship(back_populates="outcomes")
    recorded_by: Mapped[User | None] = relationship()

    __table_args__ = (sa.CheckConstraint(_in("outcome", OUTCOMES), name="outcome_known"),)


class FollowUpAnchor(db.Model):
    """When an anchor of an order happened or is planned: 上户, 下户, the baby's birth,
    a visit, a session, a mediation case (``key`` e.g. ``visit_start:12``)."""

    __tablename__ = "followup_anchors"

    id: Mapped[int] = mapped_column(primary_key=True)
    order_id: Mapped[int] = mapped_column(sa.ForeignKey("orders.id", ondelete="CASCADE"),
                                          index=True)
    key: Mapped[str] = mapped_column(sa.String(64))
    at: Mapped[dt.datetime] = mapped_column(UTCDateTime)
    until: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)
    source: Mapped[str] = mapped_column(sa.String(24), default="order")
    updated_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)

    __table_args__ = (sa.UniqueConstraint("order_id", "key", name="uq_followup_anchors_key"),)


class MediationCase(db.Model):
    """A mediation (调解) between customer and worker, opened by a not-satisfied
    follow-up: the cause, what was done, how it was settled, whether the worker was
    replaced (换人). It has follow-ups of its own (anchors ``mediation_opened:<id>`` and
    ``mediation_resolved:<id>``)."""

    __tablename__ = "mediation_cases"

    id: Mapped[int] = mapped_column(primary_key=True)
    order_id: Mapped[int] = mapped_column(sa.ForeignKey("orders.id", ondelete="CASCADE"),
                                          index=True)
    #: the follow-up whose not-satisfied outcome opened the case (no foreign key: the
    #: follow-up in turn points at its case; one case per follow-up)
    opened_from_id: Mapped[int | None] = mapped_column(sa.Integer, unique=True)
    worker_id: Mapped[int | None] = mapped_column(sa.ForeignKey("workers.id"))
    state: Mapped[str] = mapped_column(sa.String(12), default="open")
    cause: Mapped[str] = mapped_column(sa.Text, default="")
    actions: Mapped[str] = mapped_column(sa.Text, default="")
    resolution: Mapped[str] = mapped_column(sa.Text, default="")
    worker_replaced: Mapped[bool] = mapped_column(default=False)
    opened_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)
    opened_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))
    resolved_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)
    resolved_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))
    #: still unresolved when its order finished or was cancelled: flagged to the
    #: supervisors then, with why
    flagged_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)
    flag_reason: Mapped[str] = mapped_column(sa.String(255), default="", server_default="")
    version: Mapped[int] = mapped_column(sa.Integer, nullable=False)

    __mapper_args__ = {"version_id_col": version}
    __table_args__ = (sa.CheckConstraint(_in("state", MEDIATION_STATES), name="state_known"),)


class Evaluation(db.Model):
    """An evaluation (评价) on a worker's record: the customer's verdict with 1–5 scores,
    from the end-of-service satisfaction call (下户回访) or another source. Matching reads
    these to rate workers."""

    __tablename__ = "evaluations"

    id: Mapped[int] = mapped_column(primary_key=True)
    worker_id: Mapped[int] = mapped_column(sa.ForeignKey("workers.id"), index=True)
    order_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("orders.id", ondelete="SET NULL"), index=True)
    followup_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("followups.id", ondelete="SET NULL"), unique=True)
    source: Mapped[str] = mapped_column(sa.String(24))
    verdict: Mapped[str] = mapped_column(sa.String(16))
    overall: Mapped[int] = mapped_column(sa.SmallInteger)
    attitude: Mapped[int | None] = mapped_column(sa.SmallInteger)
    skill: Mapped[int | None] = mapped_column(sa.SmallInteger)
    efficiency: Mapped[int | None] = mapped_column(sa.SmallInteger)
    communication: Mapped[int | None] = mapped_column(sa.SmallInteger)
    notes: Mapped[str] = mapped_column(sa.Text, default="")
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)
    created_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))

    __table_args__ = (
        sa.CheckConstraint(_in("source", EVALUATION_SOURCES), name="source_known"),
        sa.CheckConstraint(_in("verdict", VERDICTS), name="verdict_known"),
        *(sa.CheckConstraint(f"{f} IS NULL OR {f} BETWEEN 1 AND 5", name=f"{f}_1_to_5")
          for f in SCORE_FIELDS),
    )


class OutboxMessage(db.Model):
    """A message to send through one channel to one person, written in the same
    transaction as the fact that calls for it. ``dedupe_key`` (unique) names the
    message (``remind:<followup>:<due>:<channel>``), so it is created at most once;
    delivery marks it ``sent`` exactly once (see :mod:`core.followups.outbox`)."""

    __tablename__ = "outbox_messages"

    id: Mapped[int] = mapped_column(primary_key=True)
    dedupe_key: Mapped[str] = mapped_column(sa.String(160), unique=True)
    channel: Mapped[str] = mapped_column(sa.String(32))
    #: a member of staff, or (a survey link) a customer: exactly one of the two
    recipient_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("users.id", ondelete="CASCADE"))
    customer_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("customers.id", ondelete="CASCADE"))
    followup_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("followups.id", ondelete="SET NULL"), index=True)
    subject_zh: Mapped[str] = mapped_column(sa.String(200))
    subject_en: Mapped[str] = mapped_column(sa.String(240))
    body_zh: Mapped[str] = mapped_column(sa.Text, default="")
    body_en: Mapped[str] = mapped_column(sa.Text, default="")
    link: Mapped[str] = mapped_column(sa.String(255), default="")
    state: Mapped[str] = mapped_column(sa.String(12), default="pending")
    attempts: Mapped[int] = mapped_column(sa.Integer, default=0)
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)
    claimed_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)
    sent_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)
    last_error: Mapped[str] = mapped_column(sa.String(255), default="")

    __table_args__ = (
        sa.CheckConstraint(_in("state", OUTBOX_STATES), name="state_known"),
        sa.CheckConstraint("(recipient_id IS NULL) <> (customer_id IS NULL)",
                           name="one_recipient"),
        sa.Index("ix_outbox_messages_unsent", "created_at",
                 postgresql_where=sa.text("state IN ('pending', 'sending')"),
                 sqlite_where=sa.text("state IN ('pending', 'sending')")),
    )


class Notification(db.Model):
    """An in-app notification (站内通知) to a member of staff. ``outbox_id`` is unique:
    one outbox message makes at most one notification."""

    __tablename__ = "notifications"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id", ondelete="CASCADE"),
                                         index=True)
    outbox_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("outbox_messages.id", ondelete="SET NULL"), unique=True)
    title_zh: Mapped[str] = mapped_column(sa.String(200))
    title_en: Mapped[str] = mapped_column(sa.String(240))
    body_zh: Mapped[str] = mapped_column(sa.Text, default="")
    body_en: Mapped[str] = mapped_column(sa.Text, default="")
    link: Mapped[str] = mapped_column(sa.String(255), default="")
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)
    read_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)


class CalendarToken(db.Model):
    """The secret of a person's private calendar feed (iCalendar); only its SHA-256 is
    stored. Regenerating replaces it; revoking deletes it."""

    __tablename__ = "followup_calendar_tokens"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id", ondelete="CASCADE"),
                                         unique=True)
    token_hash: Mapped[str] = mapped_column(sa.String(64), unique=True)
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)
