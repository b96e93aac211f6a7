"""Each KPI's SQL (see :mod:`core.reports.kpis` for the definitions in words).

Every figure is one aggregate query grouped by the dimension asked for — the dispatcher,
the service line, or the whole desk — so no KPI ever loads its rows into Python. A query
function returns ``{group key: Figure}``.
"""
from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass

import sqlalchemy as sa
from flask import current_app
from sqlalchemy.orm import aliased

from ..audit.models import AuditEvent
from ..extensions import db
from ..followups.models import Evaluation, FollowUp, FollowUpOutcome, MediationCase
from ..orders.models import Order, OrderEvent
from ..quality.models import QualityCheck
from ..timeutil import utcnow
from . import indexes  # noqa: F401 - the indexes these queries use
from .periods import Period
from .sqlfuncs import hours_between, local_date, median_by, ratio

DIMENSIONS = ("dispatcher", "line", "desk")
#: the (dispatcher, line) grouping the monthly roll-up stores (not offered by the API)
PAIR = "pair"
PAIR_SEP = "|"
#: the desk's group key
DESK = "desk"
#: a cancelled order followed within this many hours by the same customer's order of
#: another line was entered on the wrong line
WRONG_LINE_HOURS = 7 * 24
#: the fields whose change after the quote makes an entry inaccurate (改单 / 重新报价)
_CORRECTION_PATTERNS = ("%intake.%", "%agreed_price%", "%address%")


@dataclass(frozen=True)
class Figure:
    """One KPI's value for one group, with what it was computed from."""

    value: float | None
    numerator: float | None = None
    denominator: int | None = None

    def as_dict(self) -> dict:
        return {"value": self.value, "numerator": self.numerator,
                "denominator": self.denominator}


@dataclass(frozen=True)
class Scope:
    """What to compute over: the period, the grouping, optional filters."""

    period: Period
    by: str = "dispatcher"
    dispatcher_id: int | None = None
    service_line: str | None = None


def _group(scope: Scope, dispatcher_col, line_col):
    if scope.by == PAIR:
        return pair_key(dispatcher_col, line_col)
    return {"dispatcher": dispatcher_col, "line": line_col,
            "desk": sa.literal(DESK)}[scope.by]


def pair_key(dispatcher_col, line_col):
    """The (dispatcher, line) group as one SQL string ``'<id>|<line>'`` (either part empty
    when NULL), so a two-key grouping runs through the same one-key queries; read back
    with :func:`split_pair`."""
    return (sa.func.coalesce(sa.cast(dispatcher_col, sa.String), "") + PAIR_SEP
            + sa.func.coalesce(line_col, ""))


def split_pair(key: str) -> tuple[int | None, str | None]:
    """``'12|<line>'`` → ``(12, '<line>')``; empty parts are None."""
    dispatcher, _, line = str(key).partition(PAIR_SEP)
    return (int(dispatcher) if dispatcher else None), (line or None)


def _filters(scope: Scope, dispatcher_col, line_col) -> list:
    out = []
    if scope.dispatcher_id is not None:
        out.append(dispatcher_col == scope.dispatcher_id)
    if scope.service_line:
        out.append(line_col == scope.service_line)
    return out


def _rate_rows(stmt) -> dict:
    return {k: Figure(ratio(num, den), int(num or 0), int(den or 0))
            for k, num, den in db.session.execute(stmt)}


def _rate(scope: Scope, dispatcher_col, line_col, hit, froms, *where) -> dict:
    key = _group(scope, dispatcher_col, line_col)
    stmt = (sa.select(key, sa.func.sum(sa.case((hit, 1), else_=0)), sa.func.count())
            .select_from(froms).where(*where, *_filters(scope, dispatcher_col, line_col))
            .group_by(key))
    return _rate_rows(stmt)


def _median(scope: Scope, dispatcher_col, line_col, value, froms, *where) -> dict:
    key = _group(scope, dispatcher_col, line_col)
    stmt = median_by(key, value, *where, *_filters(scope, dispatcher_col, line_col),
                     froms=froms)
    return {k: Figure(round(float(v), 1) if v is not None else None, None, int(n))
            for k, v, n in db.session.execute(stmt)}


def _count(scope: Scope, dispatcher_col, line_col, froms, *where) -> dict:
    key = _group(scope, dispatcher_col, line_col)
    stmt = (sa.select(key, sa.func.count()).select_from(froms)
            .where(*where, *_filters(scope, dispatcher_col, line_col)).group_by(key))
    return {k: Figure(float(n), None, int(n)) for k, n in db.session.execute(stmt)}


def _in_period(col, period: Period):
    return sa.and_(col >= period.start, col < period.end)


# ---------------------------------------------------------------------------- the KPIs


def satisfaction_rate(scope: Scope) -> dict:
    """满意率: satisfied ÷ (satisfied + not satisfied) follow-ups completed in the period."""
    return _rate(scope, Order.dispatcher_id, Order.service_line,
                 FollowUp.outcome == "satisfied",
                 sa.join(FollowUp, Order, FollowUp.order_id == Order.id),
                 FollowUp.state == "done",
                 FollowUp.outcome.in_(("satisfied", "not_satisfied")),
                 _in_period(FollowUp.completed_at, scope.period))


