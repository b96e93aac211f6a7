"""Batch plans: the optimal plan beats or equals greedy and equals a brute-force optimum,
never breaks a hard rule, lets a worker take visits that do not overlap (never two that
do), scores exactly as the single-order ranking does; unservable orders are listed with
a reason, nothing is assigned before the dispatcher confirms, and applying goes through
the no-double-booking path."""
from __future__ import annotations

import datetime as dt
import itertools
import random
from types import SimpleNamespace

import numpy as np
import pytest
import sqlalchemy as sa

from core.customers.models import CustomerAddress
from core.extensions import db
from core.followups.models import Evaluation
from core.matching import batch
from core.matching.candidates import candidates, why_not
from core.matching.models import Assignment, CustomerExcludedWorker, WorkerLocation
from core.matching.periods import order_period
from core.matching.solver import Block, greedy, greedy_blocks, optimal, optimal_dense
from core.orders.models import Order
from core.timeutil import utcnow
from core.workers.models import GRADES, Worker, WorkerCredential, WorkerServiceLine
from tests.conftest import csrf_from, make_user
from tests.orders.helpers import day, intake, make_customer

from .conftest import REQUIRED


def test_pruning_that_starves_an_order_widens_to_the_optimum():
    scores = {1: {10: 5.0, 11: 4.0}, 2: {10: 4.9}, 3: {}}
    plan = optimal(scores, k=1)
    assert plan.pairs == {1: 11, 2: 10} and plan.total == 8.9
    assert greedy(scores).pairs == {1: 10}


def _rate(app, worker, overall):
    with app.app_context():
        db.session.add(Evaluation(worker_id=worker, source="supervisor", verdict="satisfied",
                                  overall=overall))
        db.session.commit()


def test_plan_for_a_date_proposes_then_applies_on_confirm(app, desk, matching_order,
                                                          qualified, worker_for):
    a, b = matching_order(), matching_order(preferred_time="10:00")
    lonely = matching_order("child_massage")
    star, backup = qualified(), qualified()
    _rate(app, star, 5)
    worker_for()  # unqualified: never in a plan
    resp = desk.post("/api/v1/matching/plans", json={"date": day(10).isoformat()})
    assert resp.status_code == 200, resp.get_json()
    proposal = resp.get_json()
    pairs = {p["order_id"]: p["worker_id"] for p in proposal["optimal"]["pairs"]}
    assert set(pairs) == {a["id"], b["id"]} and set(pairs.values()) == {star, backup}
    assert proposal["optimal"]["total"] >= proposal["greedy"]["total"]
    assert [u["order_id"] for u in proposal["unservable"]] == [lonely["id"]]
    assert proposal["unservable"][0]["reason"]["zh"]
    assert desk.get(f"/api/v1/orders/{a['id']}").get_json()["worker_id"] is None
    body = {"pairs": [{"order_id": o, "worker_id": w} for o, w in pairs.items()]}
    results = desk.post("/api/v1/matching/plans/apply", json=body).get_json()
    assert all(r["ok"] for r in results)
    assert desk.get(f"/api/v1/orders/{a['id']}").get_json()["worker_id"] == pairs[a["id"]]
    again = desk.post("/api/v1/matching/plans/apply", json=body).get_json()
    assert not any(r["ok"] for r in again)  # already assigned / booked: refused, reported


def test_plan_page_shows_both_plans_and_confirm_applies(app, web_as, matching_order,
                                                        qualified):
    order = matching_order()
    worker = qualified()
    web = web_as("dispatcher")
    url = f"/matching/plan?date={day(10).isoformat()}&line=cleaning&go=1"
    html = web.get(url).get_data(as_text=True)
    assert 'id="plan-optimal"' in html and 'id="plan-greedy"' in html
    assert f'value="{order["id"]}:{worker}"' in html
    token = csrf_from(web, url)
    resp = web.post("/matching/plan/apply", data={"csrf_token": token,
                                                  "pair": f"{order['id']}:{worker}",
                                                  "date": day(10).isoformat()})
    assert resp.status_code == 302
    from core.orders.models import Order
    with app.app_context():
        assert db.session.get(Order, order["id"]).worker_id == worker


