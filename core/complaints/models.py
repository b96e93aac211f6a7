"""Complaints (投诉): the complaint with its clocks, its action log, resolutions and the
consequences for the worker; the company-editable classes and levels (with the SLA policy
per level); and satisfaction surveys (满意度调查).

The ``complaint_clocks`` table is the record of what is due (like ``followups``): the
sweep reads it, so a lost Redis or a killed worker delays an escalation, never loses it.
"""
from __future__ import annotations

import datetime as dt
from decimal import Decimal

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..accounts.models import User
from ..extensions import db
from ..orders.models import MONEY
from ..timeutil import UTCDateTime, utcnow

CHANNELS = ("phone", "wechat", "in_person", "followup", "survey")
STATES = ("open", "waiting_customer", "resolved", "closed")
#: states in which the complaint is still being worked on (its clocks may run)
OPEN_STATES = ("open", "waiting_customer", "resolved")
CLOCKS = ("first_contact", "callback", "solution")
ACTION_KINDS = ("intake", "note", "contact", "callback", "promise", "reassign", "pause",
                "resume", "level", "resolution", "refund_confirmed", "approval",
                "closing_callback", "reopen", "folded", "warning", "escalation",
                "consequence", "survey")
RESOLUTION_KINDS = ("apology", "redo", "refund", "replace_worker", "compensation")
RESOLUTION_STATES = ("done", "awaiting_finance", "awaiting_approval", "rejected")
VERDICTS = ("satisfied", "not_satisfied")
CONSEQUENCE_KINDS = ("evaluation", "warning", "suspension", "blacklist")
CONSEQUENCE_STATES = ("pending", "applied", "rejected")
SURVEY_CHANNELS = ("link", "call")


def _in(column: str, values) -> str:
    return f"{column} IN ({', '.join(repr(v) for v in values)})"


class ComplaintCategory(db.Model):
    """A class of complaint (投诉类别) the company keeps: worker attitude, punctuality …
    Retired classes stay (``active`` false) so old complaints keep their label."""

    __tablename__ = "complaint_categories"

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(sa.String(32), unique=True)
    name_zh: Mapped[str] = mapped_column(sa.String(60))
    name_en: Mapped[str] = mapped_column(sa.String(80))
    position: Mapped[int] = mapped_column(sa.Integer, default=0)
    active: Mapped[bool] = mapped_column(default=True)


class ComplaintLevel(db.Model):
    """A level (投诉等级: 一般 / 较重 / 严重 / 重大) with its SLA policy, in minutes of desk
    time: to the first contact, to the promised call-back, to the solution; a due-soon
    warning ``warn_minutes`` before each. ``supervisor``: routed to a supervisor."""

    __tablename__ = "complaint_levels"

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(sa.String(16), unique=True)
    name_zh: Mapped[str] = mapped_column(sa.String(20))
    name_en: Mapped[str] = mapped_column(sa.String(40))
    rank: Mapped[int] = mapped_column(sa.Integer, default=0)
    supervisor: Mapped[bool] = mapped_column(default=False)
    first_contact_minutes: Mapped[int] = mapped_column(sa.Integer)
    callback_minutes: Mapped[int] = mapped_column(sa.Integer)
    solution_minutes: Mapped[int] = mapped_column(sa.Integer)
    warn_minutes: Mapped[int] = mapped_column(sa.Integer, default=30)
    version: Mapped[int] = mapped_column(sa.Integer, nullable=False)

    __mapper_args__ = {"version_id_col": version}


