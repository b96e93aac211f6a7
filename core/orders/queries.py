"""Finding orders: the filtered, searched, sorted and paged order list."""
from __future__ import annotations

import datetime as dt

import sqlalchemy as sa
from sqlalchemy import orm

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


def _text_match(text: str) -> sa.ColumnElement[bool]:
    """The order number, or what the order list shows of its customer: her name where
    it shows in full, her mobile's shown first 3 / last 4 digits (orders show it masked)
    where her file opens. A search by phone digits is recorded (masked)."""
    from ..access import current_principal
    from ..audit.service import record
    from ..customers import disclosure
    from ..extensions import db

    user = current_principal()
    match = [Order.number.icontains(text, autoescape=True),
             sa.and_(disclosure.view_clause(user, ("name", "masked", "full")),
                     Customer.name.icontains(text, autoescape=True))]
    digits = text.replace(" ", "").replace("-", "")
    if digits.isdigit():
        shown = []
        if len(digits) <= 4:
            shown.append(Customer.mobile.endswith(digits, autoescape=True))
        if len(digits) <= 3:
            shown.append(Customer.mobile.startswith(digits, autoescape=True))
        if shown:
            match.append(sa.and_(disclosure.view_clause(user, ("masked", "full")),
                                 sa.or_(*shown)))
        if user is not None and len(digits) >= 3:
            record("search", "order", None, "orders searched by digits",
                   {"q": [None, digits if len(digits) < 7 else digits[:3] + "****"]},
                   actor_id=user.id)
            db.session.commit()
    return sa.or_(*match)


#: the home page's to-do filters of the list: code → (zh, en)
TODOS = {"interview_today": ("今天有面试", "Interview today"),
         "contract_to_sign": ("合同待签", "Contract to sign")}


def _todo_clause(todo: str) -> sa.ColumnElement[bool]:
    """SQL: the order has an interview arranged for today (business date), or a drafted
    contract not yet signed."""
    from ..appointments.models import Interview
    from ..timeutil import business_today
    from .records import OrderContract

    if todo == "interview_today":
        today = business_today()
        return sa.exists().where(
            Interview.order_id == Order.id, Interview.status == "arranged",
            Interview.scheduled_at >= _day_start(today),
            Interview.scheduled_at < _day_start(today + dt.timedelta(days=1)))
    return sa.exists().where(OrderContract.order_id == Order.id,
                             OrderContract.status == "draft")


def todo_counts(dispatcher_id: int | None = None) -> dict:
    """How many orders wait for a worker (匹配阿姨), have an interview today, have a
    contract to sign — one dispatcher's or the desk's; one query."""
    from ..extensions import db

    def n(cond):
        return sa.func.coalesce(sa.func.sum(sa.case((cond, 1), else_=0)), 0)

    stmt = sa.select(n(Order.state == "matching"), n(_todo_clause("interview_today")),
                     n(_todo_clause("contract_to_sign"))).where(
        Order.state.not_in(("finished", "cancelled")))
    if dispatcher_id is not None:
        stmt = stmt.where(Order.dispatcher_id == dispatcher_id)
    row = db.session.execute(stmt).one()
    return dict(zip(("waiting", "interviews", "contracts"), (int(v) for v in row),
                    strict=True))


def paid_total():
    """SQL: the sum collected for the order of the enclosing query (0 when none)."""
    return (sa.select(sa.func.coalesce(sa.func.sum(OrderPayment.amount), 0))
            .where(OrderPayment.order_id == Order.id).correlate(Order).scalar_subquery())


def search(*, service_line: str | None = None, state: str | None = None,
           dispatcher_id: int | None = None, worker_id: int | None = None,
           customer_id: int | None = None, created_from: dt.date | None = None,
           created_to: dt.date | None = None, unpaid: bool | None = None,
           q: str | None = None, todo: str | None = None, sort: str | None = None,
           page: int = 1, per_page: int | None = None) -> dict:
    """Orders matching the filters, newest first by default, one page at a time.

    ``created_from``/``created_to`` are business dates, both included; ``unpaid``:
    orders not cancelled whose agreed price exceeds what was collected; ``q`` matches
    the order number, the customer's name or mobile; ``todo`` one of :data:`TODOS`
    (today's interviews, contracts to sign). Each order carries ``money`` (paid /
    outstanding) for the list.
    """
    stmt = sa.select(Order)
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
    if todo in TODOS:
        stmt = stmt.where(_todo_clause(todo))
    if q and q.strip():  # the customer's name and mobile: joined for the search only
        stmt = stmt.join(Customer, Customer.id == Order.customer_id).where(
            _text_match(q.strip()))
    count = stmt
    stmt = apply_sort(stmt, sort, SORTS, [Order.created_at.desc(), Order.id.desc()])
    # the people each row shows, loaded with the page (no query per order), and what was
    # collected for each order as two columns of the page (no second query)
    stmt = stmt.options(orm.joinedload(Order.customer), orm.joinedload(Order.dispatcher),
                        orm.joinedload(Order.worker))
    result = paginate(stmt, page, per_page, count=count, columns=payments.paid_columns())
    items = []
    for order, confirmed, unconfirmed in result["items"]:
        order.money = payments.summary(order, (payments.as_money(confirmed),
                                               payments.as_money(unconfirmed)))
        items.append(order)
    result["items"] = items
    return result
