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
        base = out.wait_for(r"running at (http://127\.0\.0\.1:\d+/)").group(1)
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
