"""Bookings of a worker's time (档期占用) and the customers' "do not send" lists.

:class:`Assignment` is one period of a worker's time taken by an order: an
*assignment* (派单) or an interview *hold* (面试预占) that lapses by itself at
``expires_at``. The database guarantees that one worker never has two overlapping
active bookings:

* PostgreSQL: an exclusion constraint (btree_gist) over
  ``(worker_id WITH =, tstzrange(starts_at, ends_at) WITH &&) WHERE (state = 'active')``,
  created with the table (and in the migration with the same DDL, :data:`EXCLUDE_DDL`).
* SQLite: writers are serialised (``BEGIN IMMEDIATE``) and the overlap is checked
  inside that transaction (see :mod:`core.matching.booking`).
"""
from __future__ import annotations

import datetime as dt

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from ..extensions import db
from ..timeutil import UTCDateTime, utcnow

KIND_LABELS = {"assignment": ("派单", "Assignment"), "hold": ("面试预占", "Interview hold")}
STATE_LABELS = {"active": ("有效", "Active"), "released": ("已释放", "Released"),
                "replaced": ("已换人", "Replaced"), "lapsed": ("已过期", "Lapsed")}
KINDS, STATES = tuple(KIND_LABELS), tuple(STATE_LABELS)


def _in(column: str, values) -> str:
    return f"{column} IN ({', '.join(repr(v) for v in values)})"


class Assignment(db.Model):
    """One booking of a worker's time for an order: ``[starts_at, ends_at)`` in UTC —
    whole business days for live-in lines (月嫂, 育婴师), a time slot for 保洁 visits and
    推拿 sessions. ``state`` leaves *active* when released (释放), replaced (换人) or,
    for a hold, lapsed (过期) — never deleted, so the history stays."""

    __tablename__ = "assignments"

    id: Mapped[int] = mapped_column(primary_key=True)
    worker_id: Mapped[int] = mapped_column(sa.ForeignKey("workers.id"), index=True)
    order_id: Mapped[int] = mapped_column(sa.ForeignKey("orders.id", ondelete="CASCADE"),
                                          index=True)
    kind: Mapped[str] = mapped_column(sa.String(16), default="assignment")
    state: Mapped[str] = mapped_column(sa.String(16), default="active")
    starts_at: Mapped[dt.datetime] = mapped_column(UTCDateTime)
    ends_at: Mapped[dt.datetime] = mapped_column(UTCDateTime)
    expires_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)
    reason: Mapped[str] = mapped_column(sa.String(255), default="")
    created_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)
    ended_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))
    ended_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)
    end_reason: Mapped[str] = mapped_column(sa.String(255), default="")

    __table_args__ = (
        sa.CheckConstraint(_in("kind", KINDS), name="kind_known"),
        sa.CheckConstraint(_in("state", STATES), name="state_known"),
        sa.CheckConstraint("ends_at > starts_at", name="ends_after_starts"),
        sa.CheckConstraint("kind = 'hold' OR expires_at IS NULL", name="only_holds_expire"),
        sa.Index("ix_assignments_worker_period", "worker_id", "starts_at", "ends_at"),
        # "who is busy then?": only bookings in force ending after the period starts
        sa.Index("ix_assignments_active_ends", "ends_at", "starts_at", "worker_id", "order_id",
                 "expires_at",
                 postgresql_where=sa.text("state = 'active'"),
                 sqlite_where=sa.text("state = 'active'")),
    )


class CustomerExcludedWorker(db.Model):
    """A worker the customer does not want sent again (不再派送名单), with the reason."""

    __tablename__ = "customer_excluded_workers"

    customer_id: Mapped[int] = mapped_column(
        sa.ForeignKey("customers.id", ondelete="CASCADE"), primary_key=True)
    worker_id: Mapped[int] = mapped_column(
        sa.ForeignKey("workers.id", ondelete="CASCADE"), primary_key=True, index=True)
    reason: Mapped[str] = mapped_column(sa.String(255))
    created_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)


#: The exclusion constraint: no two active bookings of one worker overlap (PostgreSQL).
EXTENSION_DDL = "CREATE EXTENSION IF NOT EXISTS btree_gist"
EXCLUDE_DDL = ("ALTER TABLE assignments ADD CONSTRAINT assignments_no_overlap "
               "EXCLUDE USING gist (worker_id WITH =, tstzrange(starts_at, ends_at) WITH &&) "
               "WHERE (state = 'active')")

sa.event.listen(Assignment.__table__, "before_create",
                sa.DDL(EXTENSION_DDL).execute_if(dialect="postgresql"))
sa.event.listen(Assignment.__table__, "after_create",
                sa.DDL(EXCLUDE_DDL).execute_if(dialect="postgresql"))


class WorkerLocation(db.Model):
    """Where a worker lives (居住地), for the distance part of the score: the district,
    and coordinates when known."""

    __tablename__ = "worker_locations"

    worker_id: Mapped[int] = mapped_column(
        sa.ForeignKey("workers.id", ondelete="CASCADE"), primary_key=True)
    district: Mapped[str] = mapped_column(sa.String(32), default="")
    latitude: Mapped[float | None] = mapped_column(sa.Float)
    longitude: Mapped[float | None] = mapped_column(sa.Float)
