"""The records of placing a worker (上单): her willingness for an order, each sending of
her profile card to the customer, the versioned service-agreement texts and the
agreements signed."""
from __future__ import annotations

import datetime as dt

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..accounts.models import User
from ..extensions import db
from ..orders.models import Order, _in
from ..timeutil import UTCDateTime, utcnow
from ..workers.models import Worker

#: how a profile card reached the customer: code → (zh, en)
CHANNEL_LABELS = {
    "wechat": ("微信", "WeChat"),
    "sms": ("短信", "Text message"),
    "email": ("电子邮件", "Email"),
    "printed": ("打印面交", "Printed, handed over"),
}
CHANNELS = tuple(CHANNEL_LABELS)

#: where a service agreement stands: code → (zh, en)
AGREEMENT_STATUS_LABELS = {"draft": ("待签", "To be signed"), "signed": ("已签", "Signed"),
                           "void": ("作废", "Void")}
AGREEMENT_STATUSES = tuple(AGREEMENT_STATUS_LABELS)


class Willingness(db.Model):
    """A worker's answer when told of an order (了解阿姨的意愿): willing or not, with a
    note. The latest answer for an (order, worker) counts; earlier ones stay as history."""

    __tablename__ = "placement_willingness"

    id: Mapped[int] = mapped_column(primary_key=True)
    order_id: Mapped[int] = mapped_column(sa.ForeignKey("orders.id", ondelete="CASCADE"),
                                          index=True)
    worker_id: Mapped[int] = mapped_column(sa.ForeignKey("workers.id"), index=True)
    willing: Mapped[bool] = mapped_column(sa.Boolean)
    note: Mapped[str] = mapped_column(sa.String(255), default="")
    recorded_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)
    recorded_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))

    worker: Mapped[Worker] = relationship()
    recorded_by: Mapped[User | None] = relationship()


class ProfileSending(db.Model):
    """One sending of a worker's profile card to the customer of an order: when, how,
    by whom."""

    __tablename__ = "placement_profile_sendings"

    id: Mapped[int] = mapped_column(primary_key=True)
    order_id: Mapped[int] = mapped_column(sa.ForeignKey("orders.id", ondelete="CASCADE"),
                                          index=True)
    worker_id: Mapped[int] = mapped_column(sa.ForeignKey("workers.id"), index=True)
    channel: Mapped[str] = mapped_column(sa.String(16))
    sent_at: Mapped[dt.datetime] = mapped_column(UTCDateTime)
    sent_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))
    note: Mapped[str] = mapped_column(sa.String(255), default="")
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)

    worker: Mapped[Worker] = relationship()
    sent_by: Mapped[User | None] = relationship()

    __table_args__ = (sa.CheckConstraint(_in("channel", CHANNELS), name="channel_known"),)


class AgreementTemplate(db.Model):
    """One version of a line's service-agreement text (服务协议). Version 1 is the text
    the line's plugin ships; supervisors add later versions. A version is never changed
    once stored: an agreement names the version it was printed from."""

    __tablename__ = "agreement_templates"

    id: Mapped[int] = mapped_column(primary_key=True)
    service_line: Mapped[str] = mapped_column(sa.String(32), index=True)
    version: Mapped[int] = mapped_column(sa.Integer)
    title_zh: Mapped[str] = mapped_column(sa.String(120))
    title_en: Mapped[str] = mapped_column(sa.String(160))
    body_zh: Mapped[str] = mapped_column(sa.Text)
    body_en: Mapped[str] = mapped_column(sa.Text)
    note: Mapped[str] = mapped_column(sa.String(255), default="")
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)
    created_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))

    __table_args__ = (
        sa.UniqueConstraint("service_line", "version", name="uq_agreement_templates_line_version"),
        sa.CheckConstraint("version >= 1", name="version_positive"),
    )


class ServiceAgreement(db.Model):
    """The service agreement of one order's worker: drafted from the line's latest text
    version (kept: ``template``), printed, then signed (``signed_on``, who recorded it)."""

    __tablename__ = "service_agreements"

    id: Mapped[int] = mapped_column(primary_key=True)
    order_id: Mapped[int] = mapped_column(sa.ForeignKey("orders.id", ondelete="CASCADE"),
                                          index=True)
    worker_id: Mapped[int] = mapped_column(sa.ForeignKey("workers.id"), index=True)
    template_id: Mapped[int] = mapped_column(sa.ForeignKey("agreement_templates.id"))
    status: Mapped[str] = mapped_column(sa.String(16), default="draft")
    signed_on: Mapped[dt.date | None] = mapped_column(sa.Date)
    signed_recorded_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))
    void_reason: Mapped[str] = mapped_column(sa.String(255), default="")
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)
    created_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))

    order: Mapped[Order] = relationship()
    worker: Mapped[Worker] = relationship()
    template: Mapped[AgreementTemplate] = relationship()

    __table_args__ = (
        sa.CheckConstraint(_in("status", AGREEMENT_STATUSES), name="status_known"),
        sa.CheckConstraint("status <> 'signed' OR signed_on IS NOT NULL",
                           name="signed_has_date"),
    )
