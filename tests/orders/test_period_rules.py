"""Rules around moving the service dates: a contract term whose length changes is
checked against the line's standard terms again; a finished or cancelled order's dates
are corrected by a supervisor with a reason (never by a dispatcher); a date moved into
the past afterwards passes as an order entered after the fact (late_entry_reason), on a
period move and on an intake edit alike."""
from __future__ import annotations

import sqlalchemy as sa

from core.audit.models import AuditEvent
from core.extensions import db
from core.orders.models import OrderEvent

from .conftest import advance, assign, fetch, move
from .helpers import day, intake
from .test_period import _booking, _events, _in_service


def _approvals(desk, order_id):
    return [a for a in desk.get(f"/api/v1/approvals?order_id={order_id}").get_json()["items"]
            if a["kind"] == "term_outside_policy"]


def test_a_lengthened_contract_term_is_checked_again(app, desk, api_as, customer_id,
                                                    worker_for):
    order = _in_service(desk, customer_id, worker_for("maternity_nurse"))  # day 10 … 35
    url = f"/api/v1/orders/{order['id']}"
    end_before = fetch(desk, order)["end_date"]  # the booked 下户, carried onto the order
    # 31 days is not a standard 月嫂 term (26 / 42 / 52): without a reason, nothing moves
    bare = desk.patch(url, json={"version": order["version"], "end_date": day(40).isoformat()})
    assert bare.status_code == 422, bare.get_json()
    assert "period_reason" in bare.get_json()["fields"]
    assert fetch(desk, order)["end_date"] == end_before
    assert desk.get(f"{url}/contracts").get_json()[-1]["end_date"] == day(35).isoformat()
    assert _booking(app, order["id"]) == (day(10), day(36))
    # with the reason: moved, and the new term waits for a supervisor's approval
    resp = desk.patch(url, json={"version": order["version"], "end_date": day(40).isoformat(),
                                 "period_reason": "客户续约五天"})
    assert resp.status_code == 200, resp.get_json()
    (pending,) = _approvals(desk, order["id"])
    assert pending["status"] == "pending" and pending["detail"]["term_days"] == 31
    assert pending["reason"] == "客户续约五天"
    early = move(desk, fetch(desk, order), "finished", end_date=day(40).isoformat(),
                 finish_reason="提前结单")
    assert early.status_code == 409  # the exception is not decided yet
    # back to a standard term (42 days): the open request is superseded
    resp = desk.post(f"{url}/period", json={"version": fetch(desk, order)["version"],
                                            "end_date": day(51).isoformat()})
    assert resp.status_code == 200, resp.get_json()
    assert [a["status"] for a in _approvals(desk, order["id"])] == ["superseded"]
    # moving the start keeps the length: no new request
    resp = desk.post(f"{url}/period", json={"version": resp.get_json()["version"],
                                            "start_date": day(11).isoformat()})
    assert resp.status_code == 200, resp.get_json()
    assert [a["status"] for a in _approvals(desk, order["id"])] == ["superseded"]


def _finished(desk, customer_id, worker):
    order = _in_service(desk, customer_id, worker, start=-3)      # day -3 … 22 planned
    return advance(desk, order, "finished", end_date=day(0).isoformat())


def test_a_closed_orders_dates_are_corrected_by_a_supervisor_with_a_reason(
        app, desk, api_as, customer_id, worker_for):
    order = _finished(desk, customer_id, worker_for("maternity_nurse"))
    url = f"/api/v1/orders/{order['id']}/period"
    body = {"version": order["version"], "end_date": day(-1).isoformat()}
    refused = desk.post(url, json={**body, "reason": "下户日期录错"})
    assert refused.status_code == 409 and refused.get_json()["code"] == "order_closed"
    assert "supervisor" in refused.get_json()["message"]["en"]
    assert "主管" in refused.get_json()["message"]["zh"]
    boss = api_as("supervisor")
    bare = boss.post(url, json=body)
    assert bare.status_code == 422 and "reason" in bare.get_json()["fields"]
    assert fetch(desk, order)["end_date"] == day(0).isoformat()
    resp = boss.post(url, json={**body, "reason": "下户日期录错"})
    assert resp.status_code == 200, resp.get_json()
    done = resp.get_json()
    assert (done["state"], done["end_date"]) == ("finished", day(-1).isoformat())
    assert _booking(app, order["id"]) == (day(-3), day(0))
    contract = desk.get(f"/api/v1/orders/{order['id']}/contracts").get_json()[-1]
    assert contract["end_date"] == day(-1).isoformat()
    (entry,) = _events(app, order["id"], kind="period_corrected")
    assert entry[0] == "下户日期录错"
    assert entry[1]["end_date"] == [day(0).isoformat(), day(-1).isoformat()]
    assert _events(app, order["id"]) == []  # one entry, of its own kind
    timeline = desk.get(f"/api/v1/followups/orders/{order['id']}/timeline").get_json()
    end_call = next(i["followup"] for i in timeline if i["type"] == "followup"
                    and i["followup"]["rule_code"] == "end_of_service")
    assert end_call["due_at"].startswith(day(0).isoformat())  # planned from the new 下户
    with app.app_context():
        audits = db.session.scalars(sa.select(AuditEvent).where(
            AuditEvent.entity_type == "order", AuditEvent.entity_id == order["id"],
            AuditEvent.summary.like("%corrected%"))).all()
        assert len(audits) == 1 and audits[0].changes["end_date"]


