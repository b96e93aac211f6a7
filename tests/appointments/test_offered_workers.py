"""The workers offered for an order's steps (assignment, interview) obey the candidate
list's hard rules: one whose 健康证 has expired is neither offered nor accepted."""
from __future__ import annotations

import datetime as dt
import re

from core.extensions import db
from core.workers.models import WorkerCredential
from tests.orders.helpers import day, make_qualified_worker

from .helpers import beijing, matching


def _credentialed(app, line: str, name: str) -> int:
    return make_qualified_worker(app, line, name)


def _expire_health(app, wid: int) -> None:
    """Time passes: her 健康证 expired yesterday (the nightly job has not run)."""
    with app.app_context():
        cred = db.session.query(WorkerCredential).filter_by(
            worker_id=wid, kind="health_certificate").one()
        cred.expires_on = day(-1)
        db.session.commit()


def _options(html: str, select_id: str) -> set[str]:
    block = re.search(rf'<select[^>]*(?:id|name)="{select_id}"[^>]*>(.*?)</select>', html, re.S)
    return set(re.findall(r'<option value="(\d+)"', block.group(1))) if block else set()


def test_an_expired_health_certificate_is_not_offered_nor_accepted(
        app, desk, new_order, web_as):
    first = _credentialed(app, "nanny", "甲阿姨")
    other = _credentialed(app, "nanny", "乙阿姨")
    lapsed = _credentialed(app, "nanny", "丙阿姨")
    _expire_health(app, lapsed)
    order = matching(desk, new_order("nanny"), first)
    html = web_as("dispatcher").get(f"/orders/{order['id']}").get_data(as_text=True)
    offered = _options(html, "f-worker_id")
    assert str(other) in offered and str(lapsed) not in offered
    interview_offer = _options(html, "i-worker")
    assert str(first) in interview_offer and str(lapsed) not in interview_offer
    when = beijing(day(2), "10:00")
    resp = desk.post(f"/api/v1/orders/{order['id']}/interviews",
                     json={"scheduled_at": when, "place": "公司", "worker_id": lapsed})
    assert resp.status_code == 409 and resp.get_json()["code"] == "worker_health_expired"
    assert "健康证" in resp.get_json()["message"]["zh"]
    resp = desk.post(f"/api/v1/orders/{order['id']}/worker", json={
        "worker_id": lapsed, "version": order["version"], "reason": "客户想换"})
    assert resp.status_code == 409 and resp.get_json()["code"] == "worker_health_expired"
    assert dt.date.fromisoformat(order["start_date"]) == day(10)


# ---- every path that names a worker obeys the candidate list's hard rules (issue #13)


def _bare(app, line: str) -> int:
    """A worker of ``line`` holding no credential at all (no 健康证, not only expired)."""
    from tests.orders.helpers import make_worker

    return make_worker(app, (line,), qualified=False)


def test_a_worker_with_no_health_certificate_at_all_is_not_offered_nor_accepted(
        app, desk, new_order, web_as):
    first = _credentialed(app, "nanny", "甲阿姨")
    bare = _bare(app, "nanny")
    order = matching(desk, new_order("nanny"), first)
    html = web_as("dispatcher").get(f"/orders/{order['id']}").get_data(as_text=True)
    assert str(bare) not in _options(html, "f-worker_id")
    assert str(bare) not in _options(html, "i-worker")
    resp = desk.post(f"/api/v1/orders/{order['id']}/interviews", json={
        "scheduled_at": beijing(day(2), "10:00"), "place": "公司", "worker_id": bare})
    assert resp.status_code == 409 and resp.get_json()["code"] == "worker_health_missing"
    assert "健康证" in resp.get_json()["message"]["zh"]
    resp = desk.post(f"/api/v1/orders/{order['id']}/worker", json={
        "worker_id": bare, "version": order["version"], "reason": "客户想换"})
    assert resp.status_code == 409 and resp.get_json()["code"] == "worker_health_missing"
    # a fresh order without a worker: she cannot be assigned either
    other = matching(desk, new_order("nanny"))
    resp = desk.post(f"/api/v1/orders/{other['id']}/worker",
                     json={"worker_id": bare, "version": other["version"]})
    assert resp.status_code == 409 and resp.get_json()["code"] == "worker_health_missing"
    assert desk.get(f"/api/v1/orders/{other['id']}").get_json()["worker_id"] is None


