"""The tool-kit inventory (工具包): items in stock, kits listing the items a worker takes,
and what one visit checked out and counted back in.

``ToolItem.stock`` is what is on the shelf now: checking a kit out to a worker takes
the counts off, counting it back in puts back what came back; the difference is
recorded as missing (缺失) on the visit's line and flags the visit.
"""
from __future__ import annotations

import datetime as dt

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..extensions import db
from ..timeutil import UTCDateTime, utcnow


class ToolItem(db.Model):
    """One kind of tool or supply kept in stock (抹布, 玻璃刮, 清洁剂 …)."""

    __tablename__ = "tool_items"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(sa.String(64), unique=True)
    unit: Mapped[str] = mapped_column(sa.String(16), default="件")
    stock: Mapped[int] = mapped_column(sa.Integer, default=0)
    active: Mapped[bool] = mapped_column(sa.Boolean, default=True)
    note: Mapped[str] = mapped_column(sa.String(255), default="")
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)
    version: Mapped[int] = mapped_column(sa.Integer, nullable=False)

    __mapper_args__ = {"version_id_col": version}
    __table_args__ = (sa.CheckConstraint("stock >= 0", name="stock_not_negative"),)


class ToolKit(db.Model):
    """A tool kit (工具包): the items and counts a worker takes to a kind of job."""

    __tablename__ = "tool_kits"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(sa.String(64), unique=True)
    note: Mapped[str] = mapped_column(sa.String(255), default="")
    active: Mapped[bool] = mapped_column(sa.Boolean, default=True)
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)
    version: Mapped[int] = mapped_column(sa.Integer, nullable=False)

    items: Mapped[list[ToolKitItem]] = relationship(
        back_populates="kit", cascade="all, delete-orphan", order_by="ToolKitItem.id")

    __mapper_args__ = {"version_id_col": version}


class ToolKitItem(db.Model):
    """How many of one item a kit holds."""

    __tablename__ = "tool_kit_items"

    id: Mapped[int] = mapped_column(primary_key=True)
    kit_id: Mapped[int] = mapped_column(sa.ForeignKey("tool_kits.id", ondelete="CASCADE"),
                                        index=True)
    item_id: Mapped[int] = mapped_column(sa.ForeignKey("tool_items.id"))
    quantity: Mapped[int] = mapped_column(sa.Integer)

    kit: Mapped[ToolKit] = relationship(back_populates="items")
    item: Mapped[ToolItem] = relationship()

    __table_args__ = (
        sa.UniqueConstraint("kit_id", "item_id", name="uq_tool_kit_items_kit_item"),
        sa.CheckConstraint("quantity > 0", name="quantity_positive"),
    )


class VisitTool(db.Model):
    """One item checked out for a visit: how many went out, how many came back, and the
    missing ones (缺失) — ``quantity_out − quantity_back`` once counted in."""

    __tablename__ = "visit_tools"

    id: Mapped[int] = mapped_column(primary_key=True)
    visit_id: Mapped[int] = mapped_column(sa.ForeignKey("visits.id", ondelete="CASCADE"),
                                          index=True)
    item_id: Mapped[int] = mapped_column(sa.ForeignKey("tool_items.id"))
    quantity_out: Mapped[int] = mapped_column(sa.Integer)
    quantity_back: Mapped[int | None] = mapped_column(sa.Integer)

    visit = relationship("Visit", back_populates="tools")
    item: Mapped[ToolItem] = relationship()

    __table_args__ = (
        sa.UniqueConstraint("visit_id", "item_id", name="uq_visit_tools_visit_item"),
        sa.CheckConstraint("quantity_out > 0", name="quantity_out_positive"),
        sa.CheckConstraint("quantity_back IS NULL OR quantity_back BETWEEN 0 AND quantity_out",
                           name="quantity_back_in_range"),
    )

    @property
    def missing(self) -> int:
        """How many did not come back (0 until counted in)."""
        return 0 if self.quantity_back is None else self.quantity_out - self.quantity_back
