"""The line-specific steps of an order: 保洁 visits (上门), 小儿推拿 sessions and 月嫂/育婴师
interviews (面试); the tool-kit inventory (工具包) lives in :mod:`.models_tools`.

Every row people change carries ``version`` (SQLAlchemy's version counter), so two
people acting on the same visit, session or interview at once cannot both win: the
second save is refused with 409 ("reload").
"""
from __future__ import annotations

import datetime as dt

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..accounts.models import User
from ..extensions import db
from ..orders.models import Order, _in
from ..orders.records import OrderPayment
from ..timeutil import UTCDateTime, utcnow
from ..workers.models import Worker

#: Where a visit stands: code → (zh, en).
VISIT_STATUS_LABELS = {
    "planned": ("已排期", "Planned"),
    "in_progress": ("服务中", "In progress"),
    "finished": ("已报完工", "Finish reported"),
    "confirmed": ("客户已确认", "Confirmed by the customer"),
    "cancelled": ("已取消", "Cancelled"),
}
VISIT_STATUSES = tuple(VISIT_STATUS_LABELS)

#: What the customer said in the short follow-up made with the finish confirmation.
VISIT_FOLLOWUP_LABELS = {
    "satisfied": ("满意", "Satisfied"),
    "not_satisfied": ("不满意", "Not satisfied"),
}
VISIT_FOLLOWUP_OUTCOMES = tuple(VISIT_FOLLOWUP_LABELS)

#: Where a massage session stands: code → (zh, en).
SESSION_STATUS_LABELS = {
    "booked": ("已预约", "Booked"),
    "done": ("已完成", "Done"),
    "cancelled": ("已取消", "Cancelled"),
}
SESSION_STATUSES = tuple(SESSION_STATUS_LABELS)

#: Where a session takes place: code → (zh, en) (as the child massage intake says).
PLACE_LABELS = {"home": ("上门", "At home"), "company": ("到店", "At the company")}
PLACES = tuple(PLACE_LABELS)

#: Where an interview stands, its outcome once held: code → (zh, en).
INTERVIEW_STATUS_LABELS = {
    "arranged": ("已安排", "Arranged"),
    "passed": ("通过", "Passed"),
    "failed": ("未通过", "Failed"),
    "no_show": ("未到场", "No show"),
    "cancelled": ("已取消", "Cancelled"),
}
INTERVIEW_STATUSES = tuple(INTERVIEW_STATUS_LABELS)
INTERVIEW_OUTCOMES = ("passed", "failed", "no_show")


class Visit(db.Model):
    """One visit (上门) of a 保洁 order: its time slot, the worker, the tool kit checked out
    and counted back in, the finish time she reported and the customer confirmed, and
    the payment collected for it (an :class:`OrderPayment`, so the order's money
    position stays the one truth)."""

    __tablename__ = "visits"

    id: Mapped[int] = mapped_column(primary_key=True)
    order_id: Mapped[int] = mapped_column(sa.ForeignKey("orders.id", ondelete="CASCADE"),
                                          index=True)
    seq: Mapped[int] = mapped_column(sa.Integer)
    status: Mapped[str] = mapped_column(sa.String(16), default="planned")
    starts_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, index=True)
    ends_at: Mapped[dt.datetime] = mapped_column(UTCDateTime)
    worker_id: Mapped[int | None] = mapped_column(sa.ForeignKey("workers.id"))
    tasks: Mapped[list | None] = mapped_column(sa.JSON)
    started_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)
    reported_finished_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)
    finish_reported_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))
    confirmed_finished_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)
    confirmed_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)
    confirmed_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))
    confirmation_note: Mapped[str] = mapped_column(sa.String(255), default="")
    #: the short follow-up (简单回访) made in the same call as the confirmation
    followup_outcome: Mapped[str] = mapped_column(sa.String(16), default="")
    followup_reason: Mapped[str] = mapped_column(sa.String(255), default="")
    #: the service sheet (上户表) handed back by the worker and filed by the desk
    sheet_returned_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime, index=True)
    sheet_filed_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))
    sheet_note: Mapped[str] = mapped_column(sa.String(255), default="")
    kit_id: Mapped[int | None] = mapped_column(sa.ForeignKey("tool_kits.id"))
    tools_out_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)
    tools_out_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))
    tools_back_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)
    tools_back_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))
    tools_missing: Mapped[bool] = mapped_column(sa.Boolean, default=False)
    tools_note: Mapped[str] = mapped_column(sa.String(255), default="")
    payment_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("order_payments.id", ondelete="SET NULL"))
    cancel_reason: Mapped[str] = mapped_column(sa.String(255), default="")
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)
    version: Mapped[int] = mapped_column(sa.Integer, nullable=False)

    order: Mapped[Order] = relationship()
    worker: Mapped[Worker | None] = relationship()
    payment: Mapped[OrderPayment | None] = relationship()
    finish_reported_by: Mapped[User | None] = relationship(foreign_keys=[finish_reported_by_id])
    confirmed_by: Mapped[User | None] = relationship(foreign_keys=[confirmed_by_id])
    sheet_filed_by: Mapped[User | None] = relationship(foreign_keys=[sheet_filed_by_id])
    tools: Mapped[list[VisitTool]] = relationship(  # noqa: F821 - defined in models_tools
        back_populates="visit", cascade="all, delete-orphan", order_by="VisitTool.id")

    __mapper_args__ = {"version_id_col": version}
    __table_args__ = (
        sa.UniqueConstraint("order_id", "seq", name="uq_visits_order_seq"),
        sa.CheckConstraint(_in("status", VISIT_STATUSES), name="status_known"),
        sa.CheckConstraint("ends_at > starts_at", name="ends_after_start"),
        sa.CheckConstraint(_in("followup_outcome", ("",) + VISIT_FOLLOWUP_OUTCOMES),
                           name="followup_outcome_known"),
    )

    @property
    def worker_shown(self) -> Worker | None:
        """The visit's own worker, else the order's."""
        return self.worker or self.order.worker


