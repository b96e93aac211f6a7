"""Recording what came of a follow-up (回访结果), and what follows from it: the next
follow-ups (day 5 only if satisfied at day 3), a mediation case (调解) when the customer
is not satisfied, an evaluation of the worker (评价) from the 下户 satisfaction call, a
retry the next day when nobody answered — and escalation to a supervisor after too many.

Recording is idempotent: the same idempotency key, or the same outcome sent again from a
page that showed an older version (a double click), changes nothing the second time.
"""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import sqlalchemy as sa

from ..audit.service import record
from ..errors import Conflict, Invalid, NotFound
from ..extensions import db
from ..locks import serialise_writers
from ..messages import Msg
from ..timeutil import SHANGHAI, business_today, utcnow
from . import planning
from .models import (
    EVALUATION_SOURCES,
    SCORE_FIELDS,
    VERDICTS,
    Evaluation,
    FollowUp,
    FollowUpOutcome,
    MediationCase,
)
from .planner import business_datetime
from .queries import worker_rating  # noqa: F401  (matching's and placement's figure)
from .rules import OUTCOMES

#: a repeat of the same outcome by the same person within this window is a double click
REPLAY_WINDOW = dt.timedelta(minutes=10)
_CALL_OUTCOMES = frozenset({"satisfied", "not_satisfied", "unreachable", "rescheduled"})
_TASK_OUTCOMES = frozenset({"done", "unreachable", "rescheduled"})
ALLOWED = {"greeting": _TASK_OUTCOMES, "partner_booking": _TASK_OUTCOMES}


@dataclass
class Recorded:
    """The result of recording an outcome; ``replayed`` when it changed nothing."""

    followup: FollowUp
    outcome: FollowUpOutcome
    replayed: bool = False
    mediation: MediationCase | None = None
    evaluation: Evaluation | None = None


def _field(name: str, en: str, zh: str) -> Invalid:
    return Invalid(fields={name: [{"en": en, "zh": zh}]})


def get_followup(followup_id: int, lock: bool = False) -> FollowUp:
    """One follow-up, or NotFound (404)."""
    stmt = sa.select(FollowUp).where(FollowUp.id == followup_id)
    if lock:  # a double click's two requests: the second reads what the first wrote
        serialise_writers()
    f = db.session.scalar(stmt.with_for_update() if lock else stmt)
    if f is None:
        raise NotFound(Msg("There is no such follow-up.", "找不到该回访。"))
    return f


def _replay(f: FollowUp, outcome: str, actor_id: int | None,
            key: str | None) -> FollowUpOutcome | None:
    if key:
        prior = db.session.scalar(sa.select(FollowUpOutcome).where(
            FollowUpOutcome.idempotency_key == key))
        if prior is not None:
            if prior.followup_id != f.id:
                raise Conflict(Msg("This idempotency key was used for another follow-up.",
                                   "该幂等键已用于另一条回访。"), code="idempotency_key_reused")
            return prior
    last = f.outcomes[-1] if f.outcomes else None
    if last is not None and last.outcome == outcome and last.recorded_by_id == actor_id \
            and last.recorded_at > utcnow() - REPLAY_WINDOW:
        return last
    return None


def _check(f: FollowUp, outcome: str, version: int | None, key: str | None, reason: str,
           new_due_at: dt.datetime | None, early_reason: str = "") -> None:
    if outcome not in OUTCOMES:
        raise _field("outcome", f"Choose one of: {', '.join(OUTCOMES)}.",
                     f"请选择：{'、'.join(OUTCOMES)}。")
    if version is None and not key:
        raise _field("version", "Send the version you read (or an idempotency key).",
                     "请提交所读取的版本号（或幂等键）。")
    if f.state != "pending":
        raise Conflict(Msg("This follow-up is {state} already.", "该回访已{state_zh}。").format(
            state=f.state, state_zh="完成" if f.state == "done" else "取消"),
            code="followup_closed")
    if version is not None and version != f.version:
        raise Conflict(Msg("Someone changed this follow-up meanwhile; reload and try again.",
                           "该回访已被他人更新，请刷新后重试。"), code="stale_version")
    allowed = _TASK_OUTCOMES if f.internship_id is not None else ALLOWED.get(f.kind,
                                                                              _CALL_OUTCOMES)
    if outcome not in allowed:
        raise _field("outcome", f"A {f.kind} follow-up cannot end as {outcome}.",
                     f"此类回访（{f.kind}）不能记录为「{outcome}」。")
    if outcome != "rescheduled" and f.is_early and not (early_reason or "").strip():
        day = f.outcome_opens_at.astimezone(SHANGHAI).date().isoformat()
        raise _field("early_reason",
                     f"This follow-up is due on {day}; its outcome is recorded from that "
                     "day on — earlier only with a reason.",
                     f"该回访应于 {day} 进行，当天起才能登记结果；提前登记请填写原因。")
    if outcome == "not_satisfied" and not reason.strip():
        raise _field("reason", "Say why the customer is not satisfied.", "请填写客户不满意的原因。")
    if outcome == "rescheduled":
        if new_due_at is None or new_due_at.tzinfo is None:
            raise _field("new_due_at", "Give the new time (with its time zone).",
                         "请填写新的回访时间（带时区）。")
        if new_due_at < utcnow() - dt.timedelta(minutes=5):
            raise _field("new_due_at", "The new time is in the past.", "新的回访时间已过。")


