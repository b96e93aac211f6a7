"""What the reports area stores: the company's PK weights, the generated monthly reports,
and the supervisors' monthly tasks (the 25th's plan and budget, 计划与预算)."""
from __future__ import annotations

import datetime as dt

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..accounts.models import User
from ..extensions import db
from ..timeutil import UTCDateTime, utcnow

TASK_KINDS = {"monthly_plan": ("下月计划与预算", "Next month's plan and budget")}
TASK_STATES = ("pending", "done")


class KpiWeight(db.Model):
    """The company's weight (percent) of one KPI on the PK board; the weights sum to 100."""

    __tablename__ = "kpi_weights"

    code: Mapped[str] = mapped_column(sa.String(40), primary_key=True)
    weight: Mapped[int] = mapped_column(sa.Integer)
    updated_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))

    __table_args__ = (sa.CheckConstraint("weight BETWEEN 0 AND 100", name="weight_percent"),)


class MonthlyReport(db.Model):
    """The monthly service-quality report (月度服务质量分析报告) of one month, as generated:
    its figures (JSON, what the pages, the PDF and the XLSX show) and their digest, so a
    regeneration can be compared figure for figure."""

    __tablename__ = "monthly_reports"

    id: Mapped[int] = mapped_column(primary_key=True)
    month: Mapped[dt.date] = mapped_column(sa.Date, unique=True)
    figures: Mapped[dict] = mapped_column(sa.JSON)
    digest: Mapped[str] = mapped_column(sa.String(64))
    generated_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)
    generated_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))
    generations: Mapped[int] = mapped_column(sa.Integer, default=1)
    announced_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)

    generated_by: Mapped[User | None] = relationship()


class SupervisorTask(db.Model):
    """A task of the supervisors (客服主管) due on a day, follow-up style: the monthly plan
    and budget for the next month, due on the 25th (000)."""

    __tablename__ = "supervisor_tasks"

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(sa.String(24))
    #: the month the task is about (its first day)
    month: Mapped[dt.date] = mapped_column(sa.Date)
    due_on: Mapped[dt.date] = mapped_column(sa.Date)
    state: Mapped[str] = mapped_column(sa.String(12), default="pending")
    note: Mapped[str] = mapped_column(sa.Text, default="")
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)
    done_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)
    done_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))

    done_by: Mapped[User | None] = relationship()

    __table_args__ = (
        sa.UniqueConstraint("kind", "month", name="uq_supervisor_tasks_kind_month"),
        sa.CheckConstraint("kind IN ('monthly_plan')", name="kind_known"),
        sa.CheckConstraint("state IN ('pending', 'done')", name="state_known"),
    )


class KpiRollupMonth(db.Model):
    """That a month's KPI roll-up is stored, when it was computed, and whether it is
    final (the month is closed: its report stored or its deadline past — kept until a
    regeneration or a change to the month's quality checks drops it)."""

    __tablename__ = "kpi_rollup_months"

    month: Mapped[dt.date] = mapped_column(sa.Date, primary_key=True)
    computed_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)
    final: Mapped[bool] = mapped_column(sa.Boolean, default=False)
    seconds: Mapped[float] = mapped_column(sa.Float, default=0.0)


class KpiRollup(db.Model):
    """One KPI's figure for one group of one month, as the live SQL aggregate gives it.

    ``grouping`` says which: ``desk`` (both keys NULL), ``dispatcher`` (by
    ``dispatcher_id``), ``line`` (by ``service_line``) or ``pair`` (both). A NULL key in
    the last three is the group of records without one, as in the live figures.
    ``dispatcher_id`` is the KPI's person (the order's dispatcher, the follow-up's
    assignee, the complaint's owner…), so it carries no foreign key."""

    __tablename__ = "kpi_rollups"

    id: Mapped[int] = mapped_column(primary_key=True)
    month: Mapped[dt.date] = mapped_column(
        sa.ForeignKey("kpi_rollup_months.month", ondelete="CASCADE"))
    grouping: Mapped[str] = mapped_column(sa.String(12))
    dispatcher_id: Mapped[int | None] = mapped_column(sa.Integer)
    service_line: Mapped[str | None] = mapped_column(sa.String(32))
    code: Mapped[str] = mapped_column(sa.String(40))
    value: Mapped[float | None] = mapped_column(sa.Float)
    numerator: Mapped[int | None] = mapped_column(sa.BigInteger)
    denominator: Mapped[int | None] = mapped_column(sa.BigInteger)

    __table_args__ = (
        sa.Index("ix_kpi_rollups_month_grouping", "month", "grouping"),
        sa.CheckConstraint("grouping IN ('desk', 'dispatcher', 'line', 'pair')",
                           name="grouping_known"),
    )