class MassageSession(db.Model):
    """One 小儿推拿 session: when, where (at home or at the company), by whom; booked,
    done (counted against the package) or cancelled."""

    __tablename__ = "massage_sessions"

    id: Mapped[int] = mapped_column(primary_key=True)
    order_id: Mapped[int] = mapped_column(sa.ForeignKey("orders.id", ondelete="CASCADE"),
                                          index=True)
    status: Mapped[str] = mapped_column(sa.String(16), default="booked")
    starts_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, index=True)
    ends_at: Mapped[dt.datetime] = mapped_column(UTCDateTime)
    place: Mapped[str] = mapped_column(sa.String(16))
    address: Mapped[str] = mapped_column(sa.String(300), default="")
    worker_id: Mapped[int | None] = mapped_column(sa.ForeignKey("workers.id"))
    done_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)
    done_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))
    cancel_reason: Mapped[str] = mapped_column(sa.String(255), default="")
    note: Mapped[str] = mapped_column(sa.String(500), default="")
    created_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)
    version: Mapped[int] = mapped_column(sa.Integer, nullable=False)

    order: Mapped[Order] = relationship()
    worker: Mapped[Worker | None] = relationship()

    __mapper_args__ = {"version_id_col": version}
    __table_args__ = (
        sa.CheckConstraint(_in("status", SESSION_STATUSES), name="status_known"),
        sa.CheckConstraint(_in("place", PLACES), name="place_known"),
        sa.CheckConstraint("ends_at > starts_at", name="ends_after_start"),
    )


class Interview(db.Model):
    """An interview (面试) of a proposed worker by the customer of a 月嫂/育婴师 order: when,
    where, whom; then its outcome — passed, failed (with the reason) or no show."""

    __tablename__ = "order_interviews"

    id: Mapped[int] = mapped_column(primary_key=True)
    order_id: Mapped[int] = mapped_column(sa.ForeignKey("orders.id", ondelete="CASCADE"),
                                          index=True)
    worker_id: Mapped[int] = mapped_column(sa.ForeignKey("workers.id"), index=True)
    status: Mapped[str] = mapped_column(sa.String(16), default="arranged")
    scheduled_at: Mapped[dt.datetime] = mapped_column(UTCDateTime)
    place: Mapped[str] = mapped_column(sa.String(200))
    reason: Mapped[str] = mapped_column(sa.String(500), default="")
    note: Mapped[str] = mapped_column(sa.String(500), default="")
    arranged_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))
    outcome_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)
    outcome_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)
    version: Mapped[int] = mapped_column(sa.Integer, nullable=False)

    order: Mapped[Order] = relationship()
    worker: Mapped[Worker] = relationship()
    outcome_by: Mapped[User | None] = relationship(foreign_keys=[outcome_by_id])

    __mapper_args__ = {"version_id_col": version}
    __table_args__ = (
        sa.CheckConstraint(_in("status", INTERVIEW_STATUSES), name="status_known"),
        sa.CheckConstraint("status <> 'failed' OR reason <> ''", name="failed_has_reason"),
    )


from .models_tools import VisitTool  # noqa: E402,F401  (the Visit.tools relationship)