def _scores(scores: dict | None) -> dict:
    scores = {k: v for k, v in (scores or {}).items() if v is not None}
    unknown = set(scores) - set(SCORE_FIELDS)
    if unknown:
        raise _field("scores", f"Unknown scores: {', '.join(sorted(unknown))}.",
                     f"未知评分项：{'、'.join(sorted(unknown))}。")
    for name, value in scores.items():
        if not isinstance(value, int) or isinstance(value, bool) or not 1 <= value <= 5:
            raise _field(f"scores.{name}", "A score is a whole number from 1 to 5.",
                         "评分为 1 到 5 的整数。")
    if "overall" not in scores:
        raise _field("scores.overall", "Give the customer's overall score (1–5).",
                     "请填写客户的总体评分（1–5）。")
    return scores


def record_outcome(followup_id: int, outcome: str, *, actor_id: int | None, reason: str = "",
                   notes: str = "", idempotency_key: str | None = None,
                   version: int | None = None, new_due_at: dt.datetime | None = None,
                   scores: dict | None = None,
                   next_session_at: dt.datetime | None = None,
                   early_reason: str = "") -> Recorded:
    """Record what came of a follow-up (回访结果): satisfied, not_satisfied (with a reason),
    unreachable (tried again tomorrow; escalated after the configured number of tries),
    rescheduled (to ``new_due_at``) or done (greetings, bookings). Doesn't commit.

    Send the follow-up's ``version`` or an ``idempotency_key``: a repeat (double click,
    retried request) returns the first result with ``replayed=True`` and changes nothing.

    An order's follow-up takes an outcome (other than ``rescheduled``) from the start of
    the day it is planned for (Asia/Shanghai); earlier only with ``early_reason``, kept
    in the outcome's ``data.early_reason`` and shown with it.
    """
    f = get_followup(followup_id, lock=True)
    prior = _replay(f, outcome, actor_id, idempotency_key)
    if prior is not None and (idempotency_key and prior.idempotency_key == idempotency_key or
                              version is not None and version != f.version or
                              f.state != "pending"):
        return Recorded(f, prior, replayed=True)
    _check(f, outcome, version, idempotency_key, reason, new_due_at, early_reason)
    early = f.is_early and outcome != "rescheduled"
    rule = planning.rules_for(f.service_line).rule(f.rule_code)
    # an internship's check-in (实习跟踪) has no order: no mediation, no evaluation
    order = planning._order(f.order_id, lock=True) if f.order_id is not None else None
    evaluation_scores = None
    if rule is not None and rule.evaluation and outcome in VERDICTS and order is not None \
            and order.worker_id:
        evaluation_scores = _scores(scores)
    now = utcnow()
    data: dict = {}
    if evaluation_scores:
        data["scores"] = evaluation_scores
    if early:
        data["early_reason"] = early_reason.strip()[:255]
        data["due_day"] = f.outcome_opens_at.astimezone(SHANGHAI).date().isoformat()
    if outcome == "unreachable":
        f.attempts += 1
        local = f.planned_at.astimezone(SHANGHAI).time()
        f.due_at = max(business_datetime(business_today() + dt.timedelta(days=1), local),
                       now + dt.timedelta(hours=1))
        data["retry_at"] = f.due_at.isoformat()
    elif outcome == "rescheduled":
        f.due_at = new_due_at.astimezone(dt.timezone.utc)
        data["new_due_at"] = f.due_at.isoformat()
    else:
        f.state, f.completed_at, f.completed_by_id = "done", now, actor_id
    if next_session_at is not None and rule is not None and rule.books_next:
        data["next_session_at"] = next_session_at.isoformat()
    f.outcome = outcome
    if f.state == "pending":  # due again: remind again at the new time
        f.reminded_at = f.enqueued_at = None
    f.version, f.updated_at = f.version + 1, now
    row = FollowUpOutcome(followup=f, outcome=outcome, reason=(reason or "")[:255],
                          notes=notes or "", data=data or None, attempt=f.attempts or 1,
                          recorded_by_id=actor_id, recorded_at=now,
                          idempotency_key=idempotency_key or None)
    db.session.add(row)
    result = Recorded(f, row)
    if outcome == "not_satisfied" and rule is not None and order is not None \
            and rule.on_not_satisfied == "mediation":
        result.mediation = _open_mediation(order, f, reason, actor_id)
    if evaluation_scores:
        result.evaluation = add_evaluation(
            worker_id=order.worker_id, order_id=order.id, source="end_of_service_call",
            verdict=outcome, scores=evaluation_scores, notes=notes, actor_id=actor_id,
            followup_id=f.id)
    owner = f"order {order.number}" if order is not None else f"internship {f.internship_id}"
    record("outcome", "followup", f.id, f"{f.rule_code} of {owner}: {outcome}",
           {"outcome": [None, outcome]}, actor_id=actor_id)
    db.session.flush()
    if order is not None:
        planning.sync_order(order)  # escalation, when due, is queued by the sweep
    return result


