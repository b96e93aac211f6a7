"""Candidates for one order: every hard rule enforced, scores shown with their parts,
"why not her?" for a named worker, excluded workers listed with reasons."""
from __future__ import annotations

from core.extensions import db
from core.followups.models import Evaluation
from tests.orders.helpers import day

from .conftest import add_credentials


def _ids(desk, order, **params):
    resp = desk.get(f"/api/v1/orders/{order['id']}/candidates", query_string=params)
    assert resp.status_code == 200, resp.get_json()
    return [c["worker_id"] for c in resp.get_json()["items"]]


def _why(desk, order, worker):
    resp = desk.get(f"/api/v1/orders/{order['id']}/candidates/{worker}/why-not")
    assert resp.status_code == 200, resp.get_json()
    return [f["code"] for f in resp.get_json()["failed"]]


def test_a_health_certificate_ending_inside_the_term_disqualifies(app, desk, matching_order,
                                                                   qualified):
    order = matching_order("maternity_nurse", term_days=26)  # day 10 … day 35
    short = qualified("maternity_nurse", health_expires=day(29))  # expires on day 20 of the term
    long = qualified("maternity_nurse", health_expires=day(35))   # the last day is enough
    assert _ids(desk, order) == [long]
    assert _why(desk, order, short) == ["credential:health_certificate"]
    assert _why(desk, order, long) == []


def test_every_core_rule_is_enforced_and_explained(app, desk, matching_order, qualified,
                                                   worker_for, customer_id):
    order = matching_order()
    good = qualified()
    wrong_line = qualified("child_massage")
    on_leave = qualified(status="on_leave")
    blacklisted = qualified(status="blacklisted")
    uncertified = worker_for()
    add_credentials(app, uncertified, ("health_certificate", "platform_certification"),
                    certified=False)
    unwanted = qualified()
    desk.post(f"/api/v1/customers/{customer_id}/excluded-workers",
              json={"worker_id": unwanted, "reason": "客户投诉"})
    busy = qualified()
    other = matching_order(preferred_time="10:00")
    resp = desk.post(f"/api/v1/orders/{other['id']}/assignments",
                     json={"worker_id": busy, "kind": "hold"})
    assert resp.status_code == 201
    assert _ids(desk, order) == [good]
    assert _why(desk, order, wrong_line) == ["service_line", "credential:platform_certification"]
    assert _why(desk, order, on_leave) == ["status"]
    assert _why(desk, order, blacklisted) == ["status"]
    assert _why(desk, order, uncertified) == ["credential:platform_certification"]
    assert _why(desk, order, unwanted) == ["do_not_send"]
    assert _why(desk, order, busy) == ["free"]
    listed = desk.get(f"/api/v1/orders/{order['id']}/candidates/excluded").get_json()
    reasons = {row["worker_id"]: [f["code"] for f in row["failed"]] for row in listed}
    assert reasons[busy] == ["free"] and reasons[unwanted] == ["do_not_send"]
    assert good not in reasons and wrong_line not in reasons
    assert listed[0]["failed"][0]["message"]["zh"]


def test_ranking_shows_score_parts_and_better_rated_comes_first(app, desk, matching_order,
                                                                 qualified):
    order = matching_order()
    plain, praised = qualified(), qualified()
    with app.app_context():
        for overall in (5, 5, 4):
            db.session.add(Evaluation(worker_id=praised, source="supervisor", verdict="satisfied",
                                      overall=overall))
        db.session.commit()
    resp = desk.get(f"/api/v1/orders/{order['id']}/candidates").get_json()
    assert [c["worker_id"] for c in resp["items"]] == [praised, plain]
    top = resp["items"][0]
    assert set(top["parts"]) >= {"rating", "experience", "grade", "distance", "preferences",
                                 "continuity", "fairness"}
    assert abs(sum(top["parts"].values()) - top["score"]) < 1e-3
    assert resp["total"] == 2


def test_weights_come_from_the_config(app, desk, matching_order, qualified):
    order = matching_order()
    qualified()
    app.config["MATCHING_WEIGHTS"] = {"rating": 0, "experience": 10}
    parts = desk.get(f"/api/v1/orders/{order['id']}/candidates").get_json()["items"][0]["parts"]
    assert parts["rating"] == 0 and parts["experience"] > 1
