"""One start date: moving an order's 上户/下户 moves the order, the worker's booking (档期),
the follow-ups (回访) and the contract term together — one transaction, one history entry
— and is refused as a whole (409) when the worker is busy in the new period."""
from __future__ import annotations

import threading

import sqlalchemy as sa

from core.audit.models import AuditEvent
from core.extensions import db
from core.matching.models import Assignment
from core.orders.models import OrderEvent
from core.timeutil import to_business

from .conftest import advance, assign, fetch, signed_contract
from .helpers import day, intake


def _in_service(desk, customer_id, worker, start=10, term=26, delivery=None):
    """A 月嫂 order of ``worker`` from day(start), contract signed, in service."""
    body = {"service_line": "maternity_nurse", "customer_id": customer_id,
            "intake": intake("maternity_nurse", term_days=term,
                             expected_delivery_date=day(delivery or start).isoformat())}
    order = desk.post("/api/v1/orders", json=body).get_json()
    order = advance(desk, advance(desk, order, "quoted"), "matching")
    order = advance(desk, assign(desk, order, worker), "interview")
    signed_contract(desk, order, day(start), day(start + term - 1))
    order = advance(desk, fetch(desk, order), "contracted")
    return advance(desk, order, "in_service", start_date=day(start).isoformat())


def _booking(app, order_id):
    with app.app_context():
        b = db.session.scalar(sa.select(Assignment).where(
            Assignment.order_id == order_id, Assignment.state == "active"))
        return to_business(b.starts_at).date(), to_business(b.ends_at).date()


def _events(app, order_id, kind="period_moved"):
    with app.app_context():
        return [(e.note, e.data) for e in db.session.scalars(sa.select(OrderEvent).where(
            OrderEvent.order_id == order_id, OrderEvent.kind == kind))]


def _day3(desk, order_id):
    timeline = desk.get(f"/api/v1/followups/orders/{order_id}/timeline").get_json()
    return next(i["followup"]["due_at"] for i in timeline if i["type"] == "followup"
                and i["followup"]["rule_code"] == "day3")


def test_moving_the_start_moves_booking_followups_and_contract_in_one_entry(
        app, desk, customer_id, worker_for):
    order = _in_service(desk, customer_id, worker_for("maternity_nurse"))
    assert _booking(app, order["id"]) == (day(10), day(36))
    assert _day3(desk, order["id"]).startswith(day(13).isoformat())
    resp = desk.post(f"/api/v1/orders/{order['id']}/period",
                     json={"version": order["version"], "start_date": day(12).isoformat(),
                           "reason": "产妇推迟出院"})
    assert resp.status_code == 200, resp.get_json()
    moved = resp.get_json()
    assert moved["start_date"] == day(12).isoformat() and moved["version"] > order["version"]
    assert _booking(app, order["id"]) == (day(12), day(38))  # 26 days, from the new start
    assert _day3(desk, order["id"]).startswith(day(15).isoformat())
    contract = desk.get(f"/api/v1/orders/{order['id']}/contracts").get_json()[-1]
    assert (contract["start_date"], contract["end_date"]) == (day(12).isoformat(),
                                                              day(37).isoformat())
    [(note, data)] = _events(app, order["id"])
    assert note == "产妇推迟出院"
    assert data["start_date"] == [day(10).isoformat(), day(12).isoformat()]
    assert data["contracts"][0]["to"] == [day(12).isoformat(), day(37).isoformat()]
    assert data["bookings"][0]["starts_at"].startswith(day(12).isoformat())
    with app.app_context():
        audits = db.session.scalars(sa.select(AuditEvent).where(
            AuditEvent.entity_type == "order", AuditEvent.entity_id == order["id"],
            AuditEvent.summary.like("%service dates moved%"))).all()
        assert len(audits) == 1


def test_moving_the_end_moves_the_booking_and_the_contracts_end(app, desk, customer_id,
                                                                worker_for):
    order = _in_service(desk, customer_id, worker_for("maternity_nurse"))
    resp = desk.patch(f"/api/v1/orders/{order['id']}",
                      json={"version": order["version"], "end_date": day(40).isoformat(),
                            "period_reason": "客户续约"})
    assert resp.status_code == 200, resp.get_json()
    assert resp.get_json()["end_date"] == day(40).isoformat()
    assert resp.get_json()["state"] == "in_service"
    assert _booking(app, order["id"]) == (day(10), day(41))
    contract = desk.get(f"/api/v1/orders/{order['id']}/contracts").get_json()[-1]
    assert contract["end_date"] == day(40).isoformat()
    # the planned 下户 is no 下户: no end-of-service call while still in service
    timeline = desk.get(f"/api/v1/followups/orders/{order['id']}/timeline").get_json()
    assert not any(i["followup"]["rule_code"] == "end_of_service" for i in timeline
                   if i["type"] == "followup")


