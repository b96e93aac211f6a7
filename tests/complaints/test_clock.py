"""The complaint clocks count desk time (06:00–22:00 Beijing) on the Chinese official
calendar: public holidays off, 调休 make-up weekends on — the 2026 National Day and
Spring Festival with their make-up days, a plain weekend, and a pause."""
from __future__ import annotations

import datetime as dt

import pytest

from core.complaints import clocks, policy
from core.complaints.clock import DeskHours, add_business_minutes, business_minutes_between
from core.complaints.models import Complaint
from core.extensions import db
from core.timeutil import SHANGHAI
from core.workcalendar import (
    add_working_days,
    holiday_name,
    is_working_day,
    schedule_known,
    working_days_between,
)

from .helpers import at, make_customer

HOURS = DeskHours.parse(("06:00", "22:00"))


def local(ts: dt.datetime) -> str:
    return ts.astimezone(SHANGHAI).strftime("%Y-%m-%d %H:%M")


@pytest.mark.parametrize(("received", "minutes", "due"), [
    # 17:50 on the last working day before National Day: 250 minutes that evening, the
    # rest after the holiday (10-01…07 off) on 10-08 — not during the holiday
    (("2026-09-30", "17:50"), 480, "2026-10-08 09:50"),
    # National Day's make-up Saturday 10-10 is a working day
    (("2026-10-09", "21:30"), 60, "2026-10-10 06:30"),
    # the Sunday 09-20 before it too (调休)
    (("2026-09-19", "10:00"), 60, "2026-09-20 07:00"),
    # Spring Festival: Saturday 02-14 is a make-up working day, 02-15…23 off
    (("2026-02-13", "21:00"), 120, "2026-02-14 07:00"),
    (("2026-02-14", "21:30"), 120, "2026-02-24 07:30"),
    # ... and the make-up Saturday 02-28 after it
    (("2026-02-27", "21:00"), 120, "2026-02-28 07:00"),
    # a plain weekend
    (("2026-03-06", "21:00"), 120, "2026-03-09 07:00"),
    # taken at night: the count starts when the desk opens
    (("2026-03-10", "23:30"), 30, "2026-03-11 06:30"),
    (("2026-03-10", "03:00"), 30, "2026-03-10 06:30"),
])
def test_deadlines_count_desk_hours_on_the_official_calendar(received, minutes, due):
    assert local(add_business_minutes(at(*received), minutes, HOURS)) == due


def test_no_desk_minute_passes_during_national_day():
    assert business_minutes_between(at("2026-09-30", "22:00"), at("2026-10-08", "06:00"),
                                    HOURS) == 0
    assert business_minutes_between(at("2026-09-30", "17:50"), at("2026-10-08", "09:50"),
                                    HOURS) == 480
    # over the Spring Festival with its make-up Saturdays on either side
    assert business_minutes_between(at("2026-02-13", "06:00"), at("2026-03-01", "06:00"),
                                    HOURS) == (1 + 1 + 4 + 1) * 16 * 60


def test_the_working_day_calendar_knows_the_make_up_days():
    assert is_working_day(dt.date(2026, 10, 10)) and is_working_day(dt.date(2026, 2, 14))
    assert not is_working_day(dt.date(2026, 10, 5)) and not is_working_day(dt.date(2026, 3, 7))
    assert holiday_name(dt.date(2026, 10, 2)) == "国庆节"
    assert holiday_name(dt.date(2026, 3, 7)) is None
    assert add_working_days(dt.date(2026, 9, 30), 1) == dt.date(2026, 10, 8)
    assert working_days_between(dt.date(2026, 9, 30), dt.date(2026, 10, 10)) == 3
    assert schedule_known(2026) and not schedule_known(2999)


def test_a_pause_stops_the_clock_and_shows_in_the_record(app):
    customer = make_customer(app)
    with app.app_context():
        level = policy.level("general")  # first contact 120, call-back 480, solution 2880
        c = Complaint(number="TS-T-1", customer_id=customer, channel="phone",
                      category_code="other", level_code="general", summary="x",
                      received_at=at("2026-03-02", "09:00"), paused_minutes=0)
        db.session.add(c)
        clocks.start(c, level)
        assert local(clocks.clock(c, "first_contact").due_at) == "2026-03-02 11:00"
        clocks.pause(c, at("2026-03-02", "10:00"))
        first = clocks.clock(c, "first_contact")
        assert first.due_at is None and first.remaining_minutes == 60
        assert c.due_at is None
        assert clocks.state_of(c, at("2026-03-05", "10:00")) == "paused"
        paused = clocks.resume(c, level, at("2026-03-03", "08:00"))
        assert paused == 720 + 120  # the rest of Monday's hours and Tuesday 06:00–08:00
        assert c.paused_minutes == 840
        assert local(first.due_at) == "2026-03-03 09:00"
        assert local(c.due_at) == "2026-03-03 09:00"
        assert local(first.warn_at) == "2026-03-03 08:30"
        db.session.commit()
        assert clocks.state_of(c, at("2026-03-03", "08:45")) == "amber"
        assert clocks.state_of(c, at("2026-03-03", "09:00")) == "red"
