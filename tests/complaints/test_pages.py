"""The complaint pages for people: the desk and a complaint in both languages, intake
errors shown beside the field (nothing written), the customer's and the worker's pages
listing their complaints, and roles: a trainer or finance never sees a complaint page."""
from __future__ import annotations

import sqlalchemy as sa

from core.complaints import service
from core.complaints.models import Complaint
from core.extensions import db
from tests.conftest import csrf_from

from .helpers import make_order, order_of


def _complaint(app, order: int) -> int:
    customer, _ = order_of(app, order)
    with app.app_context():
        return service.open_complaint(customer_id=customer, order_id=order, channel="phone",
                                      category="punctuality", level="moderate",
                                      summary="阿姨迟到一小时", actor_id=None).complaint.id


def test_desk_and_complaint_pages_in_both_languages(app, web_as):
    client = web_as("dispatcher")
    cid = _complaint(app, make_order(app))
    desk = client.get("/complaints/").get_data(as_text=True)
    assert "投诉台" in desk and "阿姨迟到一小时" in desk and 'data-clock="ok"' in desk
    page = client.get(f"/complaints/{cid}").get_data(as_text=True)
    assert "首次联系" in page and "处理记录" in page
    client.get("/lang/en")
    english = client.get(f"/complaints/{cid}").get_data(as_text=True)
    assert "First contact" in english and "Timeline" in english
    assert "Complaint desk" in client.get("/complaints/").get_data(as_text=True)


def test_intake_form_errors_show_beside_the_field_and_write_nothing(app, web_as):
    client = web_as("dispatcher")
    order = make_order(app)
    customer, _ = order_of(app, order)
    token = csrf_from(client, "/complaints/new")
    resp = client.post("/complaints/", data={
        "csrf_token": token, "customer_id": str(customer), "order_id": str(order),
        "channel": "phone", "category": "weather", "level": "general", "summary": "x"})
    assert resp.status_code == 422
    assert 'data-field="category"' in resp.get_data(as_text=True)
    resp = client.post("/complaints/", data={
        "csrf_token": token, "customer_id": str(customer), "order_id": str(order),
        "channel": "phone", "category": "quality", "level": "general", "summary": "x",
        "received_at": "2999-01-01T10:00"})
    assert resp.status_code == 422 and 'data-field="received_at"' in resp.get_data(as_text=True)
    with app.app_context():
        assert db.session.scalar(sa.select(sa.func.count(Complaint.id))) == 0
    ok = client.post("/complaints/", data={
        "csrf_token": token, "customer_id": str(customer), "order_id": str(order),
        "channel": "wechat", "category": "quality", "level": "general", "summary": "地没拖干净"})
    assert ok.status_code == 302


def test_customer_and_worker_pages_list_their_complaints_for_the_desk_only(app, web_as):
    order = make_order(app)
    customer, worker = order_of(app, order)
    _complaint(app, order)
    desk = web_as("dispatcher")
    assert "阿姨迟到一小时" in desk.get(f"/customers/{customer}").get_data(as_text=True)
    assert "阿姨迟到一小时" in desk.get(f"/workers/{worker}").get_data(as_text=True)
    finance = web_as("finance")
    page = finance.get(f"/customers/{customer}")
    assert page.status_code == 200 and "阿姨迟到一小时" not in page.get_data(as_text=True)
    for role in ("finance", "trainer"):
        client = web_as(role, f"p-{role}")
        assert client.get("/complaints/").status_code == 403
        assert client.get("/complaints/1").status_code == 403
