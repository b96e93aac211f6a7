"""Background work of the follow-ups (rq jobs): reminders, escalations, outbox delivery and
the periodic sweep.

The database is the record of what is due. Every job carries ids only, re-reads the
follow-up under a row lock, and its effect is idempotent (the outbox's unique keys);
job ids are deterministic, so queuing a job twice runs it at most twice to no harm.
The sweep (every 30 s: ``jiazheng followups cron`` (rq cron), or its own re-arming
chain) finds whatever is due and not yet handled and queues it — so a flushed or
restarted Redis, or a worker killed mid-job, loses nothing.

Queuing from a request never blocks on Redis: the connection has short time-outs and a
failure opens a short circuit-breaker; the sweep catches up later.
"""
from __future__ import annotations

import datetime as dt
import hashlib
import logging
import time

import redis
import sqlalchemy as sa
from flask import current_app
from redis.backoff import NoBackoff
from redis.retry import Retry
from rq import Queue

from .. import queue as core_queue
from ..extensions import db
from ..timeutil import utcnow
from . import outbox
from .models import FollowUp
from .outbox import supervisors

log = logging.getLogger(__name__)

#: a queued reminder not done after this long is queued again by the sweep
#: (``FOLLOWUPS_ENQUEUE_LEASE_SECONDS`` overrides it)
ENQUEUE_LEASE = dt.timedelta(seconds=90)
#: after a Redis failure, do not try again from requests for this many seconds
BREAKER_SECONDS = 10.0
SWEEP_BATCH = 5000
#: follow-ups reminded by one job (one job per follow-up would make the sweep's queuing,
#: not the reminding, the bottleneck: rq writes ~40 fields per job)
REMIND_CHUNK = 50
SWEEP_INTERVAL_SECONDS = 30


# ------------------------------------------------------------------------------- queuing


def _connection():
    app = current_app._get_current_object()
    conn = app.extensions.get("jiazheng.followups.redis")
    if conn is None:
        url = app.config.get("REDIS_URL")
        conn = redis.Redis.from_url(url, socket_connect_timeout=0.5, socket_timeout=2.0,
                                    retry=Retry(NoBackoff(), 0)) if url \
            else core_queue.connection(app)
        app.extensions["jiazheng.followups.redis"] = conn
    return conn


def job_queue() -> Queue:
    """The platform's rq queue, on a connection that fails fast."""
    return Queue(core_queue.QUEUE_NAME, connection=_connection())


def _breaker_open() -> bool:
    until = current_app.extensions.get("jiazheng.followups.breaker", 0.0)
    return time.monotonic() < until


def _trip_breaker() -> None:
    current_app.extensions["jiazheng.followups.breaker"] = time.monotonic() + BREAKER_SECONDS


def enqueue_many(calls: list[tuple], *, from_request: bool = True) -> int:
    """Queue ``(func, args, job_id)`` calls in one round trip; returns how many were
    queued (0 when Redis is unreachable — the sweep will find the work in the database)."""
    if not calls:
        return 0
    if from_request and _breaker_open():
        return 0
    q = job_queue()
    try:
        with q.connection.pipeline() as pipe:
            q.enqueue_many([Queue.prepare_data(func, args=args, job_id=job_id,
                                               result_ttl=600, failure_ttl=86400)
                            for func, args, job_id in calls], pipeline=pipe)
            pipe.execute()
        return len(calls)
    except (redis.RedisError, OSError):
        _trip_breaker()
        log.warning("redis unreachable; %d follow-up job(s) left for the sweep", len(calls))
        return 0


def remind_job_id(followup_id: int, due_at: dt.datetime) -> str:
    """The id of the reminder job of a follow-up's current due time."""
    return f"followups-remind-{followup_id}-{int(due_at.timestamp())}"


# ---------------------------------------------------------------------------------- jobs


def _label(f: FollowUp) -> tuple[str, str]:
    if f.order_id is None:  # an internship's check-in (实习跟踪)
        return (f"实习#{f.internship_id} · {f.title_zh}",
                f"Internship #{f.internship_id} · {f.title_en}")
    number = db.session.scalar(sa.text("SELECT number FROM orders WHERE id = :id"),
                               {"id": f.order_id}) or f"#{f.order_id}"
    return f"{number} · {f.title_zh}", f"{number} · {f.title_en}"


