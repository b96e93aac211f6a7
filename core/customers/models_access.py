"""Access to confidential customer files (客户档案保密): requests, grants, destruction.

A grant is an approved :class:`AccessRequest` whose ``expires_at`` has not passed: it ends
by itself, nothing has to run. Destruction (销毁) of a file is proposed, approved by two
people other than the proposer, then carried out (the personal data anonymised).
"""
from __future__ import annotations

import datetime as dt

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..accounts.models import User
from ..extensions import db
from ..timeutil import UTCDateTime, utcnow
from .models import Customer

#: states of an access request: code → (zh, en)
REQUEST_STATES = {
    "pending": ("待审批", "Pending"),
    "approved": ("已批准", "Approved"),
    "refused": ("已拒绝", "Refused"),
    "revoked": ("已撤销", "Revoked"),
    "withdrawn": ("已撤回", "Withdrawn"),
}

#: why a file is proposed for destruction (PIPL art. 47 for the customer's own request)
DESTRUCTION_REASONS = {
    "obsolete": ("档案过期作废", "Obsolete"),
    "customer_request": ("客户要求删除", "Customer asked (PIPL art. 47)"),
}
DESTRUCTION_STATES = {
    "proposed": ("待审批", "Proposed"),
    "destroyed": ("已销毁", "Destroyed"),
    "cancelled": ("已取消", "Cancelled"),
    "refused": ("已否决", "Refused"),
}


def _in(column: str, codes) -> str:
    return f"{column} IN ({', '.join(repr(c) for c in codes)})"


class AccessRequest(db.Model):
    """A request (查阅申请) to read one confidential file for a stated reason and time.

    Approved, it is the grant: it opens the file to the requester from ``decided_at``
    until ``expires_at``, for the level the file had when asked (a file raised to a
    higher level afterwards is closed again).
    """

    __tablename__ = "customer_access_requests"

    id: Mapped[int] = mapped_column(primary_key=True)
    customer_id: Mapped[int] = mapped_column(sa.ForeignKey("customers.id"), index=True)
    requester_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id"), index=True)
    level: Mapped[str] = mapped_column(sa.String(16))
    reason: Mapped[str] = mapped_column(sa.String(500))
    hours: Mapped[int] = mapped_column(sa.Integer)
    state: Mapped[str] = mapped_column(sa.String(16), default="pending", index=True)
    decided_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))
    decided_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)
    decision_note: Mapped[str] = mapped_column(sa.String(500), default="")
    expires_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime, index=True)
    revoked_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))
    revoked_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)

    customer: Mapped[Customer] = relationship()
    requester: Mapped[User] = relationship(foreign_keys=[requester_id])
    decided_by: Mapped[User | None] = relationship(foreign_keys=[decided_by_id])

    __table_args__ = (
        sa.CheckConstraint(_in("state", REQUEST_STATES), name="state_known"),
        sa.CheckConstraint("level IN ('confidential', 'top_secret')", name="level_needs_grant"),
        sa.CheckConstraint("hours >= 1", name="hours_positive"),
        sa.CheckConstraint("state <> 'approved' OR expires_at IS NOT NULL",
                           name="approved_has_expiry"),
        # a reader's grants in force: the access check's one query a request
        sa.Index("ix_customer_access_requests_in_force", "requester_id", "state",
                 "expires_at"),
    )


class Destruction(db.Model):
    """A proposal to destroy (销毁) one customer file, and its outcome."""

    __tablename__ = "customer_destructions"

    id: Mapped[int] = mapped_column(primary_key=True)
    customer_id: Mapped[int] = mapped_column(sa.ForeignKey("customers.id"), index=True)
    reason: Mapped[str] = mapped_column(sa.String(32))
    note: Mapped[str] = mapped_column(sa.String(500), default="")
    state: Mapped[str] = mapped_column(sa.String(16), default="proposed", index=True)
    proposed_by_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id"))
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)
    destroyed_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)
    #: who refused it (a supervisor or admin other than the proposer), and why
    refused_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))
    refusal_note: Mapped[str] = mapped_column(sa.String(500), default="", server_default="")

    approvals: Mapped[list[DestructionApproval]] = relationship(
        back_populates="destruction", cascade="all, delete-orphan",
        order_by="DestructionApproval.created_at")
    proposed_by: Mapped[User] = relationship(foreign_keys=[proposed_by_id])
    refused_by: Mapped[User | None] = relationship(foreign_keys=[refused_by_id])

    __table_args__ = (
        sa.CheckConstraint(_in("reason", DESTRUCTION_REASONS), name="reason_known"),
        sa.CheckConstraint(_in("state", DESTRUCTION_STATES), name="state_known"),
    )


class DestructionApproval(db.Model):
    """One approver's signature on a destruction proposal (never the proposer's)."""

    __tablename__ = "customer_destruction_approvals"

    destruction_id: Mapped[int] = mapped_column(
        sa.ForeignKey("customer_destructions.id", ondelete="CASCADE"), primary_key=True)
    approver_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id"), primary_key=True)
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)

    destruction: Mapped[Destruction] = relationship(back_populates="approvals")
    approver: Mapped[User] = relationship()
