"""The complaints API against the real database: intake from the desk's channels with
received vs entered time, folding duplicates, routing serious ones to a supervisor, the
work (contact, call-back, pause, reassignment), resolutions (refund ≤ paid and confirmed
by finance, compensation above the limit through an approval), the closing call-back
(not satisfied → reopened), consequences for the worker, roles, and bad input refused
naming the field with nothing half-written."""
from __future__ import annotations

import datetime as dt

import sqlalchemy as sa

from core.complaints.models import Complaint, ComplaintAction, ComplaintResolution
from core.extensions import db
from core.timeutil import utcnow

from .helpers import complaint_in, make_customer, make_order, order_of, pay, user

BASE = "/api/v1/complaints"


def count(app, model) -> int:
    with app.app_context():
        return db.session.scalar(sa.select(sa.func.count()).select_from(model))


def fields_of(resp) -> set[str]:
    body = resp.get_json()
    assert set(body["message"]) == {"zh", "en"}
    for messages in body.get("fields", {}).values():
        assert all(m["zh"] and m["en"] for m in messages)
    return set(body.get("fields", {}))


def soon(hours: int = 2) -> str:
    return (utcnow() + dt.timedelta(hours=hours)).isoformat()


def test_a_phone_complaint_is_taken_in_with_its_clocks_and_both_times(app, api_as):
    desk = api_as("dispatcher")
    order = make_order(app)
    customer, worker = order_of(app, order)
    received = (utcnow() - dt.timedelta(minutes=40)).replace(microsecond=0)
    resp = desk.post(BASE, json=complaint_in(order, customer, received_at=received.isoformat(),
                                             contacted=True))
    assert resp.status_code == 201, resp.get_json()
    c = resp.get_json()
    assert c["number"].startswith("TS") and c["folded"] is False
    assert c["worker_id"] == worker and c["order_id"] == order
    assert dt.datetime.fromisoformat(c["received_at"]) == received
    assert dt.datetime.fromisoformat(c["entered_at"]) > received
    assert c["first_contact_at"] is not None
    assert {k["kind"] for k in c["clocks"]} == {"first_contact", "callback", "solution"}
    assert next(k for k in c["clocks"] if k["kind"] == "first_contact")["met_at"]
    assert c["level_label"] == {"zh": "一般", "en": "General"}
    assert [a["kind"] for a in c["actions"]] == ["intake"]
    listed = desk.get(BASE).get_json()
    assert [r["id"] for r in listed["items"]] == [c["id"]]


def test_a_second_report_about_the_same_order_and_worker_folds_into_the_open_one(app, api_as):
    desk = api_as("dispatcher")
    order = make_order(app)
    customer, _ = order_of(app, order)
    first = desk.post(BASE, json=complaint_in(order, customer)).get_json()
    again = desk.post(BASE, json=complaint_in(order, customer, channel="wechat",
                                              summary="微信又投诉了一次"))
    assert again.status_code == 201
    body = again.get_json()
    assert body["folded"] is True and body["id"] == first["id"]
    assert [a["kind"] for a in body["actions"]] == ["intake", "folded"]
    assert count(app, Complaint) == 1
    other = make_order(app, customer_id=customer)  # another order: its own complaint
    assert desk.post(BASE, json=complaint_in(other, customer)).get_json()["folded"] is False
    assert count(app, Complaint) == 2


def test_serious_complaints_go_to_a_supervisor(app, api_as):
    desk = api_as("dispatcher")
    boss = user(app, "supervisor")
    order = make_order(app)
    customer, _ = order_of(app, order)
    c = desk.post(BASE, json=complaint_in(order, customer, level="serious",
                                          category="safety")).get_json()
    assert c["owner_id"] == boss