# ------------------------------------------------- the column-wise path on small worlds

H, D = dt.timedelta(hours=1), dt.timedelta(days=1)
_seq = itertools.count(1)
TIMES = ("08:00", "09:00", "11:00", "13:00", "14:00", "19:00")


def _id_number(birth: dt.date) -> str:
    body = f"110105{birth:%Y%m%d}{(next(_seq) % 500) * 2:03d}"
    total = sum(int(c) * pow(2, 17 - i, 11) for i, c in enumerate(body))
    return body + "0123456789X"[(12 - total % 11) % 11]


def _world(app, seed: int, n_orders: int = 6, n_workers: int = 7,
           lines=("cleaning",), hard: bool = True) -> SimpleNamespace:
    """Orders in state matching and workers stored through the ORM (profiles follow):
    ratings, locations, history with the customer, bookings, and — when ``hard`` —
    workers failing hard rules (status, credentials, do-not-send, busy)."""
    rng = random.Random(seed)
    customers = [make_customer(app), make_customer(app, "王先生")]
    user = make_user(app, "dispatcher", f"batch-desk-{seed}")
    with app.app_context():
        address = db.session.scalars(sa.select(CustomerAddress).where(
            CustomerAddress.customer_id == customers[0])).one()
        address.latitude, address.longitude = 32.06, 118.78
        now = utcnow()

        def order(line, customer, state="matching", worker=None, **over):
            raw = intake(line, **over)
            o = Order(number=f"JZT{next(_seq):08d}", service_line=line, customer_id=customer,
                      dispatcher_id=user, state=state, intake=raw, worker_id=worker,
                      address_id=address.id if customer == customers[0] and rng.random() < .5
                      else None)
            db.session.add(o)
            db.session.flush()
            return o

        orders = []
        for i in range(n_orders):
            line = lines[i % len(lines)]
            over = {}
            if line in ("cleaning", "child_massage"):
                over = {"preferred_date": day(rng.choice((5, 5, 6))).isoformat(),
                        "preferred_time": rng.choice(TIMES)}
            elif line == "maternity_nurse":
                over = {"expected_delivery_date": day(rng.choice((5, 40))).isoformat(),
                        "twins": rng.random() < 0.5, "grade": rng.choice(GRADES)}
            elif line == "nanny":
                over = {"start_date": day(rng.choice((5, 45))).isoformat(),
                        "requirements": rng.choice((
                            {}, {"min_experience_years": 4},
                            {"worker_age_min": 30, "worker_age_max": 45, "hometown": "江苏",
                             "dialect": "普通话"}))}
            orders.append(order(line, customers[i % 2], **over))
        workers = []
        for _n in range(n_workers):
            birth = dt.date(rng.randint(1966, 1998), rng.randint(1, 12), rng.randint(1, 28))
            w = Worker(name=f"乙{next(_seq)}", id_number=_id_number(birth),
                       mobile=f"137{next(_seq):08d}",
                       hometown=rng.choice(("安徽六安", "江苏南京", "四川成都")),
                       dialect=rng.choice((None, "普通话", "四川话")),
                       years_experience=rng.randint(0, 20), grade=rng.choice(GRADES),
                       status="available" if not hard or rng.random() < .85 else "on_leave")
            mine = [ln for ln in lines if rng.random() < .8] or [lines[0]]
            w.line_links = [WorkerServiceLine(service_line=ln) for ln in mine]
            kinds = {k for ln in mine for k in REQUIRED[ln]}
            health = None if not hard or rng.random() < .8 else day(rng.choice((3, 5, 20)))
            w.credentials = [WorkerCredential(
                kind=k, expires_on=health if k == "health_certificate" else None,
                certification_status="certified" if k == "platform_certification" else None)
                for k in sorted(kinds)]
            db.session.add(w)
            db.session.flush()
            workers.append(w.id)
            if rng.random() < .7:
                coords = (32.0 + rng.random() * .2, 118.7 + rng.random() * .2) \
                    if rng.random() < .6 else (None, None)
                db.session.add(WorkerLocation(worker_id=w.id, district=rng.choice(
                    ("鼓楼区", "玄武区", "")), latitude=coords[0], longitude=coords[1]))
            if rng.random() < .3:  # served the customer before, maybe rated
                old = order("cleaning", rng.choice(customers), "finished", w.id)
                if rng.random() < .7:
                    db.session.add(Evaluation(worker_id=w.id, order_id=old.id,
                                              source="supervisor", verdict="satisfied",
                                              overall=rng.randint(1, 5)))
            for _e in range(rng.randint(0, 2)):
                db.session.add(Evaluation(worker_id=w.id, source="supervisor",
                                          verdict="satisfied", overall=rng.randint(1, 5)))
            if rng.random() < .4:  # a past assignment (fairness)
                end = now - rng.randint(2, 90) * D
                db.session.add(Assignment(worker_id=w.id, order_id=orders[0].id,
                                          kind="assignment", state="released"
                                          if rng.random() < .2 else "active",
                                          starts_at=end - 4 * H, ends_at=end))
            if hard and rng.random() < .25:  # busy during one order of the batch
                p = order_period(rng.choice(orders))
                db.session.add(Assignment(worker_id=w.id, order_id=orders[-1].id,
                                          kind="hold", state="active",
                                          starts_at=p.starts_at + H, ends_at=p.starts_at + 2 * H,
                                          expires_at=now + D))
            if hard and rng.random() < .15:
                db.session.add(CustomerExcludedWorker(customer_id=customers[0], worker_id=w.id,
                                                      reason="客户投诉"))
        db.session.commit()
        return SimpleNamespace(orders=[o.id for o in orders], workers=workers)


