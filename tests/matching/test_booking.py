"""Booking a worker's time (档期): assign, hold, replace, release — never double booked."""
from __future__ import annotations

import datetime as dt

import pytest

from core.extensions import db
from core.matching.models import Assignment
from tests.orders.helpers import day, make_worker


@pytest.fixture
def worker_for(app):
    """Workers the desk may name: every credential her line needs (bookings are
    refused for a worker failing the hard rules)."""
    return lambda line="cleaning", **kw: make_worker(app, (line,), **kw)


def _book(desk, order, worker_id, **extra):
    body = {"worker_id": worker_id, **extra}
    if body.get("kind", "assignment") == "assignment":
        body.setdefault("version", order["version"])
    return desk.post(f"/api/v1/orders/{order['id']}/assignments", json=body)


def test_assigning_books_her_time_and_the_history_says_so(desk, matching_order, worker_for):
    order, worker = matching_order(), worker_for()
    resp = _book(desk, order, worker, reason="离得近")
    assert resp.status_code == 201, resp.get_json()
    booking = resp.get_json()
    assert booking["kind"] == "assignment" and booking["state"] == "active"
    assert booking["starts_at"].startswith(day(10).isoformat() + "T09:00")
    assert desk.get(f"/api/v1/orders/{order['id']}").get_json()["worker_id"] == worker
    kinds = [e["kind"] for e in desk.get(f"/api/v1/orders/{order['id']}/events").get_json()]
    assert "booking_made" in kinds and "worker_assigned" in kinds


def test_an_overlapping_assignment_is_refused_with_409(desk, matching_order, worker_for):
    worker = worker_for()
    first, second = matching_order(), matching_order(preferred_time="11:00")
    assert _book(desk, first, worker).status_code == 201
    resp = _book(desk, second, worker)
    assert resp.status_code == 409
    assert resp.get_json()["code"] == "double_booking"
    later = matching_order(preferred_time="13:00")  # 09:00–13:00 ends as this starts
    assert _book(desk, later, worker).status_code == 201


def test_the_order_worker_endpoint_goes_through_the_same_guarantee(desk, matching_order,
                                                                    worker_for):
    worker = worker_for()
    first, second = matching_order(), matching_order()
    ok = desk.post(f"/api/v1/orders/{first['id']}/worker",
                   json={"worker_id": worker, "version": first["version"]})
    assert ok.status_code == 200
    clash = desk.post(f"/api/v1/orders/{second['id']}/worker",
                      json={"worker_id": worker, "version": second["version"]})
    assert clash.status_code == 409 and clash.get_json()["code"] == "double_booking"


def test_a_hold_blocks_others_until_it_lapses_by_itself(app, desk, matching_order, worker_for):
    worker = worker_for("maternity_nurse")
    first, second = matching_order("maternity_nurse"), matching_order("maternity_nurse")
    resp = _book(desk, first, worker, kind="hold", reason="面试", hold_hours=2)
    assert resp.status_code == 201, resp.get_json()
    hold = resp.get_json()
    assert hold["kind"] == "hold" and hold["expires_at"]
    assert _book(desk, second, worker, kind="hold").status_code == 409
    with app.app_context():  # two hours later: the hold has lapsed
        row = db.session.get(Assignment, hold["id"])
        row.expires_at = row.created_at - dt.timedelta(minutes=1)
        db.session.commit()
    assert _book(desk, second, worker, kind="hold").status_code == 201
    states = {b["id"]: b["state"] for b in
              desk.get(f"/api/v1/orders/{first['id']}/assignments").get_json()}
    assert states[hold["id"]] == "lapsed"


def test_a_live_in_term_takes_whole_days(desk, matching_order, worker_for):
    worker = worker_for("maternity_nurse")
    order = matching_order("maternity_nurse", term_days=26)
    resp = _book(desk, order, worker, kind="hold")
    booking = resp.get_json()
    assert booking["starts_at"] == f"{day(10).isoformat()}T00:00:00+08:00"
    assert booking["ends_at"] == f"{day(36).isoformat()}T00:00:00+08:00"


def test_replacing_frees_the_first_worker_and_books_the_second(desk, matching_order,
                                                                worker_for):
    a, b = worker_for(), worker_for()
    order = matching_order()
    assert _book(desk, order, a).status_code == 201
    order = desk.get(f"/api/v1/orders/{order['id']}").get_json()
    assert _book(desk, order, b).status_code == 422  # 换人 needs a reason
    resp = _book(desk, order, b, reason="客户要求换人")
    assert resp.status_code == 201
    states = {(x["worker_id"], x["state"]) for x in
              desk.get(f"/api/v1/orders/{order['id']}/assignments").get_json()}
    assert states == {(a, "replaced"), (b, "active")}
    other = matching_order()
    assert _book(desk, other, a).status_code == 201  # her time is free again