def _open_mediation(order, f: FollowUp, cause: str, actor_id: int | None) -> MediationCase:
    case = MediationCase(order_id=order.id, opened_from_id=f.id, worker_id=order.worker_id,
                         state="open", cause=cause or "", opened_by_id=actor_id,
                         opened_at=utcnow())
    db.session.add(case)
    db.session.flush()
    planning._set_anchor(order.id, f"mediation_opened:{case.id}", case.opened_at,
                         source="order")
    record("create", "mediation_case", case.id, f"mediation on order {order.number}",
           {"cause": [None, case.cause]}, actor_id=actor_id)
    return case


def get_mediation(case_id: int) -> MediationCase:
    """One mediation case (调解), or NotFound."""
    case = db.session.get(MediationCase, case_id)
    if case is None:
        raise NotFound(Msg("There is no such mediation case.", "找不到该调解记录。"))
    return case


def update_mediation(case: MediationCase, version: int, actor_id: int | None, *,
                     cause: str | None = None, actions: str | None = None,
                     resolution: str | None = None, worker_replaced: bool | None = None,
                     resolve: bool = False) -> MediationCase:
    """Write down the cause, the actions taken and the resolution of a mediation (调解);
    ``resolve`` closes it (a resolution is required) and plans its closing follow-ups.
    A stale ``version`` → 409."""
    if version != case.version:
        raise Conflict(Msg("Someone changed this case meanwhile; reload and try again.",
                           "该调解记录已被他人修改，请刷新后重试。"), code="stale_version")
    if case.state == "resolved":
        raise Conflict(Msg("This case is resolved already.", "该调解已结案。"),
                       code="mediation_closed")
    before = {"cause": case.cause, "actions": case.actions, "resolution": case.resolution,
              "worker_replaced": case.worker_replaced, "state": case.state}
    for name, value in (("cause", cause), ("actions", actions), ("resolution", resolution),
                        ("worker_replaced", worker_replaced)):
        if value is not None:
            setattr(case, name, value)
    if resolve:
        if not (case.resolution or "").strip():
            raise _field("resolution", "Write down how it was settled before closing.",
                         "结案前请填写处理结果。")
        case.state, case.resolved_at, case.resolved_by_id = "resolved", utcnow(), actor_id
        planning._set_anchor(case.order_id, f"mediation_resolved:{case.id}", case.resolved_at,
                             source="order")
    after = {"cause": case.cause, "actions": case.actions, "resolution": case.resolution,
             "worker_replaced": case.worker_replaced, "state": case.state}
    from ..audit.service import diff

    record("update", "mediation_case", case.id, f"mediation {case.id}", diff(before, after),
           actor_id=actor_id)
    db.session.flush()
    if resolve:
        planning.sync_order(planning._order(case.order_id, lock=True))
    return case


def add_evaluation(*, worker_id: int, order_id: int | None, source: str, verdict: str,
                   scores: dict, notes: str = "", actor_id: int | None = None,
                   followup_id: int | None = None) -> Evaluation:
    """Put an evaluation (评价) on a worker's record: verdict and 1–5 scores."""
    if source not in EVALUATION_SOURCES:
        raise _field("source", f"Choose one of: {', '.join(EVALUATION_SOURCES)}.",
                     f"请选择：{'、'.join(EVALUATION_SOURCES)}。")
    if verdict not in VERDICTS:
        raise _field("verdict", "Satisfied or not satisfied.", "请选择满意或不满意。")
    scores = _scores(scores)
    evaluation = Evaluation(worker_id=worker_id, order_id=order_id, followup_id=followup_id,
                            source=source, verdict=verdict, notes=notes or "",
                            created_by_id=actor_id, created_at=utcnow(), **scores)
    db.session.add(evaluation)
    db.session.flush()
    record("create", "evaluation", evaluation.id, f"evaluation of worker {worker_id}: "
           f"{verdict} {scores['overall']}/5", actor_id=actor_id)
    return evaluation