def _lock(followup_id: int) -> FollowUp | None:
    return db.session.scalar(sa.select(FollowUp).where(FollowUp.id == followup_id)
                             .with_for_update())


def remind(followup_id: int, due_epoch: int) -> str:
    """Remind the assignee that a follow-up (回访) is due: one in-app notification (and one
    per other channel) for this due time, however often the job runs."""
    f = _lock(followup_id)
    if f is None or f.state != "pending" or f.reminded_at is not None or \
            int(f.due_at.timestamp()) != due_epoch:
        db.session.rollback()
        return "nothing"
    if f.kind == "survey":  # the customer gets the line's questionnaire, not a call
        from ..surveys.service import for_followup_in

        ids = for_followup_in(f)
        f.reminded_at = utcnow()
        db.session.commit()
        for message_id in ids:
            outbox.deliver(message_id)
        return "reminded"
    recipient = f.assignee_id or db.session.scalar(
        sa.text("SELECT dispatcher_id FROM orders WHERE id = :id"), {"id": f.order_id})
    subject_zh, subject_en = _label(f)
    ids = outbox.post(f"remind:{f.id}:{due_epoch}", [recipient] if recipient else [],
                      subject_zh="回访到期：" + subject_zh,
                      subject_en="Follow-up due: " + subject_en,
                      body_zh=f.script_zh, body_en=f.script_en,
                      link=f"/followups/?focus={f.id}", followup_id=f.id)
    f.reminded_at = utcnow()
    db.session.commit()
    for message_id in ids:
        outbox.deliver(message_id)
    return "reminded"


def remind_many(pairs: list[tuple[int, int]]) -> dict:
    """Remind a batch of follow-ups ``[(id, due epoch), …]``, each in its own transaction;
    one failing (or the worker killed) leaves the rest to the next sweep."""
    done = {"reminded": 0, "nothing": 0, "failed": 0}
    for followup_id, due_epoch in pairs:
        try:
            done[remind(followup_id, due_epoch)] += 1
        except Exception:  # noqa: BLE001 - one bad follow-up must not stop the batch
            db.session.rollback()
            log.exception("reminder of follow-up %s failed; the sweep will retry", followup_id)
            done["failed"] += 1
    return done


def _chunks(pairs: list[tuple[int, int]]) -> list[list[tuple[int, int]]]:
    return [pairs[i:i + REMIND_CHUNK] for i in range(0, len(pairs), REMIND_CHUNK)]


def _chunk_job_id(chunk: list[tuple[int, int]]) -> str:
    """Deterministic: the same batch always gets the same job id."""
    digest = hashlib.sha1(repr(chunk).encode()).hexdigest()[:16]
    return f"followups-remind-{chunk[0][0]}-{len(chunk)}-{digest}"


def escalate(followup_id: int) -> str:
    """Tell the supervisors that a follow-up needs them (unreachable too often, or long
    overdue); once per follow-up, however often the job runs."""
    f = _lock(followup_id)
    if f is None or f.state != "pending" or f.escalated_at is not None:
        db.session.rollback()
        return "nothing"
    to = supervisors()
    subject_zh, subject_en = _label(f)
    why_zh = f"已 {f.attempts} 次未接通" if f.attempts else "逾期未处理"
    why_en = f"unreachable {f.attempts} times" if f.attempts else "overdue, not handled"
    ids = outbox.post(f"escalate:{f.id}", to, subject_zh=f"回访升级（{why_zh}）：{subject_zh}",
                      subject_en=f"Follow-up escalated ({why_en}): {subject_en}",
                      body_zh=f.script_zh, body_en=f.script_en,
                      link=f"/followups/?focus={f.id}", followup_id=f.id)
    f.escalated_at = utcnow()
    f.escalated_to_id = to[0] if to else None
    db.session.commit()
    for message_id in ids:
        outbox.deliver(message_id)
    return "escalated"


