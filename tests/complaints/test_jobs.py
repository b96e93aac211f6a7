"""The complaint clocks against a real Redis (REDIS_URL, else the embedded one) and real
rq workers: a breached clock is escalated to the supervisors exactly once — with two
workers running the same job, after Redis lost the queued jobs (a killed worker), and
however often the sweep runs; the owner is warned before; a paused complaint is not
escalated; with Redis down the sweep waits and nothing is lost."""
from __future__ import annotations

import datetime as dt
import threading
import uuid

import pytest
import sqlalchemy as sa

import core.queue
from core.complaints import jobs, service
from core.complaints.models import ComplaintAction, ComplaintClock
from core.extensions import db
from core.followups import jobs as followup_jobs
from core.followups.models import Notification, OutboxMessage
from core.runner import BurstWorker
from core.timeutil import utcnow
from tests.conftest import make_test_app

from .helpers import make_customer, user


@pytest.fixture
def queue_name(monkeypatch):
    name = f"jz-ts-{uuid.uuid4().hex[:8]}"
    monkeypatch.setattr(core.queue, "QUEUE_NAME", name)
    return name


def run_worker(app) -> None:
    with app.app_context():
        q = followup_jobs.job_queue()
        BurstWorker([q], connection=q.connection).work(burst=True, with_scheduler=False)


def overdue_complaint(app, owner: int, *, hours_ago: int = 400, level: str = "critical",
                      paused: bool = False) -> int:
    """A complaint received long ago (every clock ran out) — or just now."""
    customer = make_customer(app, mobile=f"137{uuid.uuid4().int % 10**8:08d}")
    with app.app_context():
        result = service.open_complaint(
            customer_id=customer, channel="phone", category="safety", level=level,
            summary="安全隐患", actor_id=owner, owner_id=owner,
            received_at=utcnow() - dt.timedelta(hours=hours_ago))
        cid = result.complaint.id
    if paused:
        with app.app_context():
            service.wait_on_customer(cid, True, actor_id=owner)
    return cid


def sent(app, prefix: str) -> list[tuple[int, str]]:
    """(recipient, dedupe key) of every in-app notification of this kind."""
    with app.app_context():
        return sorted(tuple(r) for r in db.session.execute(
            sa.select(Notification.user_id, OutboxMessage.dedupe_key)
            .join(OutboxMessage, OutboxMessage.id == Notification.outbox_id)
            .where(OutboxMessage.dedupe_key.like(f"{prefix}:%"))))


def escalation_actions(app, cid: int) -> int:
    with app.app_context():
        return db.session.scalar(sa.select(sa.func.count(ComplaintAction.id)).where(
            ComplaintAction.complaint_id == cid, ComplaintAction.kind == "escalation"))