def test_a_worker_busy_in_the_new_period_refuses_the_whole_move(app, desk, customer_id,
                                                                worker_for):
    worker = worker_for("maternity_nurse")
    first = _in_service(desk, customer_id, worker)                # day 10 … 35
    other = _in_service(desk, customer_id, worker, start=50)      # day 50 … 75
    before = fetch(desk, first)
    day3_before = _day3(desk, first["id"])
    resp = desk.post(f"/api/v1/orders/{first['id']}/period",
                     json={"version": before["version"], "start_date": day(30).isoformat()})
    assert resp.status_code == 409, resp.get_json()
    body = resp.get_json()
    assert body["code"] == "double_booking" and other["number"] in body["message"]["en"]
    assert other["number"] in body["message"]["zh"] and "档期" not in body["message"]["en"]
    after = fetch(desk, first)
    assert (after["start_date"], after["version"]) == (day(10).isoformat(), before["version"])
    assert _booking(app, first["id"]) == (day(10), day(36))
    assert _day3(desk, first["id"]) == day3_before
    contract = desk.get(f"/api/v1/orders/{first['id']}/contracts").get_json()[-1]
    assert contract["start_date"] == day(10).isoformat()
    assert _events(app, first["id"]) == []


def test_the_follow_ups_anchor_path_is_the_same_operation(app, desk, customer_id, worker_for):
    order = _in_service(desk, customer_id, worker_for("maternity_nurse"))
    resp = desk.post(f"/api/v1/followups/orders/{order['id']}/anchors",
                     json={"anchor": "service_start", "date": day(11).isoformat()})
    assert resp.status_code == 200, resp.get_json()
    assert fetch(desk, order)["start_date"] == day(11).isoformat()
    assert _booking(app, order["id"]) == (day(11), day(37))
    assert _day3(desk, order["id"]).startswith(day(14).isoformat())
    assert len(_events(app, order["id"])) == 1
    # and a clash is refused there too
    worker = worker_for("maternity_nurse")
    _in_service(desk, customer_id, worker, start=60)              # day 60 … 85
    third = _in_service(desk, customer_id, worker, start=20)      # day 20 … 45
    clash = desk.post(f"/api/v1/followups/orders/{third['id']}/anchors",
                      json={"anchor": "service_start", "date": day(55).isoformat()})
    assert clash.status_code == 409 and clash.get_json()["code"] == "double_booking"
    assert fetch(desk, third)["start_date"] == day(20).isoformat()


def test_refusals_name_the_field_or_the_state(app, desk, customer_id, worker_for):
    order = _in_service(desk, customer_id, worker_for("maternity_nurse"))
    url = f"/api/v1/orders/{order['id']}/period"
    stale = desk.post(url, json={"version": order["version"] - 1,
                                 "start_date": day(11).isoformat()})
    assert stale.status_code == 409 and stale.get_json()["code"] == "stale_version"
    backwards = desk.post(url, json={"version": order["version"],
                                     "end_date": day(5).isoformat()})
    assert backwards.status_code == 422 and "end_date" in backwards.get_json()["fields"]
    nothing = desk.post(url, json={"version": order["version"]})
    assert nothing.status_code == 422 and "start_date" in nothing.get_json()["fields"]
    mixed = desk.patch(f"/api/v1/orders/{order['id']}",
                       json={"version": order["version"], "start_date": day(11).isoformat(),
                             "note": "x"})
    assert mixed.status_code == 422 and "start_date" in mixed.get_json()["fields"]


def test_two_moves_into_each_others_period_one_wins(app, desk, customer_id, worker_for):
    from core.errors import Conflict
    from core.orders import period

    worker = worker_for("maternity_nurse")
    first = _in_service(desk, customer_id, worker)                  # day 10 … 35
    second = _in_service(desk, customer_id, worker, start=70)       # day 70 … 95
    barrier = threading.Barrier(2, timeout=20)
    outcomes: list = []

    def move(order, start):
        with app.app_context():
            barrier.wait()
            try:
                period.move_period(order["id"], order["version"], None, start_date=day(start))
                outcomes.append("ok")
            except Conflict as exc:
                outcomes.append(exc.code)
            except Exception as exc:  # noqa: BLE001 - reported by the assertion
                outcomes.append(repr(exc))

    threads = [threading.Thread(target=move, args=(first, 40)),
               threading.Thread(target=move, args=(second, 50))]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=60)
    assert sorted(outcomes) == ["double_booking", "ok"], outcomes
    with app.app_context():
        rows = db.session.execute(sa.select(Assignment.starts_at, Assignment.ends_at).where(
            Assignment.worker_id == worker, Assignment.state == "active")).all()
    (a_start, a_end), (b_start, b_end) = sorted(rows)
    assert a_end <= b_start  # never double booked


def test_the_order_page_moves_the_dates(app, web_as, customer_id, worker_for, api_as):
    from tests.conftest import csrf_from

    desk = api_as("dispatcher")
    order = _in_service(desk, customer_id, worker_for("maternity_nurse"))
    client = web_as("dispatcher")
    page = f"/orders/{order['id']}"
    html = client.get(page).get_data(as_text=True)
    assert 'id="period"' in html
    resp = client.post(f"/orders/{order['id']}/period", data={
        "csrf_token": csrf_from(client, page), "version": order["version"],
        "start_date": day(13).isoformat(), "end_date": "", "reason": "推迟"},
        follow_redirects=True)
    assert resp.status_code == 200
    assert fetch(desk, order)["start_date"] == day(13).isoformat()
    assert _booking(app, order["id"])[0] == day(13)
