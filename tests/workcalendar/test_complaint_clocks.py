"""When a year's holiday schedule arrives, a complaint clock still running keeps the desk
time it had left, counted anew in the new calendar — and the list of what moved says so.
Clocks already met, breached or paused are left as they are."""
from __future__ import annotations

import datetime as dt

from core.complaints.models import Complaint, ComplaintClock
from core.extensions import db
from core.timeutil import SHANGHAI
from tests.complaints.helpers import complaint_in, make_order, order_of

from .test_schedules import SCHEDULE_2027


def _local(day: str, hm: str) -> dt.datetime:
    return dt.datetime.fromisoformat(f"{day}T{hm}").replace(tzinfo=SHANGHAI)


def test_a_new_schedule_moves_a_running_complaint_deadline_and_lists_it(app, api_as):
    desk, admin = api_as("dispatcher"), api_as("admin")
    order = make_order(app)
    customer, _ = order_of(app, order)
    resp = desk.post("/api/v1/complaints", json=complaint_in(order, customer))
    assert resp.status_code == 201, resp.get_json()
    complaint_id = resp.get_json()["id"]
    with app.app_context():  # its solution clock runs into the first working days of 2027
        c = db.session.get(Complaint, complaint_id)
        clocks = {k.kind: k for k in c.clocks}
        solution, callback = clocks["solution"], clocks["callback"]
        solution.due_at = _local("2027-01-05", "10:00").astimezone(dt.timezone.utc)
        solution.warn_at = _local("2027-01-05", "09:00").astimezone(dt.timezone.utc)
        callback.met_at = callback.due_at  # met: never moves
        met_due = callback.due_at
        solution_id, callback_id = solution.id, callback.id
        db.session.commit()

    resp = admin.post("/api/v1/calendar/years/2027/schedules", json=SCHEDULE_2027)
    assert resp.status_code == 201, resp.get_json()
    moved = [m for m in resp.get_json()["moved"] if m["kind"] == "complaint_clock"]
    assert len(moved) == 1, moved
    entry = moved[0]
    assert entry["ref_id"] == complaint_id and "solution" in entry["label"]
    # 2027-01-04 (Monday) is now a day off: its 16 desk hours are found after 01-05 10:00
    assert dt.datetime.fromisoformat(entry["before"]) == _local("2027-01-05", "10:00")
    assert dt.datetime.fromisoformat(entry["after"]) == _local("2027-01-06", "10:00")
    with app.app_context():
        solution = db.session.get(ComplaintClock, solution_id)
        assert solution.due_at == _local("2027-01-06", "10:00")
        assert solution.warn_at == _local("2027-01-06", "09:00")
        assert db.session.get(ComplaintClock, callback_id).due_at == met_due
        assert db.session.get(Complaint, complaint_id).due_at <= solution.due_at
    # the same schedule again moves nothing more
    again = admin.post("/api/v1/calendar/years/2027/schedules", json=SCHEDULE_2027)
    assert [m for m in again.get_json()["moved"] if m["kind"] == "complaint_clock"] == []


def test_the_year_page_lists_the_moved_deadline(app, api_as, web_as):
    desk, admin = api_as("dispatcher"), api_as("admin")
    order = make_order(app)
    customer, _ = order_of(app, order)
    complaint_id = desk.post("/api/v1/complaints", json=complaint_in(order, customer)
                             ).get_json()["id"]
    with app.app_context():
        c = db.session.get(Complaint, complaint_id)
        k = next(k for k in c.clocks if k.kind == "solution")
        k.due_at = _local("2027-01-05", "10:00").astimezone(dt.timezone.utc)
        db.session.commit()
    admin.post("/api/v1/calendar/years/2027/schedules", json=SCHEDULE_2027)
    html = web_as("admin").get("/calendar/2027").get_data(as_text=True)
    assert "投诉时限" in html and f"/complaints/{complaint_id}" in html
