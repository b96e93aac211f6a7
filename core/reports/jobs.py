"""rq jobs of the reports area: every hour, generate any monthly report whose deadline
(the 22nd, or the last working day before it) has come and announce it to the
supervisors; on the 25th open the supervisors' plan-and-budget task; keep the KPI
roll-up of the current and unclosed months fresh (:mod:`core.reports.rollup`). Idempotent: a
stored report is not generated twice, a task is created once, messages are keyed."""
from __future__ import annotations

import datetime as dt
import logging

from .. import queue as core_queue
from ..extensions import db
from . import monthly

log = logging.getLogger(__name__)
INTERVAL_SECONDS = 3600


def run(today: dt.date | None = None) -> dict:
    """Do what is due today; returns what was done."""
    from ..followups import outbox

    done = {"reports": [], "task": None}
    for month in monthly.due_reports(today):
        report = monthly.generate(month)
        ids = monthly.announce(report)
        db.session.commit()
        for message_id in ids:
            outbox.deliver(message_id)
        done["reports"].append(month.key)
    task = monthly.ensure_plan_task(today)
    if task is not None:
        ids = monthly.announce_task(task)
        db.session.commit()
        for message_id in ids:
            outbox.deliver(message_id)
        done["task"] = task.id
    from . import rollup

    done["rollups"] = rollup.refresh(today)
    return done


def hourly_job() -> dict:
    """The periodic run as an rq job; it re-arms itself first."""
    arm_hourly()
    return run()


def arm_hourly(delay: int = INTERVAL_SECONDS) -> bool:
    """Schedule :func:`hourly_job` at the start of the next hour (once, however often
    armed)."""
    return core_queue.arm_in_slot(hourly_job, "reports-hourly", delay)
