"""Internship check-ins (实习跟踪) run on the follow-up engine: planned every two days from
the start, re-planned when the period changes, cancelled at completion or abandonment;
a check-in is the (idempotent) outcome of a follow-up; the trainer sees them in her queue."""
import datetime as dt

import pytest
import sqlalchemy as sa

from core.extensions import db
from tests.trainees.helpers import certify_health, examine, import_sample, partner, trainee_by_name

D = dt.date


def _accepted(api, name: str = "吴海燕") -> int:
    import_sample(api)
    tid = trainee_by_name(api, name)["id"]
    examine(api, tid)
    certify_health(api, tid)
    hospital = partner(api, "internship_hospital", "爱维尔")
    iid = api.post("/api/v1/internships", json={"trainee_id": tid, "hospital_id": hospital,
                                                "willing": True}).get_json()["id"]
    assert api.post(f"/api/v1/internships/{iid}/training", json={
        "trained_on": "2026-02-20", "notes": "母婴护理加训"}).status_code == 200
    assert api.post(f"/api/v1/internships/{iid}/interview", json={
        "interview_on": "2026-02-25", "accepted": True}).status_code == 200
    return iid


def _interning(api, start="2026-03-02", end="2026-03-10") -> int:
    iid = _accepted(api)
    resp = api.post(f"/api/v1/internships/{iid}/start", json={"start_on": start, "end_on": end})
    assert resp.status_code == 200, resp.get_json()
    return iid


def _followups(app, iid):
    from core.followups.models import FollowUp
    from core.timeutil import SHANGHAI

    with app.app_context():
        rows = db.session.scalars(sa.select(FollowUp).where(FollowUp.internship_id == iid)
                                  .order_by(FollowUp.due_at, FollowUp.id)).all()
        return [(f.due_at.astimezone(SHANGHAI).strftime("%Y-%m-%d %H:%M"), f.state, f.kind,
                 f.service_line, f.order_id, f.assignee_id, f.cancel_reason) for f in rows]


def test_starting_an_internship_plans_a_check_in_follow_up_every_two_days_to_its_end(app,
                                                                                     api_as):
    api = api_as("trainer")
    iid = _interning(api)
    rows = _followups(app, iid)
    # start 03-02, end 03-10: two days after the start, then every two days, the end
    # day included when the count lands on it
    assert [r[0] for r in rows] == ["2026-03-04 10:00", "2026-03-06 10:00",
                                    "2026-03-08 10:00", "2026-03-10 10:00"]
    with app.app_context():
        from core.accounts.models import User

        trainer_id = db.session.scalar(sa.select(User.id).where(User.username == "trainer1"))
    assert {r[1:] for r in rows} == {("pending", "phone", "internship", None, trainer_id,
                                      None)}
    body = api.get(f"/api/v1/internships/{iid}").get_json()
    assert body["next_check_in"] == "2026-03-04"
    assert [p["due_on"] for p in body["planned_check_ins"]] == [
        "2026-03-04", "2026-03-06", "2026-03-08", "2026-03-10"]
    with app.app_context():
        from core.followups.models import FollowUp

        script = db.session.scalars(sa.select(FollowUp.script_zh).where(
            FollowUp.internship_id == iid)).first()
    assert script == "实习情况回访：适应情况、医院评价、有无困难"


def test_an_odd_length_period_ends_with_the_last_even_day_inside_it(app, api_as):
    from core.followups.internships import plan

    assert [p.due_at.date() for p in plan(D(2026, 3, 2), D(2026, 3, 9))] == [
        D(2026, 3, 4), D(2026, 3, 6), D(2026, 3, 8)]
    assert plan(D(2026, 3, 2), D(2026, 3, 3)) == []


