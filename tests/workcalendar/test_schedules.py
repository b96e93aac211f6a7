"""An administrator's schedule for a year no package carries (2027): versioned, audited,
honoured by the one calendar, and re-computing the future dates derived from it."""
from __future__ import annotations

import datetime as dt

import sqlalchemy as sa

from core import workcalendar
from core.audit.models import AuditEvent
from core.extensions import db
from core.trainees.pickup import pickup_date
from core.workcalendar.service import missing_schedule_warning
from tests.conftest import login_session
from tests.followups.helpers import followups, make_order, move, user
from tests.trainees.helpers import partner

D = dt.date

#: a plausible 2027 schedule: 春节 from 02-06 (not the eve), 02-07 (Sun) worked after it
SCHEDULE_2027 = {
    "note": "国办发明电〔2026〕测试号",
    "days_off": [{"date": "2027-01-01", "holiday": "元旦"},
                 {"date": "2027-01-04", "holiday": "New Year's Day"},
                 *({"date": f"2027-02-{d:02d}", "holiday": "春节"} for d in range(6, 13)),
                 {"date": "2027-10-01", "holiday": "国庆节"}],
    "make_up_days": ["2027-02-14"],
}


def test_admin_enters_2027_and_the_calendar_honours_it(app, api_as):
    admin = api_as("admin")
    resp = admin.post("/api/v1/calendar/years/2027/schedules", json=SCHEDULE_2027)
    assert resp.status_code == 201, resp.get_json()
    assert resp.get_json()["version"] == 1
    year = admin.get("/api/v1/calendar/years/2027").get_json()
    assert (year["source"], year["official"], year["version"]) == ("admin", True, 1)
    assert year["make_up_days"] == ["2027-02-14"]
    with app.test_request_context():
        assert workcalendar.schedule_known(2027)
        assert not workcalendar.is_working_day(D(2027, 1, 4))
        assert workcalendar.is_working_day(D(2027, 2, 14))  # a Sunday worked
        assert workcalendar.holiday_name(D(2027, 2, 6)) == "春节"
        assert workcalendar.holiday_name(D(2027, 2, 5)) is None  # the eve is worked
        got = pickup_date(D(2026, 12, 31))
        assert got.official and got.date == D(2027, 1, 8)  # 01-01 and 01-04 off
        assert workcalendar.working_days_between(D(2027, 2, 5), D(2027, 2, 15)) == 2
    # outside any app context the packages alone answer: still an estimate
    assert not workcalendar.schedule_known(2027)


def test_a_new_version_wins_and_every_version_is_kept_and_audited(app, api_as):
    admin = api_as("admin")
    url = "/api/v1/calendar/years/2027/schedules"
    assert admin.post(url, json=SCHEDULE_2027).status_code == 201
    second = dict(SCHEDULE_2027, make_up_days=[], note="更正")
    resp = admin.post("/api/v1/calendar/years/2027/schedules", json=second)
    assert resp.status_code == 201 and resp.get_json()["version"] == 2
    year = admin.get("/api/v1/calendar/years/2027").get_json()
    assert year["version"] == 2 and year["make_up_days"] == []
    assert [v["version"] for v in year["versions"]] == [2, 1]
    assert admin.get("/api/v1/calendar/years/2027/schedules/1").get_json()["make_up_days"] == [
        "2027-02-14"]
    with app.app_context():
        assert not workcalendar.is_working_day(D(2027, 2, 14))
        events = db.session.scalars(sa.select(AuditEvent).where(
            AuditEvent.action == "holiday_schedule_saved")).all()
        assert len(events) == 2 and events[0].actor_id is not None


