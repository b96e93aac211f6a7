"""Hospital internship (医院实习): willing trainees are chosen and given extra training, the
hospital's teacher interviews them, the accepted ones intern for a period during which
customer service checks in every two days (两天信息或电话跟踪一次), and at the end each intern
is placed in a job.

The check-ins are recorded here and the "check-ins due" list is computed from the
internship period. This is a stand-in: when the follow-up engine (issue 5) lands, the
two-day check-in becomes a follow-up rule there and this list moves onto it.
"""
from __future__ import annotations

import datetime as dt

import sqlalchemy as sa

from ..audit.service import record
from ..errors import Invalid, NotFound
from ..extensions import db
from ..messages import Msg
from ..partners.service import require_kind
from ..timeutil import business_today
from .models import INTERNSHIP_STATES, Internship, InternshipCheckIn, Trainee
from .pipeline import actor_id, not_graduated, refuse

#: days between check-ins with an intern
CHECK_IN_EVERY_DAYS = 2
ACTIVE = ("chosen", "trained", "accepted", "interning")
NOT_WILLING = Msg("Only a trainee willing to intern can be chosen.", "只能选择愿意实习的学员。")
NO_CERTIFICATE = Msg("No valid health certificate.", "没有有效的健康证。")
ACTIVE_ALREADY = Msg("She already has an internship in progress.", "她已有进行中的实习。")
WRONG_STEP = Msg("This step needs the internship to be “{need}” (it is “{now}”).",
                 "此操作要求实习处于“{need_zh}”（当前为“{now_zh}”）。")


def _step(internship: Internship, need: str, new: str, why: str) -> None:
    if internship.status != need:
        now = internship.status
        refuse(WRONG_STEP.format(need=INTERNSHIP_STATES[need][1], now=INTERNSHIP_STATES[now][1],
                                 need_zh=INTERNSHIP_STATES[need][0],
                                 now_zh=INTERNSHIP_STATES[now][0]),
               code="internship_step_refused")
    internship.status = new
    internship.version += 1
    record("status", "internship", internship.id, why, {"status": [need, new]})


def get(internship_id: int) -> Internship:
    """One internship, or 404."""
    internship = db.session.get(Internship, internship_id)
    if internship is None:
        raise NotFound(Msg("No such internship.", "找不到该实习记录。"))
    return internship


def list_all(status: str | None = None) -> list[Internship]:
    """Internships, latest first, optionally in one status."""
    stmt = sa.select(Internship).order_by(Internship.id.desc())
    if status:
        stmt = stmt.where(Internship.status == status)
    return list(db.session.scalars(stmt))


def choose(trainee: Trainee, hospital_id: int, willing: bool,
           today: dt.date | None = None) -> Internship:
    """Choose a willing trainee with a valid health certificate for a hospital internship."""
    not_graduated(trainee)
    require_kind(hospital_id, "internship_hospital")
    if not willing:
        refuse(NOT_WILLING, code="not_willing")
    cert = trainee.certificate
    if cert is None or not cert.valid_on(today or business_today()):
        refuse(NO_CERTIFICATE, code="no_valid_health_certificate")
    if db.session.scalar(sa.select(Internship.id).where(Internship.trainee_id == trainee.id,
                                                        Internship.status.in_(ACTIVE))):
        refuse(ACTIVE_ALREADY, code="internship_active")
    internship = Internship(trainee=trainee, hospital_id=hospital_id, willing=True,
                            chosen_by_id=actor_id())
    db.session.add(internship)
    db.session.flush()
    record("create", "internship", internship.id, f"trainee #{trainee.id} chosen to intern")
    return internship


def record_training(internship: Internship, trained_on: dt.date, notes: str) -> Internship:
    """Record the extra training (特殊培训) given before the hospital's interview."""
    _step(internship, "chosen", "trained", "extra training recorded")
    internship.trained_on, internship.training_notes = trained_on, notes
    return internship


def record_interview(internship: Internship, interview_on: dt.date, accepted: bool,
                     note: str = "") -> Internship:
    """Record the hospital teacher's interview result."""
    _step(internship, "trained", "accepted" if accepted else "rejected",
          "hospital interview: " + ("accepted" if accepted else "not accepted"))
    internship.interview_on, internship.interview_note = interview_on, note
    return internship


def start(internship: Internship, start_on: dt.date, end_on: dt.date) -> Internship:
    """Start the internship period (she follows the hospital teacher's instructions)."""
    if end_on <= start_on:
        msg = Msg("The end must be after the start.", "结束日期须晚于开始日期。")
        raise Invalid(fields={"end_on": [{"en": str(msg), "zh": msg.zh}]})
    _step(internship, "accepted", "interning", f"internship {start_on} – {end_on}")
    internship.start_on, internship.end_on = start_on, end_on
    return internship


def check_in(internship: Internship, on: dt.date, channel: str, note: str = ""
             ) -> InternshipCheckIn:
    """Record a check-in with the intern (message or phone)."""
    if internship.status != "interning":
        refuse(Msg("Check-ins are recorded only during the internship.",
                   "只有实习期间才登记跟踪。"), code="not_interning")
    entry = InternshipCheckIn(internship=internship, on=on, channel=channel, note=note,
                              recorded_by_id=actor_id())
    db.session.add(entry)
    db.session.flush()
    record("update", "internship", internship.id, f"check-in by {channel} on {on}")
    return entry


def complete(internship: Internship, completed_on: dt.date, note: str = "") -> Internship:
    """Record the end of the internship."""
    _step(internship, "interning", "completed", "internship completed")
    internship.completed_on, internship.completion_note = completed_on, note
    return internship


def place(internship: Internship, placement: str, placed_on: dt.date) -> Internship:
    """Record where the intern was placed in a job (妥善安排其工作去处)."""
    _step(internship, "completed", "placed", f"placed: {placement}"[:255])
    internship.placement, internship.placed_on = placement, placed_on
    return internship


def next_check_in(internship: Internship) -> dt.date | None:
    """When the next check-in is due: two days after the last one (or the start)."""
    if internship.status != "interning" or internship.start_on is None:
        return None
    last = max([c.on for c in internship.check_ins] + [internship.start_on])
    due = last + dt.timedelta(days=CHECK_IN_EVERY_DAYS)
    return due if due <= internship.end_on else None


def check_ins_due(today: dt.date | None = None) -> list[dict]:
    """Interns to check in with today or already overdue (to move onto the follow-up engine)."""
    today = today or business_today()
    out = []
    for internship in list_all("interning"):
        due = next_check_in(internship)
        if due and due <= today:
            out.append({"internship": internship, "trainee": internship.trainee, "due_on": due,
                        "status": "overdue" if due < today else "due_today"})
    return out
