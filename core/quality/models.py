"""Quality checks (质检): scoring standards (评分标准) with versions, samples, checks and
their item scores.

A standard is never edited in place: saving one makes the next version of its kind and
retires the previous one, so an old check keeps the standard it was scored against.
"""
from __future__ import annotations

import datetime as dt
from decimal import Decimal

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..accounts.models import User
from ..extensions import db
from ..timeutil import UTCDateTime, utcnow

#: kinds of record checked: code → (zh, en)
KIND_LABELS = {
    "followup_call": ("回访通话", "Follow-up call"),
    "complaint_handling": ("投诉处理", "Complaint handling"),
    "order_entry": ("订单录入", "Order entry"),
}
KINDS = tuple(KIND_LABELS)

#: where a check stands: code → (zh, en)
STATE_LABELS = {
    "pending": ("待评分", "To score"),
    "scored": ("已评分", "Scored"),
    "appealed": ("申诉中", "Appealed"),
    "decided": ("申诉已裁定", "Appeal decided"),
}
STATES = tuple(STATE_LABELS)
APPEAL_OUTCOMES = ("upheld", "changed")
SCORE_PHASES = ("review", "appeal")


def _in(column: str, values) -> str:
    return f"{column} IN ({', '.join(repr(v) for v in values)})"


class QualityStandard(db.Model):
    """One version of the scoring standard (评分标准) of one kind of record."""

    __tablename__ = "quality_standards"

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(sa.String(24))
    version: Mapped[int] = mapped_column(sa.Integer)
    active: Mapped[bool] = mapped_column(default=True)
    note: Mapped[str] = mapped_column(sa.String(255), default="")
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)
    created_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))

    items: Mapped[list[QualityStandardItem]] = relationship(
        back_populates="standard", cascade="all, delete-orphan",
        order_by=lambda: QualityStandardItem.position)

    __table_args__ = (
        sa.UniqueConstraint("kind", "version", name="uq_quality_standards_kind_version"),
        sa.CheckConstraint(_in("kind", KINDS), name="kind_known"),
    )


class QualityStandardItem(db.Model):
    """An item of a standard: what is judged, its weight (percent of the total) and the
    highest score a reviewer may give it."""

    __tablename__ = "quality_standard_items"

    id: Mapped[int] = mapped_column(primary_key=True)
    standard_id: Mapped[int] = mapped_column(
        sa.ForeignKey("quality_standards.id", ondelete="CASCADE"), index=True)
    position: Mapped[int] = mapped_column(sa.Integer)
    title_zh: Mapped[str] = mapped_column(sa.String(120))
    title_en: Mapped[str] = mapped_column(sa.String(160), default="")
    description: Mapped[str] = mapped_column(sa.Text, default="")
    weight: Mapped[int] = mapped_column(sa.Integer)
    max_score: Mapped[int] = mapped_column(sa.Integer, default=10)

    standard: Mapped[QualityStandard] = relationship(back_populates="items")

    __table_args__ = (
        sa.CheckConstraint("weight BETWEEN 1 AND 100", name="weight_percent"),
        sa.CheckConstraint("max_score BETWEEN 1 AND 100", name="max_score_range"),
    )


class QualitySample(db.Model):
    """A random draw (抽检) of ``per_dispatcher`` records of one kind per dispatcher from
    one month's work; ``seed`` is stored, so the same draw can be made again and audited."""

    __tablename__ = "quality_samples"

    id: Mapped[int] = mapped_column(primary_key=True)
    month: Mapped[dt.date] = mapped_column(sa.Date)
    kind: Mapped[str] = mapped_column(sa.String(24))
    per_dispatcher: Mapped[int] = mapped_column(sa.Integer)
    seed: Mapped[int] = mapped_column(sa.BigInteger)
    standard_id: Mapped[int] = mapped_column(sa.ForeignKey("quality_standards.id"))
    reviewer_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id"))
    #: the dispatchers drawn for, when limited (None: all who have records)
    dispatcher_ids: Mapped[list | None] = mapped_column(sa.JSON)
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)
    created_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))

    reviewer: Mapped[User] = relationship(foreign_keys=[reviewer_id])
    standard: Mapped[QualityStandard] = relationship()

    __table_args__ = (
        sa.CheckConstraint(_in("kind", KINDS), name="kind_known"),
        sa.CheckConstraint("per_dispatcher BETWEEN 1 AND 200", name="size_range"),
    )


