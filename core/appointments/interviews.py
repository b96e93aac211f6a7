"""Interviews (面试) of 月嫂 and 育婴师 orders: arranging one (time, place, the worker
proposed), moving or cancelling it, and recording its outcome — passed, failed (with
the reason) or no show.

The order lifecycle asks here before an order leaves the ``interview`` state for
``contracted`` (or for ``in_service`` on a line without a contract): the customer must
have passed an interview with the order's current worker, else 409 with the reason
(:func:`require_passed`, registered with :func:`core.orders.lifecycle.guard`).
"""
from __future__ import annotations

import datetime as dt

import sqlalchemy as sa

from ..audit.service import record
from ..errors import Conflict, Invalid, NotFound
from ..extensions import db
from ..followups import service as followups
from ..messages import Msg
from ..orders import lifecycle
from ..orders.models import Order
from ..orders.policy import order_policy
from ..timeutil import SHANGHAI, utcnow
from ..transactions import transactional
from . import history
from .checks import (
    business_time,
    check_version,
    commit,
    require_open,
    require_state,
    worker_for,
)
from .models import INTERVIEW_OUTCOMES, INTERVIEW_STATUS_LABELS, Interview

#: the order states in which interviews are arranged and their outcomes recorded
INTERVIEW_STATES = ("matching", "interview")


def _field(name: str, en: str, zh: str) -> Invalid:
    return Invalid(fields={name: [{"en": en, "zh": zh}]})


def of_order(order: Order) -> list[Interview]:
    """The order's interviews, oldest first."""
    return list(db.session.scalars(sa.select(Interview).where(
        Interview.order_id == order.id).order_by(Interview.scheduled_at, Interview.id)))


def get(order: Order, interview_id: int) -> Interview:
    """One interview of the order, or 404."""
    row = db.session.get(Interview, interview_id)
    if row is None or row.order_id != order.id:
        raise NotFound(Msg("There is no such interview on this order.", "该订单没有这次面试。"))
    return row


def offers_interviews(order: Order) -> bool:
    """Whether the order's line interviews its workers (月嫂, 育婴师)."""
    return order_policy(order.service_line).needs_interview


@transactional
def arrange(order: Order, actor_id: int, *, scheduled_at: dt.datetime, place: str,
            worker_id: int | None = None, note: str = "") -> Interview:
    """Arrange an interview (安排面试) of a worker (default: the order's) with the
    customer, at a time and place."""
    require_open(order)
    if not offers_interviews(order):
        raise Conflict(Msg("Orders of this service line have no interviews.",
                           "该业务线的订单不需要面试。"), code="no_interviews")
    require_state(order, INTERVIEW_STATES, Msg("An interview is arranged", "安排面试"))
    worker = worker_for(order, worker_id)
    from ..placement.service import require_profile_sent

    require_profile_sent(order, worker)  # 004: her profile goes before the interview
    now = utcnow()
    row = Interview(order_id=order.id, worker_id=worker.id, status="arranged",
                    scheduled_at=business_time(scheduled_at), place=place.strip()[:200],
                    note=(note or "")[:500], arranged_by_id=actor_id, created_at=now,
                    updated_at=now)
    db.session.add(row)
    db.session.flush()
    history.note(order, "interview_arranged", actor_id, f"{worker.name} · {row.place}",
                 {"interview_id": row.id, "worker_id": worker.id,
                  "scheduled_at": row.scheduled_at})
    record("create", "interview", row.id,
           f"order {order.number}: interview of worker {worker.id} at "
           f"{row.scheduled_at.isoformat()}", actor_id=actor_id)
    commit()
    return row


def _arranged(row: Interview) -> None:
    if row.status != "arranged":
        raise Conflict(Msg("This interview's outcome was recorded already, or it was "
                           "cancelled.", "这次面试已有结果或已取消。"), code="interview_closed")


@transactional
def reschedule(row: Interview, version: int, actor_id: int, *, scheduled_at: dt.datetime,
               place: str | None = None) -> Interview:
    """Move an arranged interview to another time (or place)."""
    check_version(row, version)
    _arranged(row)
    require_state(row.order, INTERVIEW_STATES, Msg("An interview is moved", "调整面试"))
    before = row.scheduled_at.isoformat()
    row.scheduled_at = business_time(scheduled_at)
    if place:
        row.place = place.strip()[:200]
    row.updated_at = utcnow()
    history.note(row.order, "interview_moved", actor_id, row.place,
                 {"interview_id": row.id, "scheduled_at": row.scheduled_at})
    record("update", "interview", row.id, "interview moved",
           {"scheduled_at": [before, row.scheduled_at.isoformat()]}, actor_id=actor_id)
    commit()
    return row


