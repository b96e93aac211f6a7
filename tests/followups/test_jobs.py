"""Background work against a real Redis (REDIS_URL, else the embedded one) and a real rq
worker in-process: the sweep finds due follow-ups in the database and queues them; the
worker reminds each assignee exactly once, also when Redis lost the jobs or a job runs
twice; when Redis is down, recording facts still succeeds at once."""
from __future__ import annotations

import datetime as dt
import os
import time
import uuid

import pytest
import sqlalchemy as sa

import core.queue
from core.extensions import db
from core.followups import jobs, outbox, service
from core.followups.models import FollowUp, Notification, OutboxMessage
from core.runner import BurstWorker
from core.timeutil import utcnow
from tests.conftest import make_test_app

from .helpers import followups, make_order, move, user


@pytest.fixture
def queue_name(monkeypatch):
    """A queue of this test's own, so a shared Redis holds nothing of other runs."""
    name = f"jz-fu-{uuid.uuid4().hex[:8]}"
    monkeypatch.setattr(core.queue, "QUEUE_NAME", name)
    return name


def run_worker(app) -> None:
    """An rq burst worker, in this process, in burst mode, with the app's context."""
    with app.app_context():
        q = jobs.job_queue()
        BurstWorker([q], connection=q.connection).work(burst=True, with_scheduler=False)


def due_order(app, desk) -> int:
    order = make_order(app, "nanny", dispatcher_id=desk)
    move(app, order, "in_service", start_date="2026-01-05")  # all in the past: due
    return order


def notifications(app, kind: str = "remind") -> list[tuple[int, int]]:
    """(recipient, follow-up) of every in-app notification of this kind (remind/escalate)."""
    with app.app_context():
        return sorted(tuple(r) for r in db.session.execute(
            sa.select(Notification.user_id, OutboxMessage.followup_id)
            .join(OutboxMessage, OutboxMessage.id == Notification.outbox_id)
            .where(OutboxMessage.dedupe_key.like(f"{kind}:%"))))


def test_sweep_queues_due_follow_ups_and_a_worker_reminds_each_once(app, queue_name):
    desk = user(app)
    order = due_order(app, desk)
    due = [f.id for f in followups(app, order).values() if f.due_at <= utcnow()]
    assert len(due) >= 3
    with app.app_context():
        assert jobs.sweep()["reminders"] == len(due)
        assert jobs.sweep()["reminders"] == 0  # leased: not queued twice
    run_worker(app)
    assert notifications(app) == sorted((desk, fid) for fid in due)
    with app.app_context():  # a job run again (a retry) changes nothing
        assert jobs.remind(due[0], int(db.session.get(FollowUp, due[0]).due_at.timestamp())) \
            == "nothing"
        assert jobs.sweep(utcnow() + dt.timedelta(hours=1))["reminders"] == 0
    run_worker(app)
    assert len(notifications(app)) == len(due)


def test_jobs_lost_by_redis_are_queued_again_after_the_lease(app, queue_name):
    desk = user(app)
    order = due_order(app, desk)
    with app.app_context():
        queued = jobs.sweep()["reminders"]
        jobs.job_queue().empty()  # Redis flushed / restarted: the queued jobs are gone
        assert jobs.sweep()["reminders"] == 0
        later = utcnow() + jobs.ENQUEUE_LEASE + dt.timedelta(seconds=1)
        assert jobs.sweep(later)["reminders"] == queued
    run_worker(app)
    assert len(notifications(app)) == queued
    assert {f.reminded_at is not None for f in followups(app, order).values()
            if f.due_at <= utcnow()} == {True}


def test_an_outbox_message_is_delivered_once_however_often_delivery_runs(app):
    desk = user(app)
    order = due_order(app, desk)
    fid = next(iter(followups(app, order).values())).id
    with app.app_context():
        ids = outbox.post("test:1", [desk], subject_zh="测试", subject_en="Test",
                          followup_id=fid)
        again = outbox.post("test:1", [desk], subject_zh="测试", subject_en="Test",
                            followup_id=fid)
        db.session.commit()
        assert ids == again and len(ids) == 1
        assert [outbox.deliver(ids[0]) for _ in range(3)] == ["sent", "nothing", "nothing"]
        assert db.session.scalar(sa.select(sa.func.count(Notification.id))) == 1


