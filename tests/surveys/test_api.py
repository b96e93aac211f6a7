"""Surveys against the real database: a personal link through the outbox, answered once
by the customer (expired, reused or forged tokens refused with nothing written), answers
out of range refused naming the field, a dissatisfied answer turned into a complaint
(folded into the open one) with word to the dispatcher, the dispatcher filling it in
during a call, end-of-service scores feeding the rating, results, and roles."""
from __future__ import annotations

import sqlalchemy as sa

from core.complaints.models import Complaint, ComplaintAction, Survey
from core.extensions import db
from core.followups.models import Evaluation, FollowUp, Notification, OutboxMessage

from .helpers import (
    GOOD,
    UNHAPPY,
    count,
    expire,
    link_survey,
    make_customer,
    make_order,
    order_of,
    survey_followup,
    token_of,
)

BASE = "/api/v1/surveys"


def public(anon, token: str, answers: dict):
    return anon.post(f"{BASE}/public/{token}", json={"answers": answers})


def fields_of(resp) -> set[str]:
    body = resp.get_json()
    assert set(body["message"]) == {"zh", "en"}
    for messages in body.get("fields", {}).values():
        assert all(m["zh"] and m["en"] for m in messages)
    return set(body.get("fields", {}))


def answered(app, survey_id: int):
    with app.app_context():
        s = db.session.get(Survey, survey_id)
        return s.answered_at, s.answers, s.score, s.complaint_id


def test_a_link_goes_to_the_customer_through_the_outbox_and_shows_only_her_given_name(
        app, api_as, anon):
    desk = api_as("dispatcher")
    customer = make_customer(app, name="王小红", mobile="13912340001")
    order = make_order(app, customer_id=customer)
    survey_id, token = link_survey(desk, order)
    with app.app_context():
        s = db.session.get(Survey, survey_id)
        assert s.token_hash and token not in s.token_hash  # only the hash is kept
        to_her = db.session.scalars(sa.select(OutboxMessage).where(
            OutboxMessage.customer_id == customer)).all()
        assert to_her and all(m.recipient_id is None for m in to_her)
        assert to_her[0].link.endswith(token)
        # in-app reaches staff only: the customer's copy is skipped, the dispatcher is told
        assert {m.state for m in to_her} == {"skipped"}
        told = db.session.scalars(sa.select(Notification.link)).all()
        assert f"/surveys/{survey_id}/fill" in told
    assert token_of(app, survey_id) == token
    shown = anon.get(f"{BASE}/public/{token}")
    assert shown.status_code == 200, shown.get_json()
    body = shown.get_json()
    assert body["name"] == "*小红" and body["service_zh"] == "育婴师"
    text = shown.get_data(as_text=True)
    assert "王" not in text and "13912340001" not in text and "中山路" not in text
    assert [q["code"] for q in body["questionnaire"]["questions"]] == [
        "overall", "child", "safety", "again", "comment"]


def test_the_customer_answers_once_and_a_second_answer_is_refused(app, api_as, anon):
    desk = api_as("dispatcher")
    survey_id, token = link_survey(desk, make_order(app))
    first = public(anon, token, GOOD)
    assert first.status_code == 200, first.get_json()
    assert first.get_json() == {"answered": True, "dissatisfied": False}
    at, answers, score, complaint = answered(app, survey_id)
    assert answers["overall"] == 5 and score == 5 and complaint is None
    again = public(anon, token, UNHAPPY)
    assert again.status_code == 409 and again.get_json()["code"] == "survey_answered"
    assert anon.get(f"{BASE}/public/{token}").status_code == 409
    assert answered(app, survey_id) == (at, answers, score, None)
    assert count(app, Complaint) == 0


def test_an_expired_link_is_refused_and_nothing_is_written(app, api_as, anon):
    desk = api_as("dispatcher")
    survey_id, token = link_survey(desk, make_order(app))
    expire(app, survey_id)
    assert anon.get(f"{BASE}/public/{token}").get_json()["code"] == "survey_expired"
    resp = public(anon, token, UNHAPPY)
    assert resp.status_code == 409 and resp.get_json()["code"] == "survey_expired"
    assert answered(app, survey_id) == (None, None, None, None)
    assert count(app, Complaint) == 0 and count(app, Evaluation) == 0


def test_a_forged_token_is_refused_and_nothing_is_written(app, api_as, anon):
    desk = api_as("dispatcher")
    survey_id, token = link_survey(desk, make_order(app))
    for forged in (token[:-1] + ("A" if token[-1] != "A" else "B"), "x" * 32, "survey"):
        assert anon.get(f"{BASE}/public/{forged}").status_code == 404
        resp = public(anon, forged, GOOD)
        assert resp.status_code == 404 and resp.get_json()["code"] == "not_found"
    assert answered(app, survey_id) == (None, None, None, None)
    # the hash itself is not a token either
    with app.app_context():
        stored = db.session.get(Survey, survey_id).token_hash
    assert public(anon, stored, GOOD).status_code == 404