def test_a_check_in_closes_the_follow_up_due_first_and_sending_it_twice_changes_nothing(
        app, api_as):
    from core.followups.models import FollowUpOutcome
    from core.trainees import internship

    api = api_as("trainer")
    iid = _interning(api)
    first = api.post(f"/api/v1/internships/{iid}/check-ins", json={
        "on": "2026-03-04", "channel": "message", "note": "适应良好"})
    assert first.status_code == 201 and first.get_json()["replayed"] is False
    again = api.post(f"/api/v1/internships/{iid}/check-ins", json={
        "on": "2026-03-04", "channel": "message", "note": "适应良好"})
    assert again.status_code == 201 and again.get_json()["replayed"] is True
    assert again.get_json()["followup_id"] == first.get_json()["followup_id"]
    rows = _followups(app, iid)
    assert [r[1] for r in rows] == ["done", "pending", "pending", "pending"]
    assert rows[0][2] == "wechat"  # a message check-in is recorded as WeChat
    body = api.get(f"/api/v1/internships/{iid}").get_json()
    assert body["next_check_in"] == "2026-03-06"
    assert [(c["on"], c["channel"], c["note"]) for c in body["check_ins"]] == [
        ("2026-03-04", "message", "适应良好")]
    with app.app_context():
        assert db.session.scalar(sa.select(sa.func.count()).select_from(FollowUpOutcome)) == 1
        due = internship.check_ins_due(today=D(2026, 3, 8))
        assert [(d["due_on"], d["status"]) for d in due] == [(D(2026, 3, 6), "overdue")]
        assert internship.check_ins_due(today=D(2026, 3, 5)) == []
    listed = api.get("/api/v1/internships/check-ins-due").get_json()
    assert listed[0]["internship_id"] == iid and listed[0]["due_on"] == "2026-03-06"


def test_changing_the_period_replans_the_pending_check_ins_and_keeps_the_done_ones(app,
                                                                                   api_as):
    api = api_as("trainer")
    iid = _interning(api)
    assert api.post(f"/api/v1/internships/{iid}/check-ins", json={
        "on": "2026-03-04", "channel": "phone"}).status_code == 201
    version = api.get(f"/api/v1/internships/{iid}").get_json()["version"]
    assert api.post(f"/api/v1/internships/{iid}/period", json={
        "start_on": "2026-03-02", "end_on": "2026-03-07", "version": version - 1}
    ).status_code == 409
    resp = api.post(f"/api/v1/internships/{iid}/period", json={
        "start_on": "2026-03-03", "end_on": "2026-03-12", "version": version})
    assert resp.status_code == 200, resp.get_json()
    rows = _followups(app, iid)
    live = [(r[0][:10], r[1]) for r in rows if r[1] != "cancelled"]
    # the first (done, 03-04) stays; the rest move to 03-07, 03-09, 03-11 (start 03-03)
    assert live == [("2026-03-04", "done"), ("2026-03-07", "pending"),
                    ("2026-03-09", "pending"), ("2026-03-11", "pending")]
    resp = api.post(f"/api/v1/internships/{iid}/period", json={
        "start_on": "2026-03-03", "end_on": "2026-03-08", "version": version + 1})
    assert resp.status_code == 200
    rows = _followups(app, iid)
    assert [(r[0][:10], r[1], r[6]) for r in rows] == [
        ("2026-03-04", "done", None), ("2026-03-07", "pending", None),
        ("2026-03-09", "cancelled", "replanned"), ("2026-03-11", "cancelled", "replanned")]


@pytest.mark.parametrize("step,body", [
    ("complete", {"completed_on": "2026-03-07"}),
    ("abandon", {"on": "2026-03-05", "note": "家中有事"}),
])
def test_completing_or_abandoning_cancels_the_pending_check_ins(app, api_as, step, body):
    api = api_as("trainer")
    iid = _interning(api)
    assert api.post(f"/api/v1/internships/{iid}/check-ins", json={
        "on": "2026-03-04", "channel": "phone"}).status_code == 201
    resp = api.post(f"/api/v1/internships/{iid}/{step}", json=body)
    assert resp.status_code == 200, resp.get_json()
    rows = _followups(app, iid)
    assert [(r[1], r[6]) for r in rows] == [("done", None)] + [
        ("cancelled", "internship_ended")] * 3
    got = api.get(f"/api/v1/internships/{iid}").get_json()
    assert got["next_check_in"] is None
    assert got["status"] == ("completed" if step == "complete" else "abandoned")
    resp = api.post(f"/api/v1/internships/{iid}/check-ins", json={
        "on": "2026-03-06", "channel": "phone"})
    assert resp.status_code == 409 and resp.get_json()["code"] == "not_interning"


