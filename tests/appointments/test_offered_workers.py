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
