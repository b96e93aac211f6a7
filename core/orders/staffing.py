"""Who serves an order: assigning a worker (派单) and replacing her (换人).

Simple rules for now — the worker does the order's service line and is available
(空闲); matching with availability calendars and double-booking guarantees comes later.
Replacing a worker under contract makes the next contract version (see
:func:`core.orders.contracts.hand_over`).
"""
from __future__ import annotations

import datetime as dt
from decimal import Decimal

import sqlalchemy as sa

from ..audit.service import record
from ..errors import Conflict, Invalid
from ..extensions import db
from ..messages import Msg
from ..timeutil import business_today
from ..transactions import transactional
from ..workers.models import Worker, WorkerServiceLine
from . import contracts
from .events import add_event, check_version, commit
from .models import Order

#: States in which a worker may be assigned or replaced.
STAFFING_STATES = ("matching", "interview", "contracted", "in_service")


def candidates(order: Order, limit: int = 200) -> list[Worker]:
    """Workers who may be offered for the order (the assign form, the interview form),
    by name: the candidate list's core hard rules (:mod:`core.matching.rules`) — she does
    the line, her status allows work, every credential her line needs (健康证 first) is
    valid through the whole service period, she is free then and not on the customer's
    "do not send" list. Before the order has a service period: line, status and every
    credential her line needs (健康证 first) held and not expired today."""
    from ..matching.context import order_context, required_kinds
    from ..matching.periods import order_period
    from ..matching.rules import core_rules, valid_on
    from ..timeutil import utcnow

    if order_period(order) is None:
        today = business_today()
        conds = [sa.exists().where(WorkerServiceLine.worker_id == Worker.id,
                                   WorkerServiceLine.service_line == order.service_line),
                 Worker.status == "available",
                 *(valid_on(kind, today) for kind in required_kinds(order.service_line))]
    else:
        ctx = order_context(order, utcnow())
        conds = [rule.clause(ctx) for rule in core_rules(ctx)]
    stmt = sa.select(Worker).where(*conds).order_by(Worker.name, Worker.id).limit(limit)
    return [w for w in db.session.scalars(stmt) if w.id != order.worker_id]


def _worker(order: Order, worker_id: int) -> Worker:
    worker = db.session.get(Worker, worker_id)
    if worker is None:
        raise Invalid(fields={"worker_id": [{"en": "There is no such worker.",
                                             "zh": "没有该阿姨。"}]})
    if order.service_line not in worker.service_line_codes:
        raise Conflict(Msg("{name} does not do this service line.",
                           "{name} 不做该业务线。").format(name=worker.name),
                       code="worker_wrong_line")
    if worker.status != "available":
        raise Conflict(Msg("{name} is not available (status: {status}).",
                           "{name} 当前不空闲（状态：{status}）。").format(
            name=worker.name, status=worker.status), code="worker_unavailable")
    from ..matching.rules import hard_rule_refusal

    refusal = hard_rule_refusal(order, worker)
    if refusal is not None:
        raise refusal
    return worker


def _fill_period(order: Order, booking) -> dict:
    """The order learns its service dates from the booked period, where it has none: 上户
    is the booking's first day; 下户 its last for a term of whole days (a visit or a
    session books a time slot and leaves 下户 open). Returns ``{field: (before, after)}``."""
    from ..matching.periods import Period

    period = Period(booking.starts_at, booking.ends_at,
                    whole_days=_whole_days(booking.starts_at, booking.ends_at))
    filled = {}
    if order.start_date is None:
        filled["start_date"] = (None, period.first_day)
        order.start_date = period.first_day
    if order.end_date is None and period.whole_days:
        filled["end_date"] = (None, period.last_day)
        order.end_date = period.last_day
    return filled


def _whole_days(starts_at: dt.datetime, ends_at: dt.datetime) -> bool:
    from ..timeutil import SHANGHAI

    a, b = starts_at.astimezone(SHANGHAI), ends_at.astimezone(SHANGHAI)
    return a.time() == dt.time() and b.time() == dt.time() and b.date() > a.date()


@transactional
def assign(order: Order, worker_id: int, version: int, actor_id: int, *, reason: str = "",
           change_date: dt.date | None = None,
           worker_salary: Decimal | None = None) -> Order:
    """Assign a worker to the order, or replace the current one (换人, reason required).

    ``change_date`` (default today) is when the new worker takes over; a contract in
    force is handed over to her as a new version from that date.
    """
    check_version(order, version)
    if order.state not in STAFFING_STATES:
        raise Conflict(Msg("A worker is assigned while matching, interviewing, under "
                           "contract or in service.",
                           "只有在匹配、面试、签约或服务中的订单才能指派阿姨。"),
                       code="staffing_state")
    if worker_id == order.worker_id:
        raise Conflict(Msg("This worker is already on the order.", "该阿姨已在此订单上。"),
                       code="worker_same")
    worker = _worker(order, worker_id)
    previous = order.worker
    if previous is not None and not (reason or "").strip():
        raise Invalid(fields={"reason": [{"en": "Say why the worker is replaced.",
                                          "zh": "请写明换人原因。"}]})
    from ..matching.booking import for_staffing  # her time (档期), no double booking

    booking = for_staffing(order, worker, actor_id, reason, previous,
                           change_date or business_today())
    if previous is None:
        order.worker = worker
        filled = _fill_period(order, booking)
        add_event(order, "worker_assigned", actor_id, note=reason,
                  data={"worker_id": worker.id, "worker": worker.name,
                        **{k: v[1] for k, v in filled.items()}})
        record("update", "order", order.id, f"order {order.number}: worker {worker.id}",
               {"worker_id": [None, worker.id], **{k: [str(a) if a else None, str(b)]
                                                   for k, (a, b) in filled.items()}},
               actor_id=actor_id)
        if filled:
            from .. import plugins

            db.session.flush()
            plugins.notify_order_period_changed(
                order_id=order.id, service_line=order.service_line,
                previous_start=filled.get("start_date", (order.start_date,))[0],
                previous_end=filled.get("end_date", (order.end_date,))[0],
                start_date=order.start_date, end_date=order.end_date)
        commit()
        return order
    if not (reason or "").strip():
        raise Invalid(fields={"reason": [{"en": "Say why the worker is replaced.",
                                          "zh": "请写明换人原因。"}]})
    change_date = change_date or business_today()
    new_contract = contracts.hand_over(order, worker, change_date, reason, actor_id,
                                       worker_salary)
    order.worker = worker
    add_event(order, "worker_replaced", actor_id, note=reason, data={
        "from_worker_id": previous.id, "from_worker": previous.name,
        "worker_id": worker.id, "worker": worker.name, "change_date": change_date,
        "contract": new_contract.number if new_contract else None})
    record("update", "order", order.id, f"order {order.number}: worker replaced (换人)",
           {"worker_id": [previous.id, worker.id]}, actor_id=actor_id)
    commit()
    return order
