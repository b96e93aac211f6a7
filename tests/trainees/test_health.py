"""Health check (体检): ID cards held, the one-paid-exam rule, pickup list, certificates."""
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


def _batch(api, hospital, day=None):
    resp = api.post("/api/v1/exam-batches", json={
        "exam_date": (day or today()).isoformat(), "hospital_id": hospital})
    assert resp.status_code == 201, resp.get_json()
    return resp.get_json()["id"]


def _book(api, batch, tid, **extra):
    body = {"trainee_id": tid, "details_confirmed": True, "id_card_collected": True}
    body.update(extra)
    return api.post(f"/api/v1/exam-batches/{batch}/bookings", json=body)


def test_booking_needs_details_confirmed_and_the_original_id_card(api_as):
    api = api_as("dispatcher")
    import_sample(api)
    tid = trainee_by_name(api, "王秀英")["id"]
    batch = _batch(api, partner(api, "exam_hospital"))
    resp = _book(api, batch, tid, details_confirmed=False)
    assert resp.status_code == 409 and resp.get_json()["code"] == "details_not_confirmed"
    resp = _book(api, batch, tid, id_card_collected=False)
    assert resp.status_code == 409
    assert resp.get_json()["message"]["zh"] == "尚未收取她的身份证原件。"
    assert _book(api, batch, tid).status_code == 201
    assert api.get(f"/api/v1/trainees/{tid}").get_json()["stage"] == "exam_booked"
    cards = api.get("/api/v1/trainees/id-cards").get_json()
    assert [(c["trainee_name"], c["holder"]) for c in cards] == [("王秀英", "dispatcher user")]


def test_the_batch_hospital_must_be_an_exam_hospital(api_as):
    api = api_as("trainer")
    resp = api.post("/api/v1/exam-batches", json={
        "exam_date": today().isoformat(), "hospital_id": partner(api, "photo_studio")})
    assert resp.status_code == 422
    assert resp.get_json()["fields"]["partner_id"][0]["zh"] == "该合作方不是体检医院。"


def test_id_card_is_returned_to_her_and_no_longer_held(api_as):
    api = api_as("trainer")
    import_sample(api)
    tid = trainee_by_name(api, "李桂兰")["id"]
    assert api.post(f"/api/v1/trainees/{tid}/id-card",
                    json={"holder_id": 999999}).status_code == 422
    assert api.post(f"/api/v1/trainees/{tid}/id-card", json={}).status_code == 201
    assert api.post(f"/api/v1/trainees/{tid}/id-card", json={}).status_code == 409
    resp = api.post(f"/api/v1/trainees/{tid}/id-card/return", json={"returned_to": "本人"})
    assert resp.status_code == 200 and resp.get_json()["returned_to"] == "本人"
    assert api.get("/api/v1/trainees/id-cards").get_json() == []
    assert api.post(f"/api/v1/trainees/{tid}/id-card/return",
                    json={"returned_to": "本人"}).status_code == 409


def test_a_no_show_loses_the_company_paid_place(api_as):
    api = api_as("dispatcher")
    import_sample(api)
    tid = trainee_by_name(api, "张淑珍")["id"]
    hospital = partner(api, "exam_hospital")
    first = _batch(api, hospital)
    assert _book(api, first, tid).status_code == 201
    resp = api.post(f"/api/v1/exam-batches/{first}/attendance",
                    json={"trainee_id": tid, "attended": False})
    assert resp.status_code == 200 and resp.get_json()["attendance"] == "no_show"
    assert api.get(f"/api/v1/trainees/{tid}").get_json()["stage"] == "registered"
    second = _batch(api, hospital)
    resp = _book(api, second, tid)
    assert resp.status_code == 409
    body = resp.get_json()
    assert body["code"] == "paid_exam_used"
    assert "未到检" in body["message"]["zh"] and "did not attend" in body["message"]["en"]
    resp = _book(api, second, tid, payment="self")
    assert resp.status_code == 201 and resp.get_json()["payment"] == "self"


