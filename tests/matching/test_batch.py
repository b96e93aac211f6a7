"""Batch plans: the optimal plan beats or equals greedy, unservable orders are listed
with a reason, nothing is assigned before the dispatcher confirms, and applying goes
through the no-double-booking path."""
from __future__ import annotations

from core.extensions import db
from core.followups.models import Evaluation
from core.matching.solver import greedy, optimal
from tests.conftest import csrf_from
from tests.orders.helpers import day


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
