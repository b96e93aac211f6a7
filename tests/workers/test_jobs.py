"""The daily credential check runs as an rq job on the real (or embedded) Redis."""
import datetime as dt

from rq import SimpleWorker

from core.extensions import db
from core.queue import connection, queue
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
        SimpleWorker([q], connection=connection()).work(burst=True)
        assert job.return_value() == {"suspended": 1}
        db.session.expire_all()
        assert db.session.get(Worker, expired).status == "inactive"
        assert db.session.get(Worker, fine).status == "available"
        scheduled = q.scheduled_job_registry.get_job_ids()
        assert f"workers-credential-check-{jobs.next_run():%Y%m%d}" in scheduled
