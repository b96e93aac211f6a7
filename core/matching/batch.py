"""Batch plans (批量派单): for a set of open orders (e.g. tomorrow's 保洁 visits), the plan
that serves the most orders with the highest total score under every hard rule, the
greedy one-by-one plan beside it, the orders that cannot be served and why; applied
only when the dispatcher confirms, each pair through the same no-double-booking path.

Candidates and scores of all the orders come column-wise from :mod:`.vector` (the
same rules and score as the single-order ranking); the problem is solved with
:func:`.solver.optimal_blocks` (pruned top-k, widened, exact fallback).

**Several orders per worker.** The batch's orders are split into the connected
components of the overlap graph of their periods (two orders are joined when their
periods overlap; a component is a maximal run of orders chained by overlaps). Each
component is solved on its own with one order per worker in it. Orders of different
components never overlap, so a worker may take one order in each component (a 09:00
and a 14:00 visit) and no plan can double-book her; her existing bookings are masked
per order. What is optimal, exactly: each component's plan is optimal (most orders
served, then highest total; up to top-k pruning, see :mod:`.solver`) for the rule
"one order per worker per component", and since components share no constraint the
union is optimal for that rule over the whole batch. It is NOT always optimal for the
looser true rule "a worker's orders do not overlap": in a chain 08–12, 11–15, 14–18
(one component) she could take the first and the last, which this plan never gives
her. That looser problem (interval scheduling with machine eligibility) is NP-hard in
general (Arkin & Silverberg, 1987).
Orders with no service date are listed unservable (``NO_PERIOD``).
"""
from __future__ import annotations

import datetime as dt
from collections import defaultdict

import numpy as np
import sqlalchemy as sa

from ..errors import DomainError
from ..extensions import db, in_ids
from ..messages import Msg
from ..orders import staffing
from ..orders.models import Order
from ..workers.models import Worker
from .periods import order_period
from .solver import Block, greedy_blocks, optimal_blocks
from .vector import BatchScores, batch_scores

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
    with their scores, and why an order has none (small batches; tests)."""
    found = batch_scores(order_ids)
    scores = found.as_dicts()
    reasons = {o: NO_PERIOD for o in found.no_period}
    reasons.update({o: NO_CANDIDATE for o, row in scores.items() if not row})
    return scores, reasons


def components(contexts) -> list[list[int]]:
    """The orders (ids) grouped into connected components of the overlap graph of their
    periods (half-open): sorted by start, a component closes where the next order
    starts at or after every earlier order of it has ended."""
    out: list[list[int]] = []
    reach = None
    for ctx in sorted(contexts, key=lambda c: (c.period.starts_at, c.order_id)):
        if reach is None or ctx.period.starts_at >= reach:
            out.append([])
            reach = ctx.period.ends_at
        out[-1].append(ctx.order_id)
        reach = max(reach, ctx.period.ends_at)
    return out


def blocks_of(found: BatchScores, order_ids) -> list[Block]:
    """The solver's blocks (one per service line) of these orders: rows are order ids,
    columns worker ids."""
    rows = defaultdict(list)
    for o in order_ids:
        ls = found.line_of(o)
        rows[ls.line].append(ls.row_of[o])
    out = []
    for line, pos in sorted(rows.items()):
        ls = found.lines[line]
        pos = np.array(sorted(pos), dtype=np.int64)
        score = ls.score if len(pos) == len(ls.orders) else ls.score[pos]
        ids = np.array([ls.orders[p].order_id for p in pos], dtype=np.int64)
        out.append(Block(ids, ls.worker_ids, score))
    return out


def plans(found: BatchScores, k: int = 20) -> tuple[dict, dict, int]:
    """(optimal pairs, greedy pairs, largest k used): each component of the overlap graph
    solved on its own, one order per worker per component; the pruned problem also
    holds the greedy plan's pairs, so the proposal never falls below greedy."""
    best, one_by_one, used = {}, {}, k
    for group in components(found.contexts.values()):
        blocks = blocks_of(found, group)
        greedy_pairs = greedy_blocks(blocks)
        pairs, _total, k_used = optimal_blocks(blocks, k, seed=greedy_pairs)
        best.update(pairs)
        one_by_one.update(greedy_pairs)
        used = max(used, k_used)
    return best, one_by_one, used


def propose(order_ids, k: int = 20) -> dict:
    """The proposal: optimal and greedy plans, the gap, and the unservable orders."""
    order_ids = list(order_ids)
    found = batch_scores(order_ids)
    best, one_by_one, used = plans(found, k)
    reasons = {o: NO_PERIOD for o in found.no_period}
    for o in found.contexts:
        if o not in best:
            ls = found.line_of(o)
            served = np.isfinite(ls.score[ls.row_of[o]]).any()
            reasons[o] = OUTBID if served else NO_CANDIDATE
    names = dict(db.session.execute(sa.select(Worker.id, Worker.name).where(
        in_ids(Worker.id, set(best.values()) | set(one_by_one.values())))).all())
    numbers = dict(db.session.execute(sa.select(Order.id, Order.number).where(
        in_ids(Order.id, order_ids))).all())

    def side(pairs):
        rows = [{"order_id": o, "number": numbers.get(o), "worker_id": w,
                 "worker": names.get(w), "score": found.score(o, w)}
                for o, w in sorted(pairs.items())]
        return rows, round(sum(r["score"] for r in rows), 6)

    best_rows, best_total = side(best)
    greedy_rows, greedy_total = side(one_by_one)
    gap = best_total - greedy_total
    return {"optimal": {"pairs": best_rows, "total": best_total, "k": used},
            "greedy": {"pairs": greedy_rows, "total": greedy_total},
            "gap": round(gap, 6),
            "gap_percent": round(100 * gap / best_total, 3) if best_total else 0.0,
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
