"""The monthly service-quality report stored, regenerated and announced; the supervisors'
25th task. Callers commit (the jobs in :mod:`core.reports.jobs` do)."""
from __future__ import annotations

import datetime as dt
import hashlib
import json

import sqlalchemy as sa

from ..access import current_principal
from ..audit.service import record
from ..errors import NotFound
from ..extensions import db
from ..messages import Msg
from ..timeutil import business_today, utcnow
from ..transactions import transactional
from . import documents
from .calendar import plan_deadline, report_deadline
from .models import MonthlyReport, SupervisorTask
from .periods import Period, month_of, shift_month


def digest(figures: dict) -> str:
    """SHA-256 of the figures in a canonical JSON form (regenerations compare by it)."""
    return hashlib.sha256(json.dumps(figures, sort_keys=True, ensure_ascii=False,
                                     default=str).encode()).hexdigest()


def stored(period: Period) -> MonthlyReport | None:
    """The stored report of a month, if generated."""
    return db.session.scalar(sa.select(MonthlyReport).where(MonthlyReport.month == period.first))


def require_stored(period: Period) -> MonthlyReport:
    """The stored report, or 404."""
    report = stored(period)
    if report is None:
        raise NotFound(Msg("This month's report has not been generated yet.",
                           "该月报表尚未生成。"))
    return report


def generate(period: Period, actor_id: int | None = None) -> MonthlyReport:
    """Compute the month's report and store it (again): the same data gives the same
    figures and digest. The month's KPI roll-up is rebuilt first and made final, so the
    report and the KPI API give the same figures. The caller checks that the month has
    ended."""
    from . import rollup

    rollup.build(period, final=True)
    figures = json.loads(json.dumps(documents.monthly(period), default=str))
    report = stored(period)
    if report is None:
        report = MonthlyReport(month=period.first, figures=figures, digest=digest(figures),
                               generated_at=utcnow(), generated_by_id=actor_id, generations=1)
        db.session.add(report)
    else:
        report.figures, report.digest = figures, digest(figures)
        report.generated_at, report.generated_by_id = utcnow(), actor_id
        report.generations += 1
    db.session.flush()
    record("create", "monthly_report", report.id,
           f"monthly report {period.key} generated ({report.digest[:12]})", actor_id=actor_id)
    return report


@transactional
def generate_by_request(period: Period) -> MonthlyReport:
    """A supervisor (re)generates a month's report from the page or the API (a step)."""
    user = current_principal()
    return generate(period, user.id if user else None)


def announce(report: MonthlyReport) -> list[int]:
    """Tell the supervisors the report is ready (once per report); returns outbox ids."""
    from ..followups import outbox
    from ..followups.jobs import supervisors

    if report.announced_at is not None:
        return []
    key = f"{report.month:%Y-%m}"
    ids = outbox.post(f"monthly-report:{key}", supervisors(),
                      subject_zh=f"{report.month:%Y年%m月}服务质量分析报告已生成",
                      subject_en=f"The service-quality report of {key} is ready",
                      link=f"/reports/?month={key}")
    report.announced_at = utcnow()
    return ids


def due_reports(today: dt.date | None = None) -> list[Period]:
    """Months whose report is due by now (deadline on or before today) and not stored —
    the last month, and the one before in case a deadline was missed."""
    today = today or business_today()
    this = month_of(today)
    out = []
    for back in (2, 1):
        month = shift_month(this, -back)
        if report_deadline(month) <= today and stored(month) is None:
            out.append(month)
    return out


def ensure_plan_task(today: dt.date | None = None) -> SupervisorTask | None:
    """On (or after) the plan deadline of this month, the supervisors' task of writing
    next month's plan and budget (计划与预算), created once; None before the day."""
    today = today or business_today()
    this = month_of(today)
    due = plan_deadline(this)
    if today < due:
        return None
    nxt = shift_month(this, 1).first
    task = db.session.scalar(sa.select(SupervisorTask).where(
        SupervisorTask.kind == "monthly_plan", SupervisorTask.month == nxt))
    if task is None:
        task = SupervisorTask(kind="monthly_plan", month=nxt, due_on=due, state="pending")
        db.session.add(task)
        db.session.flush()
    return task


def announce_task(task: SupervisorTask) -> list[int]:
    """Remind the supervisors of the task (once per task: the outbox key names it)."""
    from ..followups import outbox
    from ..followups.jobs import supervisors

    return outbox.post(f"plan-task:{task.id}", supervisors(),
                       subject_zh=f"请在 {task.due_on} 前完成{task.month:%Y年%m月}计划与预算",
                       subject_en=f"Write the plan and budget of {task.month:%Y-%m} by "
                                  f"{task.due_on}", link="/reports/tasks")


def open_tasks() -> list[SupervisorTask]:
    """The supervisors' tasks, open first."""
    return list(db.session.scalars(sa.select(SupervisorTask).order_by(
        SupervisorTask.state.desc(), SupervisorTask.due_on.desc()).limit(24)))


@transactional
def complete_task(task_id: int, note: str = "") -> SupervisorTask:
    """Mark a supervisor's task done (a step)."""
    task = db.session.get(SupervisorTask, task_id)
    if task is None:
        raise NotFound(Msg("No such task.", "找不到该任务。"))
    user = current_principal()
    if task.state != "done":
        task.state, task.done_at, task.done_by_id = "done", utcnow(), user.id if user else None
        task.note = note or task.note
        record("update", "supervisor_task", task.id, f"{task.kind} {task.month:%Y-%m} done")
    return task
