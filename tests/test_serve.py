"""``jiazheng serve``: the web app and a worker run together; SIGINT/SIGTERM stops both.

The database is made by ``jiazheng db upgrade``, then topped up with ``db.create_all()``
(a no-op once core/migrations holds the whole schema).
"""
from __future__ import annotations

import json
import os
import queue
import re
import signal
import socket
import subprocess
import sys
import threading
import time
import urllib.request
from pathlib import Path

import pytest
import redis
from rq import Queue
from rq.job import JobStatus

JIAZHENG = Path(sys.executable).with_name("jiazheng")
PASSWORD = "serve-test-password"

#: ``jiazheng serve`` runs on its own SQLite file and embedded Redis whatever the pass's
#: database and Redis are (see :func:`_env`), so .ci/run runs these once, in the SQLite pass
pytestmark = pytest.mark.pass_independent


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _env(tmp_path) -> dict:
    env = {k: v for k, v in os.environ.items()
           if k not in ("REDIS_URL", "SECRET_KEY", "DATABASE_URL")
           and not k.startswith("PYTEST_")}
    env.update(JIAZHENG_INSTANCE_PATH=str(tmp_path / "instance"),
               DATABASE_URL=f"sqlite:///{tmp_path / 'serve.db'}", PYTHONUNBUFFERED="1")
    return env


def _jiazheng(env, *args, input=None):
    run = subprocess.run([str(JIAZHENG), *args], env=env, input=input, capture_output=True,
                         text=True, timeout=120)
    assert run.returncode == 0, f"jiazheng {' '.join(args)}: {run.stdout}{run.stderr}"
    return run


def _make_database(env) -> None:
    _jiazheng(env, "db", "upgrade")
    subprocess.run([sys.executable, "-c", "from core import create_app\n"
                    "from core.extensions import db\n"
                    "with create_app().app_context(): db.create_all()"],
                   env=env, check=True, timeout=120)
    _jiazheng(env, "create-user", "boss", "--role", "admin", "--password-stdin",
              input=PASSWORD + "\n")


class Output:
    """Lines a child process prints, read on a thread so its pipe never fills."""

    def __init__(self, stream):
        self.lines: queue.Queue[str] = queue.Queue()
        self.seen: list[str] = []
        threading.Thread(target=self._read, args=(stream,), daemon=True).start()

    def _read(self, stream):
        for line in stream:
            self.lines.put(line.rstrip("\n"))

    def wait_for(self, pattern: str, timeout: float = 60) -> re.Match:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            try:
                line = self.lines.get(timeout=0.2)
            except queue.Empty:
                continue
            self.seen.append(line)
            match = re.search(pattern, line)
            if match:
                return match
        raise AssertionError(f"no line matching {pattern!r} in:\n" + "\n".join(self.seen))

    def rest(self, timeout: float = 5) -> str:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            try:
                self.seen.append(self.lines.get(timeout=0.2))
            except queue.Empty:
                break
        return "\n".join(self.seen)


def _http(url, data=None, token=None):
    headers = {"Content-Type": "application/json"}
    if token:
        headers["Authorization"] = f"Bearer {token}"
    req = urllib.request.Request(url, data=json.dumps(data).encode() if data else None,
                                 headers=headers)
    with urllib.request.urlopen(req, timeout=10) as resp:
        return resp.status, json.loads(resp.read())