class FlakySms:
    """A test channel: fails once, then sends; counts what it sent by dedupe key."""

    def __init__(self):
        from core import NotificationChannel

        class Sms(NotificationChannel):
            code, name_zh, name_en = "sms", "短信", "SMS"
            sent: list = []
            failures = 1

            def deliver(self, message):
                if Sms.failures:
                    Sms.failures -= 1
                    raise ConnectionError("gateway down")
                Sms.sent.append(message.dedupe_key)

        self.channel = Sms()

    from core import hookimpl

    @hookimpl
    def register_notification_channels(self):
        return [self.channel]


def test_a_plugin_channel_gets_each_message_once_after_a_failure(tmp_path, database_url):
    plugin = FlakySms()
    app = make_test_app(tmp_path, database_url, EXTRA_PLUGINS=[("sms", plugin)])
    try:
        desk = user(app)
        with app.app_context():
            ids = outbox.post("test:2", [desk], subject_zh="测试", subject_en="Test")
            db.session.commit()
            sms = db.session.scalar(sa.select(OutboxMessage.id).where(
                OutboxMessage.channel == "sms"))
            assert len(ids) == 2  # in-app and SMS
            assert outbox.deliver(sms) == "retry"
            assert outbox.deliver(sms) == "sent"
            assert outbox.deliver(sms) == "nothing"
        assert plugin.channel.sent == [f"test:2:sms:{desk}"]
    finally:
        from tests.conftest import empty_database
        if database_url:
            empty_database(app)


def test_with_redis_down_facts_are_recorded_at_once_and_the_sweep_waits(tmp_path, database_url):
    app = make_test_app(tmp_path, database_url, REDIS_URL="redis://127.0.0.1:1/0")
    try:
        desk = user(app)
        order = due_order(app, desk)
        day3 = followups(app, order)["day3"]
        started = time.monotonic()
        with app.app_context():
            service.record_outcome(day3.id, "satisfied", actor_id=desk, version=day3.version)
            db.session.commit()
        assert time.monotonic() - started < 1.0
        with app.app_context():
            started = time.monotonic()
            assert jobs.sweep()["reminders"] == 0  # nothing queued, nothing marked
            assert time.monotonic() - started < 3.0
            assert db.session.scalar(sa.select(sa.func.count(FollowUp.id)).where(
                FollowUp.enqueued_at.is_not(None))) == 0
    finally:
        from tests.conftest import empty_database
        if database_url:
            empty_database(app)


@pytest.mark.skipif(not os.environ.get("REDIS_URL"), reason="needs the Redis server")
def test_the_sweep_queues_ten_thousand_due_follow_ups_quickly(app, queue_name):
    """A smaller cousin of bench/followups_scale.py, on the real Redis."""
    desk = user(app)
    order = due_order(app, desk)
    now = utcnow()
    rows = [dict(order_id=order, service_line="nanny", rule_code="bulk",
                 anchor_key=f"bulk:{i}", kind="phone", title_zh="t", title_en="t",
                 script_zh="", script_en="", planned_at=now - dt.timedelta(minutes=5),
                 due_at=now - dt.timedelta(minutes=5), state="pending", attempts=0,
                 assignee_id=desk, version=1, created_at=now, updated_at=now)
            for i in range(10_000)]
    with app.app_context():
        db.session.execute(sa.insert(FollowUp), rows)
        db.session.commit()
        started = time.monotonic()
        counts = jobs.sweep()
        took = time.monotonic() - started
        assert counts["reminders"] >= 10_000 and took < 5.0, took
        queued = [pair for job in jobs.job_queue().jobs if job.func_name.endswith("remind_many")
                  for pair in job.args[0]]
        assert len(queued) == counts["reminders"] == len(set(queued))
        assert db.session.scalar(sa.select(sa.func.count(FollowUp.id)).where(
            FollowUp.enqueued_at.is_(None), FollowUp.due_at <= now)) == 0
        jobs.job_queue().empty()
