"""小儿推拿 sessions: the package bought (from the intake through get_session_package),
booking each session's time and place, moving and cancelling bookings, and recording a
session done only while the package has sessions left."""
from __future__ import annotations

import datetime as dt

from tests.orders.helpers import day, intake

from .helpers import advance, ago, beijing, in_service


def _order(desk, customer_id, **over) -> dict:
    raw = intake("child_massage", **over)
    if raw.get("purchase") == "single":
        raw.pop("package_sessions", None)
    resp = desk.post("/api/v1/orders", json={"service_line": "child_massage",
                                             "customer_id": customer_id, "intake": raw})
    assert resp.status_code == 201, resp.get_json()
    return resp.get_json()


def _book(desk, order, hours_ago: int | None = None, **extra):
    if hours_ago is not None:
        start = dt.datetime.fromisoformat(ago(hours=hours_ago))
        slot = {"starts_at": start.isoformat(),
                "ends_at": (start + dt.timedelta(hours=1)).isoformat()}
    else:
        slot = {"starts_at": beijing(day(3), "15:30"), "ends_at": beijing(day(3), "16:30")}
    return desk.post(f"/api/v1/orders/{order['id']}/sessions", json={**slot, **extra})


def test_a_package_shows_its_sessions_price_and_what_is_left(desk, customer_id, worker_for):
    order = in_service(desk, _order(desk, customer_id, package_sessions=5), worker_for(
        "child_massage"))
    booked = _book(desk, order, hours_ago=3)
    assert booked.status_code == 201, booked.get_json()
    row = booked.get_json()
    assert row["place"] == "home" and row["address"] == "鼓楼区 中山路 1 号 301"
    assert row["worker_name"]
    listing = desk.get(f"/api/v1/orders/{order['id']}/sessions").get_json()
    assert listing["package"] == {"sessions": 5, "done": 0, "booked": 1, "remaining": 5,
                                  "place": "home", "price": "700.00", "per_session": "140.00"}
    done = desk.post(f"/api/v1/orders/{order['id']}/sessions/{row['id']}/done", json={})
    assert done.status_code == 200 and done.get_json()["status"] == "done"
    package = desk.get(f"/api/v1/orders/{order['id']}/sessions").get_json()["package"]
    assert (package["done"], package["booked"], package["remaining"]) == (1, 0, 4)


def test_a_session_is_recorded_only_against_a_package_with_sessions_left(
        desk, customer_id, worker_for):
    order = in_service(desk, _order(desk, customer_id, purchase="single", place="company"),
                       worker_for("child_massage"))
    first = _book(desk, order, hours_ago=5).get_json()
    second = _book(desk, order, hours_ago=2).get_json()  # booked ahead; the package is 1
    base = f"/api/v1/orders/{order['id']}/sessions"
    assert desk.post(f"{base}/{first['id']}/done", json={}).status_code == 200
    refused = desk.post(f"{base}/{second['id']}/done", json={})
    assert refused.status_code == 409
    assert refused.get_json()["code"] == "no_sessions_left"
    assert refused.get_json()["message"] == {"en": "There are no sessions left in this package.",
                                             "zh": "该套餐已没有剩余次数。"}
    assert _book(desk, order).get_json()["code"] == "no_sessions_left"
    listed = desk.get(base).get_json()
    assert [s["status"] for s in listed["sessions"]] == ["done", "booked"]
    assert listed["package"]["remaining"] == 0


def test_a_session_done_plans_the_call_that_books_the_next(app, desk, customer_id, worker_for):
    import sqlalchemy as sa

    from core.extensions import db
    from core.followups.models import FollowUp

    order = in_service(desk, _order(desk, customer_id), worker_for("child_massage"))
    row = _book(desk, order, hours_ago=4).get_json()
    desk.post(f"/api/v1/orders/{order['id']}/sessions/{row['id']}/done", json={})
    with app.app_context():
        keys = set(db.session.scalars(sa.select(FollowUp.anchor_key).where(
            FollowUp.order_id == order["id"], FollowUp.rule_code == "after_session")))
    assert keys == {f"session_end:{row['id']}"}