def _gone(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return True
    return False


@pytest.mark.parametrize("stop_signal", [signal.SIGINT, signal.SIGTERM],
                         ids=["ctrl-c", "sigterm"])
def test_serve_runs_web_and_worker_on_one_embedded_redis_and_stops_both(tmp_path, stop_signal):
    env = _env(tmp_path)
    _make_database(env)
    port = _free_port()
    proc = subprocess.Popen([str(JIAZHENG), "serve", "--port", str(port)], env=env,
                            stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    out = Output(proc.stdout)
    try:
        base = out.wait_for(r"running at (http://127\.0\.0\.1:\d+/)", timeout=240).group(1)
        assert base == f"http://127.0.0.1:{port}/"
        worker = out.wait_for(r"worker pid (\d+) on Redis (unix://\S+)")
        worker_pid, redis_url = int(worker.group(1)), worker.group(2)
        out.wait_for("Press Ctrl-C to stop")

        status, health = _http(base + "api/v1/health")
        assert status == 200 and health == {"status": "ok", "database": "ok", "redis": "ok"}
        status, issued = _http(base + "api/v1/auth/tokens",
                               {"username": "boss", "password": PASSWORD})
        assert status == 201
        assert _http(base + "api/v1/auth/me", token=issued["token"])[1]["username"] == "boss"

        conn = redis.Redis.from_url(redis_url)
        job = Queue("jiazheng", connection=conn).enqueue("core.jobs.ping", "via serve")
        deadline = time.monotonic() + 60
        while job.get_status(refresh=True) not in (JobStatus.FINISHED, JobStatus.FAILED):
            assert time.monotonic() < deadline, "the serve worker did not run the job"
            time.sleep(0.2)
        assert job.get_status() == JobStatus.FINISHED
        assert job.return_value()["echo"] == "via serve"
        conn.close()

        proc.send_signal(stop_signal)
        assert proc.wait(timeout=60) == 0, out.rest()
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
    log = out.rest()
    assert "Stopped." in log.splitlines(), log
    assert _gone(worker_pid)
    with pytest.raises(redis.ConnectionError):  # the embedded server stopped with serve
        redis.Redis.from_url(redis_url).ping()
    assert "Traceback" not in log, log


def _get(url, headers=None):
    req = urllib.request.Request(url, headers=headers or {})
    with urllib.request.urlopen(req, timeout=10) as resp:
        return resp.status, resp.headers, resp.read().decode()


def _wait_answering(url, timeout=60):
    deadline = time.monotonic() + timeout
    while True:
        try:
            return _get(url)
        except OSError:
            assert time.monotonic() < deadline, f"{url} did not answer"
            time.sleep(0.3)


def _run_ping(redis_url, text):
    conn = redis.Redis.from_url(redis_url)
    job = Queue("jiazheng", connection=conn).enqueue("core.jobs.ping", text)
    deadline = time.monotonic() + 120
    while job.get_status(refresh=True) not in (JobStatus.FINISHED, JobStatus.FAILED):
        assert time.monotonic() < deadline, "no worker ran the job"
        time.sleep(0.2)
    conn.close()
    return job


def test_serve_runs_gunicorn_workers_and_restarts_a_killed_rq_worker(tmp_path):
    """The production server: gunicorn (2 workers) and two rq workers, supervised; a
    killed rq worker and a killed gunicorn master are started again; metrics add up the
    requests of both web workers; SIGTERM stops everything."""
    env = _env(tmp_path)
    _make_database(env)
    port = _free_port()
    proc = subprocess.Popen([str(JIAZHENG), "serve", "--port", str(port), "--workers", "2",
                             "--threads", "2", "--rq-workers", "2"], env=env,
                            stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    out = Output(proc.stdout)
    try:
        base = out.wait_for(r"running at (http://127\.0\.0\.1:\d+/)", timeout=240).group(1)
        gunicorn_pid = int(out.wait_for(r"gunicorn pid (\d+): 2 workers × 2 threads").group(1))
        first = out.wait_for(r"worker pid (\d+) on Redis (unix://\S+)")
        second = out.wait_for(r"worker pid (\d+) on Redis")
        rq_pids, redis_url = [int(first.group(1)), int(second.group(1))], first.group(2)
        out.wait_for("Press Ctrl-C to stop")

        status, headers, body = _wait_answering(base + "healthz")
        assert status == 200 and headers["Server"].startswith("gunicorn")
        assert json.loads(_get(base + "readyz")[2])["status"] == "ready"
        status, issued = _http(base + "api/v1/auth/tokens",
                               {"username": "boss", "password": PASSWORD})
        token = issued["token"]
        for _ in range(12):
            assert _http(base + "api/v1/auth/me", token=token)[1]["username"] == "boss"
        metrics = _get(base + "metrics")[2]
        count = re.search(r'jiazheng_request_seconds_count\{endpoint="accounts_api\.me",'
                          r'method="GET",status="200"\} (\S+)', metrics)
        assert count and float(count.group(1)) == 12, metrics  # both workers' requests
        assert _run_ping(redis_url, "before").get_status() == JobStatus.FINISHED

        os.kill(rq_pids[0], signal.SIGKILL)
        out.wait_for(rf"rq-1 \(pid {rq_pids[0]}\) exited with status -9; restarting")
        new_pid = int(out.wait_for(r"rq-1 restarted, pid (\d+)").group(1))
        assert new_pid != rq_pids[0] and not _gone(new_pid)
        out.wait_for(rf"started with PID {new_pid}", timeout=120)  # rq's own line
        os.kill(rq_pids[1], signal.SIGKILL)  # now only the restarted worker is there
        out.wait_for(r"rq-2 \(pid \d+\) exited")
        job = _run_ping(redis_url, "after the kill")
        assert job.get_status() == JobStatus.FINISHED
        assert job.return_value()["echo"] == "after the kill"

        os.kill(gunicorn_pid, signal.SIGKILL)
        out.wait_for(r"web \(pid \d+\) exited with status -9")
        out.wait_for(r"web restarted, pid (\d+)")
        assert _wait_answering(base + "healthz")[0] == 200  # the same port, served again

        proc.send_signal(signal.SIGTERM)
        assert proc.wait(timeout=90) == 0, out.rest()
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
    log = out.rest()
    assert "Stopped." in log.splitlines(), log
    # (not asserted here, unlike --dev: after the SIGKILLs something may keep a client of
    # the embedded Redis open, so it can outlive serve — see docs/deployment.md)
    access = [json.loads(line) for line in log.splitlines()
              if line.startswith("{") and '"jiazheng.access"' in line]
    assert any(e["route"] == "/api/v1/auth/me" and e["status"] == 200 and e["user_id"]
               for e in access)