def test_unknown_class_or_level_and_impossible_times_are_refused_naming_the_field(app,
                                                                                  api_as):
    desk = api_as("dispatcher")
    order = make_order(app, created_at=utcnow() - dt.timedelta(days=2))
    customer, _ = order_of(app, order)
    cases = [
        (complaint_in(order, customer, category="weather"), "category"),
        (complaint_in(order, customer, level="apocalyptic"), "level"),
        (complaint_in(order, customer, received_at=soon(3)), "received_at"),
        (complaint_in(order, customer, received_at=(
            utcnow() - dt.timedelta(days=3)).isoformat()), "received_at"),
        (complaint_in(order, make_customer(app, mobile="13700001111")), "order_id"),
        (complaint_in(order, customer, channel="telepathy"), "channel"),
        (complaint_in(order, customer, summary=""), "summary"),
        (complaint_in(order, customer, surprise=1), "surprise"),
        (complaint_in(order, 99999), "customer_id"),
    ]
    for body, field in cases:
        resp = desk.post(BASE, json=body)
        assert resp.status_code == 422, (field, resp.get_json())
        assert field in fields_of(resp), (field, resp.get_json())
    assert count(app, Complaint) == 0 and count(app, ComplaintAction) == 0


def test_work_contact_callback_pause_and_reassign(app, api_as):
    desk = api_as("dispatcher")
    other = user(app, "dispatcher", "desk-two")
    order = make_order(app)
    customer, _ = order_of(app, order)
    c = desk.post(BASE, json=complaint_in(order, customer)).get_json()
    url = f"{BASE}/{c['id']}"
    c = desk.post(url + "/actions", json={"kind": "contact", "note": "已安抚客户",
                                          "version": c["version"]}).get_json()
    assert c["first_contact_at"]
    c = desk.post(url + "/actions", json={"kind": "promise", "promised_at": soon(5),
                                          "note": "答应五小时内回电"}).get_json()
    assert c["actions"][-1]["promised_at"]
    c = desk.post(url + "/waiting", json={"waiting": True, "note": "等客户提供照片"}).get_json()
    assert c["state"] == "waiting_customer" and c["paused_at"] and c["clock_state"] == "paused"
    assert all(k["due_at"] is None for k in c["clocks"] if not k["met_at"])
    c = desk.post(url + "/waiting", json={"waiting": False}).get_json()
    assert c["state"] == "open" and c["paused_at"] is None
    assert all(k["due_at"] for k in c["clocks"])
    stale = desk.post(url + "/reassign", json={"owner_id": other, "version": 1})
    assert stale.status_code == 409
    c = desk.post(url + "/reassign", json={"owner_id": other, "version": c["version"]}).get_json()
    assert c["owner_id"] == other
    c = desk.post(url + "/actions", json={"kind": "callback", "note": "回电告知进展"}).get_json()
    met = {k["kind"]: k["met_at"] for k in c["clocks"]}
    assert met["callback"] and not met["solution"]
    kinds = [a["kind"] for a in c["actions"]]
    assert kinds == ["intake", "contact", "promise", "pause", "resume", "reassign", "callback"]
    mine = api_as("dispatcher").get(BASE + "?mine=true").get_json()
    assert mine["total"] == 0  # it is desk-two's now


def test_a_resolution_needs_a_call_back_and_a_refund_no_more_than_was_paid(app, api_as):
    desk = api_as("dispatcher")
    order = make_order(app)
    customer, _ = order_of(app, order)
    pay(app, order, "300.00", user(app))
    c = desk.post(BASE, json=complaint_in(order, customer)).get_json()
    url = f"{BASE}/{c['id']}/resolutions"
    no_callback = desk.post(url, json={"kind": "apology", "note": "已道歉"})
    assert no_callback.status_code == 422 and "callback_at" in fields_of(no_callback)
    too_much = desk.post(url, json={"kind": "refund", "amount": "300.01", "callback_at": soon()})
    assert too_much.status_code == 422 and "amount" in fields_of(too_much)
    assert count(app, ComplaintResolution) == 0
    with app.app_context():
        assert db.session.get(Complaint, c["id"]).state == "open"
    ok = desk.post(url, json={"kind": "refund", "amount": "120.00", "callback_at": soon(),
                              "note": "退部分服务费"})
    assert ok.status_code == 201, ok.get_json()
    body = ok.get_json()
    assert body["state"] == "resolved" and body["resolutions"][0]["state"] == "awaiting_finance"
    # the rest of what was paid is all that can still be refunded
    assert desk.post(url, json={"kind": "refund", "amount": "180.01",
                                "callback_at": soon()}).status_code == 422
    # closing waits for finance
    closing = desk.post(f"{BASE}/{c['id']}/callback", json={"verdict": "satisfied"})
    assert closing.status_code == 409
    finance = api_as("finance")
    refunds = finance.get(BASE + "/refunds").get_json()
    assert [(r["amount"], r["complaint"]) for r in refunds["items"]] == [
        ("120.00", c["number"])]
    assert set(refunds["items"][0]) == {"id", "amount", "state", "created_at", "confirmed_at",
                                        "complaint", "order"}
    rid = refunds["items"][0]["id"]
    assert finance.post(f"{BASE}/refunds/{rid}/confirm").get_json()["state"] == "done"
    assert finance.post(f"{BASE}/refunds/{rid}/confirm").status_code == 409
    closed = desk.post(f"{BASE}/{c['id']}/callback", json={"verdict": "satisfied"}).get_json()
    assert closed["state"] == "closed" and closed["verdict"] == "satisfied"


