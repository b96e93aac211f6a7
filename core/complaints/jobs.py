"""Background work of the complaints (rq): the due-soon warning to the owner and the
escalation to the supervisors when a clock runs out — each exactly once — and the
sweep that finds them.

Durable like the follow-ups: the clocks in the database are the record of what is due.
The sweep marks what it queues with a lease (``enqueued_at``); a flushed Redis or a
worker killed mid-job leaves the clock un-warned / un-breached, so after the lease the
sweep queues it again. The jobs re-read the clock under a row lock and write through the
outbox, whose unique keys make a second run (two workers, a retry) add nothing.
"""
from __future__ import annotations

import datetime as dt
import hashlib
import logging

import sqlalchemy as sa
from flask import current_app

from .. import queue as core_queue
from ..extensions import db
from ..followups import outbox
from ..followups.jobs import enqueue_many, job_queue, supervisors
from ..timeutil import utcnow
from .models import Complaint, ComplaintAction, ComplaintClock

log = logging.getLogger(__name__)

ENQUEUE_LEASE = dt.timedelta(seconds=90)
SWEEP_INTERVAL_SECONDS = 30
#: clocks handled by one job
CHUNK = 100
SWEEP_BATCH = 5000
CLOCK_LABELS = {"first_contact": ("首次联系", "first contact"),
                "callback": ("承诺回电", "promised call-back"),
                "solution": ("解决", "solution")}


def _lock(clock_id: int) -> ComplaintClock | None:
    return db.session.scalar(sa.select(ComplaintClock).where(ComplaintClock.id == clock_id)
                             .with_for_update())


def _subject(c: Complaint, kind: str) -> tuple[str, str]:
    zh, en = CLOCK_LABELS[kind]
    return f"{c.number} · {zh}", f"{c.number} · {en}"


def _claim(clock_id: int, column, now: dt.datetime) -> bool:
    """Mark the clock warned / breached if nobody has: the one conditional UPDATE that
    makes a second worker running the same job (or SQLite, which has no row locks)
    do nothing."""
    return db.session.execute(sa.update(ComplaintClock).where(
        ComplaintClock.id == clock_id, ComplaintClock.met_at.is_(None), column.is_(None))
        .values({column.key: now})).rowcount == 1


def _live(clock_id: int, at_column, epoch: int) -> ComplaintClock | None:
    k = _lock(clock_id)
    at = getattr(k, at_column.key) if k is not None else None
    if k is None or k.met_at is not None or at is None or int(at.timestamp()) != epoch:
        return None
    c = k.complaint
    if c.state == "closed" or c.paused_at is not None:
        return None
    return k


def warn(clock_id: int, warn_epoch: int) -> str:
    """Tell the owner a clock runs out soon (临近超时): once per warning time."""
    k = _live(clock_id, ComplaintClock.warn_at, warn_epoch)
    now = utcnow()
    if k is None or k.warned_at is not None or \
            not _claim(clock_id, ComplaintClock.warned_at, now):
        db.session.rollback()
        return "nothing"
    c = k.complaint
    subject_zh, subject_en = _subject(c, k.kind)
    ids = outbox.post(f"complaint-warn:{k.id}:{warn_epoch}",
                      [c.owner_id] if c.owner_id else [],
                      subject_zh="投诉即将超时：" + subject_zh,
                      subject_en="Complaint due soon: " + subject_en,
                      body_zh=c.summary, body_en=c.summary, link=f"/complaints/{c.id}")
    c.actions.append(ComplaintAction(kind="warning", note="", at=now, data={"clock": k.kind}))
    db.session.commit()
    for message_id in ids:
        outbox.deliver(message_id)
    return "warned"