def test_saving_recomputes_future_pickups_and_greetings_and_lists_what_moved(app, api_as):
    admin = api_as("admin")
    hospital = partner(admin, "exam_hospital")
    batch = admin.post("/api/v1/exam-batches", json={"exam_date": "2026-12-31",
                                                     "hospital_id": hospital})
    assert batch.status_code == 201, batch.get_json()
    batch_id = batch.get_json()["id"]
    before = admin.get(f"/api/v1/exam-batches/{batch_id}").get_json()
    assert (before["pickup_date"], before["pickup_date_official"]) == ("2027-01-07", False)
    order_id = make_order(app, "nanny", start="2026-12-01")
    move(app, order_id, "in_service", start_date="2026-12-01")
    greeting = followups(app, order_id)["holiday_greeting@holiday:2027-02-05"]
    assert "估算" in greeting.title_zh

    resp = admin.post("/api/v1/calendar/years/2027/schedules", json=SCHEDULE_2027)
    assert resp.status_code == 201
    moved = resp.get_json()["moved"]
    pickup = [m for m in moved if m["kind"] == "pickup" and m["ref_id"] == batch_id]
    assert [(m["before"], m["after"]) for m in pickup] == [("2027-01-07", "2027-01-08")]
    spring = {m["label"]: m for m in moved if m["kind"] == "greeting" and m["order_id"] == order_id}
    assert any(m["before"] and m["before"].startswith("2027-02-05") and m["after"] is None
               for m in spring.values())
    assert any(m["after"] and m["after"].startswith("2027-02-06") and m["before"] is None
               for m in spring.values())
    after = admin.get(f"/api/v1/exam-batches/{batch_id}").get_json()
    assert (after["pickup_date"], after["pickup_date_official"]) == ("2027-01-08", True)
    now = followups(app, order_id, state="pending")
    assert "holiday_greeting@holiday:2027-02-06" in now
    assert "holiday_greeting@holiday:2027-02-05" not in now
    assert "估算" not in now["holiday_greeting@holiday:2027-02-06"].title_zh


def test_bad_schedules_are_refused_naming_the_field(api_as):
    admin = api_as("admin")
    url = "/api/v1/calendar/years/2027/schedules"
    cases = [
        (dict(SCHEDULE_2027, make_up_days=["2027-02-15"]), "make_up_days.0", "周六或周日"),
        (dict(SCHEDULE_2027, days_off=[{"date": "2027-01-01", "holiday": "圣诞节"}]),
         "days_off.0.holiday", "不认识的节日名称"),
        (dict(SCHEDULE_2027, days_off=[{"date": "2026-12-31", "holiday": "元旦"}]),
         "days_off.0.date", "不在 2027 年内"),
        (dict(SCHEDULE_2027, make_up_days=["2027-01-01"]), "make_up_days.0", "既是放假日"),
    ]
    for body, field, words in cases:
        resp = admin.post(url, json=body)
        assert resp.status_code == 422, body
        fields = resp.get_json()["fields"]
        assert field in fields and words in str(fields[field]), fields
    assert admin.post("/api/v1/calendar/years/2035/schedules", json=SCHEDULE_2027
                      ).status_code == 422
    assert admin.post(url, json=dict(SCHEDULE_2027, days_off=[])).status_code == 422
    assert admin.post(url, json=dict(SCHEDULE_2027, extra=1)).status_code == 422
    assert admin.get("/api/v1/calendar/years/2027").get_json()["versions"] == []


def test_only_an_admin_enters_a_schedule(api_as):
    for role in ("supervisor", "dispatcher", "trainer", "finance"):
        resp = api_as(role).post("/api/v1/calendar/years/2027/schedules", json=SCHEDULE_2027)
        assert resp.status_code == 403, role
        assert api_as(role).get("/api/v1/calendar/years/2027").status_code == 200


def test_a_missing_schedule_is_warned_from_1_october(app):
    with app.app_context():
        assert missing_schedule_warning(D(2026, 9, 30)) is None
        assert missing_schedule_warning(D(2026, 10, 1)) == 2027
        assert missing_schedule_warning(D(2027, 3, 1)) == 2027  # still unknown in the year


def test_the_admins_home_page_warns_and_the_warning_goes_once_entered(app, client, api_as):
    admin_id, disp_id = user(app, "admin"), user(app, "dispatcher")
    login_session(client, disp_id)
    assert 'id="calendar-missing"' not in client.get("/").get_data(as_text=True)
    login_session(client, admin_id)
    page = client.get("/").get_data(as_text=True)
    assert 'id="calendar-missing"' in page and "2027" in page
    assert api_as("admin").post("/api/v1/calendar/years/2027/schedules",
                                json=SCHEDULE_2027).status_code == 201
    assert 'id="calendar-missing"' not in client.get("/").get_data(as_text=True)
