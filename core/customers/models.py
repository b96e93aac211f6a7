"""Customers (客户): the households that buy a service, and their addresses."""
from __future__ import annotations

import datetime as dt

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..accounts.models import User
from ..extensions import db
from ..timeutil import UTCDateTime, utcnow

#: Confidentiality levels of a customer file (客户档案密级), lowest first: code → (zh, en).
CONFIDENTIALITY = {
    "normal": ("普通", "Normal"),
    "secret": ("秘密", "Secret"),
    "confidential": ("机密", "Confidential"),
    "top_secret": ("绝密", "Top secret"),
}
#: Levels whose every read is recorded in the audit trail.
RECORDED_LEVELS = ("secret", "confidential", "top_secret")

STATUSES = {"active": ("有效", "Active"), "inactive": ("停用", "Inactive")}

#: Why a customer was deactivated (the reasons the trade uses).
DEACTIVATION_REASONS = {
    "blacklisted": ("黑名单", "Blacklisted"),
    "moved": ("已搬离", "Moved away"),
    "deceased": ("已故", "Deceased"),
    "do_not_contact": ("勿联系", "Do not contact"),
    "other": ("其他", "Other"),
}

#: Where the customer came from (线索来源).
LEAD_SOURCES = {
    "referral": ("转介绍", "Referral"),
    "meituan": ("美团", "Meituan"),
    "douyin": ("抖音", "Douyin"),
    "xiaohongshu": ("小红书", "Xiaohongshu"),
    "website": ("官网", "Website"),
    "walk_in": ("到店", "Walk-in"),
    "other": ("其他", "Other"),
}


def _in(column: str, codes) -> str:
    return f"{column} IN ({', '.join(repr(c) for c in codes)})"


class Customer(db.Model):
    """A customer (客户): a household buying a service, with its confidentiality level.

    ``version`` is SQLAlchemy's version counter: every UPDATE checks and bumps it, so a
    change based on a stale read is refused (optimistic locking).
    """

    __tablename__ = "customers"

    id: Mapped[int] = mapped_column(primary_key=True)
    #: indexed so that a search by part of the name (the picker, the customer list) scans
    #: this narrow index instead of the table (SQLite: a covering index scan)
    name: Mapped[str] = mapped_column(sa.String(64), index=True)
    mobile: Mapped[str] = mapped_column(sa.String(11), unique=True)
    household_notes: Mapped[str] = mapped_column(sa.Text, default="")
    confidentiality: Mapped[str] = mapped_column(sa.String(16), default="normal", index=True)
    status: Mapped[str] = mapped_column(sa.String(16), default="active", index=True)
    deactivation_reason: Mapped[str | None] = mapped_column(sa.String(16))
    deactivation_note: Mapped[str] = mapped_column(sa.String(255), default="")
    lead_source: Mapped[str | None] = mapped_column(sa.String(16))
    created_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))
    updated_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow,
                                                    index=True)
    version: Mapped[int] = mapped_column(sa.Integer, nullable=False)

    addresses: Mapped[list[CustomerAddress]] = relationship(
        back_populates="customer", cascade="all, delete-orphan",
        order_by="CustomerAddress.id")
    created_by: Mapped[User | None] = relationship(foreign_keys=[created_by_id])
    updated_by: Mapped[User | None] = relationship(foreign_keys=[updated_by_id])

    __mapper_args__ = {"version_id_col": version}
    __table_args__ = (
        sa.CheckConstraint(_in("confidentiality", CONFIDENTIALITY), name="confidentiality_known"),
        sa.CheckConstraint(_in("status", STATUSES), name="status_known"),
        sa.CheckConstraint("lead_source IS NULL OR " + _in("lead_source", LEAD_SOURCES),
                           name="lead_source_known"),
        sa.CheckConstraint(
            "(status = 'active' AND deactivation_reason IS NULL) OR (status = 'inactive' AND "
            + _in("deactivation_reason", DEACTIVATION_REASONS) + ")",
            name="deactivation_reason_matches_status"),
    )

    @property
    def default_address(self) -> CustomerAddress | None:
        """The address used when an order names none (the one flagged default)."""
        return next((a for a in self.addresses if a.is_default), None)


class CustomerAddress(db.Model):
    """One address of a customer (家 / 公司 …); at most one per customer is the default."""

    __tablename__ = "customer_addresses"

    id: Mapped[int] = mapped_column(primary_key=True)
    customer_id: Mapped[int] = mapped_column(
        sa.ForeignKey("customers.id", ondelete="CASCADE"), index=True)
    label: Mapped[str] = mapped_column(sa.String(16), default="")
    district: Mapped[str] = mapped_column(sa.String(32))
    detail: Mapped[str] = mapped_column(sa.String(255))
    latitude: Mapped[float | None] = mapped_column(sa.Float)
    longitude: Mapped[float | None] = mapped_column(sa.Float)
    is_default: Mapped[bool] = mapped_column(default=False)
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)
    version: Mapped[int] = mapped_column(sa.Integer, nullable=False)

    customer: Mapped[Customer] = relationship(back_populates="addresses")

    __mapper_args__ = {"version_id_col": version}
    __table_args__ = (
        sa.CheckConstraint("latitude IS NULL OR (latitude >= -90 AND latitude <= 90)",
                           name="latitude_range"),
        sa.CheckConstraint("longitude IS NULL OR (longitude >= -180 AND longitude <= 180)",
                           name="longitude_range"),
        sa.CheckConstraint("(latitude IS NULL) = (longitude IS NULL)", name="coordinates_paired"),
        sa.Index("uq_customer_addresses_one_default", "customer_id", unique=True,
                 postgresql_where=sa.text("is_default"), sqlite_where=sa.text("is_default")),
    )