class QualityCheck(db.Model):
    """The check of one record (a follow-up, a complaint, an order): whose work, who
    scores it against which standard version, the score, the one appeal and its decision.

    ``score`` is the current final score (0–100); ``review_score`` the reviewer's, kept
    when an appeal changes it. ``entry_accurate`` is the reviewer's marking of an order's
    entry (order-entry checks only; it wins over what the platform infers).
    """

    __tablename__ = "quality_checks"

    id: Mapped[int] = mapped_column(primary_key=True)
    sample_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("quality_samples.id", ondelete="SET NULL"), index=True)
    kind: Mapped[str] = mapped_column(sa.String(24))
    record_id: Mapped[int] = mapped_column(sa.Integer)
    month: Mapped[dt.date] = mapped_column(sa.Date)
    dispatcher_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id"))
    service_line: Mapped[str] = mapped_column(sa.String(32), default="")
    reviewer_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id"))
    standard_id: Mapped[int] = mapped_column(sa.ForeignKey("quality_standards.id"))
    state: Mapped[str] = mapped_column(sa.String(12), default="pending")
    score: Mapped[Decimal | None] = mapped_column(sa.Numeric(5, 2))
    review_score: Mapped[Decimal | None] = mapped_column(sa.Numeric(5, 2))
    entry_accurate: Mapped[bool | None] = mapped_column()
    comment: Mapped[str] = mapped_column(sa.Text, default="")
    scored_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)
    appeal_reason: Mapped[str] = mapped_column(sa.Text, default="")
    appealed_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)
    appeal_outcome: Mapped[str | None] = mapped_column(sa.String(12))
    decision_note: Mapped[str] = mapped_column(sa.Text, default="")
    decided_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))
    decided_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)
    version: Mapped[int] = mapped_column(sa.Integer, nullable=False)

    standard: Mapped[QualityStandard] = relationship()
    dispatcher: Mapped[User] = relationship(foreign_keys=[dispatcher_id])
    reviewer: Mapped[User] = relationship(foreign_keys=[reviewer_id])
    decided_by: Mapped[User | None] = relationship(foreign_keys=[decided_by_id])
    scores: Mapped[list[QualityCheckScore]] = relationship(
        back_populates="check", cascade="all, delete-orphan",
        order_by=lambda: (QualityCheckScore.phase, QualityCheckScore.item_id))

    __mapper_args__ = {"version_id_col": version}
    __table_args__ = (
        sa.UniqueConstraint("kind", "record_id", name="uq_quality_checks_record"),
        sa.CheckConstraint(_in("kind", KINDS), name="kind_known"),
        sa.CheckConstraint(_in("state", STATES), name="state_known"),
        sa.CheckConstraint("appeal_outcome IS NULL OR " + _in("appeal_outcome",
                                                               APPEAL_OUTCOMES),
                           name="appeal_outcome_known"),
        sa.CheckConstraint("score IS NULL OR score BETWEEN 0 AND 100", name="score_range"),
        sa.Index("ix_quality_checks_month_dispatcher", "month", "dispatcher_id"),
    )


class QualityCheckScore(db.Model):
    """The score one item got, with the comment; ``phase`` ``review`` is the reviewer's,
    ``appeal`` the supervisor's re-score when an appeal changed it."""

    __tablename__ = "quality_check_scores"

    id: Mapped[int] = mapped_column(primary_key=True)
    check_id: Mapped[int] = mapped_column(
        sa.ForeignKey("quality_checks.id", ondelete="CASCADE"), index=True)
    item_id: Mapped[int] = mapped_column(sa.ForeignKey("quality_standard_items.id"))
    phase: Mapped[str] = mapped_column(sa.String(8), default="review")
    score: Mapped[int] = mapped_column(sa.Integer)
    comment: Mapped[str] = mapped_column(sa.String(500), default="")

    check: Mapped[QualityCheck] = relationship(back_populates="scores")
    item: Mapped[QualityStandardItem] = relationship()

    __table_args__ = (
        sa.UniqueConstraint("check_id", "item_id", "phase", name="uq_quality_check_scores"),
        sa.CheckConstraint(_in("phase", SCORE_PHASES), name="phase_known"),
        sa.CheckConstraint("score >= 0", name="score_not_negative"),
    )
