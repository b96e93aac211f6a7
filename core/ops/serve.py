"""``jiazheng serve``: the production server — gunicorn for the web app plus rq workers,
each a child process that is started again when it dies, until SIGINT/SIGTERM.

Why gunicorn: a well-kept pre-fork WSGI server for Linux that runs N worker processes of
T threads, restarts its own workers when they die or hang (``timeout``), shuts down
gracefully on SIGTERM, and takes a listening socket from its parent (``fd://``), so this
supervisor holds the port (a taken port fails at once) and a restarted gunicorn serves on
the same socket. The supervisor itself restarts the gunicorn master and each rq worker
when one exits, with a back-off (2 s doubling to 60 s, reset after a minute of running).

Children run in their own session (a terminal's Ctrl-C reaches only the supervisor, which
then stops them once, warmly) and get SIGTERM from the kernel if the supervisor dies.
Werkzeug's development server is used only with ``--dev`` (:func:`core.runner.serve`).
"""
from __future__ import annotations

import ctypes
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

from flask import Flask

from ..queue import redis_url
from ..runner import WORKER_STOP_GRACE_SECONDS, display_url

#: a child that ran this long before dying is restarted at once (its back-off reset)
STEADY_SECONDS = 60
_PR_SET_PDEATHSIG = 1


def _die_with_parent() -> None:  # pragma: no cover - runs in the child before exec
    """In the child: get SIGTERM when the supervisor dies (Linux prctl)."""
    try:
        ctypes.CDLL("libc.so.6", use_errno=True).prctl(_PR_SET_PDEATHSIG, signal.SIGTERM)
    except OSError:
        pass


@dataclass
class Child:
    """One supervised process: what to run, and its current incarnation."""

    name: str
    cmd: list[str]
    env: dict[str, str]
    pass_fds: tuple[int, ...] = ()
    proc: subprocess.Popen | None = None
    started: float = 0.0
    delay: float = 2.0
    restart_at: float | None = None
    restarts: int = 0
    lock: threading.Lock = field(default_factory=threading.Lock)

    def start(self) -> None:
        """Start (again)."""
        with self.lock:
            self.proc = subprocess.Popen(self.cmd, env=self.env, pass_fds=self.pass_fds,
                                         start_new_session=True, preexec_fn=_die_with_parent)
            self.started = time.monotonic()
            self.restart_at = None

    @property
    def pid(self) -> int | None:
        return self.proc.pid if self.proc else None

    def reap_group(self, grace: float = 5.0) -> None:
        """End what the last incarnation left behind in its process group (rq's scheduler
        process, gunicorn's workers when their master was killed)."""
        if self.proc is None:
            return
        group = self.proc.pid
        deadline = time.monotonic() + grace
        sig = signal.SIGTERM
        while True:
            try:
                os.killpg(group, sig)
            except (ProcessLookupError, PermissionError):
                return  # nothing left
            if time.monotonic() > deadline:
                sig = signal.SIGKILL
            time.sleep(0.1)

    def stop(self, grace: float) -> int | None:
        """SIGTERM (warm: gunicorn finishes requests, rq its job), SIGKILL after grace;
        then the rest of its process group."""
        with self.lock:
            proc = self.proc
        if proc is None:
            return None
        if proc.poll() is not None and self.restart_at is not None:
            self.reap_group()
            return None  # exited earlier, already reported, waiting to be started again
        if proc.poll() is None:
            proc.send_signal(signal.SIGTERM)
            try:
                proc.wait(grace)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait()
        self.reap_group()
        return proc.returncode


@dataclass
class Settings:
    """How many of each process (config ``WEB_WORKERS``, ``WEB_THREADS``, ``RQ_WORKERS``,
    overridden by the command's options)."""

    host: str
    port: int
    web_workers: int
    web_threads: int
    rq_workers: int


def settings_from(app: Flask, host: str, port: int, web_workers: int | None,
                  web_threads: int | None, rq_workers: int | None) -> Settings:
    """The command's options, else the app's config."""
    cfg = app.config
    return Settings(host, port, web_workers or int(cfg["WEB_WORKERS"]),
                    web_threads or int(cfg["WEB_THREADS"]),
                    int(cfg["RQ_WORKERS"]) if rq_workers is None else rq_workers)