class Complaint(db.Model):
    """A complaint (投诉): who complained (the customer), about what (order, worker), how it
    came in, its class and level, who owns it, and where it stands.

    ``received_at`` is when the customer complained (it starts the clocks);
    ``entered_at`` when it was typed in. ``due_at``/``warn_at`` are the earliest running
    clock's deadline and warning, ``breached`` whether a clock ran out — kept here for
    the desk list; the clocks themselves are :class:`ComplaintClock`.
    """

    __tablename__ = "complaints"

    id: Mapped[int] = mapped_column(primary_key=True)
    number: Mapped[str] = mapped_column(sa.String(20), unique=True)
    customer_id: Mapped[int] = mapped_column(sa.ForeignKey("customers.id"), index=True)
    order_id: Mapped[int | None] = mapped_column(sa.ForeignKey("orders.id"), index=True)
    worker_id: Mapped[int | None] = mapped_column(sa.ForeignKey("workers.id"), index=True)
    mediation_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("mediation_cases.id", ondelete="SET NULL"))
    followup_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("followups.id", ondelete="SET NULL"), unique=True)
    survey_id: Mapped[int | None] = mapped_column(sa.Integer)
    channel: Mapped[str] = mapped_column(sa.String(16))
    category_code: Mapped[str] = mapped_column(sa.String(32))
    level_code: Mapped[str] = mapped_column(sa.String(16))
    summary: Mapped[str] = mapped_column(sa.String(200))
    details: Mapped[str] = mapped_column(sa.Text, default="")
    state: Mapped[str] = mapped_column(sa.String(20), default="open")
    owner_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))
    received_at: Mapped[dt.datetime] = mapped_column(UTCDateTime)
    entered_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)
    entered_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))
    paused_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)
    paused_minutes: Mapped[int] = mapped_column(sa.Integer, default=0)
    due_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)
    warn_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)
    breached: Mapped[bool] = mapped_column(default=False)
    first_contact_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)
    resolved_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)
    closed_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)
    verdict: Mapped[str | None] = mapped_column(sa.String(16))
    reopened: Mapped[int] = mapped_column(sa.Integer, default=0)
    updated_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)
    version: Mapped[int] = mapped_column(sa.Integer, nullable=False)

    owner: Mapped[User | None] = relationship(foreign_keys=[owner_id])
    clocks: Mapped[list[ComplaintClock]] = relationship(
        back_populates="complaint", cascade="all, delete-orphan",
        order_by=lambda: ComplaintClock.id)
    actions: Mapped[list[ComplaintAction]] = relationship(
        back_populates="complaint", cascade="all, delete-orphan",
        order_by=lambda: (ComplaintAction.at, ComplaintAction.id))
    resolutions: Mapped[list[ComplaintResolution]] = relationship(
        back_populates="complaint", cascade="all, delete-orphan",
        order_by=lambda: ComplaintResolution.id)

    __mapper_args__ = {"version_id_col": version}
    __table_args__ = (
        sa.CheckConstraint(_in("state", STATES), name="state_known"),
        sa.CheckConstraint(_in("channel", CHANNELS), name="channel_known"),
        sa.CheckConstraint("verdict IS NULL OR " + _in("verdict", VERDICTS),
                           name="verdict_known"),
        # the desk: open complaints by deadline, and one owner's
        sa.Index("ix_complaints_open_due", "due_at",
                 postgresql_where=sa.text("state <> 'closed'"),
                 sqlite_where=sa.text("state <> 'closed'")),
        sa.Index("ix_complaints_owner_open", "owner_id", "due_at",
                 postgresql_where=sa.text("state <> 'closed'"),
                 sqlite_where=sa.text("state <> 'closed'")),
        sa.Index("ix_complaints_received", "received_at"),
        # the desk's other states (closed newest first) and their count, from the index
        sa.Index("ix_complaints_state_received", "state", "received_at"),
    )

    @property
    def is_open(self) -> bool:
        """Still being worked on."""
        return self.state in OPEN_STATES


class ComplaintClock(db.Model):
    """One SLA clock of a complaint (first contact, call-back, solution): when it runs
    out in desk time, when it was met, warned, breached. While the complaint waits on
    the customer, ``due_at`` is empty and ``remaining_minutes`` holds what was left."""

    __tablename__ = "complaint_clocks"

    id: Mapped[int] = mapped_column(primary_key=True)
    complaint_id: Mapped[int] = mapped_column(
        sa.ForeignKey("complaints.id", ondelete="CASCADE"), index=True)
    kind: Mapped[str] = mapped_column(sa.String(16))
    target_minutes: Mapped[int] = mapped_column(sa.Integer)
    due_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)
    warn_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)
    remaining_minutes: Mapped[int | None] = mapped_column(sa.Integer)
    met_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)
    warned_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)
    breached_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)
    escalated_to_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))
    enqueued_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)

    complaint: Mapped[Complaint] = relationship(back_populates="clocks")

    __table_args__ = (
        sa.UniqueConstraint("complaint_id", "kind", name="uq_complaint_clocks_kind"),
        sa.CheckConstraint(_in("kind", CLOCKS), name="kind_known"),
        # the sweep: running clocks not yet breached / not yet warned
        sa.Index("ix_complaint_clocks_running", "due_at",
                 postgresql_where=sa.text("met_at IS NULL AND breached_at IS NULL"),
                 sqlite_where=sa.text("met_at IS NULL AND breached_at IS NULL")),
        sa.Index("ix_complaint_clocks_to_warn", "warn_at",
                 postgresql_where=sa.text("met_at IS NULL AND warned_at IS NULL"),
                 sqlite_where=sa.text("met_at IS NULL AND warned_at IS NULL")),
    )


class ComplaintAction(db.Model):
    """One entry of a complaint's log: who did what, when, and what was promised."""

    __tablename__ = "complaint_actions"

    id: Mapped[int] = mapped_column(primary_key=True)
    complaint_id: Mapped[int] = mapped_column(
        sa.ForeignKey("complaints.id", ondelete="CASCADE"), index=True)
    kind: Mapped[str] = mapped_column(sa.String(20))
    note: Mapped[str] = mapped_column(sa.Text, default="")
    promised_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)
    data: Mapped[dict | None] = mapped_column(sa.JSON)
    actor_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))
    at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)

    complaint: Mapped[Complaint] = relationship(back_populates="actions")
    actor: Mapped[User | None] = relationship()

    __table_args__ = (sa.CheckConstraint(_in("kind", ACTION_KINDS), name="kind_known"),)


