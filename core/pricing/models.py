"""The company's price tables (价目表), one per service line, with every saved version."""
from __future__ import annotations

import datetime as dt

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..accounts.models import User
from ..extensions import db
from ..timeutil import UTCDateTime, utcnow


class PriceTable(db.Model):
    """The company's current price table of one service line (plain JSON, money as
    strings). A line without a row prices from its plugin's default table.
    ``version`` counts the saves (1 = first edit) and guards against two admins
    overwriting each other (optimistic locking)."""

    __tablename__ = "price_tables"

    id: Mapped[int] = mapped_column(primary_key=True)
    service_line: Mapped[str] = mapped_column(sa.String(32), unique=True)
    table: Mapped[dict] = mapped_column(sa.JSON)
    version: Mapped[int] = mapped_column(sa.Integer, nullable=False)
    updated_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))
    updated_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)

    updated_by: Mapped[User | None] = relationship()

    __mapper_args__ = {"version_id_col": version}


class PriceTableVersion(db.Model):
    """One saved version of a line's price table, kept so earlier prices stay readable
    (a quote snapshot names the version it was computed from)."""

    __tablename__ = "price_table_versions"

    id: Mapped[int] = mapped_column(primary_key=True)
    service_line: Mapped[str] = mapped_column(sa.String(32))
    version: Mapped[int] = mapped_column(sa.Integer)
    table: Mapped[dict] = mapped_column(sa.JSON)
    saved_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))
    saved_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)

    saved_by: Mapped[User | None] = relationship()

    __table_args__ = (sa.UniqueConstraint("service_line", "version",
                                          name="uq_price_table_versions_line_version"),)