def test_a_not_satisfied_call_back_reopens_and_a_satisfied_one_closes(app, api_as):
    desk = api_as("dispatcher")
    order = make_order(app)
    customer, _ = order_of(app, order)
    c = desk.post(BASE, json=complaint_in(order, customer)).get_json()
    url = f"{BASE}/{c['id']}"
    early = desk.post(url + "/callback", json={"verdict": "satisfied"})
    assert early.status_code == 409  # no resolution yet
    desk.post(url + "/resolutions", json={"kind": "apology", "callback_at": soon()})
    c = desk.post(url + "/callback", json={"verdict": "not_satisfied",
                                           "note": "客户仍不满意"}).get_json()
    assert c["state"] == "open" and c["reopened"] == 1
    solution = next(k for k in c["clocks"] if k["kind"] == "solution")
    assert solution["met_at"] is None and solution["due_at"]
    desk.post(url + "/resolutions", json={"kind": "redo", "callback_at": soon()})
    c = desk.post(url + "/callback", json={"verdict": "satisfied"}).get_json()
    assert c["state"] == "closed" and c["clock_state"] == "done"
    assert desk.post(url + "/actions", json={"kind": "note", "note": "x"}).status_code == 409
    assert desk.get(BASE + "?state=closed").get_json()["total"] == 1
    assert desk.get(BASE).get_json()["total"] == 0


def test_compensation_above_the_limit_waits_for_a_supervisors_approval(app, api_as):
    desk = api_as("dispatcher")
    boss = api_as("supervisor")
    order = make_order(app)
    customer, _ = order_of(app, order)
    c = desk.post(BASE, json=complaint_in(order, customer, category="damage")).get_json()
    url = f"{BASE}/{c['id']}"
    small = desk.post(url + "/resolutions", json={"kind": "compensation", "amount": "150.00",
                                                  "callback_at": soon()}).get_json()
    assert small["resolutions"][0]["state"] == "done"
    big = desk.post(url + "/resolutions", json={"kind": "compensation", "amount": "800.00",
                                                "callback_at": soon(),
                                                "note": "花瓶损坏"}).get_json()
    res = big["resolutions"][1]
    assert res["state"] == "awaiting_approval" and res["approval_id"]
    assert desk.post(url + "/callback", json={"verdict": "satisfied"}).status_code == 409
    decided = boss.post(f"/api/v1/approvals/{res['approval_id']}/approve",
                        json={"note": "同意"})
    assert decided.status_code == 200, decided.get_json()
    closed = desk.post(url + "/callback", json={"verdict": "satisfied"}).get_json()
    assert closed["state"] == "closed"


def test_consequences_for_the_worker_need_a_supervisor_beyond_an_evaluation(app, api_as):
    desk = api_as("dispatcher")
    boss = api_as("supervisor")
    order = make_order(app)
    customer, worker = order_of(app, order)
    c = desk.post(BASE, json=complaint_in(order, customer)).get_json()
    url = f"{BASE}/{c['id']}/consequences"
    ev = desk.post(url, json={"kind": "evaluation", "reason": "态度问题属实", "overall": 1})
    assert ev.status_code == 201 and ev.get_json()["state"] == "applied"
    rating = desk.get(f"/api/v1/followups/workers/{worker}/rating")
    assert rating.get_json()["overall"] == 1.0
    asked = desk.post(url, json={"kind": "suspension", "reason": "多次被投诉"}).get_json()
    assert asked["state"] == "pending"
    assert desk.post(f"{BASE}/consequences/{asked['id']}/decision",
                     json={"approve": True}).status_code == 403
    done = boss.post(f"{BASE}/consequences/{asked['id']}/decision", json={"approve": True})
    assert done.get_json()["state"] == "applied"
    w = boss.get(f"/api/v1/workers/{worker}").get_json()
    assert w["status"] == "inactive"
    assert desk.post(url, json={"kind": "evaluation", "reason": "x"}).status_code == 422
    listed = desk.get(f"{BASE}?worker_id={worker}").get_json()
    assert listed["total"] == 1


