"""The daily credential check runs as an rq job on the real (or embedded) Redis."""
import datetime as dt

from core.extensions import db
from core.queue import connection, queue
from core.runner import BurstWorker
from core.timeutil import SHANGHAI
from core.workers import jobs
from core.workers.models import Worker


def test_next_run_is_the_coming_half_past_midnight_in_shanghai():
    before = dt.datetime(2026, 11, 22, 0, 10, tzinfo=SHANGHAI)
    after = dt.datetime(2026, 11, 22, 9, 0, tzinfo=SHANGHAI)
    assert jobs.next_run(before) == dt.datetime(2026, 11, 22, 0, 30, tzinfo=SHANGHAI)
    assert jobs.next_run(after) == dt.datetime(2026, 11, 23, 0, 30, tzinfo=SHANGHAI)


def test_credential_check_job_suspends_expired_and_arms_tomorrow(app, make_worker):
    with app.app_context():
        q = queue()
        q.empty()
        expired = make_worker(health=-1)
        fine = make_worker(health=200)
        job = q.enqueue(jobs.credential_check_job)
        BurstWorker([q], connection=connection()).work(burst=True)
        assert job.return_value() == {"suspended": 1}
        db.session.expire_all()
        assert db.session.get(Worker, expired).status == "inactive"
        assert db.session.get(Worker, fine).status == "available"
        scheduled = q.scheduled_job_registry.get_job_ids()
        assert f"workers-credential-check-{jobs.next_run():%Y%m%d}" in scheduled


def test_a_running_worker_re_arms_periodic_jobs_after_redis_lost_them(app):
    import threading
    import time

    from core.runner import _keep_periodic_armed

    stop = threading.Event()
    with app.app_context():
        q = queue()
        connection().flushdb()  # no leftovers from earlier tests on a shared Redis server
        thread = _keep_periodic_armed(app, interval=0.5, stop=stop)
        deadline = time.monotonic() + 10
        wanted = f"workers-credential-check-{jobs.next_run():%Y%m%d}"
        while wanted not in q.scheduled_job_registry.get_job_ids():
            assert time.monotonic() < deadline, "the daily check was never armed"
            time.sleep(0.2)
        connection().flushdb()  # Redis loses everything
        deadline = time.monotonic() + 10

        def re_armed() -> bool:
            # the daily check scheduled, and the sweep job there again (scheduled, or
            # already queued by a scheduler)
            return (wanted in q.scheduled_job_registry.get_job_ids()
                    and any(connection().scan_iter(match="rq:job:followups-sweep-*")))

        while not re_armed():
            assert time.monotonic() < deadline, "not re-armed after Redis lost its data"
            time.sleep(0.2)
        stop.set()
        thread.join(timeout=5)
