"""Hospital internship (医院实习): willing trainees are chosen and given extra training, the
hospital's teacher interviews them, the accepted ones intern for a period during which
customer service checks in every two days (两天信息或电话跟踪一次), and at the end each intern
is placed in a job.

The two-day check-ins run on the follow-up engine (:mod:`core.followups.internships`):
starting the internship plans them, a changed period re-plans them, completing or
abandoning it cancels the pending ones; a check-in recorded here is the outcome of the
check-in follow-up due first, and the "check-ins due" list reads the engine's
follow-ups. See ``docs/followups.md`` (Internships).
"""
from __future__ import annotations

import datetime as dt

import sqlalchemy as sa

from ..audit.service import record
from ..errors import Invalid, NotFound
from ..extensions import db
from ..followups import internships as engine
from ..messages import Msg
from ..partners.service import require_kind
from ..timeutil import business_today
from .models import INTERNSHIP_STATES, Internship, Trainee
from .pipeline import actor_id, not_graduated, refuse

#: days between check-ins with an intern (the engine's rule)
CHECK_IN_EVERY_DAYS = engine.EVERY_DAYS
ACTIVE = ("chosen", "trained", "accepted", "interning")
NOT_WILLING = Msg("Only a trainee willing to intern can be chosen.", "只能选择愿意实习的学员。")
NO_CERTIFICATE = Msg("No valid health certificate.", "没有有效的健康证。")
ACTIVE_ALREADY = Msg("She already has an internship in progress.", "她已有进行中的实习。")
WRONG_STEP = Msg("This step needs the internship to be “{need}” (it is “{now}”).",
                 "此操作要求实习处于“{need_zh}”（当前为“{now_zh}”）。")


def _step(internship: Internship, need: str | tuple[str, ...], new: str, why: str) -> None:
    if internship.status not in ((need,) if isinstance(need, str) else need):
        need = need if isinstance(need, str) else need[0]
        now = internship.status
        refuse(WRONG_STEP.format(need=INTERNSHIP_STATES[need][1], now=INTERNSHIP_STATES[now][1],
                                 need_zh=INTERNSHIP_STATES[need][0],
                                 now_zh=INTERNSHIP_STATES[now][0]),
               code="internship_step_refused")
    before = internship.status
    internship.status = new
    internship.version += 1
    record("status", "internship", internship.id, why, {"status": [before, new]})


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


def _check_period(start_on: dt.date, end_on: dt.date) -> None:
    if end_on <= start_on:
        msg = Msg("The end must be after the start.", "结束日期须晚于开始日期。")
        raise Invalid(fields={"end_on": [{"en": str(msg), "zh": msg.zh}]})


def start(internship: Internship, start_on: dt.date, end_on: dt.date) -> Internship:
    """Start the internship period (she follows the hospital teacher's instructions) and
    plan its check-ins every two days on the follow-up engine."""
    _check_period(start_on, end_on)
    _step(internship, "accepted", "interning", f"internship {start_on} – {end_on}")
    internship.start_on, internship.end_on = start_on, end_on
    engine.sync_internship(internship)
    return internship


def change_period(internship: Internship, start_on: dt.date, end_on: dt.date,
                  version: int | None = None) -> Internship:
    """Change the period of a running internship: the pending check-ins are re-planned
    (moved, added or cancelled); the ones already made stay."""
    if internship.status != "interning":
        refuse(Msg("Only a running internship's period can change.",
                   "只有实习中的实习可以调整期间。"), code="not_interning")
    if version is not None and version != internship.version:
        from ..errors import Conflict

        raise Conflict(Msg("Someone changed this internship meanwhile; reload and try again.",
                           "该实习记录已被他人修改，请刷新后重试。"), code="stale_version")
    _check_period(start_on, end_on)
    before = {"start_on": str(internship.start_on), "end_on": str(internship.end_on)}
    internship.start_on, internship.end_on = start_on, end_on
    internship.version += 1
    record("update", "internship", internship.id, f"period {start_on} – {end_on}",
           {k: [before[k], str(v)] for k, v in (("start_on", start_on), ("end_on", end_on))})
    engine.sync_internship(internship)
    return internship


def check_in(internship: Internship, on: dt.date, channel: str, note: str = "",
             idempotency_key: str | None = None) -> dict:
    """Record a check-in with the intern (message or phone): the outcome ``done`` of her
    check-in follow-up due first. Sending the same day's check-in again changes nothing
    (``replayed``). Returns the check-in (on, channel, note, recorded_at, followup_id,
    replayed)."""
    if internship.status != "interning":
        refuse(Msg("Check-ins are recorded only during the internship.",
                   "只有实习期间才登记跟踪。"), code="not_interning")
    result = engine.record_check_in(internship, on, channel, note, actor_id=actor_id(),
                                    idempotency_key=idempotency_key)
    if not result.replayed:
        record("update", "internship", internship.id, f"check-in by {channel} on {on}")
    data = result.outcome.data or {}
    return {"on": dt.date.fromisoformat(data.get("on", on.isoformat())),
            "channel": data.get("channel", channel), "note": result.outcome.notes,
            "recorded_at": result.outcome.recorded_at, "followup_id": result.followup.id,
            "replayed": result.replayed}


def complete(internship: Internship, completed_on: dt.date, note: str = "") -> Internship:
    """Record the end of the internship; its pending check-ins are cancelled."""
    _step(internship, "interning", "completed", "internship completed")
    internship.completed_on, internship.completion_note = completed_on, note
    engine.sync_internship(internship)
    return internship


def abandon(internship: Internship, on: dt.date, note: str = "") -> Internship:
    """She gives the internship up (or it is called off) before it is completed; its
    pending check-ins are cancelled. She may be chosen again later."""
    _step(internship, ACTIVE, "abandoned", f"internship abandoned on {on}")
    internship.completed_on, internship.completion_note = on, note
    engine.sync_internship(internship)
    return internship


def place(internship: Internship, placement: str, placed_on: dt.date) -> Internship:
    """Record where the intern was placed in a job (妥善安排其工作去处)."""
    _step(internship, "completed", "placed", f"placed: {placement}"[:255])
    internship.placement, internship.placed_on = placement, placed_on
    return internship


def next_check_in(internship: Internship) -> dt.date | None:
    """The day the next check-in is due: the engine's pending check-in due first."""
    f = engine.next_due(internship.id) if internship.id else None
    return engine.due_date(f) if f is not None else None


def planned_check_ins(internship: Internship) -> list[dict]:
    """Every check-in follow-up of the internship, as the engine has it: due on, state
    (pending, done, cancelled), the follow-up's id."""
    return [{"due_on": engine.due_date(f), "state": f.state, "followup_id": f.id,
             "outcome": f.outcome} for f in engine.followups_of(internship.id)]


def check_ins_due(today: dt.date | None = None) -> list[dict]:
    """Interns to check in with today or already overdue: each internship's pending
    check-in due first, from the follow-up engine."""
    today = today or business_today()
    out = []
    for f in engine.due_by(today):
        internship = db.session.get(Internship, f.internship_id)
        due = engine.due_date(f)
        out.append({"internship": internship, "trainee": internship.trainee, "due_on": due,
                    "followup_id": f.id, "assignee_id": f.assignee_id,
                    "status": "overdue" if due < today else "due_today"})
    return out
