"""Payments (收款): money collected for an order, handed to finance, confirmed by finance.

What an order shows: paid (confirmed and not yet confirmed, separately) and
outstanding = agreed price − everything collected. Money is ``Decimal``, never float.
"""
from __future__ import annotations

import datetime as dt
from decimal import Decimal

import sqlalchemy as sa

from .. import inputs
from ..audit.service import record
from ..errors import Conflict, NotFound
from ..extensions import db
from ..messages import Msg
from ..timeutil import business_today, to_business, utcnow
from ..transactions import transactional
from .events import add_event, commit
from .models import Order
from .records import OrderPayment

ZERO = Decimal("0.00")


def of_order(order: Order) -> list[OrderPayment]:
    """The order's payments, oldest first."""
    return list(db.session.scalars(sa.select(OrderPayment).where(
        OrderPayment.order_id == order.id).order_by(OrderPayment.collected_at,
                                                    OrderPayment.id)))


def get(payment_id: int) -> OrderPayment:
    """One payment, or NotFound."""
    payment = db.session.get(OrderPayment, payment_id)
    if payment is None:
        raise NotFound(Msg("There is no such payment.", "找不到该笔收款。"))
    return payment


def totals_for(order_ids: list[int]) -> dict[int, tuple[Decimal, Decimal]]:
    """(confirmed, unconfirmed) sums collected per order id, in one query."""
    if not order_ids:
        return {}
    confirmed = sa.case((OrderPayment.confirmed_at.is_not(None), OrderPayment.amount),
                        else_=0)
    unconfirmed = sa.case((OrderPayment.confirmed_at.is_(None), OrderPayment.amount), else_=0)
    rows = db.session.execute(
        sa.select(OrderPayment.order_id, sa.func.sum(confirmed), sa.func.sum(unconfirmed))
        .where(OrderPayment.order_id.in_(order_ids)).group_by(OrderPayment.order_id))
    return {oid: (_decimal(c), _decimal(u)) for oid, c, u in rows}


def paid_columns() -> tuple:
    """SQL: (confirmed, unconfirmed) sums collected for the order of the enclosing
    query, as two correlated columns (read with :func:`as_money`)."""
    def total(cond):
        return (sa.select(sa.func.coalesce(sa.func.sum(OrderPayment.amount), 0))
                .where(OrderPayment.order_id == Order.id, cond)
                .correlate(Order).scalar_subquery())
    return (total(OrderPayment.confirmed_at.is_not(None)).label("paid_confirmed"),
            total(OrderPayment.confirmed_at.is_(None)).label("paid_unconfirmed"))


def as_money(value) -> Decimal:
    """A sum read from the database as an exact yuan amount."""
    return _decimal(value)


def _decimal(value) -> Decimal:
    # SQLite sums NUMERIC in floating point; str() and the fen give back the exact amount
    return Decimal(str(value or 0)).quantize(ZERO)


def summary(order: Order, sums: tuple[Decimal, Decimal] | None = None) -> dict:
    """Paid (confirmed / unconfirmed / total) and outstanding (agreed − paid; None
    without an agreed price) of an order."""
    if sums is None:
        sums = totals_for([order.id]).get(order.id, (ZERO, ZERO))
    confirmed, unconfirmed = sums
    paid = confirmed + unconfirmed
    outstanding = None if order.agreed_price is None else order.agreed_price - paid
    return {"paid_confirmed": confirmed, "paid_unconfirmed": unconfirmed, "paid": paid,
            "outstanding": outstanding}


@transactional
def collect(order: Order, *, amount: Decimal, method: str, actor_id: int,
            collected_at: dt.datetime | None = None, note: str = "") -> OrderPayment:
    """Record money collected from the customer (by the person recording it)."""
    payment = add(order, amount=amount, method=method, actor_id=actor_id,
                  collected_at=collected_at, note=note)
    commit()
    return payment


#: when a payment may be dated, relative to the business date
PAYMENT_DATE_WINDOW = {"before_days": 366, "after_days": 1}


def add(order: Order, *, amount: Decimal, method: str, actor_id: int,
        collected_at: dt.datetime | None = None, note: str = "") -> OrderPayment:
    """:func:`collect` without the commit: the payment (with its history entry and audit
    event) joins the caller's transaction — e.g. a 保洁 visit's payment is saved
    together with the visit that records it, or not at all. A payment is dated at most
    a year back and not in the future (a day's grace for clocks)."""
    inputs.check_business_date(to_business(collected_at), "collected_at",
                               today=business_today(), **PAYMENT_DATE_WINDOW)
    payment = OrderPayment(order_id=order.id, amount=amount, method=method,
                           collected_by_id=actor_id, collected_at=collected_at or utcnow(),
                           note=(note or "")[:255])
    db.session.add(payment)
    db.session.flush()
    add_event(order, "payment_recorded", actor_id, touch=False, note=note,
              data={"payment_id": payment.id, "amount": amount, "method": method})
    record("create", "order_payment", payment.id,
           f"payment {amount} ({method}) on order {order.number}", actor_id=actor_id)
    return payment


@transactional
def hand_over(payment: OrderPayment, actor_id: int) -> OrderPayment:
    """The collector hands the money to finance (交财务)."""
    if payment.handed_to_finance_at is not None:
        raise Conflict(Msg("This payment was already handed to finance.",
                           "该笔收款已交财务。"), code="already_handed_over")
    payment.handed_to_finance_at = utcnow()
    add_event(payment.order, "payment_handed_over", actor_id, touch=False,
              data={"payment_id": payment.id, "amount": payment.amount})
    record("status", "order_payment", payment.id, "handed to finance", actor_id=actor_id)
    commit()
    return payment


@transactional
def confirm(payment: OrderPayment, actor_id: int) -> OrderPayment:
    """Finance confirms it received the money (财务确认); implies it was handed over."""
    if payment.confirmed_at is not None:
        raise Conflict(Msg("This payment was already confirmed.", "该笔收款已确认。"),
                       code="already_confirmed")
    now = utcnow()
    payment.handed_to_finance_at = payment.handed_to_finance_at or now
    payment.confirmed_at, payment.confirmed_by_id = now, actor_id
    add_event(payment.order, "payment_confirmed", actor_id, touch=False,
              data={"payment_id": payment.id, "amount": payment.amount})
    record("status", "order_payment", payment.id, "confirmed by finance",
           {"confirmed": [False, True]}, actor_id=actor_id)
    commit()
    return payment