def test_a_breached_clock_is_escalated_once_with_two_workers(app, queue_name):
    boss = user(app, "supervisor")
    desk = user(app)
    cid = overdue_complaint(app, desk)
    with app.app_context():
        assert jobs.sweep()["escalations"] == 3  # first contact, call-back, solution
        assert jobs.sweep()["escalations"] == 0  # leased
        # another sweep after the lease queues the same jobs again: two workers may now
        # run the same escalation at the same time
        assert jobs.sweep(utcnow() + jobs.ENQUEUE_LEASE * 2)["escalations"] == 3
    # two workers run the same escalations at the same moment (each its own connection)
    with app.app_context():
        items = [("escalate", k.id, int(k.due_at.timestamp())) for k in db.session.scalars(
            sa.select(ComplaintClock).where(ComplaintClock.complaint_id == cid))]
    barrier = threading.Barrier(2)
    results: list[dict] = []

    def worker():
        with app.app_context():
            barrier.wait(10)
            results.append(jobs.handle_many(items))
            db.session.remove()

    threads = [threading.Thread(target=worker) for _ in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(60)
    assert sum(r.get("escalated", 0) for r in results) <= 3
    run_worker(app)  # and the rq worker runs the jobs queued twice, one after the other
    with app.app_context():  # anything a lock conflict made fail is queued again
        jobs.sweep(utcnow() + jobs.ENQUEUE_LEASE * 4)
    run_worker(app)
    breaches = sent(app, "complaint-breach")
    assert len(breaches) == 3 and {r for r, _ in breaches} == {boss}
    assert escalation_actions(app, cid) == 3
    with app.app_context():
        assert jobs.sweep(utcnow() + dt.timedelta(days=1))["escalations"] == 0
        clocks = list(db.session.scalars(sa.select(ComplaintClock).where(
            ComplaintClock.complaint_id == cid)))
        assert all(k.breached_at and k.escalated_to_id == boss for k in clocks)
        for k in clocks:  # a job run again changes nothing
            assert jobs.escalate(k.id, int(k.due_at.timestamp())) == "nothing"
    assert len(sent(app, "complaint-breach")) == 3


def test_escalations_lost_with_a_killed_worker_are_queued_again_after_the_lease(app,
                                                                                 queue_name):
    boss = user(app, "supervisor")
    cid = overdue_complaint(app, user(app))
    with app.app_context():
        assert jobs.sweep()["escalations"] == 3
        followup_jobs.job_queue().empty()  # the worker died with the jobs / Redis flushed
        assert jobs.sweep()["escalations"] == 0
    run_worker(app)
    assert sent(app, "complaint-breach") == []  # delayed ...
    with app.app_context():
        assert jobs.sweep(utcnow() + jobs.ENQUEUE_LEASE + dt.timedelta(seconds=1)
                          )["escalations"] == 3
    run_worker(app)
    assert [r for r, _ in sent(app, "complaint-breach")] == [boss] * 3  # ... never lost
    assert escalation_actions(app, cid) == 3


def test_the_owner_is_warned_before_the_deadline_and_a_paused_complaint_waits(app,
                                                                              queue_name):
    user(app, "supervisor")
    desk = user(app)
    fresh = overdue_complaint(app, desk, hours_ago=0, level="general")
    paused = overdue_complaint(app, desk, paused=True, level="general")
    with app.app_context():
        c = service.get(fresh)
        first = next(k for k in c.clocks if k.kind == "first_contact")
        between = first.warn_at + (first.due_at - first.warn_at) / 2
        db.session.rollback()
        counts = jobs.sweep(between)
        assert counts == {"escalations": 0, "warnings": 1}
    run_worker(app)
    assert [r for r, _ in sent(app, "complaint-warn")] == [desk]
    assert sent(app, "complaint-breach") == []
    with app.app_context():
        assert jobs.sweep(utcnow() + dt.timedelta(days=400))["escalations"] == 3
    run_worker(app)
    # the paused complaint's clocks stopped before they ran out: nothing for it
    with app.app_context():
        keys = [k for _, k in sent(app, "complaint-breach")]
        paused_clocks = {str(i) for i in db.session.scalars(sa.select(ComplaintClock.id).where(
            ComplaintClock.complaint_id == paused))}
        assert keys and not any(k.split(":")[1] in paused_clocks for k in keys)


def test_with_redis_down_the_sweep_waits_and_the_complaint_is_recorded(tmp_path,
                                                                      database_url):
    app = make_test_app(tmp_path, database_url, REDIS_URL="redis://127.0.0.1:1/0")
    try:
        desk = user(app)
        cid = overdue_complaint(app, desk)
        with app.app_context():
            assert jobs.sweep() == {"escalations": 0, "warnings": 0}
            assert db.session.scalar(sa.select(sa.func.count(ComplaintClock.id)).where(
                ComplaintClock.complaint_id == cid, ComplaintClock.enqueued_at.is_(None))) == 3
    finally:
        if database_url:
            from tests.conftest import empty_database

            empty_database(app)