def test_internship_check_ins_are_in_the_follow_up_queue_of_the_trainer_and_the_desk(app,
                                                                                     api_as):
    trainer = api_as("trainer")
    iid = _interning(trainer)
    mine = trainer.get("/api/v1/followups", query_string={"bucket": "overdue"}).get_json()
    assert [i["internship_id"] for i in mine["items"]] == [iid] * 4
    desk = api_as("supervisor")
    lined = desk.get("/api/v1/followups", query_string={
        "bucket": "overdue", "service_line": "internship"}).get_json()
    assert len(lined["items"]) == 4 and all(i["order_id"] is None for i in lined["items"])
    assert desk.get("/api/v1/followups", query_string={
        "bucket": "overdue", "service_line": "maternity"}).get_json()["items"] == []
    first = mine["items"][0]
    resp = trainer.post(f"/api/v1/followups/{first['id']}/outcomes",
                        json={"outcome": "done", "version": first["version"]})
    assert resp.status_code == 200, resp.get_json()
    again = trainer.post(f"/api/v1/followups/{first['id']}/outcomes",
                         json={"outcome": "done", "version": first["version"]})
    assert again.status_code == 200 and again.get_json()["replayed"] is True
    resp = trainer.post(f"/api/v1/followups/{mine['items'][1]['id']}/outcomes",
                        json={"outcome": "satisfied", "version": 1})
    assert resp.status_code == 422  # a check-in is done / unreachable / rescheduled
    assert trainer.get(f"/api/v1/internships/{iid}").get_json()["next_check_in"] == \
        "2026-03-06"


def test_the_trainer_queue_page_and_the_internship_page_show_the_engine_check_ins(app, api_as,
                                                                                  web_as):
    from core.accounts.models import User
    from core.trainees.models import Internship

    api = api_as("trainer")
    iid = _interning(api)
    web = web_as("trainer", "t-web")
    with app.app_context():  # hand the check-ins to the web trainer
        uid = db.session.scalar(sa.select(User.id).where(User.username == "t-web"))
        db.session.get(Internship, iid).chosen_by_id = uid
        from core.followups.internships import sync_internship
        from core.followups.models import FollowUp

        db.session.execute(sa.update(FollowUp).where(FollowUp.internship_id == iid)
                           .values(assignee_id=uid))
        sync_internship(db.session.get(Internship, iid))
        db.session.commit()
    page = web.get("/followups/?bucket=today").get_data(as_text=True)
    assert f"#internship-{iid}" in page and "实习跟踪回访（第1次）" in page
    assert "实习情况回访：适应情况、医院评价、有无困难" in page
    page = web.get("/trainees/internships").get_data(as_text=True)
    assert 'class="muted check-ins-planned"' in page and "03-04" in page and "03-10" in page


def test_a_follow_up_belongs_to_exactly_one_order_or_internship(app):
    from sqlalchemy.exc import IntegrityError

    from core.followups.models import FollowUp
    from core.timeutil import utcnow

    with app.app_context():
        now = utcnow()
        db.session.add(FollowUp(service_line="internship", rule_code="x", anchor_key="y",
                                kind="phone", title_zh="t", title_en="t", planned_at=now,
                                due_at=now, state="pending", attempts=0, version=1))
        with pytest.raises(IntegrityError):
            db.session.flush()
        db.session.rollback()
