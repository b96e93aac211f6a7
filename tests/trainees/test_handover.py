"""The 16:00 registration hand-over as a daily task of the desk (004): due at 16:00 on a
working day of the official calendar, done by importing the day's sheet (or by the
desk's note that none came), a reminder to the desk at 17:00 when neither happened —
an rq job that re-arms itself — and the task on the home page."""
from __future__ import annotations

import datetime as dt

import sqlalchemy as sa

from core.extensions import db
from core.queue import connection, queue
from core.runner import BurstWorker
from core.timeutil import SHANGHAI, business_today
from core.trainees import handover
from tests.conftest import csrf_from, make_user

from .helpers import import_sample

MONDAY = dt.date(2026, 12, 7)       # a working day
SUNDAY = dt.date(2026, 12, 6)       # a weekend
NATIONAL_DAY = dt.date(2026, 10, 1)  # a public holiday on a Thursday


def at(day: dt.date, hm: str) -> dt.datetime:
    h, m = map(int, hm.split(":"))
    return dt.datetime.combine(day, dt.time(h, m), tzinfo=SHANGHAI)


def _messages(app, key_prefix: str):
    from core.followups.models import OutboxMessage

    with app.app_context():
        return list(db.session.scalars(sa.select(OutboxMessage.recipient_id).where(
            OutboxMessage.dedupe_key.like(f"{key_prefix}%"))))


def test_the_task_is_due_at_16_and_overdue_after_17_on_working_days_only(app):
    with app.app_context():
        states = [handover.status(at(MONDAY, hm))["state"]
                  for hm in ("09:00", "15:59", "16:00", "16:59", "17:00", "21:00")]
        assert states == ["waiting", "waiting", "due", "due", "overdue", "overdue"]
        assert handover.status(at(SUNDAY, "17:30"))["state"] == "off"
        assert handover.status(at(NATIONAL_DAY, "17:30"))["state"] == "off"


def test_at_17_the_desk_is_reminded_once_and_not_when_the_sheet_came(app):
    desk = make_user(app, "dispatcher", "d1")
    boss = make_user(app, "supervisor", "s1")
    make_user(app, "trainer", "t1")
    with app.app_context():
        assert handover.remind(at(MONDAY, "16:30"))["reminded"] == 0  # not yet 17:00
        first = handover.remind(at(MONDAY, "17:01"))
        assert first["state"] == "overdue" and first["reminded"] == 2
        handover.remind(at(MONDAY, "18:00"))  # the job ran twice: one message each
    assert sorted(_messages(app, f"trainee-handover:{MONDAY}")) == sorted([desk, boss])
    with app.app_context():
        handover.sheet_imported("sheet.xlsx", 3, day=SUNDAY + dt.timedelta(days=2))
        db.session.commit()
        tuesday = handover.remind(at(SUNDAY + dt.timedelta(days=2), "17:30"))
        assert tuesday["state"] == "done" and tuesday["reminded"] == 0
        assert handover.remind(at(SUNDAY, "17:30"))["state"] == "off"


def test_importing_the_days_sheet_does_the_task(api_as):
    trainer = api_as("trainer")
    before = trainer.get("/api/v1/trainees/handovers/today").get_json()
    assert before["state"] != "done" and before["handover"] is None
    import_sample(trainer)
    today = trainer.get("/api/v1/trainees/handovers/today").get_json()
    assert today["state"] == "done" and today["day"] == business_today().isoformat()
    assert today["handover"]["kind"] == "sheet" and today["handover"]["created_count"] > 0
    import_sample(trainer)  # again: nothing new, still one hand-over, two imports
    listed = trainer.get("/api/v1/trainees/handovers").get_json()
    assert listed["total"] == 1 and listed["items"][0]["imports"] == 2


def test_the_desk_records_a_day_without_a_sheet_with_the_reason(api_as):
    desk = api_as("dispatcher")
    url = "/api/v1/trainees/handovers/none"
    missing = desk.post(url, json={"note": ""})
    assert missing.status_code == 422 and "note" in missing.get_json()["fields"]
    future = desk.post(url, json={"note": "没有新学员",
                                  "day": (business_today() + dt.timedelta(days=2)).isoformat()})
    assert future.status_code == 422 and future.get_json()["fields"]["day"][0]["zh"]
    ok = desk.post(url, json={"note": "今天没有新学员"})
    assert ok.status_code == 201 and ok.get_json()["kind"] == "none"
    again = desk.post(url, json={"note": "再次"})
    assert again.status_code == 409 and again.get_json()["code"] == "handover_recorded"
    assert api_as("trainer").post(url, json={"note": "x"}).status_code == 403
    assert desk.get("/api/v1/trainees/handovers/today").get_json()["state"] == "done"
    bad = desk.get("/api/v1/trainees/handovers?since=monday")
    assert bad.status_code == 422 and "since" in bad.get_json()["fields"]


def test_the_reminder_job_runs_on_rq_and_arms_the_next_17_00(app):
    assert handover.next_run(at(MONDAY, "16:00")) == at(MONDAY, "17:00")
    assert handover.next_run(at(MONDAY, "17:00")) == at(MONDAY + dt.timedelta(days=1), "17:00")
    with app.app_context():
        q = queue()
        q.empty()
        job = q.enqueue(handover.reminder_job)
        BurstWorker([q], connection=connection()).work(burst=True)
        assert job.return_value()["day"] == business_today().isoformat()
        assert (f"trainees-handover-reminder-{handover.next_run():%Y%m%d}"
                in q.scheduled_job_registry.get_job_ids())
    from core.runner import PERIODIC

    assert handover.arm_daily_reminder in PERIODIC


def test_the_home_page_and_the_trainee_page_show_the_task(app, web_as, monkeypatch):
    monkeypatch.setattr(handover, "clock", lambda: at(MONDAY, "17:30"))
    client = web_as("dispatcher")
    home = client.get("/").get_data(as_text=True)
    assert 'id="tile-registration-handover"' in home and "逾期未导入" in home
    page = client.get("/trainees/").get_data(as_text=True)
    assert 'data-state="overdue"' in page and "17:00 已过" in page
    resp = client.post("/trainees/handover/none", data={
        "csrf_token": csrf_from(client, "/trainees/"), "note": "今天没有新学员"})
    assert resp.status_code == 302
    page = client.get("/trainees/").get_data(as_text=True)
    assert 'data-state="done"' in page and "今天没有新学员" in page
    assert "今日学员登记表" not in web_as("finance").get("/").get_data(as_text=True)
    monkeypatch.setattr(handover, "clock", lambda: at(SUNDAY, "17:30"))
    assert "今日学员登记表" not in client.get("/").get_data(as_text=True)  # no task on Sundays