def service_score(scope: Scope) -> dict:
    """Mean overall score (1–5) of the evaluations recorded in the period."""
    key = _group(scope, Order.dispatcher_id, Order.service_line)
    stmt = (sa.select(key, sa.func.avg(Evaluation.overall), sa.func.count())
            .select_from(sa.join(Evaluation, Order, Evaluation.order_id == Order.id))
            .where(_in_period(Evaluation.created_at, scope.period),
                   *_filters(scope, Order.dispatcher_id, Order.service_line))
            .group_by(key))
    return {k: Figure(round(float(v), 2), None, int(n)) for k, v, n in db.session.execute(stmt)}


def followup_on_time(scope: Scope) -> dict:
    """回访及时率: done on or before the due day ÷ all due (past days of the period)."""
    today_start = Period(_today(), _today()).start
    upper = min(scope.period.end, today_start)
    on_time = sa.and_(FollowUp.state == "done",
                      local_date(FollowUp.completed_at) <= local_date(FollowUp.due_at))
    return _rate(scope, FollowUp.assignee_id, FollowUp.service_line, on_time, FollowUp,
                 FollowUp.state.in_(("pending", "done")),
                 FollowUp.due_at >= scope.period.start, FollowUp.due_at < upper,
                 FollowUp.assignee_id.is_not(None))


def inaccurate_by_platform():
    """The SQL condition on ``Order`` that the platform's records show an inaccurate entry:
    corrected after the quote (intake, price or address changed once quoted), or the
    wrong line (cancelled, and the customer's order of another line followed within 7 days).
    """
    changed, quoted = aliased(OrderEvent), aliased(OrderEvent)
    text = sa.cast(changed.data, sa.Text)
    corrected = sa.exists(
        sa.select(sa.literal(1)).select_from(changed)
        .join(quoted, sa.and_(quoted.order_id == changed.order_id,
                              quoted.kind == "transition", quoted.to_state == "quoted",
                              quoted.at <= changed.at))
        .where(changed.order_id == Order.id, changed.kind == "updated",
               sa.or_(*(text.like(p) for p in _CORRECTION_PATTERNS))))
    other = aliased(Order)
    wrong_line = sa.and_(Order.state == "cancelled", sa.exists().where(
        other.customer_id == Order.customer_id, other.service_line != Order.service_line,
        other.id != Order.id,
        hours_between(Order.created_at, other.created_at) >= 0,
        hours_between(Order.created_at, other.created_at) <= WRONG_LINE_HOURS))
    return sa.or_(corrected, wrong_line)


def reviewer_marking():
    """The reviewer's marking of the order's entry (True/False), or NULL when unmarked."""
    return (sa.select(QualityCheck.entry_accurate)
            .where(QualityCheck.kind == "order_entry", QualityCheck.record_id == Order.id,
                   QualityCheck.entry_accurate.is_not(None))
            .limit(1).scalar_subquery())


def entry_accuracy(scope: Scope) -> dict:
    """下单准确率: accurate orders ÷ orders created in the period."""
    marking = reviewer_marking()
    accurate = sa.case((marking.is_not(None), marking == sa.true()),
                       else_=sa.not_(inaccurate_by_platform()))
    return _rate(scope, Order.dispatcher_id, Order.service_line, accurate, Order,
                 _in_period(Order.created_at, scope.period))


def exception_policy_hours() -> float:
    """Hours within which an exception must be written down (config, default 24)."""
    return float(current_app.config.get("REPORTS_EXCEPTION_REPORT_HOURS", 24))


def exception_timeliness(scope: Scope) -> dict:
    """异常上报及时率: mediation cases written down within the policy time ÷ all whose
    time is up."""
    hours = exception_policy_hours()
    first_report = (sa.select(sa.func.min(AuditEvent.at))
                    .where(AuditEvent.entity_type == "mediation_case",
                           AuditEvent.entity_id == MediationCase.id,
                           AuditEvent.action == "update")
                    .scalar_subquery())
    timely = sa.and_(first_report.is_not(None),
                     hours_between(MediationCase.opened_at, first_report) <= hours)
    return _rate(scope, Order.dispatcher_id, Order.service_line, timely,
                 sa.join(MediationCase, Order, MediationCase.order_id == Order.id),
                 _in_period(MediationCase.opened_at, scope.period),
                 MediationCase.opened_at <= utcnow() - dt.timedelta(hours=hours))


def quality_score(scope: Scope) -> dict:
    """Mean final score of the scored quality checks of the period's work."""
    key = _group(scope, QualityCheck.dispatcher_id, QualityCheck.service_line)
    stmt = (sa.select(key, sa.func.avg(QualityCheck.score), sa.func.count())
            .where(QualityCheck.month >= scope.period.first,
                   QualityCheck.month <= scope.period.last,
                   QualityCheck.score.is_not(None),
                   *_filters(scope, QualityCheck.dispatcher_id, QualityCheck.service_line))
            .group_by(key))
    return {k: Figure(round(float(v), 1), None, int(n)) for k, v, n in db.session.execute(stmt)}


