"""Finding orders: the filtered, searched, sorted and paged order list."""
from __future__ import annotations

import datetime as dt

import sqlalchemy as sa

from ..customers.models import Customer
from ..pagination import apply_sort, paginate
from ..timeutil import SHANGHAI
from . import payments
from .models import Order
from .records import OrderPayment

SORTS = {"created_at": Order.created_at, "updated_at": Order.updated_at,
         "number": Order.number, "state": Order.state, "agreed_price": Order.agreed_price,
         "start_date": Order.start_date}


def _day_start(day: dt.date) -> dt.datetime:
    """Midnight of a business date (Asia/Shanghai), as an aware UTC timestamp."""
    return dt.datetime.combine(day, dt.time.min, SHANGHAI).astimezone(dt.timezone.utc)


def paid_total():
    """SQL: the sum collected for the order of the enclosing query (0 when none)."""
    return (sa.select(sa.func.coalesce(sa.func.sum(OrderPayment.amount), 0))
            .where(OrderPayment.order_id == Order.id).correlate(Order).scalar_subquery())


def search(*, service_line: str | None = None, state: str | None = None,
           dispatcher_id: int | None = None, worker_id: int | None = None,
           customer_id: int | None = None, created_from: dt.date | None = None,
           created_to: dt.date | None = None, unpaid: bool | None = None,
           q: str | None = None, sort: str | None = None, page: int = 1,
           per_page: int | None = None) -> dict:
    """Orders matching the filters, newest first by default, one page at a time.

    ``created_from``/``created_to`` are business dates, both included; ``unpaid``:
    orders not cancelled whose agreed price exceeds what was collected; ``q`` matches
    the order number, the customer's name or mobile. Each order carries ``money``
    (paid / outstanding) for the list.
    """
    stmt = sa.select(Order).join(Customer, Customer.id == Order.customer_id)
    if service_line:
        stmt = stmt.where(Order.service_line == service_line)
    if state:
        stmt = stmt.where(Order.state == state)
    if dispatcher_id is not None:
        stmt = stmt.where(Order.dispatcher_id == dispatcher_id)
    if worker_id is not None:
        stmt = stmt.where(Order.worker_id == worker_id)
    if customer_id is not None:
        stmt = stmt.where(Order.customer_id == customer_id)
    if created_from:
        stmt = stmt.where(Order.created_at >= _day_start(created_from))
    if created_to:
        stmt = stmt.where(Order.created_at < _day_start(created_to + dt.timedelta(days=1)))
    if unpaid:
        stmt = stmt.where(Order.state != "cancelled", Order.agreed_price.is_not(None),
                          Order.agreed_price > paid_total())
    if q and q.strip():
        like = f"%{q.strip()}%"
        stmt = stmt.where(sa.or_(Order.number.ilike(like), Customer.name.ilike(like),
                                 Customer.mobile.like(like)))
    stmt = apply_sort(stmt, sort, SORTS, [Order.created_at.desc(), Order.id.desc()])
    result = paginate(stmt, page, per_page)
    sums = payments.totals_for([o.id for o in result["items"]])
    for order in result["items"]:
        order.money = payments.summary(order, sums.get(order.id, (payments.ZERO,
                                                                  payments.ZERO)))
    return result