def test_a_supervisor_exception_allows_one_more_company_paid_exam(api_as):
    api = api_as("dispatcher")
    import_sample(api)
    tid = trainee_by_name(api, "刘玉梅")["id"]
    hospital = partner(api, "exam_hospital")
    first = _batch(api, hospital)
    _book(api, first, tid)
    api.post(f"/api/v1/exam-batches/{first}/attendance", json={"trainee_id": tid,
                                                                "attended": False})
    assert api.post(f"/api/v1/trainees/{tid}/exam-exceptions",
                    json={"reason": "家中急事"}).status_code == 403
    resp = api_as("supervisor").post(f"/api/v1/trainees/{tid}/exam-exceptions",
                                     json={"reason": "家中急事，主管同意再约一次"})
    assert resp.status_code == 201
    exception = resp.get_json()
    assert exception["granted_by"] == "supervisor user" and exception["granted_at"]
    second = _batch(api, hospital)
    resp = _book(api, second, tid)
    assert resp.status_code == 201 and resp.get_json()["exception_id"] == exception["id"]
    api.post(f"/api/v1/exam-batches/{second}/attendance", json={"trainee_id": tid,
                                                                 "attended": False})
    third = _batch(api, hospital)
    assert _book(api, third, tid).status_code == 409  # the exception was used


def test_attendance_cannot_be_recorded_before_the_exam_or_twice(api_as):
    api = api_as("trainer")
    import_sample(api)
    tid = trainee_by_name(api, "陈丽娟")["id"]
    batch = _batch(api, partner(api, "exam_hospital"), today() + dt.timedelta(days=3))
    _book(api, batch, tid)
    resp = api.post(f"/api/v1/exam-batches/{batch}/attendance", json={"trainee_id": tid,
                                                                      "attended": True})
    assert resp.status_code == 409 and resp.get_json()["code"] == "exam_date_not_reached"
    assert _book(api, _batch(api, partner(api, "exam_hospital", "b")), tid).status_code == 409
    assert api.delete(f"/api/v1/exam-batches/{batch}/bookings/{tid}").status_code == 204
    assert api.get(f"/api/v1/trainees/{tid}").get_json()["stage"] == "registered"


def test_certificate_received_then_handed_over_are_two_events(api_as):
    api = api_as("trainer")
    import_sample(api)
    tid = trainee_by_name(api, "杨红霞")["id"]
    resp = api.post(f"/api/v1/trainees/{tid}/health-certificate", json={
        "number": "JK1", "issued_on": "2026-11-01", "expires_on": "2027-11-01"})
    assert resp.status_code == 409  # no attended exam
    examine(api, tid)
    resp = api.post(f"/api/v1/trainees/{tid}/health-certificate", json={
        "number": "JK1", "issued_on": "2026-11-01", "expires_on": "2026-10-01"})
    assert resp.status_code == 422 and "expires_on" in resp.get_json()["fields"]
    certify_health(api, tid, "JK-778")
    detail = api.get(f"/api/v1/trainees/{tid}").get_json()
    assert detail["stage"] == "health_certified"
    assert detail["certificate"]["state"] == "received"
    assert detail["certificate"]["handed_over_at"] is None
    resp = api.post(f"/api/v1/trainees/{tid}/health-certificate/handover")
    assert resp.status_code == 200 and resp.get_json()["state"] == "handed_over"
    assert api.post(f"/api/v1/trainees/{tid}/health-certificate/handover").status_code == 409


def test_pickup_list_shows_due_today_and_overdue_across_national_day(app, api_as):
    from core.trainees import health
    from core.trainees.models import Trainee

    api = api_as("trainer")
    import_sample(api)
    hospital = partner(api, "exam_hospital")
    with app.app_context():
        batch = health.create_batch(D(2026, 9, 30), hospital)
        trainee = db.session.scalars(db.select(Trainee).where(Trainee.name == "赵春燕")).one()
        health.book(batch, trainee, details_confirmed=True, id_card_collected=True,
                    today=D(2026, 9, 28))
        health.record_attendance(batch, trainee, True, today=D(2026, 9, 30))
        db.session.commit()
        assert health.pickups(today=D(2026, 10, 9)) == []
        upcoming = health.pickups(today=D(2026, 10, 9), upcoming=True)
        assert [(p["pickup_date"], p["status"]) for p in upcoming] == [
            (D(2026, 10, 12), "upcoming")]
        assert [p["status"] for p in health.pickups(today=D(2026, 10, 12))] == ["due_today"]
        assert [p["status"] for p in health.pickups(today=D(2026, 10, 14))] == ["overdue"]
    items = api.get("/api/v1/exam-batches/pickups").get_json()
    assert items[0]["trainee"]["name"] == "赵春燕" and items[0]["pickup_date"] == "2026-10-12"
    batch_json = api.get("/api/v1/exam-batches").get_json()[0]
    assert batch_json["pickup_date"] == "2026-10-12" and batch_json["pickup_date_official"]
