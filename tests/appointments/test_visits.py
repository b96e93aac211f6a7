"""保洁 visits (上门): planned from the intake through the line's plan_visits hook, moved,
started, finished as the worker reports, confirmed with the customer, paid per visit into
the order's one money position — and the follow-up engine hears of each fact."""
from __future__ import annotations

import datetime as dt

import sqlalchemy as sa

from core.extensions import db
from tests.orders.helpers import day

from .helpers import advance, ago, beijing, fetch, in_service, local, matching


def _weekly(new_order):
    return new_order("cleaning", frequency="weekly", visits=4, floor_area="100", kind="routine",
                     dirt_level="normal", preferred_time="14:00")


def _plan(desk, order) -> list[dict]:
    resp = desk.post(f"/api/v1/orders/{order['id']}/visits/plan")
    assert resp.status_code == 201, resp.get_json()
    return resp.get_json()


def _followups(app, order_id: int) -> dict[str, str]:
    from core.followups.models import FollowUp

    with app.app_context():
        rows = db.session.scalars(sa.select(FollowUp).where(FollowUp.order_id == order_id))
        return {f"{f.rule_code}@{f.anchor_key}": f.state for f in rows}


def test_a_weekly_order_of_four_visits_plans_four_visits_a_week_apart_at_the_preferred_time(
        desk, new_order, app):
    order = _weekly(new_order)
    visits = _plan(desk, order)
    first = day(10)
    assert [(v["seq"], local(v["starts_at"]), local(v["ends_at"])) for v in visits] == [
        (k + 1, f"{first + dt.timedelta(days=7 * k)} 14:00",
         f"{first + dt.timedelta(days=7 * k)} 17:30")  # 100 ㎡ routine: 3.5 hours
        for k in range(4)]
    assert {v["status"] for v in visits} == {"planned"}
    assert visits[0]["tasks"][0] == {"zh": "日常保洁 100㎡", "en": "Routine cleaning, 100 m²"}
    # each visit is an anchor of its own: a check call an hour after it starts
    planned = _followups(app, order["id"])
    assert {k for k in planned if k.startswith("check_1@")} == {
        f"check_1@visit_start:{v['id']}" for v in visits}


def test_a_one_off_order_has_one_visit_and_planning_again_replaces_it(desk, new_order, app):
    order = new_order("cleaning")
    first = _plan(desk, order)
    assert len(first) == 1 and local(first[0]["starts_at"]) == f"{day(10)} 09:00"
    again = _plan(desk, order)
    assert [v["seq"] for v in again] == [2]
    listed = desk.get(f"/api/v1/orders/{order['id']}/visits").get_json()
    assert [(v["seq"], v["status"], v["cancel_reason"]) for v in listed] == [
        (1, "cancelled", "replanned"), (2, "planned", "")]
    states = _followups(app, order["id"])
    assert states[f"check_1@visit_start:{first[0]['id']}"] == "cancelled"
    assert states[f"check_1@visit_start:{again[0]['id']}"] == "pending"


def test_lines_without_visits_refuse_a_visit_plan(desk, new_order):
    order = new_order("maternity_nurse")
    resp = desk.post(f"/api/v1/orders/{order['id']}/visits/plan")
    assert resp.status_code == 409 and resp.get_json()["code"] == "no_visits"
    assert resp.get_json()["message"]["zh"] == "该业务线的订单没有上门安排。"


def test_a_visit_is_moved_with_its_version_and_a_stale_version_is_refused(desk, new_order, app):
    order = new_order("cleaning")
    visit = _plan(desk, order)[0]
    url = f"/api/v1/orders/{order['id']}/visits/{visit['id']}"
    body = {"starts_at": beijing(day(11), "10:00"), "ends_at": beijing(day(11), "13:00"),
            "version": visit["version"]}
    moved = desk.patch(url, json=body)
    assert moved.status_code == 200 and local(moved.get_json()["starts_at"]) == f"{day(11)} 10:00"
    assert desk.patch(url, json=body).status_code == 409  # the version read is stale now
    bad = desk.patch(url, json={**body, "ends_at": body["starts_at"],
                                "version": moved.get_json()["version"]})
    assert bad.status_code == 422 and bad.get_json()["fields"]["ends_at"][0]["zh"]


def test_the_worker_reports_the_finish_and_the_customer_confirms_it(
        desk, new_order, worker_for, app):
    order = in_service(desk, new_order("cleaning"), worker_for("cleaning"))
    visit = _plan(desk, order)[0]
    base = f"/api/v1/orders/{order['id']}/visits/{visit['id']}"
    assert desk.post(f"{base}/confirm", json={"outcome": "satisfied"}
                     ).status_code == 409  # nothing reported yet
    started = desk.post(f"{base}/start", json={"started_at": ago(hours=4)})
    assert started.status_code == 200 and started.get_json()["status"] == "in_progress"
    too_early = desk.post(f"{base}/finish", json={"finished_at": ago(hours=5)})
    assert too_early.status_code == 422 and "finished_at" in too_early.get_json()["fields"]
    finished_at = ago(minutes=30)
    done = desk.post(f"{base}/finish", json={"finished_at": finished_at})
    assert done.status_code == 200 and done.get_json()["status"] == "finished"
    assert desk.post(f"{base}/finish", json={"finished_at": finished_at}).status_code == 409
    states = _followups(app, order["id"])
    assert states[f"finish_confirmation@visit_end:{visit['id']}"] == "pending"
    confirmed = desk.post(f"{base}/confirm", json={"note": "客户满意", "outcome": "satisfied"})
    assert confirmed.status_code == 200
    body = confirmed.get_json()
    assert body["status"] == "confirmed"
    assert body["confirmed_finished_at"] == body["reported_finished_at"]
    assert body["confirmation_note"] == "客户满意"
    history = [e["kind"] for e in desk.get(f"/api/v1/orders/{order['id']}/events").get_json()]
    assert history[-4:] == ["visits_planned", "visit_started", "visit_finished",
                            "visit_confirmed"]


