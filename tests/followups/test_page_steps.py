"""The follow-up pages read their forms with the API's schemas and save in one service step
(#11): a refused value is named (field and words in the reader's language), never a 500,
and a step refused half-way leaves the record as it was."""
from __future__ import annotations

import datetime as dt
import html as htmllib

import sqlalchemy as sa

from core.audit.models import AuditEvent
from core.extensions import db
from core.followups import service
from core.followups.models import FollowUp, FollowUpOutcome, MediationCase
from tests.conftest import csrf_from

from .helpers import followups, make_order, move
from .test_pages import dispatcher_id


def _case(app, order, desk) -> int:
    day3 = followups(app, order)["day3"]
    with app.app_context():
        result = service.record_outcome(day3.id, "not_satisfied", actor_id=desk,
                                        version=day3.version, reason="阿姨做饭不合口味")
        db.session.commit()
        return result.mediation.id


def _day3(app, client):
    desk = dispatcher_id(app)
    order = make_order(app, "nanny", dispatcher_id=desk)
    move(app, order, "in_service", start_date="2026-01-05")
    return order, followups(app, order)["day3"]


def test_closing_a_mediation_without_a_resolution_leaves_the_case_as_it_was(app, web_as):
    client = web_as("dispatcher")
    desk = dispatcher_id(app)
    order = make_order(app, "maternity_nurse", dispatcher_id=desk)
    move(app, order, "in_service", start_date="2026-03-02")
    case_id = _case(app, order, desk)
    url = f"/followups/mediations/{case_id}"
    token = csrf_from(client, url)
    resp = client.post(url, data={"csrf_token": token, "version": "1", "cause": "改写的原因",
                                  "actions": "已与阿姨沟通", "resolution": "",
                                  "worker_replaced": "1", "resolve": "1"})
    assert resp.status_code == 302
    assert "结案前请填写处理结果" in client.get(url).get_data(as_text=True)
    with app.app_context():
        case = db.session.get(MediationCase, case_id)
        assert (case.cause, case.actions, case.worker_replaced, case.state, case.version) == (
            "阿姨做饭不合口味", "", False, "open", 1)
        assert db.session.scalar(sa.select(sa.func.count(AuditEvent.id)).where(
            AuditEvent.entity_type == "mediation_case", AuditEvent.action == "update")) == 0


def test_an_outcome_form_value_the_schema_refuses_is_named_not_a_500(app, web_as):
    for lang, words in (("zh", "score_overall: 必须在 1 到 5 之间。"),
                        ("en", "score_overall: Must be greater than or equal to 1 and less "
                               "than or equal to 5.")):
        client = web_as("dispatcher", f"web-dispatcher-{lang}")
        with client.session_transaction() as sess:
            sess["lang"] = lang
        order, day3 = _day3(app, client)
        form = {"csrf_token": csrf_from(client, "/followups/"), "outcome": "satisfied",
                "version": day3.version, "idempotency_key": f"refused-{lang}-1",
                "score_overall": "9", "next": "/followups/"}
        resp = client.post(f"/followups/{day3.id}/outcome", data=form)
        assert resp.status_code == 302
        page = htmllib.unescape(client.get("/followups/").get_data(as_text=True))
        assert words in page
        rescheduled = {**form, "outcome": "rescheduled", "score_overall": "",
                       "new_due_at": "明天上午"}
        assert client.post(f"/followups/{day3.id}/outcome", data=rescheduled
                           ).status_code == 302
        page = client.get("/followups/").get_data(as_text=True)
        assert "new_due_at: " + ("不是有效的日期时间" if lang == "zh" else "Not a valid datetime") \
            in page
        with app.app_context():
            assert db.session.scalar(sa.select(sa.func.count(FollowUpOutcome.id)).where(
                FollowUpOutcome.followup_id == day3.id)) == 0
            assert db.session.get(FollowUp, day3.id).version == day3.version


def test_a_new_time_typed_in_the_outcome_form_is_beijing_time(app, web_as):
    client = web_as("dispatcher")
    order, day3 = _day3(app, client)
    later = dt.date.today() + dt.timedelta(days=30)
    resp = client.post(f"/followups/{day3.id}/outcome", data={
        "csrf_token": csrf_from(client, "/followups/"), "outcome": "rescheduled",
        "version": day3.version, "idempotency_key": "moved-to-later-1",
        "new_due_at": f"{later.isoformat()}T10:00", "next": "/followups/"})
    assert resp.status_code == 302
    moved = followups(app, order)["day3"]
    due = moved.due_at if moved.due_at.tzinfo else moved.due_at.replace(tzinfo=dt.timezone.utc)
    assert due == dt.datetime(later.year, later.month, later.day, 2, 0, tzinfo=dt.timezone.utc)
    assert moved.outcome == "rescheduled" and moved.state == "pending"
