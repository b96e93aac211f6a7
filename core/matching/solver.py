"""The batch assignment problem (批量派单), pure: given each order's eligible workers and
their scores, choose at most one worker per order and one order per worker so that as
many orders as possible are served and, among those plans, the total score is highest.

Solved on a pruned problem (each order's top ``k`` workers; for the block form also each
worker's top :data:`WORKER_TOP` orders and the greedy plan's pairs). Pruning can cost an order
its only free worker; then ``k`` doubles until every order that has candidates is
served or the full problem was solved: the plan always serves the most orders possible.
Its total score is the exact optimum when ``k`` ≥ the number of orders (an order matched
outside its top ``n`` always has a free worker among them to swap to); with a smaller
``k`` it can fall short, and the benchmark (``bench/matching_bench.py``) measures by how
much. ``greedy`` is the one-by-one result a person would get, for comparison.

Two forms: dict-of-dicts (:func:`optimal`, :func:`greedy`; scipy's
``linear_sum_assignment``, for small problems) and blocks of dense score matrices
(:func:`optimal_blocks`, :func:`greedy_blocks`; the batch planner's, one block per
service line): there the pruned pairs are a sparse graph solved as a min-cost full
bipartite matching (scipy's LAPJVsp), so 2,000 orders × 20,000 workers never build a
dense 2,000 × 20,000 cost matrix.
"""
from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
from scipy.optimize import linear_sum_assignment
from scipy.sparse import csr_matrix
from scipy.sparse.csgraph import min_weight_full_bipartite_matching

#: big enough that serving one more order beats any gain in score
_SERVE = 1e6
#: the pruned problem also keeps each worker's best orders: rows with (nearly) equal
#: scores share the same top k, and this gives the others a way in
WORKER_TOP = 3


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


@dataclass
class Block:
    """Part of a large problem: rows ``rows`` (global order indices) × columns ``cols``
    (global worker indices, ascending), ``score`` with ``-inf`` where not eligible. A
    problem is a list of blocks whose rows are disjoint (one block per service line)."""

    rows: np.ndarray
    cols: np.ndarray
    score: np.ndarray


def _top(score: np.ndarray, k: int) -> tuple[np.ndarray, np.ndarray]:
    """(row positions, column positions) of each row's top ``k`` eligible columns (every
    eligible one when ``k`` ≥ the width)."""
    n, m = score.shape
    if k >= m:
        return np.nonzero(np.isfinite(score))
    j = np.argpartition(-score, k - 1, axis=1)[:, :k].ravel()
    i = np.repeat(np.arange(n), k)
    keep = np.isfinite(score[i, j])
    return i[keep], j[keep]


def _top_rows(score: np.ndarray, k: int) -> tuple[np.ndarray, np.ndarray]:
    """(row positions, column positions) of each column's top ``k`` eligible rows."""
    i, j = _top(score.T, k)
    return j, i


class _Edges:
    """The pruned problem's pairs: each block row's top ``k`` (its own ``k``), each
    column's top :data:`WORKER_TOP` rows, and the given ``extra`` pairs; the fixed parts
    are computed once."""

    def __init__(self, blocks: list[Block], ks: list[int], extra: dict):
        self.blocks, self.k0 = blocks, ks
        self.base = [_top(b.score, k) if b.score.size else (np.zeros(0, int),) * 2
                     for b, k in zip(blocks, ks, strict=True)]
        self.fixed = [_top_rows(b.score, WORKER_TOP) if b.score.size
                      else (np.zeros(0, int),) * 2 for b in blocks]
        self.extra = extra

    def __call__(self, ks: list[np.ndarray]) -> tuple:
        rows, cols, vals = [], [], []
        for b, (bi, bj), kb, k0, fixed in zip(self.blocks, self.base, ks, self.k0,
                                              self.fixed, strict=True):
            if not b.score.size:
                continue
            grown = kb != k0
            keep = ~grown[bi]
            parts = [(bi[keep], bj[keep]), fixed]
            for kv in np.unique(kb[grown]):
                at = np.flatnonzero(kb == kv)
                i, j = _top(b.score[at], int(kv))
                parts.append((at[i], j))
            i = np.concatenate([p[0] for p in parts])
            j = np.concatenate([p[1] for p in parts])
            rows.append(b.rows[i])
            cols.append(b.cols[j])
            vals.append(b.score[i, j])
        if self.extra:
            where = _where(self.blocks)
            for row, col in self.extra.items():
                b, pos = where[row]
                rows.append(np.array([row]))
                cols.append(np.array([col]))
                vals.append(np.array([b.score[pos, np.searchsorted(b.cols, col)]]))
        if not rows:
            return np.zeros(0, int), np.zeros(0, int), np.zeros(0)
        r, c, v = np.concatenate(rows), np.concatenate(cols), np.concatenate(vals)
        _u, first = np.unique(r * (int(c.max()) + 1) + c if len(c) else r, return_index=True)
        return r[first], c[first], v[first]  # a pair given twice counts once