class ComplaintResolution(db.Model):
    """What was done about a complaint: an apology, the service redone free, a partial
    refund (finance confirms it), the worker replaced (换人), a compensation (above the
    limit: a supervisor's approval through the order's exceptions)."""

    __tablename__ = "complaint_resolutions"

    id: Mapped[int] = mapped_column(primary_key=True)
    complaint_id: Mapped[int] = mapped_column(
        sa.ForeignKey("complaints.id", ondelete="CASCADE"), index=True)
    kind: Mapped[str] = mapped_column(sa.String(16))
    amount: Mapped[Decimal | None] = mapped_column(MONEY)
    note: Mapped[str] = mapped_column(sa.Text, default="")
    state: Mapped[str] = mapped_column(sa.String(20), default="done")
    approval_id: Mapped[int | None] = mapped_column(sa.ForeignKey("order_approvals.id"))
    contract_id: Mapped[int | None] = mapped_column(sa.ForeignKey("order_contracts.id"))
    callback_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)
    confirmed_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))
    confirmed_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)
    created_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)

    complaint: Mapped[Complaint] = relationship(back_populates="resolutions")

    __table_args__ = (
        sa.CheckConstraint(_in("kind", RESOLUTION_KINDS), name="kind_known"),
        sa.CheckConstraint(_in("state", RESOLUTION_STATES), name="state_known"),
        sa.CheckConstraint("amount IS NULL OR amount > 0", name="amount_positive"),
        sa.Index("ix_complaint_resolutions_finance", "state"),
    )


class ComplaintConsequence(db.Model):
    """A consequence of a complaint found against the worker: an evaluation on her record
    (lowers her rating), or a warning, suspension or blacklisting — those three need a
    supervisor (a dispatcher's request waits as ``pending``)."""

    __tablename__ = "complaint_consequences"

    id: Mapped[int] = mapped_column(primary_key=True)
    complaint_id: Mapped[int] = mapped_column(
        sa.ForeignKey("complaints.id", ondelete="CASCADE"), index=True)
    worker_id: Mapped[int] = mapped_column(sa.ForeignKey("workers.id"), index=True)
    kind: Mapped[str] = mapped_column(sa.String(16))
    reason: Mapped[str] = mapped_column(sa.Text, default="")
    state: Mapped[str] = mapped_column(sa.String(12), default="pending")
    evaluation_id: Mapped[int | None] = mapped_column(sa.ForeignKey("evaluations.id"))
    requested_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))
    requested_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)
    decided_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))
    decided_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)

    __table_args__ = (
        sa.CheckConstraint(_in("kind", CONSEQUENCE_KINDS), name="kind_known"),
        sa.CheckConstraint(_in("state", CONSEQUENCE_STATES), name="state_known"),
    )


class Survey(db.Model):
    """A satisfaction survey (满意度调查) sent to a customer, or filled in by a dispatcher
    during a call. The link's secret is stored only as its SHA-256; it expires and is
    single-use (``answered_at``)."""

    __tablename__ = "surveys"

    id: Mapped[int] = mapped_column(primary_key=True)
    token_hash: Mapped[str | None] = mapped_column(sa.String(64), unique=True)
    service_line: Mapped[str] = mapped_column(sa.String(32), index=True)
    order_id: Mapped[int | None] = mapped_column(sa.ForeignKey("orders.id"), index=True)
    customer_id: Mapped[int] = mapped_column(sa.ForeignKey("customers.id"), index=True)
    worker_id: Mapped[int | None] = mapped_column(sa.ForeignKey("workers.id"), index=True)
    dispatcher_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))
    complaint_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("complaints.id", ondelete="SET NULL"))
    followup_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("followups.id", ondelete="SET NULL"), unique=True)
    moment: Mapped[str] = mapped_column(sa.String(40))
    channel: Mapped[str] = mapped_column(sa.String(8), default="link")
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)
    expires_at: Mapped[dt.datetime] = mapped_column(UTCDateTime)
    answered_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime, index=True)
    answered_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))
    answers: Mapped[dict | None] = mapped_column(sa.JSON)
    score: Mapped[int | None] = mapped_column(sa.SmallInteger)
    dissatisfied: Mapped[bool | None] = mapped_column()

    __table_args__ = (
        sa.CheckConstraint(_in("channel", SURVEY_CHANNELS), name="channel_known"),
        sa.CheckConstraint("score IS NULL OR score BETWEEN 1 AND 5", name="score_1_to_5"),
    )