def test_releasing_a_hold_frees_her_and_is_in_the_history(desk, matching_order, worker_for):
    worker = worker_for()
    first, second = matching_order(), matching_order()
    hold = _book(desk, first, worker, kind="hold").get_json()
    assert desk.post(f"/api/v1/assignments/{hold['id']}/release", json={}).status_code == 422
    resp = desk.post(f"/api/v1/assignments/{hold['id']}/release", json={"reason": "客户不要"})
    assert resp.status_code == 200 and resp.get_json()["state"] == "released"
    assert _book(desk, second, worker).status_code == 201
    events = desk.get(f"/api/v1/orders/{first['id']}/events").get_json()
    assert any(e["kind"] == "booking_released" and e["note"] == "客户不要" for e in events)


def test_cancelling_the_order_releases_her_time(desk, matching_order, worker_for):
    worker = worker_for()
    first, second = matching_order(), matching_order()
    assert _book(desk, first, worker).status_code == 201
    first = desk.get(f"/api/v1/orders/{first['id']}").get_json()
    resp = desk.post(f"/api/v1/orders/{first['id']}/transitions",
                     json={"to": "cancelled", "version": first["version"],
                           "cancel_reason": "no_longer_needed"})
    assert resp.status_code == 200, resp.get_json()
    assert _book(desk, second, worker).status_code == 201


def test_the_do_not_send_list_adds_lists_and_removes(desk, customer_id, worker_for):
    worker = worker_for()
    url = f"/api/v1/customers/{customer_id}/excluded-workers"
    assert desk.post(url, json={"worker_id": worker, "reason": "迟到多次"}).status_code == 201
    assert desk.post(url, json={"worker_id": worker, "reason": "again"}).status_code == 409
    assert [r["reason"] for r in desk.get(url).get_json()] == ["迟到多次"]
    assert desk.delete(f"{url}/{worker}").status_code == 204
    assert desk.get(url).get_json() == []


def test_the_lapse_job_lapses_expired_holds_and_says_so_in_the_history(app, desk,
                                                                        matching_order,
                                                                        worker_for):
    from core.matching import jobs
    from core.queue import connection, queue
    from core.runner import BurstWorker

    worker = worker_for("maternity_nurse")
    order = matching_order("maternity_nurse")
    kept = matching_order("maternity_nurse")
    hold = _book(desk, order, worker, kind="hold", reason="面试", hold_hours=2).get_json()
    other = worker_for("maternity_nurse")
    live = _book(desk, kept, other, kind="hold", reason="面试", hold_hours=2).get_json()
    with app.app_context():
        row = db.session.get(Assignment, hold["id"])
        row.expires_at = row.created_at - dt.timedelta(minutes=1)
        db.session.commit()
        q = queue()
        q.empty()
        job = q.enqueue(jobs.lapse_holds_job)
        BurstWorker([q], connection=connection()).work(burst=True)
        assert job.return_value() == {"lapsed": 1}
        assert any(i.startswith("matching-lapse-holds-")
                   for i in q.scheduled_job_registry.get_job_ids())
        from core.matching.booking import lapse_holds

        assert lapse_holds() == 0  # nothing left: idempotent
    states = {b["id"]: b["state"] for b in
              desk.get(f"/api/v1/orders/{order['id']}/assignments").get_json()}
    assert states[hold["id"]] == "lapsed"
    assert {b["id"]: b["state"] for b in desk.get(
        f"/api/v1/orders/{kept['id']}/assignments").get_json()}[live["id"]] == "active"
    kinds = [e["kind"] for e in desk.get(f"/api/v1/orders/{order['id']}/events").get_json()]
    assert kinds.count("hold_lapsed") == 1


def test_a_hold_names_only_a_worker_passing_the_hard_rules(app, desk, matching_order):
    """An interview hold names a worker too: one with no 健康证 at all is refused."""
    bare = make_worker(app, ("cleaning",), qualified=False)
    order = matching_order()
    resp = _book(desk, order, bare, kind="hold", reason="面试预占")
    assert resp.status_code == 409 and resp.get_json()["code"] == "worker_health_missing"
    assert desk.get(f"/api/v1/orders/{order['id']}/assignments").get_json() == []