@transactional
def cancel(row: Interview, version: int, actor_id: int, reason: str = "") -> Interview:
    """Call off an arranged interview."""
    check_version(row, version)
    _arranged(row)
    row.status, row.reason, row.updated_at = "cancelled", (reason or "")[:500], utcnow()
    history.note(row.order, "interview_cancelled", actor_id, row.reason,
                 {"interview_id": row.id})
    record("status", "interview", row.id, "interview cancelled",
           {"status": ["arranged", "cancelled"]}, actor_id=actor_id)
    commit()
    return row


@transactional
def record_outcome(row: Interview, version: int, actor_id: int, *, outcome: str,
                   reason: str = "", held_at: dt.datetime | None = None) -> Interview:
    """Record how the interview went (面试结果): passed, failed (the reason is required)
    or no show; the follow-up engine hears of it."""
    check_version(row, version)
    _arranged(row)
    require_state(row.order, INTERVIEW_STATES,
                  Msg("An interview's outcome is recorded", "登记面试结果"))
    if outcome not in INTERVIEW_OUTCOMES:
        raise _field("outcome", "Choose passed, failed or no show.", "请选择通过、未通过或未到场。")
    if outcome == "failed" and not (reason or "").strip():
        raise _field("reason", "Say why the interview failed.", "请写明面试未通过的原因。")
    now = utcnow()
    held_at = business_time(held_at) if held_at else min(row.scheduled_at, now)
    row.status, row.reason = outcome, (reason or "").strip()[:500]
    row.outcome_at, row.outcome_by_id, row.updated_at = held_at, actor_id, now
    db.session.flush()
    followups.interview_done(row.order_id, row.id, held_at)
    zh = INTERVIEW_STATUS_LABELS[outcome][0]
    history.note(row.order, "interview_outcome", actor_id,
                 f"{row.worker.name}：{zh}" + (f"（{row.reason}）" if row.reason else ""),
                 {"interview_id": row.id, "worker_id": row.worker_id, "outcome": outcome})
    record("status", "interview", row.id, f"interview {outcome}",
           {"status": ["arranged", outcome]}, actor_id=actor_id)
    commit()
    return row


def passed_for(order: Order) -> Interview | None:
    """The latest passed interview with the order's current worker, if any."""
    if order.worker_id is None:
        return None
    return db.session.scalar(sa.select(Interview).where(
        Interview.order_id == order.id, Interview.worker_id == order.worker_id,
        Interview.status == "passed").order_by(Interview.outcome_at.desc()).limit(1))


def _refusal(order: Order) -> Conflict:
    """Why the order cannot leave the interview state: no interview with its worker yet,
    none with an outcome, or the last one did not pass."""
    name = order.worker.name if order.worker else "—"
    last = db.session.scalar(sa.select(Interview).where(
        Interview.order_id == order.id, Interview.worker_id == order.worker_id,
        Interview.status != "cancelled").order_by(Interview.scheduled_at.desc()).limit(1))
    if last is None:
        msg = Msg("No interview of {name} with the customer is recorded: arrange one and "
                  "record that it passed first.",
                  "还没有{name}与客户的面试记录：请先安排面试并登记通过。").format(name=name)
    elif last.status == "arranged":
        when = last.scheduled_at.astimezone(SHANGHAI).strftime("%Y-%m-%d %H:%M")
        msg = Msg("The interview of {name} on {when} has no outcome yet: record that it "
                  "passed first.", "{name}的面试（{when}）还没有结果：请先登记面试通过。"
                  ).format(name=name, when=when)
    else:
        zh, en = INTERVIEW_STATUS_LABELS[last.status]
        msg = Msg("The interview of {name} did not pass ({en}); a contract needs a passed "
                  "interview.", "{name}的面试未通过（{zh}），签约前须面试通过。").format(
            name=name, en=en.lower(), zh=zh)
    return Conflict(msg, code="interview_not_passed", next_step=lifecycle.step(
        order, "interview", "Arrange the interview and record its outcome.",
        "安排面试并登记结果。", "interviews", "/interviews"))


@lifecycle.guard("contracted")
@lifecycle.guard("in_service")
def require_passed(order: Order, facts) -> None:
    """Lifecycle guard: an order leaves ``interview`` (for ``contracted``, or
    ``in_service`` on a line without a contract) only after the customer passed an
    interview with its current worker; else 409 saying why."""
    if order.state == "interview" and passed_for(order) is None:
        raise _refusal(order)
