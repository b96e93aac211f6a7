"""Request ids and structured logs.

Every request gets an id: the caller's ``X-Request-ID`` when it is a sane token (a proxy
such as nginx sets one), else a fresh one. It is returned in the ``X-Request-ID`` header,
shown on error pages (so a dispatcher can quote it) and written into every log line of
the request.

One JSON line per request goes to the logger ``jiazheng.access``: the request id, the
user id (never a name), method, route (the URL rule, e.g. ``/api/v1/orders/<int:order_id>``,
so no ids or query strings), endpoint, status and time in ms. It passes through the
PII scrubber of :mod:`core.privacy` like every record. :class:`JsonFormatter` renders any
record as one JSON line (``jiazheng serve`` installs it on the root logger).
"""
from __future__ import annotations

import datetime as dt
import json
import logging
import re
import time
import uuid

from flask import Flask, g, has_request_context, request

access_log = logging.getLogger("jiazheng.access")

HEADER = "X-Request-ID"
_SANE_ID = re.compile(r"^[A-Za-z0-9._:-]{8,64}$")


def request_id() -> str | None:
    """This request's id (None outside a request)."""
    if not has_request_context():
        return None
    return g.get("request_id")


class JsonFormatter(logging.Formatter):
    """A log record as one JSON object per line: time, level, logger, message, the
    request id when there is one, and the (already scrubbed) traceback."""

    def format(self, record: logging.LogRecord) -> str:
        message = record.getMessage()
        if record.name == access_log.name and message.startswith("{"):
            try:
                entry = json.loads(message)
            except ValueError:
                entry = {"message": message}
        else:
            entry = {"message": message}
        out = {"ts": dt.datetime.fromtimestamp(record.created, dt.UTC).isoformat(
            timespec="milliseconds"), "level": record.levelname, "logger": record.name}
        rid = request_id()
        if rid and "request_id" not in entry:
            out["request_id"] = rid
        out.update(entry)
        if record.exc_info and not record.exc_text:
            record.exc_text = self.formatException(record.exc_info)
        if record.exc_text:
            out["exc"] = record.exc_text
        return json.dumps(out, ensure_ascii=False, default=str)


def install(app: Flask) -> None:
    """Give each request an id, return it, and log one line when the request ends."""

    @app.before_request
    def _start():
        given = request.headers.get(HEADER, "")
        g.request_id = given if _SANE_ID.match(given) else uuid.uuid4().hex
        g.request_started = time.perf_counter()

    @app.after_request
    def _finish(resp):
        rid = g.get("request_id")
        if rid is None:  # the request failed before our first hook ran
            rid = g.request_id = uuid.uuid4().hex
        resp.headers[HEADER] = rid
        started = g.get("request_started")
        if app.config.get("ACCESS_LOG", True) and access_log.isEnabledFor(logging.INFO):
            principal = g.get("principal")
            rule = request.url_rule.rule if request.url_rule is not None else None
            access_log.info("%s", json.dumps({
                "request_id": rid, "user_id": getattr(principal, "id", None),
                "method": request.method, "route": rule, "endpoint": request.endpoint,
                "status": resp.status_code, "cache": g.get("read_cache"),
                "ms": round((time.perf_counter() - started) * 1000, 1) if started else None,
            }, ensure_ascii=False))
        return resp

    @app.context_processor
    def _request_id():
        return {"request_id": request_id}


def configure_json_logging(level: int = logging.INFO) -> None:
    """Send every log record to stderr as one JSON line (for ``jiazheng serve``)."""
    root = logging.getLogger()
    handler = logging.StreamHandler()
    handler.setFormatter(JsonFormatter())
    root.handlers[:] = [handler]
    root.setLevel(level)
    logging.getLogger("alembic").setLevel(logging.WARNING)  # readiness reads the heads
