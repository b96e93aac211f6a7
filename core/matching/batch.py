"""Batch plans (批量派单): for a set of open orders (e.g. tomorrow's 保洁 visits), the plan
that serves the most orders with the highest total score under every hard rule, the
greedy one-by-one plan beside it, the orders that cannot be served and why; applied
only when the dispatcher confirms, each pair through the same no-double-booking path.

Each worker takes at most one order of a batch, so no plan can double-book her.
"""
from __future__ import annotations

import datetime as dt

import sqlalchemy as sa

from ..errors import DomainError
from ..extensions import db
from ..messages import Msg
from ..orders import staffing
from ..orders.models import Order
from ..plugins import matching_rules, score_parts
from ..timeutil import utcnow
from ..workers.models import Worker
from .candidates import rank, read_rows
from .context import order_context
from .periods import order_period
from .scoring import weights
from .solver import greedy, optimal

NO_CANDIDATE = Msg("No worker meets every hard rule for this order.",
                   "没有阿姨符合该订单的全部硬性条件。")
OUTBID = Msg("Every worker who could serve it is needed more by another order of the plan.",
             "能做该单的阿姨都被方案中的其他订单占用了。")
NO_PERIOD = Msg("The order has no service date.", "订单没有服务日期。")


def open_orders(day: dt.date, line: str | None = None) -> list[int]:
    """Orders waiting for a worker (匹配中, none assigned) whose service starts on ``day``."""
    stmt = sa.select(Order).where(Order.state == "matching", Order.worker_id.is_(None))
    if line:
        stmt = stmt.where(Order.service_line == line)
    out = []
    for order in db.session.scalars(stmt.order_by(Order.id)):
        period = order_period(order)
        if period is not None and period.first_day == day:
            out.append(order.id)
    return out


def scores_of(order_ids) -> tuple[dict, dict]:
    """({order: {worker: score}}, {order: reason}) — the eligible workers of each order
    with their scores, and why an order has none."""
    now, scores, reasons = utcnow(), {}, {}
    for order in db.session.scalars(sa.select(Order).where(Order.id.in_(list(order_ids)))):
        period = order_period(order)
        if period is None:
            reasons[order.id] = NO_PERIOD
            continue
        ctx = order_context(order, now)
        extra = score_parts(ctx.service_line)
        ranked = rank(ctx, read_rows(ctx), matching_rules(ctx.service_line), extra,
                      weights(extra))
        scores[order.id] = {r["id"]: r["score"] for r in ranked}
        if not ranked:
            reasons[order.id] = NO_CANDIDATE
    return scores, reasons


def propose(order_ids, k: int = 20) -> dict:
    """The proposal: optimal and greedy plans, the gap, and the unservable orders."""
    scores, reasons = scores_of(order_ids)
    best, one_by_one = optimal(scores, k), greedy(scores)
    for o in scores:
        if o not in best.pairs and o not in reasons:
            reasons[o] = OUTBID
    names = dict(db.session.execute(sa.select(Worker.id, Worker.name).where(
        Worker.id.in_(set(best.pairs.values()) | set(one_by_one.pairs.values())))).all())
    numbers = dict(db.session.execute(sa.select(Order.id, Order.number).where(
        Order.id.in_(list(order_ids)))).all())

    def rows(plan):
        return [{"order_id": o, "number": numbers.get(o), "worker_id": w,
                 "worker": names.get(w), "score": scores[o][w]}
                for o, w in sorted(plan.pairs.items())]

    gap = best.total - one_by_one.total
    return {"optimal": {"pairs": rows(best), "total": best.total, "k": best.k},
            "greedy": {"pairs": rows(one_by_one), "total": one_by_one.total},
            "gap": round(gap, 6),
            "gap_percent": round(100 * gap / best.total, 3) if best.total else 0.0,
            "unservable": [{"order_id": o, "number": numbers.get(o),
                            "reason": {"en": str(m), "zh": m.zh}}
                           for o, m in sorted(reasons.items())]}


def apply(pairs, actor_id: int) -> list[dict]:
    """Apply a confirmed plan: each (order, worker) through :func:`staffing.assign` (the
    no-double-booking path); a pair refused meanwhile is reported, the rest go on."""
    out = []
    for order_id, worker_id in pairs:
        order = db.session.get(Order, order_id)
        try:
            if order is None:
                raise LookupError
            staffing.assign(order, worker_id, order.version, actor_id, reason="批量派单")
            out.append({"order_id": order_id, "worker_id": worker_id, "ok": True})
        except (DomainError, LookupError) as exc:
            db.session.rollback()
            message = getattr(exc, "message", Msg("No such order.", "没有该订单。"))
            out.append({"order_id": order_id, "worker_id": worker_id, "ok": False,
                        "error": {"en": str(message), "zh": getattr(message, "zh", "")}})
    return out