def _components(order_ids):
    """Order ids grouped by the overlap graph of their periods (written for the test:
    union-find over every overlapping pair)."""
    periods = {o: order_period(db.session.get(Order, o)) for o in order_ids}
    parent = {o: o for o in order_ids}

    def root(o):
        while parent[o] != o:
            o = parent[o]
        return o

    for a, b in itertools.combinations(order_ids, 2):
        if periods[a] and periods[b] and periods[a].overlaps(periods[b]):
            parent[root(a)] = root(b)
    return {o: root(o) for o in order_ids}, periods


def _brute_force(scores: dict, group: dict) -> tuple[int, float]:
    """(most orders served, best total) over every choice of a candidate (or none) per
    order, one order per worker per component."""
    orders = sorted(scores)
    best = (0, 0.0)
    for choice in itertools.product(*[[None, *scores[o]] for o in orders]):
        used = [(group[o], w) for o, w in zip(orders, choice, strict=True) if w is not None]
        if len(used) != len(set(used)):
            continue
        served = len(used)
        total = sum(scores[o][w] for o, w in zip(orders, choice, strict=True) if w is not None)
        if (served, total) > (best[0], best[1] + 1e-9):
            best = (served, total)
    return best


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_plan_equals_the_brute_force_optimum_on_small_worlds(app, seed):
    world = _world(app, seed, n_orders=5, n_workers=5)
    with app.app_context():
        scores = {o: {c["id"]: c["score"] for c in candidates(o)} for o in world.orders}
        group, _periods = _components(world.orders)
        served, total = _brute_force(scores, group)
        proposal = batch.propose(world.orders, k=1)  # k=1: pruning must widen to be exact
    pairs = proposal["optimal"]["pairs"]
    assert len(pairs) == served
    assert abs(proposal["optimal"]["total"] - total) < 1e-4, (proposal, scores)
    assert proposal["optimal"]["total"] >= proposal["greedy"]["total"] - 1e-9
    unservable = {u["order_id"] for u in proposal["unservable"]}
    assert unservable == set(world.orders) - {p["order_id"] for p in pairs}


@pytest.mark.parametrize("seed", [4, 5])
def test_vectorised_scores_equal_the_single_order_ranking(app, seed):
    world = _world(app, seed, n_orders=8, n_workers=10,
                   lines=("cleaning", "maternity_nurse", "nanny", "child_massage"))
    with app.app_context():
        vector, _reasons = batch.scores_of(world.orders)
        for o in world.orders:
            single = {c["id"]: c["score"] for c in candidates(o)}
            assert set(vector[o]) == set(single), (o, vector[o], single)
            for w, s in single.items():
                assert abs(vector[o][w] - s) < 1e-4, (o, w, vector[o][w], s)


