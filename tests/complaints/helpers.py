"""Helpers of the complaint tests: customers, workers and orders made through the real
services or straight into the real database, and complaints through the API."""
from __future__ import annotations

import datetime as dt
import itertools
from decimal import Decimal

from core.extensions import db
from core.timeutil import SHANGHAI, utcnow
from tests.followups.helpers import user
from tests.orders.helpers import make_customer, make_worker

_seq = itertools.count(1)

__all__ = ["at", "user", "make_customer", "make_worker", "make_order", "pay", "complaint_in"]


def at(day: str, hm: str = "00:00") -> dt.datetime:
    """A Beijing time as an aware datetime."""
    return dt.datetime.fromisoformat(f"{day}T{hm}").replace(tzinfo=SHANGHAI)


def make_order(app, *, customer_id: int | None = None, line: str = "nanny",
               dispatcher_id: int | None = None, state: str = "in_service",
               created_at: dt.datetime | None = None, agreed_price: str | None = "6000.00",
               with_worker: bool = True) -> int:
    """An order of the customer (created ``created_at``, default 30 days ago)."""
    from core.orders.models import Order

    customer_id = customer_id or make_customer(app, mobile=f"139{next(_seq) + 1000:08d}")
    worker_id = make_worker(app, (line,)) if with_worker else None
    dispatcher_id = dispatcher_id or user(app)
    with app.app_context():
        order = Order(number=f"JZTS-{next(_seq):05d}", service_line=line,
                      customer_id=customer_id, dispatcher_id=dispatcher_id, state=state,
                      intake={}, worker_id=worker_id, address_text="",
                      agreed_price=Decimal(agreed_price) if agreed_price else None,
                      created_at=created_at or utcnow() - dt.timedelta(days=30))
        db.session.add(order)
        db.session.commit()
        return order.id


def pay(app, order_id: int, amount: str, actor_id: int) -> None:
    """Money collected for the order (through the orders' payments service)."""
    from core.orders import payments
    from core.orders.models import Order

    with app.app_context():
        payments.add(db.session.get(Order, order_id), amount=Decimal(amount), method="wechat",
                     actor_id=actor_id)
        db.session.commit()


def order_of(app, order_id: int) -> tuple[int, int | None]:
    """(customer id, worker id) of an order."""
    from core.orders.models import Order

    with app.app_context():
        o = db.session.get(Order, order_id)
        return o.customer_id, o.worker_id


def complaint_in(order_id: int | None = None, customer_id: int | None = None, **over) -> dict:
    """A valid intake body."""
    body = {"channel": "phone", "category": "attitude", "level": "general",
            "summary": "阿姨态度不好", "details": "客户来电说阿姨说话不客气。"}
    if order_id is not None:
        body["order_id"] = order_id
    if customer_id is not None:
        body["customer_id"] = customer_id
    body.update(over)
    return body
