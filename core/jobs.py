"""Jobs of core itself (rq job functions; each area keeps its own in ``<area>/jobs.py``)."""
from __future__ import annotations

import os

import sqlalchemy as sa
from flask import current_app

from .extensions import db


def ping(echo: str | None = None) -> dict:
    """Answer from inside a worker: proves that a worker runs core's jobs with the app and
    its database at hand (the smoke test of the background machinery).

    Safe to run any number of times; it changes nothing.
    """
    db.session.execute(sa.text("SELECT 1"))
    return {"echo": echo, "app": current_app.import_name, "database": "ok", "pid": os.getpid()}
