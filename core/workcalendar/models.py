"""Schedules entered by an administrator (放假安排), one row per version of a year."""
from __future__ import annotations

import datetime as dt

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from ..extensions import db
from ..timeutil import UTCDateTime, utcnow


class HolidaySchedule(db.Model):
    """One version of a year's official schedule as an administrator entered it.

    Versions are never changed or deleted: a correction is a new version, and the latest
    version of a year is the one in force. ``days_off`` is ``[{"date", "holiday"}]`` (the
    holiday's English name from chinese-calendar, e.g. "National Day"); ``make_up_days``
    the ISO dates of the make-up working days (调休上班); ``moved`` what its saving moved.
    """

    __tablename__ = "holiday_schedules"
    __table_args__ = (sa.UniqueConstraint("year", "version"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    year: Mapped[int] = mapped_column(sa.Integer, index=True)
    version: Mapped[int] = mapped_column(sa.Integer)
    days_off: Mapped[list] = mapped_column(sa.JSON)
    make_up_days: Mapped[list] = mapped_column(sa.JSON)
    note: Mapped[str] = mapped_column(sa.String(255), default="")
    moved: Mapped[list | None] = mapped_column(sa.JSON)
    created_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)
