"""What every step of an order shares (visits, sessions, interviews): finding the order
and its loaded intake, refusing a step the order's state does not allow, refusing a
stale version, and committing so that a lost race is a 409, never a half-written change.
"""
from __future__ import annotations

import datetime as dt

import sqlalchemy as sa
from marshmallow import ValidationError

from .. import plugins
from ..errors import Conflict, Invalid, NotFound
from ..extensions import db
from ..messages import Msg
from ..orders import lifecycle
from ..orders.models import Order
from ..timeutil import SHANGHAI
from ..transactions import save
from ..workers.models import Worker

STALE = Msg("Someone else changed this meanwhile; reload the page and try again.",
            "该记录已被他人修改，请刷新页面后重试。")


def get_order(order_id: int, lock: bool = False) -> Order:
    """The order (404 when there is none); ``lock`` takes its row lock (PostgreSQL) so
    steps counted against it (sessions left) cannot race."""
    stmt = sa.select(Order).where(Order.id == order_id)
    order = db.session.scalar(stmt.with_for_update() if lock else stmt)
    if order is None:
        raise NotFound(Msg("There is no such order.", "找不到该订单。"))
    return order


def loaded_intake(order: Order) -> dict:
    """The order's intake as its line's schema loads it (dates, Decimals); 409 when the
    order has none yet or its stored intake no longer loads."""
    if not order.intake:
        raise Conflict(Msg("The order has no intake yet: fill it in first.",
                           "订单还没有需求信息，请先填写。"), code="no_intake")
    try:
        return plugins.intake_schema(order.service_line)().load(order.intake)
    except ValidationError:
        raise Conflict(Msg("The order's intake is no longer valid: edit the order first.",
                           "订单的需求信息已不符合要求，请先修改订单。"),
                       code="intake_invalid") from None


def require_open(order: Order) -> None:
    """Refuse (409) a step on a finished or cancelled order."""
    if order.is_final:
        raise Conflict(Msg("The order is {state} already; nothing more can be recorded on it.",
                           "订单已{state_zh}，不能再登记。").format(
            state=lifecycle.label(order.state), state_zh=lifecycle.label(order.state).zh),
            code="order_closed")


def require_state(order: Order, states: tuple[str, ...], what: Msg) -> None:
    """Refuse (409) a step (``what``, bilingual) the order's current state does not allow,
    naming the states that do."""
    if order.state in states:
        return
    now, allowed = lifecycle.label(order.state), [lifecycle.label(s) for s in states]
    raise Conflict(Msg("{what} only when the order is {ok}; it is {now}.",
                       "订单为「{ok_zh}」时才能{what_zh}；当前为「{now_zh}」。").format(
        what=what, what_zh=what.zh, ok=" or ".join(allowed), now=now,
        ok_zh="」或「".join(s.zh for s in allowed), now_zh=now.zh), code="order_state")


def check_version(row, version: int | None) -> None:
    """Refuse (409) a change made from a version of the row that is no longer current."""
    if version is None or version != row.version:
        raise Conflict(STALE, code="stale_version")


def commit() -> None:
    """Commit the step; a lost race on a row's version → 409 with nothing saved.

    Inside a :func:`core.transactions.transactional` step (the entry points of the
    visits, sessions, interviews and tools services are) the step commits when it
    returns: here the change is only flushed, so the lost race is still this 409."""
    save(lambda: Conflict(STALE, code="stale_version"))


def business_time(value: dt.datetime) -> dt.datetime:
    """A datetime as stored: aware UTC (a naive one is read as Beijing time)."""
    if value.tzinfo is None:
        value = value.replace(tzinfo=SHANGHAI)
    return value.astimezone(dt.timezone.utc)


#: worker statuses that may not be sent or proposed
UNFIT = ("inactive", "blacklisted")


def worker_for(order: Order, worker_id: int | None, *, field: str = "worker_id",
               required: bool = True) -> Worker | None:
    """The worker given (default: the order's) for a step of the order: 422 on ``field``
    when there is none or no such worker, 409 when she does not do the order's line, is
    inactive or blacklisted, on the customer's "do not send" list, or lacks a credential
    her line needs (健康证 first: missing, expired, or not covering the order's period) —
    the candidate list's rules, :func:`core.matching.rules.hard_rule_refusal`."""
    worker_id = worker_id or order.worker_id
    if worker_id is None:
        if not required:
            return None
        raise Invalid(fields={field: [{"en": "Choose the worker.", "zh": "请选择阿姨。"}]})
    worker = db.session.get(Worker, worker_id)
    if worker is None:
        raise Invalid(fields={field: [{"en": "There is no such worker.", "zh": "没有该阿姨。"}]})
    if order.service_line not in worker.service_line_codes:
        raise Conflict(Msg("{name} does not do this service line.",
                           "{name} 不做该业务线。").format(name=worker.name),
                       code="worker_wrong_line")
    if worker.status in UNFIT:
        raise Conflict(Msg("{name} cannot be sent or proposed (status: {status}).",
                           "{name} 不能派出或推荐（状态：{status}）。").format(
            name=worker.name, status=worker.status), code="worker_unfit")
    from ..matching.rules import hard_rule_refusal

    refusal = hard_rule_refusal(order, worker)
    if refusal is not None:
        raise refusal
    return worker
