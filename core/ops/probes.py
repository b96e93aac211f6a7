"""Liveness, readiness and metrics endpoints, outside the API's auth (no data in them).

- ``GET /healthz``: the process answers (200); touches nothing else, so a slow database
  does not get app servers restarted.
- ``GET /readyz``: the database answers, Redis answers and the schema is at the newest
  migration this code ships (or newer: a rolling deploy migrated ahead of this server)
  — 200, else 503 naming which check failed (never what is in the database).
- ``GET /metrics``: Prometheus text, see :mod:`core.ops.metrics`.
"""
from __future__ import annotations

import functools
import logging
from pathlib import Path

import sqlalchemy as sa
from flask import Blueprint, Response, abort, jsonify

from ..access import public
from ..extensions import db

log = logging.getLogger(__name__)

bp = Blueprint("ops", __name__)

MIGRATIONS = Path(__file__).resolve().parent.parent / "migrations"


@functools.cache
def _scripts():
    from alembic.config import Config
    from alembic.script import ScriptDirectory

    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    script = ScriptDirectory.from_config(config)
    return (frozenset(script.get_heads()),
            frozenset(rev.revision for rev in script.walk_revisions()))


def head_revisions() -> frozenset[str]:
    """The newest migration(s) this code ships (read once per process)."""
    return _scripts()[0]


def migration_state(current: frozenset[str]) -> str:
    """``at_head``; ``ahead`` (the database has a migration this code does not know: a
    newer release migrated it while this one still runs — migrations only add, so this
    code still works); ``behind`` (this code ships migrations not yet run)."""
    heads, known = _scripts()
    if current == heads:
        return "at_head"
    if current - known:
        return "ahead"
    return "behind"


def _database_check() -> tuple[str, str]:
    try:
        current = frozenset(db.session.scalars(sa.text("SELECT version_num FROM "
                                                       "alembic_version")))
    except Exception:  # noqa: BLE001 - reported as not ready
        db.session.rollback()
        try:
            db.session.execute(sa.text("SELECT 1"))
        except Exception:  # noqa: BLE001
            db.session.rollback()
            return "unreachable", "unknown"
        return "ok", "not_migrated"
    return "ok", migration_state(current)


def _redis_check() -> str:
    from ..queue import connection

    try:
        connection().ping()
    except Exception:  # noqa: BLE001
        return "unreachable"
    return "ok"


@bp.get("/healthz")
@public
def healthz():
    """The process is up."""
    return jsonify(status="ok")


@bp.get("/readyz")
@public
def readyz():
    """Database and Redis reachable, schema at the newest migration (else 503)."""
    database, migrations = _database_check()
    redis = _redis_check()
    ready = database == "ok" and redis == "ok" and migrations in ("at_head", "ahead")
    if not ready:
        log.warning("not ready: database %s, redis %s, migrations %s",
                    database, redis, migrations)
    body = {"status": "ready" if ready else "not_ready", "database": database,
            "redis": redis, "migrations": migrations}
    return jsonify(body), 200 if ready else 503


@bp.get("/metrics")
@public
def metrics():
    """Prometheus metrics, for a scraper with the token or on this machine only."""
    from .metrics import may_scrape, scrape

    if not may_scrape():
        abort(404)
    data, content_type = scrape()
    return Response(data, content_type=content_type)
