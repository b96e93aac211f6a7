"""Running the platform in production: health and readiness probes, Prometheus metrics,
request ids and one JSON log line per request.

:func:`install` wires all of it into the app (called by ``create_app``).
"""
from __future__ import annotations

from flask import Flask


def install(app: Flask) -> None:
    """Request ids and access log, request metrics, and the /healthz, /readyz and
    /metrics endpoints."""
    from . import logs, metrics, probes

    logs.install(app)
    metrics.install(app)
    app.register_blueprint(probes.bp)