def _listen(host: str, port: int) -> socket.socket:
    """The listening socket gunicorn will serve on (OSError when taken)."""
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    sock = socket.socket(family, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    try:
        sock.bind((host, port))
        sock.listen(2048)
    except OSError:
        sock.close()
        raise
    sock.set_inheritable(True)
    return sock


def children(app: Flask, settings: Settings, sock: socket.socket, url: str,
             metrics_dir: str) -> list[Child]:
    """The gunicorn master and the rq workers, not yet started."""
    base = dict(os.environ, REDIS_URL=url, JIAZHENG_INSTANCE_PATH=app.instance_path,
                JIAZHENG_JSON_LOGS="1")
    web_env = dict(base, JIAZHENG_BIND=f"fd://{sock.fileno()}",
                   JIAZHENG_WEB_WORKERS=str(settings.web_workers),
                   JIAZHENG_WEB_THREADS=str(settings.web_threads),
                   PROMETHEUS_MULTIPROC_DIR=metrics_dir)
    web = Child("web", [sys.executable, "-m", "gunicorn", "-c", "python:core.ops.gunicorn_conf",
                        "core.wsgi:app"], web_env, pass_fds=(sock.fileno(),))
    workers = [Child(f"rq-{n}", [sys.executable, "-m", "core.cli", "worker",
                                 "--exit-with-parent", str(os.getpid())], base)
               for n in range(1, settings.rq_workers + 1)]
    return [web, *workers]


def supervise(kids: Sequence[Child], stopping: threading.Event,
              say: Callable[[str], None], poll: float = 0.5) -> None:
    """Until ``stopping``: start again each child that exited, with a back-off."""
    while not stopping.wait(poll):
        now = time.monotonic()
        for kid in kids:
            if kid.proc is None or kid.proc.poll() is None:
                continue
            if kid.restart_at is None:
                kid.reap_group()
                if now - kid.started > STEADY_SECONDS:
                    kid.delay = 2.0
                say(f"{kid.name} (pid {kid.pid}) exited with status {kid.proc.returncode}; "
                    f"restarting in {kid.delay:g}s")
                kid.restart_at = now + kid.delay
                kid.delay = min(kid.delay * 2, 60.0)
            elif now >= kid.restart_at and not stopping.is_set():
                kid.start()
                kid.restarts += 1
                say(f"{kid.name} restarted, pid {kid.pid}")


def _wait_until_answering(host: str, port: int, web: Child, stopping: threading.Event,
                          timeout: float = 300) -> None:
    """Wait until the web app answers /healthz (its workers have loaded the app), so the
    banner says "running" when it is; gunicorn exiting or a stop signal ends the wait."""
    import http.client

    probe_host = {"0.0.0.0": "127.0.0.1", "::": "::1", "": "127.0.0.1"}.get(host, host)
    deadline = time.monotonic() + timeout
    while not stopping.is_set() and time.monotonic() < deadline:
        if web.proc.poll() is not None:
            return  # the supervisor reports it and starts it again
        conn = http.client.HTTPConnection(probe_host, port, timeout=5)
        try:
            conn.request("GET", "/healthz")
            if conn.getresponse().status == 200:
                return
        except OSError:
            pass
        finally:
            conn.close()
        stopping.wait(0.2)


def serve(app: Flask, settings: Settings, *, say: Callable[[str], None] = print,
          banner_extra: Sequence[str] = ()) -> int:
    """Run gunicorn and the rq workers under supervision until SIGINT/SIGTERM; 0 after a
    clean stop. Raises OSError when host:port cannot be listened on."""
    sock = _listen(settings.host, settings.port)
    try:
        url = redis_url(app)  # starts the embedded Redis here, so every child shares it
    except BaseException:
        sock.close()
        raise
    metrics_dir = tempfile.mkdtemp(prefix="jiazheng-metrics-")
    kids = children(app, settings, sock, url, metrics_dir)
    stopping = threading.Event()

    def stop(signum, frame):
        if not stopping.is_set():
            stopping.set()
            say("Stopping…")

    previous = {sig: signal.signal(sig, stop) for sig in (signal.SIGINT, signal.SIGTERM)}
    try:
        for kid in kids:
            kid.start()
        port = sock.getsockname()[1]
        base = f"http://{settings.host}:{port}/"
        web = kids[0]
        _wait_until_answering(settings.host, port, web, stopping)
        say(f"Jiazheng is running at {base}  (API docs: {base}api/docs)")
        say(f"gunicorn pid {web.pid}: {settings.web_workers} workers × "
            f"{settings.web_threads} threads")
        for kid in kids[1:]:
            say(f"Background worker pid {kid.pid} on Redis {display_url(url)}")
        for line in (*banner_extra, "Press Ctrl-C to stop."):
            say(line)
        supervise(kids, stopping, say)
    finally:
        stopping.set()
        statuses = {}
        threads = [threading.Thread(target=lambda k=kid: statuses.__setitem__(
            k.name, k.stop(WORKER_STOP_GRACE_SECONDS + 5))) for kid in kids]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        sock.close()
        shutil.rmtree(metrics_dir, ignore_errors=True)
        for sig, handler in previous.items():
            signal.signal(sig, handler)
    unclean = {name: status for name, status in statuses.items()
               if status not in (0, None, -signal.SIGTERM)}
    say("Stopped." if not unclean else f"Stopped; exit statuses {unclean}.")
    return 0

