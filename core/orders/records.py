"""What is recorded against an order besides its state: the three-party contract
(三方合同) and its versions, payments collected (收款) and exceptions needing a
supervisor's approval (特批).
"""
from __future__ import annotations

import datetime as dt
from decimal import Decimal

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..accounts.models import User
from ..extensions import db
from ..timeutil import UTCDateTime, utcnow
from ..workers.models import Worker
from .models import MONEY, Order, _in

#: Status of one contract version: code → (zh, en).
CONTRACT_STATUS_LABELS = {
    "draft": ("待签", "Draft"),
    "signed": ("已签", "Signed"),
    "replaced": ("已被新版本取代", "Superseded"),
    "void": ("作废", "Void"),
}
CONTRACT_STATUSES = tuple(CONTRACT_STATUS_LABELS)

#: How a payment was made: code → (zh, en).
PAYMENT_METHOD_LABELS = {
    "wechat": ("微信", "WeChat"),
    "cash": ("现金", "Cash"),
    "bank_transfer": ("银行转账", "Bank transfer"),
}
PAYMENT_METHODS = tuple(PAYMENT_METHOD_LABELS)

#: What an exception (特批) is about: code → (zh, en).
APPROVAL_KIND_LABELS = {
    "price_below_table": ("价格低于价目表", "Price below the price table"),
    "term_outside_policy": ("合同期限不在标准内", "Term outside the standard terms"),
    "other": ("其他例外", "Other exception"),
    "complaint_compensation": ("投诉赔偿超出限额", "Complaint compensation above the limit"),
}
APPROVAL_KINDS = tuple(APPROVAL_KIND_LABELS)

#: Where an approval request stands: code → (zh, en).
APPROVAL_STATUS_LABELS = {
    "pending": ("待审批", "Pending"),
    "approved": ("已批准", "Approved"),
    "rejected": ("已驳回", "Rejected"),
    "superseded": ("已作废", "Superseded"),
}
APPROVAL_STATUSES = tuple(APPROVAL_STATUS_LABELS)


class OrderContract(db.Model):
    """One version of an order's three-party contract (customer, worker, company).

    Version 1 is the first contract; replacing the worker mid-term (换人) ends a signed
    version (status ``replaced``, with ``replaced_on``, ``days_served`` and the reason)
    and drafts the next version for the new worker, from the change date to the old
    end date. The parties' identities are copied in at signing, so later edits of the
    customer or worker never change a signed contract.
    """

    __tablename__ = "order_contracts"

    id: Mapped[int] = mapped_column(primary_key=True)
    order_id: Mapped[int] = mapped_column(sa.ForeignKey("orders.id", ondelete="CASCADE"),
                                          index=True)
    number: Mapped[str] = mapped_column(sa.String(32), unique=True)
    version: Mapped[int] = mapped_column(sa.Integer)
    status: Mapped[str] = mapped_column(sa.String(16), default="draft")
    worker_id: Mapped[int] = mapped_column(sa.ForeignKey("workers.id"))
    start_date: Mapped[dt.date] = mapped_column(sa.Date)
    end_date: Mapped[dt.date] = mapped_column(sa.Date)
    service_fee: Mapped[Decimal] = mapped_column(MONEY, default=Decimal("0.00"))
    worker_salary: Mapped[Decimal] = mapped_column(MONEY, default=Decimal("0.00"))
    deposit: Mapped[Decimal] = mapped_column(MONEY, default=Decimal("0.00"))
    final_payment: Mapped[Decimal] = mapped_column(MONEY, default=Decimal("0.00"))
    signed_on: Mapped[dt.date | None] = mapped_column(sa.Date)
    customer_party: Mapped[dict | None] = mapped_column(sa.JSON)
    worker_party: Mapped[dict | None] = mapped_column(sa.JSON)
    company_party: Mapped[dict | None] = mapped_column(sa.JSON)
    replaces_id: Mapped[int | None] = mapped_column(sa.ForeignKey("order_contracts.id"))
    replaced_on: Mapped[dt.date | None] = mapped_column(sa.Date)
    days_served: Mapped[int | None] = mapped_column(sa.Integer)
    replacement_reason: Mapped[str] = mapped_column(sa.String(255), default="")
    created_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)
    signed_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))

    order: Mapped[Order] = relationship()
    worker: Mapped[Worker] = relationship()
    replaces: Mapped[OrderContract | None] = relationship(remote_side=[id])

    __table_args__ = (
        sa.UniqueConstraint("order_id", "version", name="uq_order_contracts_order_version"),
        sa.CheckConstraint(_in("status", CONTRACT_STATUSES), name="status_known"),
        sa.CheckConstraint("end_date >= start_date", name="end_after_start"),
        sa.CheckConstraint("service_fee >= 0 AND worker_salary >= 0 AND deposit >= 0 "
                           "AND final_payment >= 0", name="fees_not_negative"),
    )

    @property
    def term_days(self) -> int:
        """Days of the term, both ends counted (a 26-day 月嫂 term: day 1 to day 26)."""
        return (self.end_date - self.start_date).days + 1


