"""Orders (订单) and their history: what a customer asked for, at what price, who serves.

An order moves through the lifecycle of :mod:`core.orders.lifecycle`; every move and
every other fact recorded on it (worker assigned, contract signed, payment collected …)
is an :class:`OrderEvent`. ``Order.version`` is SQLAlchemy's version counter: every
UPDATE of the row checks and bumps it, so two people saving the same order at once
cannot silently overwrite each other (the second gets 409).

Contracts, payments and approvals live in :mod:`core.orders.records`.
"""
from __future__ import annotations

import datetime as dt
from decimal import Decimal

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..accounts.models import User
from ..customers.models import Customer, CustomerAddress
from ..extensions import db
from ..timeutil import UTCDateTime, utcnow
from ..workers.models import Worker

#: States of an order, in lifecycle order: code → (zh, en).
STATE_LABELS = {
    "enquiry": ("咨询", "Enquiry"),
    "quoted": ("已报价", "Quoted"),
    "matching": ("匹配阿姨", "Matching"),
    "interview": ("面试", "Interview"),
    "contracted": ("已签约", "Contracted"),
    "in_service": ("服务中", "In service"),
    "finished": ("已完成", "Finished"),
    "cancelled": ("已取消", "Cancelled"),
}
STATES = tuple(STATE_LABELS)
FINAL_STATES = ("finished", "cancelled")

#: Why an order was cancelled (关闭原因), a fixed list: code → (zh, en).
CANCEL_REASON_LABELS = {
    "quote_too_high": ("报价太高", "Quote too high"),
    "no_longer_needed": ("不再需要", "No longer needed"),
    "not_satisfied_with_worker": ("对阿姨不满意", "Not satisfied with the worker"),
    "no_worker_available": ("没有合适的阿姨", "No worker available"),
    "customer_unreachable": ("联系不上客户", "Customer unreachable"),
    "other": ("其他", "Other"),
}
CANCEL_REASONS = tuple(CANCEL_REASON_LABELS)

#: Kinds of entries in an order's history: code → (zh, en). Other areas add theirs with
#: :func:`core.orders.events.event_kind` (no migration needed: the column is free text).
EVENT_LABELS = {
    "created": ("创建订单", "Order created"),
    "updated": ("修改订单", "Order changed"),
    "transition": ("状态变更", "State changed"),
    "worker_assigned": ("指派阿姨", "Worker assigned"),
    "worker_replaced": ("更换阿姨", "Worker replaced"),
    "contract_created": ("起草合同", "Contract drafted"),
    "contract_signed": ("签订合同", "Contract signed"),
    "payment_recorded": ("收款", "Payment collected"),
    "payment_handed_over": ("交财务", "Payment handed to finance"),
    "payment_confirmed": ("财务确认", "Payment confirmed"),
    "approval_requested": ("申请特批", "Approval requested"),
    "approval_approved": ("特批通过", "Approval granted"),
    "approval_rejected": ("特批驳回", "Approval rejected"),
    "approval_superseded": ("特批作废", "Approval superseded"),
}

MONEY = sa.Numeric(12, 2)


def _in(column: str, values) -> str:
    return f"{column} IN ({', '.join(repr(v) for v in values)})"


class Order(db.Model):
    """An order (订单) of one service line for one customer, owned by a dispatcher.

    ``intake`` is the line's intake as its schema loaded it, stored JSON-safe (dates
    ISO, money as strings); ``quote_total``/``quote_detail`` snapshot the price computed
    from the company's price table when the intake was last saved; ``agreed_price`` is
    what the customer agreed to pay. ``start_date``/``end_date`` are the business dates
    of 上户 (start of service) and 下户 (end of service).
    """

    __tablename__ = "orders"

    id: Mapped[int] = mapped_column(primary_key=True)
    number: Mapped[str] = mapped_column(sa.String(20), unique=True)
    service_line: Mapped[str] = mapped_column(sa.String(32), index=True)
    customer_id: Mapped[int] = mapped_column(sa.ForeignKey("customers.id"), index=True)
    address_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("customer_addresses.id", ondelete="SET NULL"))
    address_text: Mapped[str] = mapped_column(sa.String(300), default="")
    dispatcher_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id"), index=True)
    state: Mapped[str] = mapped_column(sa.String(16), default="enquiry", index=True)
    intake: Mapped[dict | None] = mapped_column(sa.JSON)
    quote_total: Mapped[Decimal | None] = mapped_column(MONEY)
    quote_detail: Mapped[dict | None] = mapped_column(sa.JSON)
    agreed_price: Mapped[Decimal | None] = mapped_column(MONEY)
    worker_id: Mapped[int | None] = mapped_column(sa.ForeignKey("workers.id"), index=True)
    start_date: Mapped[dt.date | None] = mapped_column(sa.Date)
    end_date: Mapped[dt.date | None] = mapped_column(sa.Date)
    cancel_reason: Mapped[str | None] = mapped_column(sa.String(32))
    cancel_note: Mapped[str] = mapped_column(sa.String(255), default="")
    note: Mapped[str] = mapped_column(sa.Text, default="")
    created_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))
    updated_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow, index=True)
    updated_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)
    version: Mapped[int] = mapped_column(sa.Integer, nullable=False)

    customer: Mapped[Customer] = relationship()
    address: Mapped[CustomerAddress | None] = relationship()
    dispatcher: Mapped[User] = relationship(foreign_keys=[dispatcher_id])
    worker: Mapped[Worker | None] = relationship()
    created_by: Mapped[User | None] = relationship(foreign_keys=[created_by_id])
    events: Mapped[list[OrderEvent]] = relationship(
        back_populates="order", cascade="all, delete-orphan",
        order_by=lambda: (OrderEvent.at, OrderEvent.id))

    __mapper_args__ = {"version_id_col": version}
    __table_args__ = (
        sa.CheckConstraint(_in("state", STATES), name="state_known"),
        sa.CheckConstraint("cancel_reason IS NULL OR " + _in("cancel_reason", CANCEL_REASONS),
                           name="cancel_reason_known"),
        sa.CheckConstraint("agreed_price IS NULL OR agreed_price >= 0",
                           name="agreed_price_not_negative"),
        sa.CheckConstraint("end_date IS NULL OR start_date IS NULL OR end_date >= start_date",
                           name="end_after_start"),
    )

    @property
    def is_final(self) -> bool:
        """Finished or cancelled: nothing moves it any more."""
        return self.state in FINAL_STATES


class OrderEvent(db.Model):
    """One entry of an order's history: who did what, when, from which state to which.

    ``kind`` is a key of :data:`EVENT_LABELS`; ``data`` holds the facts of the event
    (the worker replaced, the amount collected …) as plain JSON.
    """

    __tablename__ = "order_events"

    id: Mapped[int] = mapped_column(primary_key=True)
    order_id: Mapped[int] = mapped_column(sa.ForeignKey("orders.id", ondelete="CASCADE"),
                                          index=True)
    at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)
    actor_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))
    kind: Mapped[str] = mapped_column(sa.String(32))
    from_state: Mapped[str | None] = mapped_column(sa.String(16))
    to_state: Mapped[str | None] = mapped_column(sa.String(16))
    note: Mapped[str] = mapped_column(sa.String(500), default="")
    data: Mapped[dict | None] = mapped_column(sa.JSON)

    order: Mapped[Order] = relationship(back_populates="events")
    actor: Mapped[User | None] = relationship()
