"""The pipeline board, group interviews and the hospital internship with its check-ins."""
import datetime as dt

from core.extensions import db
from tests.trainees.helpers import (
    certify_health,
    examine,
    import_sample,
    partner,
    today,
    trainee_by_name,
)

D = dt.date


def test_board_counts_every_stage_and_shows_who_is_stuck(app, api_as):
    from core.trainees import board, health
    from core.trainees.models import Trainee

    api = api_as("trainer")
    import_sample(api)
    tid = trainee_by_name(api, "王秀英")["id"]
    examine(api, tid)
    certify_health(api, tid)
    hospital = partner(api, "exam_hospital", "医院B")
    with app.app_context():
        late = db.session.scalars(db.select(Trainee).where(Trainee.name == "李桂兰")).one()
        batch = health.create_batch(D(2026, 9, 30), hospital)
        health.book(batch, late, details_confirmed=True, id_card_collected=True,
                    today=D(2026, 9, 29))
        db.session.commit()
        result = board.board(today=D(2026, 10, 14))
        stuck = {s["trainee"].name: s["reasons"] for s in result["stuck"]}
    assert stuck["李桂兰"] == ["booked_not_attended"]
    assert stuck["王秀英"] == ["not_handed_over"]
    body = api.get("/api/v1/trainees/board").get_json()
    counts = {c["code"]: c["count"] for c in body["columns"]}
    assert counts["registered"] == 24 and counts["health_certified"] == 1
    assert counts["exam_booked"] == 1 and sum(counts.values()) == 26
    reasons = {s["trainee"]["name"]: s["reasons"] for s in body["stuck"]}
    assert reasons["王秀英"][0]["zh"] == "健康证已领回，未发放"


def test_group_interview_records_attendees_and_outcomes(api_as):
    api = api_as("dispatcher")
    import_sample(api)
    tid = trainee_by_name(api, "周晓燕")["id"]
    company = partner(api, "domestic_company", "家政公司C")
    resp = api.post("/api/v1/group-interviews", json={
        "partner_id": company, "held_on": today().isoformat(), "place": "公司会议室"})
    assert resp.status_code == 201
    iid = resp.get_json()["id"]
    assert api.post(f"/api/v1/group-interviews/{iid}/attendees",
                    json={"trainee_id": tid}).status_code == 201
    assert api.post(f"/api/v1/group-interviews/{iid}/attendees",
                    json={"trainee_id": tid}).status_code == 409
    resp = api.post(f"/api/v1/group-interviews/{iid}/outcomes",
                    json={"trainee_id": tid, "outcome": "selected", "note": "月嫂岗"})
    assert resp.status_code == 200 and resp.get_json()["outcome"] == "selected"
    resp = api.post(f"/api/v1/group-interviews/{iid}/outcomes",
                    json={"trainee_id": tid, "outcome": "maybe"})
    assert resp.status_code == 422 and resp.get_json()["fields"]["outcome"][0]["zh"]
    assert api.post("/api/v1/group-interviews", json={
        "partner_id": partner(api, "exam_hospital"), "held_on": "2026-11-01"}
    ).status_code == 422


def test_internship_from_choice_to_placement_with_two_day_check_ins(app, api_as):
    from core.trainees import internship

    api = api_as("trainer")
    import_sample(api)
    tid = trainee_by_name(api, "吴海燕")["id"]
    hospital = partner(api, "internship_hospital", "爱维尔")
    resp = api.post("/api/v1/internships", json={"trainee_id": tid, "hospital_id": hospital,
                                                 "willing": True})
    assert resp.status_code == 409 and resp.get_json()["code"] == "no_valid_health_certificate"
    examine(api, tid)
    certify_health(api, tid)
    resp = api.post("/api/v1/internships", json={"trainee_id": tid, "hospital_id": hospital,
                                                 "willing": False})
    assert resp.status_code == 409 and resp.get_json()["code"] == "not_willing"
    iid = api.post("/api/v1/internships", json={"trainee_id": tid, "hospital_id": hospital,
                                                "willing": True}).get_json()["id"]
    resp = api.post(f"/api/v1/internships/{iid}/start", json={"start_on": "2026-11-02",
                                                               "end_on": "2026-11-30"})
    assert resp.status_code == 409 and "当前为“已选定”" in resp.get_json()["message"]["zh"]
    assert api.post(f"/api/v1/internships/{iid}/training", json={
        "trained_on": "2026-10-28", "notes": "母婴护理加训"}).status_code == 200
    assert api.post(f"/api/v1/internships/{iid}/interview", json={
        "interview_on": "2026-10-30", "accepted": True}).status_code == 200
    start = api.post(f"/api/v1/internships/{iid}/start", json={
        "start_on": "2026-11-02", "end_on": "2026-11-30"}).get_json()
    assert start["status"] == "interning" and start["next_check_in"] == "2026-11-04"
    # the check-ins are the follow-up engine's: every two days from the start to the end
    assert [p["due_on"] for p in start["planned_check_ins"]] == [
        f"2026-11-{d:02d}" for d in range(4, 31, 2)]
    assert {p["state"] for p in start["planned_check_ins"]} == {"pending"}
    with app.app_context():
        due = internship.check_ins_due(today=D(2026, 11, 4))
        assert [(d["trainee"].name, d["status"]) for d in due] == [("吴海燕", "due_today")]
        assert internship.check_ins_due(today=D(2026, 11, 3)) == []
    assert api.post(f"/api/v1/internships/{iid}/check-ins", json={
        "on": "2026-11-04", "channel": "phone", "note": "适应良好"}).status_code == 201
    got = api.get(f"/api/v1/internships/{iid}").get_json()
    assert got["next_check_in"] == "2026-11-06"
    assert got["planned_check_ins"][0]["state"] == "done"
    with app.app_context():
        assert internship.check_ins_due(today=D(2026, 11, 5)) == []
        assert internship.check_ins_due(today=D(2026, 11, 8))[0]["status"] == "overdue"
    assert api.post(f"/api/v1/internships/{iid}/complete", json={
        "completed_on": "2026-11-30"}).status_code == 200
    states = [p["state"] for p in api.get(f"/api/v1/internships/{iid}").get_json()[
        "planned_check_ins"]]
    assert states == ["done"] + ["cancelled"] * 13
    done = api.post(f"/api/v1/internships/{iid}/placement", json={
        "placement": "爱维尔医院月子病房", "placed_on": "2026-12-01"}).get_json()
    assert done["status"] == "placed" and done["placement"] == "爱维尔医院月子病房"


def test_field_errors_are_422_in_chinese_and_english(api_as):
    resp = api_as("trainer").post("/api/v1/exam-batches", json={"exam_date": "next week",
                                                                "hospital_id": 1, "x": 1})
    assert resp.status_code == 422
    fields = resp.get_json()["fields"]
    assert fields["exam_date"][0] == {"zh": "不是有效的日期（格式 YYYY-MM-DD）。",
                                      "en": "Not a valid date."}
    assert fields["x"][0]["zh"] == "不认识的字段。"
