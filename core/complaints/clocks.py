"""A complaint's SLA clocks (时限): started from the time it was received, met by what
the desk does, stopped while the complaint waits on the customer, all in desk time
(:mod:`core.complaints.clock`). Everything here joins the caller's transaction.
"""
from __future__ import annotations

import datetime as dt

from .clock import (
    add_business_minutes,
    add_business_time,
    business_minutes_between,
    business_time_between,
)
from .models import CLOCKS, Complaint, ComplaintClock, ComplaintLevel
from .policy import desk_hours


def _targets(level: ComplaintLevel) -> dict[str, int]:
    return {"first_contact": level.first_contact_minutes, "callback": level.callback_minutes,
            "solution": level.solution_minutes}


def start(c: Complaint, level: ComplaintLevel) -> None:
    """Give a new complaint its three clocks from ``received_at``."""
    hours = desk_hours()
    for kind, minutes in _targets(level).items():
        c.clocks.append(ComplaintClock(
            kind=kind, target_minutes=minutes,
            due_at=add_business_minutes(c.received_at, minutes, hours),
            warn_at=add_business_minutes(c.received_at, max(0, minutes - level.warn_minutes),
                                         hours)))
    refresh(c)


def clock(c: Complaint, kind: str) -> ComplaintClock:
    """One of the complaint's clocks by kind."""
    return next(k for k in c.clocks if k.kind == kind)


def meet(c: Complaint, kinds: tuple[str, ...], at: dt.datetime) -> None:
    """Stop the named clocks: what they measure has been done at ``at``."""
    for k in c.clocks:
        if k.kind in kinds and k.met_at is None:
            k.met_at, k.remaining_minutes = at, None
            if k.due_at is None:  # met while paused: record it as met on time
                k.due_at = at
    refresh(c)


def restart(c: Complaint, kinds: tuple[str, ...], level: ComplaintLevel,
            now: dt.datetime) -> None:
    """Run the named clocks again from ``now`` (a reopened complaint): fresh deadlines,
    a fresh warning and escalation."""
    hours = desk_hours()
    targets = _targets(level)
    for k in c.clocks:
        if k.kind in kinds:
            k.met_at = k.warned_at = k.breached_at = k.enqueued_at = None
            k.target_minutes = targets[k.kind]
            k.due_at = add_business_minutes(now, k.target_minutes, hours)
            k.warn_at = add_business_minutes(now, max(0, k.target_minutes - level.warn_minutes),
                                             hours)
            k.remaining_minutes = None
    refresh(c)


def pause(c: Complaint, now: dt.datetime) -> None:
    """Waiting on the customer: every running clock keeps what it had left and stops."""
    hours = desk_hours()
    c.paused_at = now
    for k in c.clocks:
        if k.met_at is None and k.due_at is not None:
            k.remaining_minutes = business_minutes_between(now, k.due_at, hours)
            if k.breached_at is None:
                k.due_at = k.warn_at = None
    refresh(c)


def resume(c: Complaint, level: ComplaintLevel, now: dt.datetime) -> int:
    """The customer answered: the clocks run on with what they had left; returns the
    desk minutes the pause lasted (added to ``paused_minutes``)."""
    hours = desk_hours()
    paused = business_minutes_between(c.paused_at, now, hours) if c.paused_at else 0
    c.paused_minutes = (c.paused_minutes or 0) + paused
    c.paused_at = None
    for k in c.clocks:
        if k.met_at is None and k.remaining_minutes is not None and k.breached_at is None:
            k.due_at = add_business_minutes(now, k.remaining_minutes, hours)
            k.warn_at = add_business_minutes(
                now, max(0, k.remaining_minutes - level.warn_minutes), hours)
        k.remaining_minutes = None
    refresh(c)
    return paused


def refresh(c: Complaint) -> None:
    """Copy the earliest running deadline and warning onto the complaint (the desk list
    reads them from there)."""
    running = [k for k in c.clocks if k.met_at is None and k.due_at is not None]
    c.due_at = min((k.due_at for k in running), default=None)
    c.warn_at = min((k.warn_at for k in running if k.warn_at is not None), default=None)


def state_of(c: Complaint, now: dt.datetime) -> str:
    """The colour the desk shows: ``red`` (a clock ran out), ``amber`` (due soon),
    ``paused``, ``done`` (closed) or ``ok``."""
    if c.state == "closed":
        return "done"
    if c.paused_at is not None:
        return "red" if any(k.breached_at and not k.met_at for k in c.clocks) else "paused"
    if c.due_at is not None and c.due_at <= now:
        return "red"
    if c.warn_at is not None and c.warn_at <= now:
        return "amber"
    return "ok"


# ------------------------------------------------------------- the calendar changed


def running_before_calendar_change(now: dt.datetime) -> dict:
    """Before a holiday schedule arrives or changes: each running clock whose deadline is
    still ahead, with the desk time it has left (and left to its warning), measured in the
    calendar as it still is. Hand the answer to :func:`recompute_after_calendar_change`."""
    import sqlalchemy as sa

    from ..extensions import db

    hours = desk_hours()
    rows = db.session.scalars(sa.select(ComplaintClock).join(Complaint).where(
        ComplaintClock.met_at.is_(None), ComplaintClock.breached_at.is_(None),
        ComplaintClock.due_at.is_not(None), ComplaintClock.due_at > now,
        Complaint.state != "closed", Complaint.paused_at.is_(None))
        .order_by(ComplaintClock.id))
    return {k.id: (business_time_between(now, k.due_at, hours),
                   business_time_between(now, k.warn_at, hours)
                   if k.warn_at is not None and k.warn_at > now else None, k.due_at)
            for k in rows}


def recompute_after_calendar_change(before: dict, now: dt.datetime) -> list[tuple]:
    """After the schedule changed: the same desk time left, counted in the new calendar,
    gives each running clock its new deadline (and warning). Returns
    ``[(complaint, clock, old due_at, new due_at)]`` for the clocks that moved."""
    from ..extensions import db

    hours = desk_hours()
    moved, touched = [], {}
    for clock_id, (left, warn_left, old_due) in before.items():
        k = db.session.get(ComplaintClock, clock_id)
        new_due = add_business_time(now, left, hours)
        if new_due == old_due:
            continue
        k.due_at = new_due
        if warn_left is not None:
            k.warn_at = add_business_time(now, warn_left, hours)
        k.enqueued_at = None  # the sweep queues its warning/breach for the new time
        touched[k.complaint_id] = k.complaint
        moved.append((k.complaint, k, old_due, new_due))
    for c in touched.values():
        refresh(c)
    return moved


__all__ = ["CLOCKS", "start", "meet", "restart", "pause", "resume", "refresh", "state_of",
           "clock",
           "running_before_calendar_change", "recompute_after_calendar_change"]