def test_a_booking_is_moved_or_cancelled_and_then_counts_no_more(desk, customer_id):
    order = advance(desk, _order(desk, customer_id), "quoted")
    row = _book(desk, order).get_json()
    base = f"/api/v1/orders/{order['id']}/sessions/{row['id']}"
    moved = desk.patch(base, json={"version": row["version"], "place": "company",
                                   "starts_at": beijing(day(4), "10:00"),
                                   "ends_at": beijing(day(4), "11:00")})
    assert moved.status_code == 200
    assert (moved.get_json()["place"], moved.get_json()["address"]) == ("company", "")
    assert desk.patch(base, json={"version": row["version"], "starts_at": beijing(day(4), "10:00"),
                                  "ends_at": beijing(day(4), "11:00")}).status_code == 409
    no_reason = desk.post(f"{base}/cancel", json={"version": moved.get_json()["version"],
                                                  "reason": ""})
    assert no_reason.status_code == 422 and "reason" in no_reason.get_json()["fields"]
    cancelled = desk.post(f"{base}/cancel", json={"version": moved.get_json()["version"],
                                                  "reason": "孩子发烧"})
    assert cancelled.status_code == 200 and cancelled.get_json()["status"] == "cancelled"
    assert desk.post(f"{base}/done", json={}).status_code == 409
    package = desk.get(f"/api/v1/orders/{order['id']}/sessions").get_json()["package"]
    assert (package["booked"], package["remaining"]) == (0, 10)


def test_a_session_is_booked_once_quoted_and_recorded_once_in_service(desk, customer_id):
    order = _order(desk, customer_id)
    early = _book(desk, order)
    assert early.status_code == 409 and early.get_json()["code"] == "order_state"
    order = advance(desk, order, "quoted")
    row = _book(desk, order, hours_ago=3).get_json()
    resp = desk.post(f"/api/v1/orders/{order['id']}/sessions/{row['id']}/done", json={})
    assert resp.status_code == 409 and resp.get_json()["code"] == "order_state"


def test_lines_not_sold_in_sessions_refuse_a_booking(desk, customer_id, new_order):
    order = new_order("cleaning")
    resp = _book(desk, order)
    assert resp.status_code == 409 and resp.get_json()["code"] == "no_sessions"
    assert desk.get(f"/api/v1/orders/{order['id']}/sessions").get_json() == {
        "package": None, "sessions": []}


def test_a_booking_that_ends_before_it_starts_is_refused_by_field(desk, customer_id):
    order = advance(desk, _order(desk, customer_id), "quoted")
    resp = desk.post(f"/api/v1/orders/{order['id']}/sessions", json={
        "starts_at": beijing(day(3), "15:00"), "ends_at": beijing(day(3), "14:00")})
    assert resp.status_code == 422 and resp.get_json()["fields"]["ends_at"][0]["zh"]
    naive = desk.post(f"/api/v1/orders/{order['id']}/sessions", json={
        "starts_at": "2030-01-01T10:00:00", "ends_at": "2030-01-01T11:00:00"})
    assert naive.status_code == 422 and "starts_at" in naive.get_json()["fields"]


def test_a_booking_names_a_worker_who_exists_and_does_massage(desk, customer_id, worker_for):
    order = advance(desk, _order(desk, customer_id), "quoted")
    missing = _book(desk, order, worker_id=999999)
    assert missing.status_code == 422 and "worker_id" in missing.get_json()["fields"]
    wrong = _book(desk, order, worker_id=worker_for("cleaning"))
    assert wrong.status_code == 409 and wrong.get_json()["code"] == "worker_wrong_line"
    assert desk.get(f"/api/v1/orders/{order['id']}/sessions").get_json()["sessions"] == []
