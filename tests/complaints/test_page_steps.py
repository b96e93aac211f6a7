"""The complaint pages call one service step and never commit themselves (#11): a step
refused after it had written (a complaint flushed, its clocks and log) leaves nothing
behind when the page re-renders the form; a stale version is refused and writes
nothing; a time the form's schema refuses is a 422 naming the field, in Chinese and in
English, before anything is written."""
from __future__ import annotations

import sqlalchemy as sa

from core.audit.models import AuditEvent
from core.complaints import service
from core.complaints.models import Complaint, ComplaintAction, ComplaintClock
from core.errors import Invalid
from core.extensions import db
from tests.conftest import csrf_from

from .helpers import make_order, order_of


def _counts(app) -> dict:
    with app.app_context():
        return {model.__name__: db.session.scalar(sa.select(sa.func.count()).select_from(model))
                for model in (Complaint, ComplaintAction, ComplaintClock, AuditEvent)}


def _intake(customer: int, order: int, token: str, **extra) -> dict:
    return {"csrf_token": token, "customer_id": str(customer), "order_id": str(order),
            "channel": "phone", "category": "quality", "level": "general",
            "summary": "地没拖干净", **extra}


def test_an_intake_step_refused_after_writing_leaves_nothing_behind(app, web_as, monkeypatch):
    client = web_as("dispatcher")
    order = make_order(app)
    customer, _ = order_of(app, order)
    token = csrf_from(client, "/complaints/new")
    before = _counts(app)

    def refuse(*_args, **_kwargs):   # the step's last act: the complaint is flushed by now
        assert db.session.scalar(sa.select(sa.func.count(Complaint.id))) == \
            before["Complaint"] + 1
        raise Invalid(fields={"summary": [{"en": "Refused late.", "zh": "最后一步被拒绝。"}]})

    monkeypatch.setattr(service, "record", refuse)
    resp = client.post("/complaints/", data=_intake(customer, order, token))
    page = resp.get_data(as_text=True)
    assert resp.status_code == 422
    assert 'data-field="summary"' in page and "最后一步被拒绝。" in page
    assert 'value="地没拖干净"' in page          # what was typed is shown again
    assert _counts(app) == before                  # no complaint, clock, log or audit row
    monkeypatch.undo()
    assert client.post("/complaints/", data=_intake(customer, order, token)).status_code == 302
    assert _counts(app)["Complaint"] == before["Complaint"] + 1


def test_a_time_the_form_refuses_is_a_422_naming_the_field_in_both_languages(app, web_as):
    client = web_as("dispatcher")
    order = make_order(app)
    customer, _ = order_of(app, order)
    token = csrf_from(client, "/complaints/new")
    before = _counts(app)
    resp = client.post("/complaints/", data=_intake(customer, order, token,
                                                    received_at="昨天上午"))
    page = resp.get_data(as_text=True)
    assert resp.status_code == 422
    assert 'data-field="received_at"' in page and "不是有效的日期时间。" in page
    client.get("/lang/en")
    resp = client.post("/complaints/", data=_intake(customer, order, token,
                                                    received_at="2026-13-45T99:00"))
    assert resp.status_code == 422
    assert "Not a valid date and time." in resp.get_data(as_text=True)
    assert _counts(app) == before


def test_a_stale_version_on_the_complaint_page_is_refused_and_writes_nothing(app, web_as):
    client = web_as("dispatcher")
    order = make_order(app)
    customer, _ = order_of(app, order)
    with app.app_context():
        c = service.open_complaint(customer_id=customer, order_id=order, channel="phone",
                                   category="punctuality", level="moderate",
                                   summary="阿姨迟到一小时", actor_id=None).complaint
        cid, version = c.id, c.version
    url = f"/complaints/{cid}"
    token = csrf_from(client, url)
    before = _counts(app)
    resp = client.post(f"{url}/action", data={"csrf_token": token, "kind": "contact",
                                              "version": str(version + 1), "note": "已联系"},
                       follow_redirects=True)
    assert resp.status_code == 200 and "该投诉已被他人更新" in resp.get_data(as_text=True)
    assert _counts(app) == before
    with app.app_context():
        assert db.session.get(Complaint, cid).first_contact_at is None
    ok = client.post(f"{url}/action", data={"csrf_token": token, "kind": "contact",
                                            "version": str(version), "note": "已联系"})
    assert ok.status_code == 302
    with app.app_context():
        assert db.session.get(Complaint, cid).first_contact_at is not None


def test_a_version_that_is_not_a_number_is_named_not_a_500(app, web_as):
    client = web_as("dispatcher")
    order = make_order(app)
    customer, _ = order_of(app, order)
    with app.app_context():
        cid = service.open_complaint(customer_id=customer, order_id=order, channel="phone",
                                     category="punctuality", level="moderate",
                                     summary="阿姨迟到一小时", actor_id=None).complaint.id
    url = f"/complaints/{cid}"
    before = _counts(app)
    resp = client.post(f"{url}/waiting", data={"csrf_token": csrf_from(client, url),
                                               "waiting": "1", "version": "一"},
                       follow_redirects=True)
    page = resp.get_data(as_text=True)
    assert resp.status_code == 200 and "version: 不是有效的整数。" in page
    assert _counts(app) == before
