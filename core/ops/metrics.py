"""Prometheus metrics at ``/metrics``.

- ``jiazheng_request_seconds{endpoint,method,status}``: request latency (histogram), kept
  by each process; under gunicorn every worker writes its samples to
  ``PROMETHEUS_MULTIPROC_DIR`` (``jiazheng serve`` sets it up), and a scrape adds them up.
- Read from the shared state at scrape time, so any app server answers the same:
  ``jiazheng_rq_queue_depth{queue}`` (jobs waiting), ``jiazheng_rq_failed_jobs{queue}``
  (rq's failed-job registry), ``jiazheng_followups_overdue`` (pending follow-up calls past
  due), ``jiazheng_complaint_clocks_breached`` (complaint clocks that ran out and are not
  met yet).

Who may scrape: with ``METRICS_TOKEN`` set, a request carrying
``Authorization: Bearer <METRICS_TOKEN>``; without it, only a request from this machine
(loopback) that did not come through a proxy (no ``X-Forwarded-For``). Anything else
gets 404, so the endpoint is not advertised.
"""
from __future__ import annotations

import hmac
import ipaddress
import logging
import os
import time

from flask import Flask, current_app, g, request
from prometheus_client import CONTENT_TYPE_LATEST, CollectorRegistry, Histogram, generate_latest
from prometheus_client.core import GaugeMetricFamily

log = logging.getLogger(__name__)

#: latency buckets (seconds): the targets are 100 and 150 ms at p99
BUCKETS = (0.005, 0.01, 0.025, 0.05, 0.075, 0.1, 0.15, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0)

REQUEST_SECONDS = Histogram("jiazheng_request_seconds", "Time to answer a request",
                            ("endpoint", "method", "status"), buckets=BUCKETS)


def multiprocess_dir() -> str | None:
    """Where worker processes write their samples (gunicorn), or None (one process)."""
    return os.environ.get("PROMETHEUS_MULTIPROC_DIR") or None


class SharedStateCollector:
    """Gauges read from PostgreSQL/Redis at scrape time (the same on every host)."""

    def __init__(self, app: Flask):
        self.app = app

    def collect(self):
        with self.app.app_context():
            yield from self._queues()
            yield from self._database()

    def _queues(self):
        from rq import Queue
        from rq.registry import FailedJobRegistry

        from ..queue import QUEUE_NAME, connection

        depth = GaugeMetricFamily("jiazheng_rq_queue_depth", "Jobs waiting in an rq queue",
                                  labels=("queue",))
        failed = GaugeMetricFamily("jiazheng_rq_failed_jobs",
                                   "Jobs in an rq queue's failed-job registry",
                                   labels=("queue",))
        up = GaugeMetricFamily("jiazheng_redis_up", "Whether Redis answered this scrape")
        try:
            conn = connection(self.app)
            names = sorted({q.name for q in Queue.all(connection=conn)} | {QUEUE_NAME})
            for name in names:
                queue = Queue(name, connection=conn)
                depth.add_metric((name,), queue.count)
                failed.add_metric((name,), FailedJobRegistry(queue=queue).count)
            up.add_metric((), 1)
        except Exception:  # noqa: BLE001 - a scrape reports Redis down, it does not fail
            log.warning("metrics: Redis unreachable")
            up.add_metric((), 0)
        yield from (depth, failed, up)

    def _database(self):
        import sqlalchemy as sa

        from ..complaints.models import ComplaintClock
        from ..extensions import db
        from ..followups.models import FollowUp
        from ..timeutil import utcnow

        now = utcnow()
        try:
            overdue = db.session.scalar(sa.select(sa.func.count(FollowUp.id)).where(
                FollowUp.state == "pending", FollowUp.due_at < now))
            breached = db.session.scalar(sa.select(sa.func.count(ComplaintClock.id)).where(
                ComplaintClock.breached_at.is_not(None), ComplaintClock.met_at.is_(None)))
        except Exception:  # noqa: BLE001
            log.warning("metrics: database unreachable")
            db.session.rollback()
            return
        finally:
            db.session.remove()
        yield GaugeMetricFamily("jiazheng_followups_overdue",
                                "Pending follow-up calls past their due time", value=overdue)
        yield GaugeMetricFamily("jiazheng_complaint_clocks_breached",
                                "Complaint clocks that ran out and are not met",
                                value=breached)


def registry(app: Flask) -> CollectorRegistry:
    """A registry for one scrape: this process's (or all gunicorn workers') request
    metrics plus the shared-state gauges."""
    reg = CollectorRegistry()
    if multiprocess_dir():
        from prometheus_client import multiprocess

        multiprocess.MultiProcessCollector(reg)
    else:
        from prometheus_client import REGISTRY

        reg.register(_Forward(REGISTRY))
    reg.register(SharedStateCollector(app))
    return reg


class _Forward:
    """The default registry's metrics (this process), inside a scrape's registry."""

    def __init__(self, source):
        self.source = source

    def collect(self):
        return self.source.collect()


def may_scrape() -> bool:
    """Bearer METRICS_TOKEN when configured; else loopback, not through a proxy."""
    token = current_app.config.get("METRICS_TOKEN")
    if token:
        given = request.headers.get("Authorization", "")
        return given.lower().startswith("bearer ") and hmac.compare_digest(
            given[7:].strip().encode(), token.encode())
    if request.headers.get("X-Forwarded-For") or request.headers.get("X-Real-IP"):
        return False
    try:
        return ipaddress.ip_address(request.remote_addr or "").is_loopback
    except ValueError:
        return False


def scrape() -> tuple[bytes, str]:
    """The metrics text and its content type."""
    return generate_latest(registry(current_app._get_current_object())), CONTENT_TYPE_LATEST


def install(app: Flask) -> None:
    """Time every request (by endpoint, never by URL: ids stay out of the labels)."""

    @app.before_request
    def _start_timer():
        g.metrics_started = time.perf_counter()

    @app.after_request
    def _observe(resp):
        started = g.get("metrics_started")
        if started is not None and request.endpoint != "ops.metrics":
            REQUEST_SECONDS.labels(request.endpoint or "unmatched", request.method,
                                   str(resp.status_code)).observe(
                time.perf_counter() - started)
        return resp
