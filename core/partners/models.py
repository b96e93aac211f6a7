"""Partner organisations (合作方), their contacts and liaison notes."""
from __future__ import annotations

import datetime as dt

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..extensions import db
from ..timeutil import UTCDateTime, utcnow

#: kind code → (Chinese, English)
PARTNER_KINDS = {
    "certification_platform": ("认证平台（58到家）", "Certification platform (58 Daojia)"),
    "exam_hospital": ("体检医院", "Exam hospital"),
    "internship_hospital": ("实习医院", "Internship hospital"),
    "postpartum_centre": ("月子中心", "Postpartum centre"),
    "domestic_company": ("家政公司", "Domestic-service company"),
    "photo_studio": ("摄影工作室", "Photo studio"),
}

#: where the cooperation (合作意向) stands
COOPERATION_STATES = {
    "prospect": ("待接洽", "Prospect"),
    "negotiating": ("洽谈中", "Negotiating"),
    "agreed": ("已合作", "Agreed"),
    "ended": ("已终止", "Ended"),
}


class Partner(db.Model):
    """A partner organisation (合作方) the desk works with."""

    __tablename__ = "partners"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(sa.String(120), index=True)
    kind: Mapped[str] = mapped_column(sa.String(32), index=True)
    cooperation: Mapped[str] = mapped_column(sa.String(16), default="agreed")
    address: Mapped[str] = mapped_column(sa.String(255), default="")
    notes: Mapped[str] = mapped_column(sa.Text, default="")
    active: Mapped[bool] = mapped_column(default=True)
    version: Mapped[int] = mapped_column(default=1)
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)

    contacts: Mapped[list["PartnerContact"]] = relationship(
        back_populates="partner", order_by="PartnerContact.id", cascade="all, delete-orphan")
    liaison_notes: Mapped[list["PartnerNote"]] = relationship(
        back_populates="partner", order_by="PartnerNote.at.desc()", cascade="all, delete-orphan")

    __table_args__ = (
        sa.CheckConstraint(
            "kind IN ('certification_platform','exam_hospital','internship_hospital',"
            "'postpartum_centre','domestic_company','photo_studio')", name="kind_known"),
        sa.CheckConstraint("cooperation IN ('prospect','negotiating','agreed','ended')",
                           name="cooperation_known"),
    )


class PartnerContact(db.Model):
    """A person at a partner, e.g. 58到家's 于老师 or the hospital's 任老师."""

    __tablename__ = "partner_contacts"

    id: Mapped[int] = mapped_column(primary_key=True)
    partner_id: Mapped[int] = mapped_column(sa.ForeignKey("partners.id", ondelete="CASCADE"),
                                            index=True)
    name: Mapped[str] = mapped_column(sa.String(64))
    title: Mapped[str] = mapped_column(sa.String(64), default="")
    phone: Mapped[str] = mapped_column(sa.String(32), default="")
    wechat: Mapped[str] = mapped_column(sa.String(64), default="")
    notes: Mapped[str] = mapped_column(sa.String(255), default="")

    partner: Mapped[Partner] = relationship(back_populates="contacts")


class PartnerNote(db.Model):
    """A dated liaison note (接洽记录): who talked to the partner and what was agreed."""

    __tablename__ = "partner_notes"

    id: Mapped[int] = mapped_column(primary_key=True)
    partner_id: Mapped[int] = mapped_column(sa.ForeignKey("partners.id", ondelete="CASCADE"),
                                            index=True)
    at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)
    author_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))
    text: Mapped[str] = mapped_column(sa.Text)

    partner: Mapped[Partner] = relationship(back_populates="liaison_notes")
    author = relationship("User")
