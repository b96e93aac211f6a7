"""Keeping customer files up to date (003: "客户信息档案每季度重新核定一次，
每一星期增补或调整一次").

Two duties of the desk, each a row per period: the weekly additions and adjustments
(每周增补调整, Monday to Sunday) and the quarterly re-check (每季度重新核定). A file's
re-check is a :class:`FileCheck` row (who, when); a file not checked since the quarter
began is listed as due. A duty is marked done by a person; the quarterly one only once
every file has been re-checked that quarter.
"""
from __future__ import annotations

import datetime as dt

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..accounts.models import User
from ..extensions import db
from ..timeutil import UTCDateTime, utcnow

#: the duties: code → (zh, en)
DUTY_KINDS = {
    "weekly": ("每周档案增补调整", "Weekly additions and adjustments"),
    "quarterly": ("每季度档案重新核定", "Quarterly re-check of every file"),
}


class FileDuty(db.Model):
    """One period's duty (a week's additions, a quarter's re-check) and who did it."""

    __tablename__ = "customer_file_duties"

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(sa.String(16))
    period_start: Mapped[dt.date] = mapped_column(sa.Date)
    due_on: Mapped[dt.date] = mapped_column(sa.Date, index=True)
    done_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)
    done_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))
    note: Mapped[str] = mapped_column(sa.String(500), default="", server_default="")
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)

    done_by: Mapped[User | None] = relationship()

    __table_args__ = (
        sa.UniqueConstraint("kind", "period_start"),
        sa.CheckConstraint("kind IN ('weekly', 'quarterly')", name="kind_known"),
    )


class FileCheck(db.Model):
    """One re-check (核定) of one customer file: who checked it and when."""

    __tablename__ = "customer_file_checks"

    id: Mapped[int] = mapped_column(primary_key=True)
    customer_id: Mapped[int] = mapped_column(
        sa.ForeignKey("customers.id", ondelete="CASCADE"))
    checked_on: Mapped[dt.date] = mapped_column(sa.Date)
    checked_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)
    checked_by_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id"))
    note: Mapped[str] = mapped_column(sa.String(500), default="", server_default="")

    checked_by: Mapped[User] = relationship()

    __table_args__ = (
        sa.Index("ix_customer_file_checks_customer_day", "customer_id", "checked_on"),
    )
