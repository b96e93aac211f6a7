"""When an outcome may be recorded: from the start of the follow-up's day (Asia/Shanghai);
earlier only with a reason, which the record keeps and the timeline shows."""
from __future__ import annotations

import datetime as dt

from core.extensions import db
from core.followups.models import FollowUp
from core.timeutil import business_today
from tests.conftest import csrf_from

from .helpers import followups, make_order, move
from .test_pages import dispatcher_id


def _iso(days: int) -> str:
    return (business_today() + dt.timedelta(days=days)).isoformat()


def test_an_outcome_before_the_due_day_needs_a_reason_kept_in_the_record(app, api_as):
    desk = api_as("dispatcher")
    order = make_order(app, "nanny")
    move(app, order, "in_service", start_date=_iso(0))  # day 3 is three days ahead
    day3 = followups(app, order)["day3"]
    url = f"/api/v1/followups/{day3.id}/outcomes"
    early = desk.post(url, json={"outcome": "satisfied", "version": day3.version})
    assert early.status_code == 422, early.get_json()
    problem = early.get_json()["fields"]["early_reason"][0]
    assert _iso(3) in problem["en"] and "原因" in problem["zh"]
    assert followups(app, order)["day3"].state == "pending"  # nothing written
    # an unreachable call is an outcome too
    assert desk.post(url, json={"outcome": "unreachable", "version": day3.version}
                     ).status_code == 422
    # moving it is not an outcome: rescheduling ahead is always possible
    ok = desk.post(url, json={"outcome": "satisfied", "version": day3.version,
                              "early_reason": "客户下周出国，提前回访"})
    assert ok.status_code == 200, ok.get_json()
    data = ok.get_json()["outcome"]["data"]
    assert data == {"early_reason": "客户下周出国，提前回访", "due_day": _iso(3)}
    timeline = desk.get(f"/api/v1/followups/orders/{order}/timeline").get_json()
    recorded = next(i for i in timeline if i["type"] == "followup"
                    and i["followup"]["rule_code"] == "day3")
    assert recorded["outcomes"][0]["data"]["early_reason"] == "客户下周出国，提前回访"


def test_rescheduling_is_not_refused_before_the_day(app, api_as):
    desk = api_as("dispatcher")
    order = make_order(app, "nanny")
    move(app, order, "in_service", start_date=_iso(0))
    day3 = followups(app, order)["day3"]
    later = (dt.datetime.now(dt.timezone.utc) + dt.timedelta(days=5)).isoformat()
    resp = desk.post(f"/api/v1/followups/{day3.id}/outcomes",
                     json={"outcome": "rescheduled", "version": day3.version,
                           "new_due_at": later})
    assert resp.status_code == 200, resp.get_json()


def test_on_the_due_day_no_reason_is_asked_even_before_the_planned_hour(app, api_as):
    desk = api_as("dispatcher")
    order = make_order(app, "nanny")
    move(app, order, "in_service", start_date=_iso(-3))  # day 3 is today, 10:00
    day3 = followups(app, order)["day3"]
    resp = desk.post(f"/api/v1/followups/{day3.id}/outcomes",
                     json={"outcome": "satisfied", "version": day3.version})
    assert resp.status_code == 200, resp.get_json()
    assert resp.get_json()["outcome"]["data"] is None


def test_the_page_asks_for_the_reason_and_shows_it_with_the_outcome(app, web_as):
    client = web_as("dispatcher")
    desk = dispatcher_id(app)
    order = make_order(app, "nanny", dispatcher_id=desk)
    move(app, order, "in_service", start_date=_iso(0))
    day3 = followups(app, order)["day3"]
    page = f"/followups/orders/{order}"
    html = client.get(page).get_data(as_text=True)
    assert 'name="early_reason"' in html and "提前登记需填写原因" in html
    form = {"csrf_token": csrf_from(client, page), "outcome": "satisfied",
            "version": day3.version, "idempotency_key": "early-key-0001", "next": page}
    client.post(f"/followups/{day3.id}/outcome", data=form)
    with app.app_context():
        assert db.session.get(FollowUp, day3.id).state == "pending"
    form.update(early_reason="客户要求提前", idempotency_key="early-key-0002")
    html = client.post(f"/followups/{day3.id}/outcome", data=form,
                       follow_redirects=True).get_data(as_text=True)
    with app.app_context():
        assert db.session.get(FollowUp, day3.id).state == "done"
    assert "提前登记" in html and "客户要求提前" in html and _iso(3) in html