def test_the_order_page_offers_the_correction_to_a_supervisor_only(
        app, web_as, api_as, customer_id, worker_for):
    from tests.conftest import csrf_from

    desk = api_as("dispatcher")
    order = _finished(desk, customer_id, worker_for("maternity_nurse"))
    page = f"/orders/{order['id']}"
    assert 'id="period"' not in web_as("dispatcher").get(page).get_data(as_text=True)
    boss = web_as("supervisor")
    html = boss.get(page).get_data(as_text=True)
    assert 'id="period"' in html and "更正服务日期" in html
    resp = boss.post(f"{page}/period", data={
        "csrf_token": csrf_from(boss, page), "version": order["version"],
        "start_date": day(-4).isoformat(), "end_date": "", "reason": "上户日期录错"},
        follow_redirects=True)
    assert resp.status_code == 200
    assert fetch(desk, order)["start_date"] == day(-4).isoformat()
    assert "上户日期录错" in resp.get_data(as_text=True)


def test_a_start_moved_into_the_past_passes_as_a_late_entry(app, desk, customer_id,
                                                           worker_for):
    body = {"service_line": "maternity_nurse", "customer_id": customer_id,
            "intake": intake("maternity_nurse")}
    order = desk.post("/api/v1/orders", json=body).get_json()
    order = assign(desk, advance(desk, advance(desk, order, "quoted"), "matching"),
                   worker_for("maternity_nurse"))
    url = f"/api/v1/orders/{order['id']}/period"
    past = {"version": order["version"], "start_date": day(-2).isoformat()}
    refused = desk.post(url, json=past)
    assert refused.status_code == 422 and "late_entry_reason" in refused.get_json()["fields"]
    resp = desk.post(url, json={**past, "late_entry_reason": "客户2号已上户，4号补录"})
    assert resp.status_code == 200, resp.get_json()
    assert resp.get_json()["start_date"] == day(-2).isoformat()
    ((note, data),) = _events(app, order["id"])
    assert data["late_entry_reason"] == "客户2号已上户，4号补录" and "补录" in note
    # PATCH takes it too (with the dates on their own)
    resp = desk.patch(f"/api/v1/orders/{order['id']}", json={
        "version": resp.get_json()["version"], "start_date": day(-3).isoformat(),
        "late_entry_reason": "再次核对"})
    assert resp.status_code == 200, resp.get_json()


def test_an_intake_date_moved_into_the_past_needs_the_late_entry_reason(app, desk, new_order):
    order = new_order("cleaning")
    url = f"/api/v1/orders/{order['id']}"
    raw = intake("cleaning", preferred_date=day(-1).isoformat())
    refused = desk.patch(url, json={"version": order["version"], "intake": raw})
    assert refused.status_code == 422
    fields = refused.get_json()["fields"]
    assert "intake.preferred_date" in fields and "late_entry_reason" in fields
    assert fetch(desk, order)["version"] == order["version"]
    resp = desk.patch(url, json={"version": order["version"], "intake": raw,
                                 "late_entry_reason": "昨天已上门，今天补录"})
    assert resp.status_code == 200, resp.get_json()
    assert resp.get_json()["intake"]["preferred_date"] == day(-1).isoformat()
    with app.app_context():
        entry = db.session.scalars(sa.select(OrderEvent).where(
            OrderEvent.order_id == order["id"], OrderEvent.kind == "updated")).one()
        assert entry.data["late_entry_reason"] == "昨天已上门，今天补录"
        assert "补录" in entry.note
    # an edit that leaves the past date as it was needs no reason again
    again = desk.patch(url, json={"version": resp.get_json()["version"],
                                  "intake": {**raw, "floor_area": "130"}})
    assert again.status_code == 200, again.get_json()


def test_the_edit_form_takes_the_late_entry_reason(app, web_as, desk, new_order):
    from tests.conftest import csrf_from

    from .test_pages import _form_data

    order = new_order("cleaning")
    client = web_as("dispatcher")
    page = f"/orders/{order['id']}/edit"
    html = client.get(page).get_data(as_text=True)
    assert 'name="late_entry_reason"' in html
    form = {"csrf_token": csrf_from(client, page), "version": order["version"],
            **_form_data("cleaning", intake("cleaning", preferred_date=day(-1).isoformat()))}
    refused = client.post(page, data=form)
    assert refused.status_code == 422
    assert 'id="f-late_entry_reason"' in refused.get_data(as_text=True)
    resp = client.post(page, data={**form, "late_entry_reason": "昨天已上门"})
    assert resp.status_code == 302, resp.get_data(as_text=True)[:2000]
    assert fetch(desk, order)["intake"]["preferred_date"] == day(-1).isoformat()