def test_a_customer_who_gives_another_finish_time_has_it_kept_beside_the_reported_one(
        desk, new_order, worker_for):
    order = in_service(desk, new_order("cleaning"), worker_for("cleaning"))
    visit = _plan(desk, order)[0]
    base = f"/api/v1/orders/{order['id']}/visits/{visit['id']}"
    desk.post(f"{base}/start", json={"started_at": ago(hours=5)})
    desk.post(f"{base}/finish", json={"finished_at": ago(hours=1)})
    body = desk.post(f"{base}/confirm", json={"finished_at": ago(hours=2),
                                              "outcome": "satisfied"}).get_json()
    assert body["confirmed_finished_at"] < body["reported_finished_at"]


def test_a_visit_starts_only_once_the_order_is_in_service(desk, new_order, worker_for):
    order = matching(desk, new_order("cleaning"), worker_for("cleaning"))
    visit = _plan(desk, order)[0]
    resp = desk.post(f"/api/v1/orders/{order['id']}/visits/{visit['id']}/start", json={})
    assert resp.status_code == 409 and resp.get_json()["code"] == "order_state"
    assert "服务中" in resp.get_json()["message"]["zh"]


def test_a_payment_per_visit_feeds_the_orders_paid_and_outstanding(desk, new_order, worker_for):
    order = in_service(desk, _weekly(new_order), worker_for("cleaning"))
    assert order["agreed_price"] == "1800.00"  # (100 × 5.00 − 10%) × 4 visits
    visits = _plan(desk, order)
    url = f"/api/v1/orders/{order['id']}/visits/{visits[0]['id']}/payment"
    resp = desk.post(url, json={"amount": "450.00", "method": "wechat"})
    assert resp.status_code == 200 and resp.get_json()["paid_amount"] == "450.00"
    money = fetch(desk, order)
    assert (money["paid_unconfirmed"], money["outstanding"]) == ("450.00", "1350.00")
    payments = desk.get(f"/api/v1/orders/{order['id']}/payments").get_json()
    assert [(p["amount"], p["method"], p["note"]) for p in payments] == [
        ("450.00", "wechat", "第 1 次上门")]
    again = desk.post(url, json={"amount": "450.00", "method": "wechat"})
    assert again.status_code == 409 and again.get_json()["code"] == "visit_paid"
    assert len(desk.get(f"/api/v1/orders/{order['id']}/payments").get_json()) == 1


def test_a_refused_payment_saves_nothing(desk, new_order, worker_for):
    order = in_service(desk, new_order("cleaning"), worker_for("cleaning"))
    visit = _plan(desk, order)[0]
    base = f"/api/v1/orders/{order['id']}/visits/{visit['id']}"
    desk.post(f"{base}/cancel", json={"version": visit["version"], "reason": "客户改期"})
    resp = desk.post(f"{base}/payment", json={"amount": "100.00", "method": "cash"})
    assert resp.status_code == 409 and resp.get_json()["code"] == "visit_cancelled"
    assert desk.get(f"/api/v1/orders/{order['id']}/payments").get_json() == []
    bad = desk.post(f"{base}/payment", json={"amount": "-1", "method": "cash"})
    assert bad.status_code == 422 and "amount" in bad.get_json()["fields"]


def test_finance_reads_visits_but_records_nothing(api_as, desk, new_order):
    order = new_order("cleaning")
    visit = _plan(desk, order)[0]
    finance = api_as("finance")
    assert finance.get(f"/api/v1/orders/{order['id']}/visits").status_code == 200
    assert finance.post(f"/api/v1/orders/{order['id']}/visits/plan").status_code == 403
    resp = finance.post(f"/api/v1/orders/{order['id']}/visits/{visit['id']}/payment",
                        json={"amount": "1.00", "method": "cash"})
    assert resp.status_code == 403
    assert api_as("trainer").get(f"/api/v1/orders/{order['id']}/visits").status_code == 403
    assert api_as("supervisor").post(f"/api/v1/orders/{order['id']}/visits/plan").status_code \
        == 201


def test_a_closed_order_plans_no_visits(desk, new_order):
    order = new_order("cleaning")
    order = advance(desk, order, "cancelled", cancel_reason="no_longer_needed")
    resp = desk.post(f"/api/v1/orders/{order['id']}/visits/plan")
    assert resp.status_code == 409 and resp.get_json()["code"] == "order_closed"