def test_answers_out_of_range_are_refused_naming_the_field(app, api_as, anon):
    desk = api_as("dispatcher")
    survey_id, token = link_survey(desk, make_order(app))
    cases = [({**GOOD, "overall": 7}, {"answers.overall"}),
             ({**GOOD, "overall": 0}, {"answers.overall"}),
             ({**GOOD, "overall": "five"}, {"answers.overall"}),
             ({**GOOD, "overall": True}, {"answers.overall"}),
             ({**GOOD, "safety": "maybe"}, {"answers.safety"}),
             ({**GOOD, "comment": "长" * 1001}, {"answers.comment"}),
             ({**GOOD, "colour": "red"}, {"answers.colour"}),
             ({k: v for k, v in GOOD.items() if k != "overall"}, {"answers.overall"})]
    for answers, expected in cases:
        resp = public(anon, token, answers)
        assert resp.status_code == 422, (answers, resp.get_json())
        assert fields_of(resp) == expected, answers
    assert public(anon, token, {}).status_code == 422
    resp = anon.post(f"{BASE}/public/{token}", json={"answers": "5"})
    assert resp.status_code == 422 and "answers" in fields_of(resp)
    resp = anon.post(f"{BASE}/public/{token}", json={"answers": GOOD, "extra": 1})
    assert resp.status_code == 422 and "extra" in fields_of(resp)
    assert answered(app, survey_id) == (None, None, None, None)
    assert public(anon, token, GOOD).status_code == 200  # still open after the refusals


def test_a_dissatisfied_answer_opens_a_complaint_and_tells_the_dispatcher(app, api_as, anon):
    desk = api_as("dispatcher")
    order = make_order(app)
    customer, worker = order_of(app, order)
    survey_id, token = link_survey(desk, order)
    resp = public(anon, token, UNHAPPY)
    assert resp.status_code == 200 and resp.get_json()["dissatisfied"] is True
    with app.app_context():
        s = db.session.get(Survey, survey_id)
        c = db.session.get(Complaint, s.complaint_id)
        assert s.dissatisfied is True and s.score == 2
        assert (c.channel, c.survey_id, c.customer_id, c.order_id, c.worker_id) == (
            "survey", survey_id, customer, order, worker)
        assert c.category_code == "quality" and c.state == "open"
        assert "总体" in c.summary and c.details == "孩子老哭"
        dispatcher = db.session.scalar(sa.text("SELECT dispatcher_id FROM orders WHERE id=:i"),
                                       {"i": order})
        assert c.owner_id == dispatcher
        note = db.session.scalar(sa.select(Notification).where(
            Notification.link == f"/complaints/{c.id}"))
        assert note is not None and note.user_id == dispatcher and c.number in note.title_zh
    listed = desk.get(f"{BASE}?dissatisfied=true").get_json()
    assert [r["id"] for r in listed["items"]] == [survey_id]
    assert listed["items"][0]["complaint_number"] == c.number


def test_a_dissatisfied_answer_folds_into_the_open_complaint(app, api_as, anon):
    desk = api_as("dispatcher")
    order = make_order(app)
    customer, _worker = order_of(app, order)
    taken = desk.post("/api/v1/complaints", json={
        "channel": "phone", "category": "attitude", "level": "general",
        "summary": "阿姨态度不好", "order_id": order, "customer_id": customer})
    assert taken.status_code == 201, taken.get_json()
    open_id = taken.get_json()["id"]
    survey_id, token = link_survey(desk, order)
    assert public(anon, token, UNHAPPY).status_code == 200
    assert count(app, Complaint) == 1
    with app.app_context():
        assert db.session.get(Survey, survey_id).complaint_id == open_id
        folded = db.session.scalar(sa.select(ComplaintAction).where(
            ComplaintAction.complaint_id == open_id, ComplaintAction.kind == "folded"))
        assert folded.data["survey_id"] == survey_id and folded.data["channel"] == "survey"


def test_the_dispatcher_fills_it_in_during_a_call_even_after_the_link_expired(app, api_as):
    desk = api_as("dispatcher")
    created = desk.post(BASE, json={"order_id": make_order(app), "channel": "call"})
    assert created.status_code == 201 and created.get_json()["link"] is None
    survey_id = created.get_json()["id"]
    assert count(app, OutboxMessage) == 0  # nothing sent for a call
    expire(app, survey_id)
    bad = desk.post(f"{BASE}/{survey_id}/answers", json={"answers": {**GOOD, "child": 9}})
    assert bad.status_code == 422 and fields_of(bad) == {"answers.child"}
    ok = desk.post(f"{BASE}/{survey_id}/answers", json={"answers": GOOD})
    assert ok.status_code == 200, ok.get_json()
    body = ok.get_json()
    assert body["channel"] == "call" and body["score"] == 5
    again = desk.post(f"{BASE}/{survey_id}/answers", json={"answers": GOOD})
    assert again.status_code == 409 and again.get_json()["code"] == "survey_answered"