def dispatch_hours(scope: Scope) -> dict:
    """Median hours from an order's creation to its first worker assignment, for the
    orders first assigned in the period."""
    first, earlier = aliased(OrderEvent), aliased(OrderEvent)
    not_earlier = ~sa.exists().where(earlier.order_id == first.order_id,
                                     earlier.kind == "worker_assigned", earlier.at < first.at)
    return _median(scope, Order.dispatcher_id, Order.service_line,
                   hours_between(Order.created_at, first.at),
                   sa.join(first, Order, first.order_id == Order.id),
                   first.kind == "worker_assigned", _in_period(first.at, scope.period),
                   not_earlier)


def calls_made(scope: Scope) -> dict:
    """Follow-up outcomes recorded in the period, by whoever recorded them."""
    return _count(scope, FollowUpOutcome.recorded_by_id, FollowUp.service_line,
                  sa.join(FollowUpOutcome, FollowUp, FollowUpOutcome.followup_id == FollowUp.id),
                  _in_period(FollowUpOutcome.recorded_at, scope.period),
                  FollowUpOutcome.recorded_by_id.is_not(None))


def orders_taken(scope: Scope) -> dict:
    """Orders created in the period."""
    return _count(scope, Order.dispatcher_id, Order.service_line, Order,
                  _in_period(Order.created_at, scope.period))


def _complaint_models():
    from ..complaints.models import Complaint, ComplaintClock

    return Complaint, ComplaintClock


def _complaints_with_line():
    complaint, _ = _complaint_models()
    return sa.outerjoin(complaint, Order, complaint.order_id == Order.id)


def complaint_first_contact_hours(scope: Scope) -> dict:
    """Median hours from receipt to the first contact, complaints received in the period."""
    c, _ = _complaint_models()
    return _median(scope, c.owner_id, Order.service_line,
                   hours_between(c.received_at, c.first_contact_at), _complaints_with_line(),
                   _in_period(c.received_at, scope.period), c.first_contact_at.is_not(None))


def _clock_in_sla(scope: Scope, kind: str, when) -> dict:
    c, clock = _complaint_models()
    froms = _complaints_with_line().join(clock, sa.and_(clock.complaint_id == c.id,
                                                         clock.kind == kind))
    hit = sa.and_(clock.met_at.is_not(None), clock.breached_at.is_(None))
    return _rate(scope, c.owner_id, Order.service_line, hit, froms,
                 _in_period(when(c), scope.period),
                 sa.or_(clock.met_at.is_not(None), clock.breached_at.is_not(None)))


def complaint_first_contact_in_sla(scope: Scope) -> dict:
    """First contact within the promised time ÷ complaints received in the period whose
    first-contact clock was met or breached."""
    return _clock_in_sla(scope, "first_contact", lambda c: c.received_at)


def complaint_solution_hours(scope: Scope) -> dict:
    """Median hours from receipt to solution, complaints resolved in the period."""
    c, _ = _complaint_models()
    return _median(scope, c.owner_id, Order.service_line,
                   hours_between(c.received_at, c.resolved_at), _complaints_with_line(),
                   _in_period(c.resolved_at, scope.period))


def complaint_solution_in_sla(scope: Scope) -> dict:
    """Solved within the time limit ÷ complaints resolved in the period."""
    return _clock_in_sla(scope, "solution", lambda c: c.resolved_at)


def _today() -> dt.date:
    from ..timeutil import business_today

    return business_today()


#: KPIs whose figures add up across groups (a rate's numerator and denominator, a
#: count): the roll-up computes them once per (dispatcher, line) and sums the rest. The
#: medians and means do not add up and are computed per grouping.
ADDITIVE = frozenset({"satisfaction_rate", "followup_on_time", "entry_accuracy",
                      "exception_timeliness", "calls_made", "orders_taken",
                      "complaint_first_contact_in_sla", "complaint_solution_in_sla"})

COMPUTERS: dict[str, Callable[[Scope], dict]] = {
    "satisfaction_rate": satisfaction_rate,
    "service_score": service_score,
    "followup_on_time": followup_on_time,
    "entry_accuracy": entry_accuracy,
    "exception_timeliness": exception_timeliness,
    "quality_score": quality_score,
    "dispatch_hours": dispatch_hours,
    "calls_made": calls_made,
    "orders_taken": orders_taken,
    "complaint_first_contact_hours": complaint_first_contact_hours,
    "complaint_first_contact_in_sla": complaint_first_contact_in_sla,
    "complaint_solution_hours": complaint_solution_hours,
    "complaint_solution_in_sla": complaint_solution_in_sla,
}


def available(code: str) -> bool:
    """Whether the KPI is computed here (every KPI of the catalogue is)."""
    return code in COMPUTERS