def escalate(clock_id: int, due_epoch: int) -> str:
    """A clock ran out (超时): escalate to the supervisors, exactly once per deadline."""
    k = _live(clock_id, ComplaintClock.due_at, due_epoch)
    now = utcnow()
    if k is None or k.breached_at is not None or \
            not _claim(clock_id, ComplaintClock.breached_at, now):
        db.session.rollback()
        return "nothing"
    c = k.complaint
    to = supervisors()
    subject_zh, subject_en = _subject(c, k.kind)
    ids = outbox.post(f"complaint-breach:{k.id}:{due_epoch}", to,
                      subject_zh="投诉超时升级：" + subject_zh,
                      subject_en="Complaint overdue, escalated: " + subject_en,
                      body_zh=c.summary, body_en=c.summary, link=f"/complaints/{c.id}")
    k.escalated_to_id = to[0] if to else None
    c.breached = True
    c.actions.append(ComplaintAction(kind="escalation", note="", at=now,
                                     data={"clock": k.kind, "to": to}))
    db.session.commit()
    for message_id in ids:
        outbox.deliver(message_id)
    return "escalated"


def handle_many(items: list[tuple[str, int, int]]) -> dict:
    """Run a batch of ``(warn|escalate, clock id, epoch)``, each in its own transaction:
    one failing (or the worker killed) leaves the rest to the next sweep."""
    done: dict[str, int] = {}
    for what, clock_id, epoch in items:
        try:
            result = (warn if what == "warn" else escalate)(clock_id, epoch)
        except Exception:  # noqa: BLE001 - one bad clock must not stop the batch
            db.session.rollback()
            log.exception("complaint clock %s: %s failed; the sweep will retry", clock_id, what)
            result = "failed"
        done[result] = done.get(result, 0) + 1
    return done


def _job_id(chunk: list[tuple[str, int, int]]) -> str:
    digest = hashlib.sha1(repr(chunk).encode()).hexdigest()[:16]
    return f"complaints-clocks-{chunk[0][1]}-{len(chunk)}-{digest}"


def _due(column, done_column, now: dt.datetime, lease: dt.timedelta):
    return (sa.select(ComplaintClock.id, column).where(
        ComplaintClock.met_at.is_(None), done_column.is_(None), column.is_not(None),
        column <= now,
        sa.or_(ComplaintClock.enqueued_at.is_(None), ComplaintClock.enqueued_at < now - lease))
        .order_by(column).limit(SWEEP_BATCH))


def sweep(now: dt.datetime | None = None, *, from_request: bool = False) -> dict:
    """Queue the warnings and escalations that are due and not yet done. Returns counts.
    Safe to run any number of times, anywhere; with Redis down it queues nothing and
    everything stays due in the database."""
    now = now or utcnow()
    lease = dt.timedelta(seconds=float(current_app.config.get(
        "COMPLAINTS_ENQUEUE_LEASE_SECONDS", ENQUEUE_LEASE.total_seconds())))
    breaches = db.session.execute(_due(ComplaintClock.due_at, ComplaintClock.breached_at,
                                       now, lease)).all()
    breached_ids = {r[0] for r in breaches}
    warnings = [r for r in db.session.execute(
        _due(ComplaintClock.warn_at, ComplaintClock.warned_at, now, lease)).all()
        if r[0] not in breached_ids]  # past the deadline: the escalation says it all
    db.session.rollback()
    items = [("escalate", i, int(t.timestamp())) for i, t in breaches] + \
            [("warn", i, int(t.timestamp())) for i, t in warnings]
    counts = {"escalations": len(breaches), "warnings": len(warnings)}
    if not items:
        return counts
    calls = [(handle_many, (chunk,), _job_id(chunk))
             for chunk in (items[i:i + CHUNK] for i in range(0, len(items), CHUNK))]
    if not enqueue_many(calls, from_request=from_request):
        return {"escalations": 0, "warnings": 0}
    ids = [i for _, i, _ in items]
    for start in range(0, len(ids), 1000):
        db.session.execute(sa.update(ComplaintClock).where(
            ComplaintClock.id.in_(ids[start:start + 1000])).values(enqueued_at=now))
    db.session.commit()
    return counts


def sweep_job() -> dict:
    """The periodic sweep as an rq job; it arms its own next run first."""
    arm_sweep()
    return sweep()


def arm_sweep(delay: int = SWEEP_INTERVAL_SECONDS) -> bool:
    """Schedule the next sweep (one per time slot, however often it is armed)."""
    return core_queue.arm_in_slot(sweep_job, "complaints-sweep", delay, job_queue)
