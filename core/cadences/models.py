"""The company's follow-up cadence of each service line, every saved version, and the
version each order's follow-ups are planned with."""
from __future__ import annotations

import datetime as dt

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..accounts.models import User
from ..extensions import db
from ..timeutil import UTCDateTime, utcnow


class FollowupCadence(db.Model):
    """The company's current cadence of one line: per rule code, what it changes of the
    plugin's rule (``{"day5": {"days": 5, "after": "day3"}}``); ``{}`` after a reset. A
    line without a row plans with its plugin's rules. ``version`` counts the saves and
    guards against two admins overwriting each other (optimistic locking)."""

    __tablename__ = "followup_cadences"

    id: Mapped[int] = mapped_column(primary_key=True)
    service_line: Mapped[str] = mapped_column(sa.String(32), unique=True)
    overrides: Mapped[dict] = mapped_column(sa.JSON)
    version: Mapped[int] = mapped_column(sa.Integer, nullable=False)
    updated_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))
    updated_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)

    updated_by: Mapped[User | None] = relationship()

    __mapper_args__ = {"version_id_col": version}


class FollowupCadenceVersion(db.Model):
    """One saved version of a line's cadence (``{}``: back to the plugin's rules)."""

    __tablename__ = "followup_cadence_versions"

    id: Mapped[int] = mapped_column(primary_key=True)
    service_line: Mapped[str] = mapped_column(sa.String(32))
    version: Mapped[int] = mapped_column(sa.Integer)
    overrides: Mapped[dict] = mapped_column(sa.JSON)
    saved_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))
    saved_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)

    saved_by: Mapped[User | None] = relationship()

    __table_args__ = (sa.UniqueConstraint("service_line", "version",
                                          name="uq_followup_cadence_versions_line_version"),)


class FollowupCadencePin(db.Model):
    """The cadence version an order's follow-ups are planned with, fixed when they are
    first planned (0: the plugin's rules): a later edit plans new orders, not this one."""

    __tablename__ = "followup_cadence_pins"

    order_id: Mapped[int] = mapped_column(sa.ForeignKey("orders.id", ondelete="CASCADE"),
                                          primary_key=True,
                                          autoincrement=False)
    version: Mapped[int] = mapped_column(sa.Integer, nullable=False)
