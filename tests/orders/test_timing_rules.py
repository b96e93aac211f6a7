"""Timing rules of the order: finishing needs the 下户 date today or past (or a reason);
the end-of-service call is planned from it; a start date already past is refused for a
new enquiry but accepted, with its reason kept, for an order entered after the fact."""
from __future__ import annotations

import sqlalchemy as sa

from core.extensions import db
from core.matching.models import Assignment
from core.timeutil import to_business

from .conftest import advance, assign, fetch, move
from .helpers import day, intake
from .test_period import _in_service


def _cleaning_in_service(desk, new_order, worker_for, start=0):
    order = advance(desk, advance(desk, new_order("cleaning"), "quoted"), "matching")
    order = assign(desk, order, worker_for("cleaning"))
    return advance(desk, order, "in_service", start_date=day(start).isoformat())


def _end_of_service(desk, order_id):
    timeline = desk.get(f"/api/v1/followups/orders/{order_id}/timeline").get_json()
    return next(i["followup"] for i in timeline if i["type"] == "followup"
                and i["followup"]["rule_code"] == "end_of_service")


def test_finishing_with_an_end_date_ahead_needs_a_reason(app, desk, customer_id, worker_for):
    order = _in_service(desk, customer_id, worker_for("maternity_nurse"), start=0)
    resp = move(desk, order, "finished", end_date=day(30).isoformat())
    assert resp.status_code == 422, resp.get_json()
    problem = resp.get_json()["fields"]["end_date"][0]
    assert day(30).isoformat() in problem["en"] and "原因" in problem["zh"]
    assert fetch(desk, order)["state"] == "in_service"
    done = advance(desk, fetch(desk, order), "finished", end_date=day(30).isoformat(),
                   finish_reason="客户一次性结清，提前结单")
    assert done["state"] == "finished" and done["end_date"] == day(30).isoformat()
    event = desk.get(f"/api/v1/orders/{order['id']}/events").get_json()[-1]
    assert event["data"]["finish_reason"] == "客户一次性结清，提前结单"
    assert event["note"] == "客户一次性结清，提前结单"
    # the end-of-service call is planned from the 下户 date, and not recorded before it
    call = _end_of_service(desk, order["id"])
    assert call["due_at"].startswith(day(31).isoformat())
    early = desk.post(f"/api/v1/followups/{call['id']}/outcomes",
                      json={"outcome": "satisfied", "version": call["version"],
                            "scores": {"overall": 5}})
    assert early.status_code == 422 and "early_reason" in early.get_json()["fields"]


def test_finishing_today_or_earlier_needs_no_reason_and_frees_her_time(app, desk,
                                                                         customer_id,
                                                                         worker_for):
    order = _in_service(desk, customer_id, worker_for("maternity_nurse"), start=-3)
    done = advance(desk, order, "finished", end_date=day(0).isoformat())
    assert done["state"] == "finished"
    assert _end_of_service(desk, order["id"])["due_at"].startswith(day(1).isoformat())
    with app.app_context():  # her time is booked up to 下户, no longer to the planned end
        ends = db.session.scalar(sa.select(Assignment.ends_at).where(
            Assignment.order_id == order["id"], Assignment.state == "active"))
        assert to_business(ends).date() == day(1)


def test_entering_service_on_another_day_moves_her_booking_with_it(app, desk, new_order,
                                                                    worker_for):
    order = advance(desk, advance(desk, new_order("cleaning"), "quoted"), "matching")
    order = assign(desk, order, worker_for("cleaning"))  # booked on the intake's day 10
    advance(desk, order, "in_service", start_date=day(12).isoformat())
    with app.app_context():
        starts = db.session.scalar(sa.select(Assignment.starts_at).where(
            Assignment.order_id == order["id"], Assignment.state == "active"))
        assert to_business(starts).date() == day(12)


def test_a_past_start_date_is_refused_for_a_new_enquiry_but_not_with_a_reason(
        app, desk, customer_id):
    body = {"service_line": "nanny", "customer_id": customer_id,
            "intake": intake("nanny", start_date=day(-2).isoformat())}
    refused = desk.post("/api/v1/orders", json=body)
    assert refused.status_code == 422, refused.get_json()
    fields = refused.get_json()["fields"]
    assert "intake.start_date" in fields and "late_entry_reason" in fields
    body["late_entry_reason"] = "客户2号来电，4号补录"
    resp = desk.post("/api/v1/orders", json=body)
    assert resp.status_code == 201, resp.get_json()
    created = desk.get(f"/api/v1/orders/{resp.get_json()['id']}/events").get_json()[0]
    assert created["data"]["late_entry_reason"] == "客户2号来电，4号补录"
    assert "客户2号来电，4号补录" in created["note"]


def test_a_reason_does_not_let_other_mistakes_through(desk, customer_id):
    body = {"service_line": "nanny", "customer_id": customer_id,
            "intake": intake("nanny", start_date="2020-01-01"),  # beyond a year back
            "late_entry_reason": "补录"}
    resp = desk.post("/api/v1/orders", json=body)
    assert resp.status_code == 422 and "intake.start_date" in resp.get_json()["fields"]


def test_the_new_order_form_takes_the_reason(app, web_as, customer_id, api_as):
    from tests.conftest import csrf_from

    from .test_pages import _form_data

    client = web_as("dispatcher")
    html = client.get("/orders/new/cleaning").get_data(as_text=True)
    assert 'name="late_entry_reason"' in html
    data = {"csrf_token": csrf_from(client, "/orders/new/cleaning"),
            "customer_id": customer_id, "action": "save",
            **_form_data("cleaning", intake("cleaning", preferred_date=day(-1).isoformat()))}
    refused = client.post("/orders/new/cleaning", data=data)
    assert refused.status_code == 422
    assert 'id="f-late_entry_reason"' in refused.get_data(as_text=True)
    resp = client.post("/orders/new/cleaning", data={**data, "late_entry_reason": "昨天来电"})
    assert resp.status_code == 302, resp.get_data(as_text=True)[:2000]
    order_id = int(resp.headers["Location"].rstrip("/").rsplit("/", 1)[1])
    events = api_as("dispatcher").get(f"/api/v1/orders/{order_id}/events").get_json()
    assert events[0]["data"]["late_entry_reason"] == "昨天来电"