def test_a_line_credential_missing_or_a_do_not_send_refuses_the_assignment(
        app, desk, new_order, customer_id):
    from core.workers.models import WorkerCredential

    no_care = _credentialed(app, "nanny", "丁阿姨")
    with app.app_context():
        db.session.query(WorkerCredential).filter_by(worker_id=no_care,
                                                     kind="infant_care").delete()
        db.session.commit()
    order = matching(desk, new_order("nanny"))
    resp = desk.post(f"/api/v1/orders/{order['id']}/worker",
                     json={"worker_id": no_care, "version": order["version"]})
    assert resp.status_code == 409 and resp.get_json()["code"] == "worker_credential_missing"
    excluded = _credentialed(app, "nanny", "戊阿姨")
    assert desk.post(f"/api/v1/customers/{customer_id}/excluded-workers", json={
        "worker_id": excluded, "reason": "迟到多次"}).status_code == 201
    resp = desk.post(f"/api/v1/orders/{order['id']}/worker",
                     json={"worker_id": excluded, "version": order["version"]})
    assert resp.status_code == 409 and resp.get_json()["code"] == "worker_do_not_send"


def _massage_order(desk, customer_id) -> dict:
    from tests.orders.helpers import intake

    from .helpers import advance

    resp = desk.post("/api/v1/orders", json={"service_line": "child_massage",
                                             "customer_id": customer_id,
                                             "intake": intake("child_massage")})
    assert resp.status_code == 201, resp.get_json()
    return advance(desk, resp.get_json(), "quoted")


def _book_session(desk, order, worker_id):
    return desk.post(f"/api/v1/orders/{order['id']}/sessions", json={
        "starts_at": beijing(day(3), "15:30"), "ends_at": beijing(day(3), "16:30"),
        "worker_id": worker_id})


def test_a_massage_session_refuses_a_worker_failing_the_hard_rules(app, desk, customer_id):
    order = _massage_order(desk, customer_id)
    bare = _bare(app, "child_massage")
    resp = _book_session(desk, order, bare)
    assert resp.status_code == 409 and resp.get_json()["code"] == "worker_health_missing"
    lapsed = _credentialed(app, "child_massage", "己阿姨")
    _expire_health(app, lapsed)
    resp = _book_session(desk, order, lapsed)
    assert resp.status_code == 409 and resp.get_json()["code"] == "worker_health_expired"
    excluded = _credentialed(app, "child_massage", "庚阿姨")
    assert desk.post(f"/api/v1/customers/{customer_id}/excluded-workers", json={
        "worker_id": excluded, "reason": "客户不满意"}).status_code == 201
    resp = _book_session(desk, order, excluded)
    assert resp.status_code == 409 and resp.get_json()["code"] == "worker_do_not_send"
    assert desk.get(f"/api/v1/orders/{order['id']}/sessions").get_json()["sessions"] == []
    fit = _credentialed(app, "child_massage", "辛阿姨")
    assert _book_session(desk, order, fit).status_code == 201


def test_a_cleaning_visit_refuses_a_worker_failing_the_hard_rules(app, desk, new_order):
    from .helpers import in_service

    cleaner = _credentialed(app, "cleaning", "壬阿姨")
    order = in_service(desk, new_order("cleaning"), cleaner)
    _expire_health(app, cleaner)  # time passes; the nightly job has not run
    resp = desk.post(f"/api/v1/orders/{order['id']}/visits/plan")
    assert resp.status_code == 409 and resp.get_json()["code"] == "worker_health_expired"
    assert desk.get(f"/api/v1/orders/{order['id']}/visits").get_json() == []
    with app.app_context():
        db.session.query(WorkerCredential).filter_by(
            worker_id=cleaner, kind="health_certificate").one().expires_on = day(300)
        db.session.commit()
    resp = desk.post(f"/api/v1/orders/{order['id']}/visits/plan")
    assert resp.status_code == 201, resp.get_json()
    visit = resp.get_json()[0]
    # the tools of a visit are checked out to a worker the desk may send, not to any
    kit = desk.post("/api/v1/tool-kits/items", json={"name": "抹布", "unit": "块",
                                                       "stock": 10})
    assert kit.status_code == 201, kit.get_json()
    bare = _bare(app, "cleaning")
    resp = desk.post(f"/api/v1/orders/{order['id']}/visits/{visit['id']}/tools/checkout",
                     json={"worker_id": bare, "items": [
                         {"item_id": kit.get_json()["id"], "quantity": 1}]})
    assert resp.status_code == 409 and resp.get_json()["code"] == "worker_health_missing"
