"""The batch assignment problem (批量派单), pure: given each order's eligible workers and
their scores, choose at most one worker per order and one order per worker so that as
many orders as possible are served and, among those plans, the total score is highest.

Solved with scipy's ``linear_sum_assignment`` on a pruned matrix (each order's top ``k``
workers). Pruning can cost an order its only free worker; then ``k`` doubles until
every order that has candidates is served or the full problem was solved: the plan
always serves the most orders possible. Its total score is the exact optimum when
``k`` ≥ the number of orders (an order matched outside its top ``n`` always has a free
worker among them to swap to); with a smaller ``k`` it can fall short, and the
benchmark (``bench/matching_bench.py``) measures by how much. ``greedy`` is the
one-by-one result a person would get, for comparison.
"""
from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
from scipy.optimize import linear_sum_assignment

#: big enough that serving one more order beats any gain in score
_SERVE = 1e6


@dataclass
class Plan:
    """Chosen ``pairs`` {order: worker}, their ``total`` score, the ``k`` it ended with."""

    pairs: dict = field(default_factory=dict)
    total: float = 0.0
    k: int = 0


def _solve(scores: dict, orders: list, k: int | None) -> dict:
    cols: dict = {}
    rows = []
    for o in orders:
        cand = sorted(scores[o].items(), key=lambda kv: (-kv[1], kv[0]))
        if k is not None:
            cand = cand[:k]
        rows.append(cand)
        for w, _s in cand:
            cols.setdefault(w, len(cols))
    if not cols:
        return {}
    n, m = len(orders), len(cols)
    cost = np.zeros((n, m + n))  # n dummy columns: "not served" costs 0
    cost[:, :m] = _SERVE * 10  # not a candidate: worse than leaving the order unserved
    for i, cand in enumerate(rows):
        for w, s in cand:
            cost[i, cols[w]] = -(_SERVE + s)
    r, c = linear_sum_assignment(cost)
    workers = list(cols)
    return {orders[i]: workers[j] for i, j in zip(r, c, strict=True) if j < m and cost[i, j] < 0}


def optimal(scores: dict, k: int = 20) -> Plan:
    """The best plan, solved on each order's top ``k`` workers, widened (k×2, then the
    full problem) while an order with candidates is left unserved by pruning."""
    orders = sorted(scores)
    widest = max((len(v) for v in scores.values()), default=0)
    while True:
        full = k >= widest
        pairs = _solve(scores, orders, None if full else k)
        unserved = [o for o in orders if scores[o] and o not in pairs]
        if full or not unserved:
            return Plan(pairs, round(sum(scores[o][w] for o, w in pairs.items()), 6), k)
        k *= 2


def greedy(scores: dict, order_sequence=None) -> Plan:
    """One order after another (by id unless told), each taking its best free worker."""
    taken: set = set()
    pairs = {}
    for o in order_sequence or sorted(scores):
        best = max(((s, -w) for w, s in scores[o].items() if w not in taken), default=None)
        if best is not None:
            pairs[o] = -best[1]
            taken.add(-best[1])
    return Plan(pairs, round(sum(scores[o][w] for o, w in pairs.items()), 6))


def optimal_dense(score: np.ndarray, k: int = 20) -> tuple[dict, float, int]:
    """The same plan on a dense orders × workers matrix (``-inf`` = not eligible), for
    large batches: each row's top ``k`` columns by ``argpartition``, their union solved,
    ``k`` doubled while an order with candidates is left unserved, the full matrix last.
    Returns ({row: column}, total, k used)."""
    n, m = score.shape
    has = np.isfinite(score).any(axis=1)
    while True:
        full = k >= m
        cols = np.arange(m) if full else np.unique(np.argpartition(-score, k, axis=1)[:, :k])
        sub = score[:, cols]
        if not full:  # keep only each row's own top k inside the union
            kth = -np.partition(-score, k - 1, axis=1)[:, k - 1:k]
            sub = np.where(sub >= kth, sub, -np.inf)
        cost = np.where(np.isfinite(sub), -(_SERVE + sub), _SERVE * 10)
        cost = np.hstack([cost, np.zeros((n, n))])
        r, c = linear_sum_assignment(cost)
        pairs = {int(i): int(cols[j]) for i, j in zip(r, c, strict=True)
                 if j < len(cols) and cost[i, j] < 0}
        if full or len(pairs) == int(has.sum()):
            return pairs, float(sum(score[i, j] for i, j in pairs.items())), k
        k *= 2