class OrderPayment(db.Model):
    """Money collected for an order (收款), by whom and how, then handed to finance and
    confirmed by finance (财务确认). Only confirmed money is money in the bank."""

    __tablename__ = "order_payments"

    id: Mapped[int] = mapped_column(primary_key=True)
    order_id: Mapped[int] = mapped_column(sa.ForeignKey("orders.id", ondelete="CASCADE"),
                                          index=True)
    amount: Mapped[Decimal] = mapped_column(MONEY)
    method: Mapped[str] = mapped_column(sa.String(16))
    collected_by_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id"))
    collected_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)
    handed_to_finance_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)
    confirmed_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))
    confirmed_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime, index=True)
    note: Mapped[str] = mapped_column(sa.String(255), default="")

    order: Mapped[Order] = relationship()
    collected_by: Mapped[User] = relationship(foreign_keys=[collected_by_id])
    confirmed_by: Mapped[User | None] = relationship(foreign_keys=[confirmed_by_id])

    __table_args__ = (
        sa.CheckConstraint("amount > 0", name="amount_positive"),
        sa.CheckConstraint(_in("method", PAYMENT_METHODS), name="method_known"),
        sa.CheckConstraint("(confirmed_at IS NULL) = (confirmed_by_id IS NULL)",
                           name="confirmed_with_who"),
    )


class OrderApproval(db.Model):
    """A request to do something outside policy (特批): who asked, why, what; then the
    supervisor's decision (who, when). An order cannot move on while one of its
    requests is pending or rejected; a request whose fact was changed back within
    policy is ``superseded``."""

    __tablename__ = "order_approvals"

    id: Mapped[int] = mapped_column(primary_key=True)
    order_id: Mapped[int] = mapped_column(sa.ForeignKey("orders.id", ondelete="CASCADE"),
                                          index=True)
    kind: Mapped[str] = mapped_column(sa.String(32))
    reason: Mapped[str] = mapped_column(sa.String(500))
    detail: Mapped[dict | None] = mapped_column(sa.JSON)
    status: Mapped[str] = mapped_column(sa.String(16), default="pending", index=True)
    requested_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))
    requested_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)
    decided_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))
    decided_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)
    decision_note: Mapped[str] = mapped_column(sa.String(500), default="")

    order: Mapped[Order] = relationship()
    requested_by: Mapped[User | None] = relationship(foreign_keys=[requested_by_id])
    decided_by: Mapped[User | None] = relationship(foreign_keys=[decided_by_id])

    __table_args__ = (
        sa.CheckConstraint(_in("kind", APPROVAL_KINDS), name="kind_known"),
        sa.CheckConstraint(_in("status", APPROVAL_STATUSES), name="status_known"),
    )