@pytest.mark.parametrize("seed", [6, 7])
def test_no_plan_pair_breaks_a_hard_rule(app, seed):
    world = _world(app, seed, n_orders=8, n_workers=8,
                   lines=("cleaning", "maternity_nurse", "nanny"))
    with app.app_context():
        proposal = batch.propose(world.orders)
        _group, periods = _components(world.orders)
        for side in ("optimal", "greedy"):
            by_worker = {}
            for p in proposal[side]["pairs"]:
                assert why_not(p["order_id"], p["worker_id"])["failed"] == [], (side, p)
                by_worker.setdefault(p["worker_id"], []).append(periods[p["order_id"]])
            for mine in by_worker.values():  # a worker's orders never overlap
                assert not any(a.overlaps(b) for a, b in itertools.combinations(mine, 2))


def test_a_worker_takes_two_visits_of_a_day_that_do_not_overlap(app, desk, matching_order,
                                                                   qualified):
    morning = matching_order(preferred_time="09:00")  # 09:00–13:00
    late_morning = matching_order(preferred_time="10:00")  # overlaps the first
    afternoon = matching_order(preferred_time="14:00")  # 14:00–18:00
    nurse = qualified()
    proposal = desk.post("/api/v1/matching/plans", json={"date": day(10).isoformat()}
                         ).get_json()
    pairs = {p["order_id"]: p["worker_id"] for p in proposal["optimal"]["pairs"]}
    assert afternoon["id"] in pairs and len(pairs) == 2
    assert set(pairs.values()) == {nurse}
    assert (morning["id"] in pairs) != (late_morning["id"] in pairs)  # never both
    greedy = {p["order_id"] for p in proposal["greedy"]["pairs"]}
    assert greedy == {morning["id"], afternoon["id"]}
    [left] = proposal["unservable"]
    assert left["reason"]["en"] == str(batch.OUTBID)
    body = {"pairs": [{"order_id": o, "worker_id": w} for o, w in pairs.items()]}
    results = desk.post("/api/v1/matching/plans/apply", json=body).get_json()
    assert all(r["ok"] for r in results), results  # through the no-double-booking path


def test_an_order_without_a_service_date_is_unservable(app, desk, matching_order, qualified):
    order = matching_order()
    qualified()
    with app.app_context():
        o = db.session.get(Order, order["id"])
        o.intake = {k: v for k, v in o.intake.items() if k != "preferred_date"}
        db.session.commit()
        proposal = batch.propose([order["id"]])
    assert proposal["optimal"]["pairs"] == []
    assert proposal["unservable"][0]["reason"]["en"] == str(batch.NO_PERIOD)


def test_block_solver_widens_until_the_starved_order_is_served():
    # every order likes worker 0 best; orders 0–2 outscore 3–4 on every worker, so each
    # worker's own top 3 are orders 0–2: with k=1 order 3 or 4 starves, k must widen
    score = np.array([[10.0 - j + (3 if i < 3 else 0) for j in range(5)] for i in range(5)])
    pairs, total, k = optimal_dense(score, k=1)
    assert len(pairs) == 5 and len(set(pairs.values())) == 5
    assert abs(total - 49.0) < 1e-9 and k == 2
    starved = np.array([[5.0, 4.0], [4.9, -np.inf], [-np.inf, -np.inf]])
    pairs, total, _k = optimal_dense(starved, k=1)
    assert pairs == {0: 1, 1: 0} and abs(total - 8.9) < 1e-9
    blocks = [Block(np.array([10, 11, 12]), np.array([100, 101]), starved)]
    assert greedy_blocks(blocks) == {10: 100}


def test_a_date_without_open_orders_says_so(web_as):
    html = web_as("dispatcher").get("/matching/plan?date=2031-01-06&go=1").get_data(as_text=True)
    assert 'id="plan-empty"' in html and "2031-01-06 没有待派阿姨的订单" in html
    assert 'id="plan-apply"' not in html and 'class="filters"' in html