def test_a_trainer_sees_no_complaint_and_finance_only_refunds(app, api_as):
    desk = api_as("dispatcher")
    order = make_order(app)
    customer, _ = order_of(app, order)
    c = desk.post(BASE, json=complaint_in(order, customer)).get_json()
    for role in ("trainer", "finance"):
        client = api_as(role)
        assert client.get(BASE).status_code == 403
        assert client.get(f"{BASE}/{c['id']}").status_code == 403
        assert client.post(BASE, json=complaint_in(order, customer)).status_code == 403
        assert client.get(BASE + "/policy").status_code == 403
    assert api_as("trainer").get(BASE + "/refunds").status_code == 403
    assert api_as("finance").get(BASE + "/refunds").status_code == 200


def test_a_top_secret_customer_shows_in_a_complaint_as_in_her_file(app, api_as):
    desk = api_as("dispatcher")
    boss = api_as("supervisor")
    customer = make_customer(app, name="王小明", mobile="13912345678",
                             confidentiality="top_secret")
    order = make_order(app, customer_id=customer)
    c = boss.post(BASE, json=complaint_in(order, customer)).get_json()
    seen = desk.get(f"{BASE}/{c['id']}").get_json()["customer"]
    assert seen["name"] == "王**" and seen["mobile"] is None  # docs/privacy.md: closed 绝密
    listed = desk.get(BASE).get_json()["items"][0]["customer"]
    assert listed["name"] == "王**" and listed["mobile"] is None
    assert boss.get(f"{BASE}/{c['id']}").get_json()["customer"]["name"] == "王**"
    assert api_as("admin").get(f"{BASE}/{c['id']}").get_json()["customer"]["name"] == "王小明"


def test_the_company_edits_classes_and_levels(app, api_as):
    boss = api_as("supervisor")
    desk = api_as("dispatcher")
    policy = desk.get(BASE + "/policy").get_json()
    assert [lv["code"] for lv in policy["levels"]] == ["general", "moderate", "serious",
                                                       "critical"]
    assert [lv["name_zh"] for lv in policy["levels"]] == ["一般", "较重", "严重", "重大"]
    assert len(policy["categories"]) == 8
    assert desk.put(BASE + "/categories/noise", json={
        "name_zh": "噪音", "name_en": "Noise"}).status_code == 403
    assert boss.put(BASE + "/categories/noise", json={
        "name_zh": "噪音", "name_en": "Noise"}).status_code == 200
    assert boss.put(BASE + "/categories/Bad Code", json={
        "name_zh": "x", "name_en": "x"}).status_code == 422
    general = next(lv for lv in policy["levels"] if lv["code"] == "general")
    changed = boss.patch(BASE + "/levels/general", json={
        "version": general["version"], "first_contact_minutes": 90})
    assert changed.status_code == 200 and changed.get_json()["first_contact_minutes"] == 90
    assert boss.patch(BASE + "/levels/general", json={
        "version": general["version"], "first_contact_minutes": 60}).status_code == 409
    bad = boss.patch(BASE + "/levels/general", json={"version": general["version"] + 1,
                                                     "first_contact_minutes": 0})
    assert bad.status_code == 422 and "first_contact_minutes" in fields_of(bad)
    order = make_order(app)
    customer, _ = order_of(app, order)
    c = desk.post(BASE, json=complaint_in(order, customer, category="noise")).get_json()
    assert c["category_label"] == {"zh": "噪音", "en": "Noise"}
    assert next(k for k in c["clocks"] if k["kind"] == "first_contact")["target_minutes"] == 90