def deliver_message(message_id: int) -> str:
    """Deliver one outbox message (exactly once; see :mod:`core.followups.outbox`)."""
    return outbox.deliver(message_id)


# --------------------------------------------------------------------------------- sweep


def _escalation_due(now: dt.datetime):
    cfg = current_app.config
    tries = int(cfg.get("FOLLOWUPS_ESCALATE_AFTER_TRIES", 3))
    overdue = dt.timedelta(hours=float(cfg.get("FOLLOWUPS_ESCALATE_OVERDUE_HOURS", 24)))
    return sa.and_(FollowUp.state == "pending", FollowUp.escalated_at.is_(None),
                   sa.or_(FollowUp.attempts >= tries, FollowUp.due_at < now - overdue))


def sweep(now: dt.datetime | None = None, *, from_request: bool = False) -> dict:
    """Find what is due and not yet handled, and queue it (reminders, escalations,
    unsent messages). Returns counts. Safe to run any number of times, anywhere."""
    now = now or utcnow()
    lease = dt.timedelta(seconds=float(current_app.config.get(
        "FOLLOWUPS_ENQUEUE_LEASE_SECONDS", ENQUEUE_LEASE.total_seconds())))
    counts = {"reminders": 0, "escalations": 0, "messages": 0}
    while True:
        rows = db.session.execute(
            sa.select(FollowUp.id, FollowUp.due_at).where(
                FollowUp.state == "pending", FollowUp.reminded_at.is_(None),
                FollowUp.due_at <= now,
                sa.or_(FollowUp.enqueued_at.is_(None),
                       FollowUp.enqueued_at < now - lease))
            .order_by(FollowUp.due_at).limit(SWEEP_BATCH)).all()
        db.session.rollback()
        if not rows:
            break
        calls = [(remind_many, (chunk,), _chunk_job_id(chunk))
                 for chunk in _chunks([(fid, int(due.timestamp())) for fid, due in rows])]
        if not enqueue_many(calls, from_request=from_request):
            return counts  # Redis is down: everything stays due in the database
        db.session.execute(sa.update(FollowUp).where(FollowUp.id.in_([r[0] for r in rows]))
                           .values(enqueued_at=now))
        db.session.commit()
        counts["reminders"] += len(rows)
        if len(rows) < SWEEP_BATCH:
            break
    ids = list(db.session.scalars(sa.select(FollowUp.id).where(_escalation_due(now))
                                  .limit(SWEEP_BATCH)))
    counts["escalations"] = enqueue_many(
        [(escalate, (i,), f"followups-escalate-{i}") for i in ids], from_request=from_request)
    ids = outbox.unsent_ids(now)
    db.session.rollback()
    counts["messages"] = enqueue_many(
        [(deliver_message, (i,), f"followups-deliver-{i}") for i in ids],
        from_request=from_request)
    return counts


def sweep_job() -> dict:
    """The periodic sweep as an rq job; it first arms its own next run (a chain that
    survives a worker killed mid-sweep; ``rq cron`` or the CLI re-arm it after a flush)."""
    arm_sweep()
    return sweep()


def arm_sweep(delay: int = SWEEP_INTERVAL_SECONDS) -> bool:
    """Schedule the next sweep in ``delay`` seconds (one per time slot: the job id names
    the slot, so arming it from many places schedules it once)."""
    return core_queue.arm_in_slot(sweep_job, "followups-sweep", delay, job_queue)


def arm_sweep_from_request() -> None:
    """Re-arm the sweep chain from a page (at most once a minute per process, never while
    Redis is known to be down): a flushed Redis gets its sweep back as soon as somebody
    opens the follow-up queue. Off under TESTING unless FOLLOWUPS_ARM_FROM_PAGES."""
    app = current_app
    if not app.config.get("FOLLOWUPS_ARM_FROM_PAGES", not app.testing) or _breaker_open():
        return
    last = app.extensions.get("jiazheng.followups.armed", 0.0)
    if time.monotonic() - last < SWEEP_INTERVAL_SECONDS:
        return
    app.extensions["jiazheng.followups.armed"] = time.monotonic()
    if not arm_sweep():
        _trip_breaker()