def test_a_survey_follow_up_sends_the_link_and_the_end_of_service_score_feeds_the_rating(
        app, anon):
    from core.followups import jobs
    from core.followups.outcomes import worker_rating

    order = make_order(app)
    _customer, worker = order_of(app, order)
    followup = survey_followup(app, order, "service_end")
    with app.app_context():
        f = db.session.get(FollowUp, followup)
        epoch = int(f.due_at.timestamp())
        assert jobs.remind(followup, epoch) == "reminded"
        assert jobs.remind(followup, epoch) == "nothing"  # a second run adds nothing
        f = db.session.get(FollowUp, followup)
        assert (f.state, f.outcome) == ("done", "done")
        s = db.session.scalar(sa.select(Survey).where(Survey.followup_id == followup))
        assert s.moment == "service_end" and s.worker_id == worker
        survey_id = s.id
    assert count(app, Survey) == 1
    token = token_of(app, survey_id)
    assert public(anon, token, {**GOOD, "overall": 4}).status_code == 200
    with app.app_context():
        e = db.session.scalar(sa.select(Evaluation).where(Evaluation.worker_id == worker))
        assert (e.source, e.overall, e.verdict) == ("survey", 4, "satisfied")
        assert worker_rating(worker)["overall"] == 4.0


def test_a_complaint_closed_satisfied_sends_a_survey_on_its_handling(app, api_as):
    desk = api_as("dispatcher")
    order = make_order(app)
    customer, _ = order_of(app, order)
    c = desk.post("/api/v1/complaints", json={
        "channel": "phone", "category": "attitude", "level": "general", "summary": "态度",
        "order_id": order, "customer_id": customer, "contacted": True}).get_json()
    from tests.complaints.test_api import soon

    r = desk.post(f"/api/v1/complaints/{c['id']}/resolutions", json={
        "kind": "apology", "note": "已道歉", "callback_at": soon(), "version": c["version"]})
    assert r.status_code in (200, 201), r.get_json()
    closed = desk.post(f"/api/v1/complaints/{c['id']}/callback", json={
        "verdict": "satisfied", "version": r.get_json()["version"]})
    assert closed.status_code == 200, closed.get_json()
    with app.app_context():
        s = db.session.scalar(sa.select(Survey).where(Survey.complaint_id == c["id"]))
        assert s is not None and s.moment == "complaint_callback"


def test_results_give_csat_and_the_dissatisfied_rate_per_group_with_the_free_text(
        app, api_as, anon):
    desk = api_as("dispatcher")
    orders = [make_order(app) for _ in range(4)]
    for order, answers in zip(orders, (GOOD, GOOD, {**GOOD, "overall": 3, "comment": ""},
                                       UNHAPPY), strict=True):
        _sid, token = link_survey(desk, order)
        assert public(anon, token, answers).status_code == 200
    link_survey(desk, make_order(app))  # unanswered: not counted
    res = desk.get(f"{BASE}/results?by=month")
    assert res.status_code == 200, res.get_json()
    body = res.get_json()
    assert body["total"] == {"answered": 4, "mean_score": 3.75, "csat": 50.0,
                             "dissatisfied_rate": 25.0, "dissatisfied": 1}
    assert len(body["groups"]) == 1
    assert sorted(t["text"] for t in body["texts"]) == ["孩子老哭", "很好，谢谢", "很好，谢谢"]
    for by in ("worker", "line", "dispatcher"):
        groups = desk.get(f"{BASE}/results?by={by}").get_json()["groups"]
        assert sum(g["answered"] for g in groups) == 4, by
        assert all(g["label"] for g in groups), by
    line = desk.get(f"{BASE}/results?by=line").get_json()["groups"]
    assert line[0]["label"] == "育婴师"
    bad = desk.get(f"{BASE}/results?by=customer&month=2026-13")
    assert bad.status_code == 422 and fields_of(bad) == {"by", "month"}


def test_roles_only_the_desk_sees_surveys_and_the_public_link_needs_no_login(
        app, api_as, anon):
    desk = api_as("dispatcher")
    survey_id, token = link_survey(desk, make_order(app))
    for role in ("trainer", "finance", "quality"):
        client = api_as(role)
        for url in (BASE, f"{BASE}/results", f"{BASE}/{survey_id}",
                    f"{BASE}/questionnaires/nanny"):
            assert client.get(url).status_code == 403, (role, url)
        assert client.post(f"{BASE}/{survey_id}/answers",
                           json={"answers": GOOD}).status_code == 403
        assert client.post(BASE, json={"order_id": 1}).status_code == 403
    assert anon.get(BASE).status_code == 401
    assert anon.post(f"{BASE}/{survey_id}/answers", json={"answers": GOOD}).status_code == 401
    assert api_as("supervisor").get(f"{BASE}/results").status_code == 200
    assert anon.get(f"{BASE}/public/{token}").status_code == 200
    assert answered(app, survey_id)[0] is None


def test_a_survey_for_an_unknown_order_is_refused_naming_the_field(app, api_as):
    desk = api_as("dispatcher")
    resp = desk.post(BASE, json={"order_id": 999999})
    assert resp.status_code == 422 and fields_of(resp) == {"order_id"}
    resp = desk.post(BASE, json={"order_id": 1, "channel": "sms"})
    assert resp.status_code == 422 and fields_of(resp) == {"channel"}
    assert count(app, Survey) == 0
