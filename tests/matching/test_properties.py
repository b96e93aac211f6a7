"""Property-based checks (Hypothesis) on generated small instances: the ranking equals a
brute-force oracle, the batch plan equals the brute-force optimum and never breaks a
hard rule (only eligible pairs, no worker twice)."""
from __future__ import annotations

import datetime as dt
import itertools

from hypothesis import given, settings
from hypothesis import strategies as st

from core.matching.candidates import rank
from core.matching.context import OrderContext
from core.matching.periods import whole_days
from core.matching.scoring import CORE_PARTS, WEIGHTS
from core.matching.solver import greedy, optimal
from core.workers.models import GRADES

NOW = dt.datetime(2030, 5, 1, tzinfo=dt.timezone.utc)

worker_rows = st.lists(st.fixed_dictionaries({
    "name": st.just("阿姨"), "age": st.integers(20, 60),
    "hometown": st.sampled_from(["安徽六安", "江苏南京", "四川成都"]),
    "dialect": st.sampled_from([None, "普通话", "四川话"]),
    "years_experience": st.integers(0, 30), "grade": st.sampled_from(GRADES),
    "district": st.sampled_from([None, "鼓楼区", "玄武区"]),
    "latitude": st.none(), "longitude": st.none(),
    "rating": st.one_of(st.none(), st.floats(1, 5)), "ratings_count": st.integers(0, 9),
    "served": st.booleans(), "customer_rating": st.one_of(st.none(), st.integers(1, 5)),
    "last_end": st.one_of(st.none(), st.integers(0, 200).map(
        lambda d: NOW - dt.timedelta(days=d))),
}), max_size=12)


def _ctx(grade, prefs):
    return OrderContext(order_id=1, service_line="nanny", customer_id=1,
                        period=whole_days(dt.date(2030, 5, 6), dt.date(2030, 6, 4)),
                        required_kinds=("health_certificate",), grade_asked=grade,
                        preferences=prefs, district="鼓楼区", now=NOW)


@settings(max_examples=150, deadline=None)
@given(rows=worker_rows, grade=st.sampled_from([None, *GRADES]),
       prefs=st.fixed_dictionaries({}, optional={
           "worker_age_min": st.integers(20, 40), "worker_age_max": st.integers(40, 60),
           "hometown": st.sampled_from(["安徽", "江苏"]), "dialect": st.just("普通话")}))
def test_ranking_equals_a_brute_force_oracle(rows, grade, prefs):
    for i, row in enumerate(rows):
        row["id"] = i + 1
    ctx = _ctx(grade, prefs)
    ranked = rank(ctx, [dict(r) for r in rows], weight=dict(WEIGHTS))
    oracle = {r["id"]: sum(fn(ctx, r) * WEIGHTS[c] for c, fn in CORE_PARTS.items())
              for r in rows}
    assert [r["id"] for r in ranked] == sorted(oracle, key=lambda i: (-round(oracle[i], 6), i))
    for r in ranked:
        assert abs(r["score"] - oracle[r["id"]]) < 1e-4


instances = st.integers(1, 5).flatmap(lambda n: st.dictionaries(
    st.integers(1, n), st.dictionaries(st.integers(100, 106),
                                       st.floats(0, 10, allow_nan=False), max_size=5),
    min_size=1, max_size=n))


def _brute(scores):
    orders = sorted(scores)
    best = (0, 0.0)
    workers = sorted({w for v in scores.values() for w in v})
    for pick in itertools.product(*[[None, *scores[o]] for o in orders]):
        chosen = [w for w in pick if w is not None]
        if len(chosen) != len(set(chosen)):
            continue
        value = (len(chosen), sum(scores[o][w] for o, w in zip(orders, pick, strict=True)
                                  if w is not None))
        best = max(best, value)
    return best, workers


@settings(max_examples=200, deadline=None)
@given(scores=instances, k=st.integers(1, 4))
def test_plans_are_optimal_and_never_break_a_hard_rule(scores, k):
    (served, total), _ = _brute(scores)
    for plan in (optimal(scores, k), greedy(scores)):
        assert all(w in scores[o] for o, w in plan.pairs.items())  # only eligible pairs
        assert len(set(plan.pairs.values())) == len(plan.pairs)  # no worker twice
    plan = optimal(scores, k)
    assert len(plan.pairs) == served  # pruning never costs an order its service
    assert plan.total <= total + 1e-6
    exact = optimal(scores, max(k, len(scores)))  # top-k with k ≥ orders is exact
    assert abs(exact.total - total) < 1e-4 * max(1.0, total)


@settings(max_examples=100, deadline=None)
@given(scores=instances, k=st.integers(1, 4))
def test_the_dense_solver_serves_as_many_and_never_breaks_a_hard_rule(scores, k):
    import numpy as np

    from core.matching.solver import optimal_dense

    orders = sorted(scores)
    workers = sorted({w for v in scores.values() for w in v}) or [0]
    matrix = np.full((len(orders), len(workers)), -np.inf)
    for i, o in enumerate(orders):
        for w, s in scores[o].items():
            matrix[i, workers.index(w)] = s
    pairs, total, _k = optimal_dense(matrix, k)
    (served, best), _ = _brute(scores)
    assert len(pairs) == served and len(set(pairs.values())) == len(pairs)
    assert all(np.isfinite(matrix[i, j]) for i, j in pairs.items())
    assert total <= best + 1e-6