def _match(rows, cols, vals) -> dict:
    """{row: col} of the plan serving the most rows, then the highest total, over these
    edges: a min-cost full matching (LAPJVsp) where each row also has a private "not
    served" column costing more than any real pair."""
    if not len(rows):
        return {}
    r_ids, r = np.unique(rows, return_inverse=True)
    c_ids, c = np.unique(cols, return_inverse=True)
    n, m = len(r_ids), len(c_ids)
    cost = np.concatenate([_SERVE - vals, np.full(n, 2 * _SERVE)])  # all > 0: real edges
    graph = csr_matrix((cost, (np.concatenate([r, np.arange(n)]),
                               np.concatenate([c, m + np.arange(n)]))), shape=(n, m + n))
    ri, ci = min_weight_full_bipartite_matching(graph)
    return {int(r_ids[i]): int(c_ids[j]) for i, j in zip(ri, ci, strict=True) if j < m}


def _where(blocks: list[Block]) -> dict:
    """row → (block, position of the row in it)."""
    return {row: (b, pos) for b in blocks for pos, row in enumerate(b.rows.tolist())}


def optimal_blocks(blocks: list[Block], k: int = 20,
                   seed: dict | None = None) -> tuple[dict, float, int]:
    """The best plan of a block problem, solved on each row's top ``k`` columns plus the
    ``seed`` pairs (e.g. the greedy plan: the result is then never worse than it).
    While a row with candidates is left unserved, the ``k`` of the unserved rows
    doubles; when none of them can widen any more, the last round takes every row's
    top ``min(width, n)`` for ``n`` rows — the full problem's optimum (an order matched
    outside its top ``n`` always has a free worker among them to swap to).
    Returns ({row: column}, total, largest k used)."""
    n_rows = sum(len(b.rows) for b in blocks)
    caps = [min(b.score.shape[1], n_rows) for b in blocks]
    ks = [np.full(len(b.rows), min(k, cap), dtype=np.int64) for b, cap in zip(
        blocks, caps, strict=True)]
    has = [np.isfinite(b.score).any(axis=1) if b.score.size else np.zeros(len(b.rows), bool)
           for b in blocks]
    edges = _Edges(blocks, [min(k, cap) for cap in caps], seed or {})
    while True:
        pairs = _match(*edges(ks))
        unserved = [h & ~np.isin(b.rows, list(pairs)) for b, h in zip(blocks, has,
                                                                      strict=True)]
        if not any(u.any() for u in unserved):
            break
        if all((kb >= cap).all() for kb, cap in zip(ks, caps, strict=True)):
            break  # the full problem: nothing more can be served
        widen = [u & (kb < cap) for u, kb, cap in zip(unserved, ks, caps, strict=True)]
        if any(w.any() for w in widen):
            for kb, w, cap in zip(ks, widen, caps, strict=True):
                kb[w] = np.minimum(kb[w] * 2, cap)
        else:
            ks = [np.full_like(kb, cap) for kb, cap in zip(ks, caps, strict=True)]
    where = _where(blocks)
    total = 0.0
    for row, col in pairs.items():
        b, pos = where[row]
        total += float(b.score[pos, np.searchsorted(b.cols, col)])
    return pairs, total, int(max((kb.max() for kb in ks if len(kb)), default=k))


def optimal_dense(score: np.ndarray, k: int = 20) -> tuple[dict, float, int]:
    """The same plan on one dense orders × workers matrix (``-inf`` = not eligible).
    Returns ({row: column}, total, k used)."""
    n, m = score.shape
    return optimal_blocks([Block(np.arange(n), np.arange(m), score)], k)


def greedy_blocks(blocks: list[Block], order: list | None = None) -> dict:
    """One row after another (ascending unless ``order`` is given), each taking its
    best free column (ties: lowest column), vectorised per row. Returns {row: col}."""
    where = _where(blocks)
    width = 1 + max((int(b.cols.max()) for b in blocks if len(b.cols)), default=-1)
    taken = np.zeros(width, dtype=bool)
    pairs = {}
    for row in order if order is not None else sorted(where):
        b, pos = where[row]
        if not len(b.cols):
            continue
        line = np.where(taken[b.cols], -np.inf, b.score[pos])
        j = int(np.argmax(line))
        if np.isfinite(line[j]):
            pairs[row] = int(b.cols[j])
            taken[b.cols[j]] = True
    return pairs
