"""Group interviews (群面会) with partner companies: the event, who attended, and the
partner's verdict on each trainee."""
from __future__ import annotations

import datetime as dt

import sqlalchemy as sa

from ..audit.service import record
from ..errors import NotFound
from ..extensions import db
from ..messages import Msg
from ..partners.service import require_kind
from ..timeutil import business_today, utcnow
from .models import GroupInterview, GroupInterviewAttendee, Trainee
from .pipeline import actor_id, not_graduated, refuse

#: outcome code → (Chinese, English)
OUTCOMES = {"selected": ("被选中", "Selected"), "not_selected": ("未选中", "Not selected"),
            "absent": ("缺席", "Absent")}
HOSTS = ("domestic_company", "postpartum_centre", "internship_hospital")
ALREADY = Msg("She is already on this interview.", "她已在本次群面会名单中。")
NOT_ATTENDING = Msg("She is not on this interview.", "她不在本次群面会名单中。")
NOT_YET = Msg("The interview has not taken place yet.", "群面会尚未举行。")


def create(partner_id: int, held_on: dt.date, place: str = "", notes: str = "") -> GroupInterview:
    """A group interview held by a partner company (家政公司、月子中心 …)."""
    require_kind(partner_id, *HOSTS)
    interview = GroupInterview(partner_id=partner_id, held_on=held_on, place=place, notes=notes,
                               created_by_id=actor_id())
    db.session.add(interview)
    db.session.flush()
    record("create", "group_interview", interview.id, f"group interview on {held_on}")
    return interview


def get(interview_id: int) -> GroupInterview:
    """One group interview, or 404."""
    interview = db.session.get(GroupInterview, interview_id)
    if interview is None:
        raise NotFound(Msg("No such group interview.", "找不到该群面会。"))
    return interview


def list_all() -> list[GroupInterview]:
    """Group interviews, latest first."""
    return list(db.session.scalars(sa.select(GroupInterview).order_by(
        GroupInterview.held_on.desc(), GroupInterview.id.desc())))


def add_attendee(interview: GroupInterview, trainee: Trainee) -> GroupInterviewAttendee:
    """Put a trainee on the interview's list of attendees."""
    not_graduated(trainee)
    if any(a.trainee_id == trainee.id for a in interview.attendees):
        refuse(ALREADY, code="already_attending")
    attendee = GroupInterviewAttendee(interview=interview, trainee=trainee)
    db.session.add(attendee)
    db.session.flush()
    record("update", "group_interview", interview.id, f"trainee #{trainee.id} attending")
    return attendee


def record_outcome(interview: GroupInterview, trainee: Trainee, outcome: str, note: str = "",
                   today: dt.date | None = None) -> GroupInterviewAttendee:
    """Record the partner's verdict on one attendee (selected / not selected / absent)."""
    attendee = next((a for a in interview.attendees if a.trainee_id == trainee.id), None)
    if attendee is None:
        raise NotFound(NOT_ATTENDING)
    if interview.held_on > (today or business_today()):
        refuse(NOT_YET, code="interview_not_held")
    attendee.outcome, attendee.note = outcome, note
    attendee.recorded_at, attendee.recorded_by_id = utcnow(), actor_id()
    record("update", "group_interview", interview.id,
           f"trainee #{trainee.id}: {outcome}")
    return attendee
