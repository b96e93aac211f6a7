"""Internship check-ins (实习跟踪) on the follow-up engine: core's own rule for hospital
internships (医院实习, the trainees area), planned from the internship period.

The company checks in with an intern every two days (两天信息或电话跟踪一次). Core owns the
rule (no service line has internships): the first check-in is due two days after the
internship starts, then every two days while the day is within the period — start
2026-03-02, end 2026-03-10 → 03-04, 03-06, 03-08, 03-10 — at 10:00 Beijing time. The
schedule is fixed from the start date (a check-in made early or late does not move the
next one); the end day itself is checked when the count lands on it.

Follow-ups of an internship carry ``internship_id`` (not ``order_id``), the pseudo line
``internship`` and the trainer who chose the intern as assignee. The identity of a
check-in is its ordinal (``internship_start:1``, ``:2`` …), so a changed period moves the
pending ones (re-plan) instead of replacing them; done ones stay as they were.

The trainees area calls :func:`sync_internship` whenever an internship's status or period
changes (started → planned; period changed → re-planned; completed or abandoned →
pending ones cancelled) and :func:`record_check_in` for a check-in, which becomes the
outcome ``done`` of the follow-up due first (``data``: channel and date). Neither commits.
"""
from __future__ import annotations

import datetime as dt

import sqlalchemy as sa

from ..extensions import db
from ..messages import Msg
from ..timeutil import SHANGHAI, utcnow
from .internship_rule import ANCHOR, CHECK_IN, EVERY_DAYS, RULES  # noqa: F401
from .models import INTERNSHIP_LINE, FollowUp, FollowUpOutcome
from .planner import Planned, business_datetime
from .reconciling import reconcile

#: the internship status during which check-ins are planned
INTERNING = "interning"
#: how a check-in was made → the follow-up kind it is recorded as
CHANNEL_KINDS = {"phone": "phone", "message": "wechat"}
NOTHING_DUE = Msg("No check-in is planned for this internship any more.",
                  "该实习已没有待跟踪的回访。")


def plan(start_on: dt.date, end_on: dt.date) -> list[Planned]:
    """The check-ins of an internship period: every two days after the start, while
    within the period (pure)."""
    out = []
    n = 1
    while (day := start_on + dt.timedelta(days=EVERY_DAYS * n)) <= end_on:
        out.append(Planned(CHECK_IN.code, f"{ANCHOR}:{n}",
                           business_datetime(day, CHECK_IN.at_time), CHECK_IN.kind,
                           f"{CHECK_IN.title_zh}（第{n}次）",
                           f"{CHECK_IN.title_en} (#{n})", CHECK_IN.script_zh,
                           CHECK_IN.script_en))
        n += 1
    return out


def sync_internship(internship) -> list[FollowUp]:
    """Bring an internship's check-in follow-ups in line with its status and period: plan
    them while interning, move pending ones when the period changed, cancel the pending
    ones (``internship_ended``) once it is no longer interning. Done ones are kept."""
    interning = internship.status == INTERNING and internship.start_on and internship.end_on
    wanted = plan(internship.start_on, internship.end_on) if interning else []
    existing = {(f.rule_code, f.anchor_key): f for f in db.session.scalars(
        sa.select(FollowUp).where(FollowUp.internship_id == internship.id))}

    def new(p: Planned, now: dt.datetime) -> FollowUp:
        return FollowUp(internship_id=internship.id, service_line=INTERNSHIP_LINE,
                        rule_code=p.rule_code, anchor_key=p.anchor_key, kind=p.kind,
                        planned_at=p.due_at, due_at=p.due_at, state="pending", attempts=0,
                        assignee_id=internship.chosen_by_id, version=1, created_at=now,
                        updated_at=now)

    return reconcile(existing, wanted, new,
                     "replanned" if interning else "internship_ended")


def followups_of(internship_id: int) -> list[FollowUp]:
    """An internship's follow-ups, by due time."""
    return list(db.session.scalars(sa.select(FollowUp).where(
        FollowUp.internship_id == internship_id).order_by(FollowUp.due_at, FollowUp.id)))


def next_due(internship_id: int) -> FollowUp | None:
    """The pending check-in due first, or None."""
    return db.session.scalar(sa.select(FollowUp).where(
        FollowUp.internship_id == internship_id, FollowUp.state == "pending")
        .order_by(FollowUp.due_at, FollowUp.id).limit(1))


def due_by(day: dt.date) -> list[FollowUp]:
    """Pending internship check-ins due by the end of ``day`` (Beijing time), earliest
    first; at most one per internship (the one due first)."""
    end = business_datetime(day + dt.timedelta(days=1), dt.time(0, 0))
    rows = db.session.scalars(sa.select(FollowUp).where(
        FollowUp.internship_id.is_not(None), FollowUp.state == "pending",
        FollowUp.due_at < end).order_by(FollowUp.due_at, FollowUp.id))
    out: dict[int, FollowUp] = {}
    for f in rows:
        out.setdefault(f.internship_id, f)
    return list(out.values())


def due_date(f: FollowUp) -> dt.date:
    """A follow-up's due day in Beijing time."""
    return f.due_at.astimezone(SHANGHAI).date()


def check_ins(internship_id: int) -> list[dict]:
    """The check-ins recorded for an internship (outcomes ``done`` of its follow-ups):
    on, channel, note, recorded_at, followup_id — by date."""
    rows = db.session.execute(sa.select(FollowUpOutcome, FollowUp.id, FollowUp.kind).join(
        FollowUp, FollowUp.id == FollowUpOutcome.followup_id).where(
        FollowUp.internship_id == internship_id, FollowUpOutcome.outcome == "done"))
    out = []
    for outcome, followup_id, kind in rows:
        data = outcome.data or {}
        on = data.get("on")  # recorded from the queue: the day it was recorded, by its kind
        out.append({"on": dt.date.fromisoformat(on) if on else
                    outcome.recorded_at.astimezone(SHANGHAI).date(),
                    "channel": data.get("channel", "message" if kind == "wechat" else "phone"),
                    "note": outcome.notes,
                    "recorded_at": outcome.recorded_at, "followup_id": followup_id})
    out.sort(key=lambda c: (c["on"], c["recorded_at"]))
    return out


def record_check_in(internship, on: dt.date, channel: str, note: str, *,
                    actor_id: int | None, idempotency_key: str | None = None):
    """Record a check-in as the outcome ``done`` of the internship's check-in due first.

    Idempotent: the key defaults to the internship and the day, so sending the same
    day's check-in again (double click, retried request) answers the first one
    (``replayed``) and closes nothing more. Returns a :class:`~core.followups.outcomes.
    Recorded`."""
    from ..errors import Conflict
    from .outcomes import Recorded, record_outcome

    key = idempotency_key or f"internship-check-in:{internship.id}:{on.isoformat()}"
    prior = db.session.scalar(sa.select(FollowUpOutcome).where(
        FollowUpOutcome.idempotency_key == key))
    if prior is not None:
        return Recorded(prior.followup, prior, replayed=True)
    f = next_due(internship.id)
    if f is None:
        raise Conflict(NOTHING_DUE, code="no_check_in_due")
    f.kind = CHANNEL_KINDS.get(channel, f.kind)
    result = record_outcome(f.id, "done", actor_id=actor_id, notes=note,
                            idempotency_key=key)
    result.outcome.data = {**(result.outcome.data or {}), "on": on.isoformat(),
                           "channel": channel}
    result.followup.updated_at = utcnow()
    return result
