"""rq jobs of the customers area: every hour, open this week's and this quarter's file
duties (档案核定, :mod:`.checks`) when they are missing. Idempotent: one duty per period."""
from __future__ import annotations

from .. import queue as core_queue

INTERVAL_SECONDS = 3600


def open_duties_job() -> dict:
    """The periodic run as an rq job; it re-arms itself first."""
    from . import checks

    arm_duties()
    return {"opened": [f"{d.kind}:{d.period_start.isoformat()}"
                       for d in checks.ensure_duties()]}


def arm_duties(delay: int = INTERVAL_SECONDS) -> bool:
    """Schedule :func:`open_duties_job` at the start of the next hour (once, however often
    armed)."""
    return core_queue.arm_in_slot(open_duties_job, "customers-file-duties", delay)
