"""Visits (上门) of orders served in visits (保洁): planning them from the line's plugin,
moving their time slots, the worker's start and finish report, the customer's
confirmation of the finish time, and the payment collected for each visit.

Each step joins one transaction with its audit event and the follow-up engine's
re-plan (check calls during a visit, the finish confirmation and the call after), and
commits once: a refused step saves nothing.
"""
from __future__ import annotations

import datetime as dt
from decimal import Decimal

import sqlalchemy as sa

from .. import numbering, plugins
from ..audit.service import record
from ..errors import Conflict, Invalid, NotFound
from ..extensions import db
from ..followups import service as followups
from ..messages import Msg, bilingual
from ..money import quantize
from ..orders import payments
from ..orders.models import Order
from ..pagination import apply_sort, paginate
from ..timeutil import utcnow
from ..transactions import transactional
from . import history
from .checks import (
    business_time,
    check_version,
    commit,
    loaded_intake,
    require_open,
    require_state,
    worker_for,
)
from .models import VISIT_FOLLOWUP_OUTCOMES, Visit

#: the order states in which a visit can start, finish or be confirmed
SERVICE_STATES = ("in_service",)
CONFIRM_STATES = ("in_service", "finished")
#: a reported time may run this far ahead of the clock (a slow phone, a rounded minute)
CLOCK_SLACK = dt.timedelta(minutes=10)
FINISH_CALL_EARLY_REASON = "made in the finish-confirmation call / 完工确认电话中已回访"


def _field(name: str, en: str, zh: str) -> Invalid:
    return Invalid(fields={name: [{"en": en, "zh": zh}]})


def of_order(order: Order) -> list[Visit]:
    """The order's visits in order (cancelled ones included)."""
    return list(db.session.scalars(sa.select(Visit).where(Visit.order_id == order.id)
                                   .order_by(Visit.seq)))


def get(order: Order, visit_id: int) -> Visit:
    """One visit of the order, or 404."""
    visit = db.session.get(Visit, visit_id)
    if visit is None or visit.order_id != order.id:
        raise NotFound(Msg("There is no such visit on this order.", "该订单没有这次上门。"))
    return visit


def offers_visits(order: Order) -> bool:
    """Whether the order's line plans visits at all (保洁 does; 月嫂 does not)."""
    try:
        return order.intake is not None and plugins.plan_visits(
            order.service_line, loaded_intake(order)) is not None
    except Conflict:
        return False


@transactional
def plan(order: Order, actor_id: int) -> list[Visit]:
    """Create the order's visits from its intake, as its line's plugin plans them (one
    for a one-off 保洁, one per week/fortnight/month for a recurring one).

    Planning again replaces the visits still only planned (after the intake changed);
    once one has started or taken its tools, 409 — move each visit instead. The order's
    worker, sent to each visit, must pass the candidate list's hard rules today (e.g. her
    健康证 held and valid: 409 ``worker_health_missing`` / ``worker_health_expired``).
    """
    require_open(order)
    worker_for(order, None, required=False)
    slots = plugins.plan_visits(order.service_line, loaded_intake(order))
    if slots is None:
        raise Conflict(Msg("Orders of this service line have no visits.",
                           "该业务线的订单没有上门安排。"), code="no_visits")
    existing = of_order(order)
    if any(v.status not in ("planned", "cancelled") or v.tools_out_at for v in existing):
        raise Conflict(Msg("Some visits are under way already; move each visit instead.",
                           "已有上门开始进行，请逐次调整时间。"), code="visits_started")
    now = utcnow()
    for old in existing:
        if old.status == "planned":
            old.status, old.cancel_reason, old.updated_at = "cancelled", "replanned", now
            db.session.flush()
            followups.visit_cancelled(order.id, old.id)
    made = []
    for slot in slots:
        seq = numbering.next_value(f"visit:{order.id}",
                                   lambda: max((v.seq for v in existing), default=0))
        visit = Visit(order_id=order.id, seq=seq, status="planned",
                      starts_at=business_time(slot.starts_at),
                      ends_at=business_time(slot.ends_at), worker_id=order.worker_id,
                      tasks=[bilingual(t) for t in slot.tasks], created_at=now,
                      updated_at=now)
        db.session.add(visit)
        db.session.flush()
        followups.visit_scheduled(order.id, visit.id, visit.starts_at, visit.ends_at)
        record("create", "visit", visit.id,
               f"order {order.number}: visit {seq} at {visit.starts_at.isoformat()}",
               actor_id=actor_id)
        made.append(visit)
    history.note(order, "visits_planned", actor_id, data={
        "visits": [{"seq": v.seq, "starts_at": v.starts_at} for v in made]})
    commit()
    return made


@transactional
def reschedule(visit: Visit, version: int, starts_at: dt.datetime, ends_at: dt.datetime,
               actor_id: int) -> Visit:
    """Move a planned visit to another time slot; its check calls move with it."""
    check_version(visit, version)
    require_open(visit.order)
    if visit.status != "planned":
        raise Conflict(Msg("Only a visit still planned can be moved.",
                           "只有尚未开始的上门才能调整时间。"), code="visit_not_planned")
    starts_at, ends_at = business_time(starts_at), business_time(ends_at)
    if ends_at <= starts_at:
        raise _field("ends_at", "The visit must end after it starts.", "结束时间须晚于开始时间。")
    before = (visit.starts_at, visit.ends_at)
    visit.starts_at, visit.ends_at, visit.updated_at = starts_at, ends_at, utcnow()
    db.session.flush()
    followups.visit_scheduled(visit.order_id, visit.id, starts_at, ends_at)
    history.note(visit.order, "visit_moved", actor_id, f"#{visit.seq}",
                 {"visit_id": visit.id, "starts_at": starts_at, "ends_at": ends_at})
    record("update", "visit", visit.id, f"visit {visit.seq} moved",
           {"starts_at": [before[0].isoformat(), starts_at.isoformat()],
            "ends_at": [before[1].isoformat(), ends_at.isoformat()]}, actor_id=actor_id)
    commit()
    return visit


@transactional
def cancel(visit: Visit, version: int, reason: str, actor_id: int) -> Visit:
    """Call off a planned visit (reason required); its pending follow-ups are cancelled."""
    check_version(visit, version)
    if visit.status != "planned" or visit.tools_out_at is not None:
        raise Conflict(Msg("Only a planned visit whose tools are not out can be cancelled.",
                           "只有尚未开始且未领工具的上门才能取消。"), code="visit_not_planned")
    if not (reason or "").strip():
        raise _field("reason", "Say why the visit is cancelled.", "请写明取消原因。")
    visit.status, visit.cancel_reason, visit.updated_at = "cancelled", reason[:255], utcnow()
    db.session.flush()
    followups.visit_cancelled(visit.order_id, visit.id)
    history.note(visit.order, "visit_cancelled", actor_id, f"#{visit.seq} {reason}",
                 {"visit_id": visit.id})
    record("status", "visit", visit.id, f"visit {visit.seq} cancelled: {reason[:100]}",
           {"status": ["planned", "cancelled"]}, actor_id=actor_id)
    commit()
    return visit


def _not_future(name: str, when: dt.datetime) -> None:
    if when > utcnow() + CLOCK_SLACK:
        raise _field(name, "This time is still in the future.", "该时间还没有到。")


@transactional
def start(visit: Visit, actor_id: int, started_at: dt.datetime | None = None) -> Visit:
    """The worker arrived and started (开始服务): the check calls count from now."""
    require_state(visit.order, SERVICE_STATES, Msg("A visit starts", "开始上门服务"))
    if visit.status != "planned":
        raise Conflict(Msg("This visit has started already or is over.",
                           "这次上门已经开始或已结束。"), code="visit_not_planned")
    started_at = business_time(started_at) if started_at else utcnow()
    _not_future("started_at", started_at)
    visit.status, visit.started_at, visit.updated_at = "in_progress", started_at, utcnow()
    db.session.flush()
    followups.visit_scheduled(visit.order_id, visit.id, started_at,
                              started_at + (visit.ends_at - visit.starts_at))
    history.note(visit.order, "visit_started", actor_id, f"#{visit.seq}",
                 {"visit_id": visit.id, "started_at": started_at})
    record("status", "visit", visit.id, f"visit {visit.seq} started",
           {"status": ["planned", "in_progress"]}, actor_id=actor_id)
    commit()
    return visit


@transactional
def report_finish(visit: Visit, finished_at: dt.datetime, actor_id: int) -> Visit:
    """The worker reports the finish time (报完工): the finish confirmation with the
    customer and the short call after are planned from it."""
    require_state(visit.order, SERVICE_STATES, Msg("A finish is reported", "报完工"))
    if visit.status not in ("planned", "in_progress"):
        raise Conflict(Msg("The finish of this visit was reported already, or it was "
                           "cancelled.", "这次上门已报完工或已取消。"), code="visit_finished")
    finished_at = business_time(finished_at)
    _not_future("finished_at", finished_at)
    if finished_at <= (visit.started_at or visit.starts_at):
        raise _field("finished_at", "The finish must come after the start.",
                     "完工时间须晚于开始时间。")
    before = visit.status
    visit.status, visit.reported_finished_at = "finished", finished_at
    visit.finish_reported_by_id, visit.updated_at = actor_id, utcnow()
    db.session.flush()
    followups.visit_done(visit.order_id, visit.id, finished_at)
    history.note(visit.order, "visit_finished", actor_id, f"#{visit.seq}",
                 {"visit_id": visit.id, "finished_at": finished_at})
    record("status", "visit", visit.id, f"visit {visit.seq}: finish reported",
           {"status": [before, "finished"],
            "reported_finished_at": [None, finished_at.isoformat()]}, actor_id=actor_id)
    commit()
    return visit


def _close_finish_calls(visit: Visit, outcome: str, reason: str, notes: str,
                       actor_id: int) -> list[int]:
    """Record the short follow-up's outcome on the calls the visit's line hangs on its
    end and that are due by now (the finish confirmation, 完工确认): they were made in
    this one call. A later call the line plans (a next-week check) stays pending."""
    from ..followups import outcomes
    from ..followups.models import FollowUp

    rows = db.session.scalars(sa.select(FollowUp).where(
        FollowUp.order_id == visit.order_id, FollowUp.anchor_key == f"visit_end:{visit.id}",
        FollowUp.state == "pending", FollowUp.due_at <= utcnow() + CLOCK_SLACK)
        .order_by(FollowUp.due_at, FollowUp.id))
    closed = []
    for f in list(rows):
        # a finish just after midnight puts the call on tomorrow while the customer is on
        # the phone now: it was made, so it is not refused as early
        outcomes.record_outcome(f.id, outcome, actor_id=actor_id, reason=reason, notes=notes,
                                version=f.version, early_reason=FINISH_CALL_EARLY_REASON
                                if f.is_early else "")
        closed.append(f.id)
    return closed


@transactional
def confirm(visit: Visit, actor_id: int, finished_at: dt.datetime | None = None,
            note: str = "", outcome: str | None = None, reason: str = "") -> Visit:
    """The desk calls the customer: she confirms the reported finish time (客户确认) and
    answers the short follow-up (简单回访) in the same call (004: 立即给顾客打电话确认 …
    做简单回访). One action records both: the time (a corrected one is kept beside the
    one reported, and the follow-ups move to it) and the outcome — ``satisfied`` or
    ``not_satisfied`` with the reason — which also completes the finish-confirmation
    call the line planned, so no separate call is left for the next day."""
    require_state(visit.order, CONFIRM_STATES, Msg("A finish is confirmed", "确认完工"))
    if visit.status != "finished":
        raise Conflict(Msg("Only a reported finish can be confirmed.",
                           "只有已报完工的上门才能确认。"), code="visit_not_finished")
    if outcome not in VISIT_FOLLOWUP_OUTCOMES:
        raise _field("outcome", "Say what the customer answered in the short follow-up: "
                     "satisfied or not_satisfied.", "请填写简单回访的结果：满意或不满意。")
    reason = (reason or "").strip()
    if outcome == "not_satisfied" and not reason:
        raise _field("reason", "Say why the customer is not satisfied.",
                     "请填写客户不满意的原因。")
    agreed = business_time(finished_at) if finished_at else visit.reported_finished_at
    _not_future("finished_at", agreed)
    if agreed <= (visit.started_at or visit.starts_at):
        raise _field("finished_at", "The finish must come after the start.",
                     "完工时间须晚于开始时间。")
    visit.status, visit.confirmed_finished_at = "confirmed", agreed
    visit.confirmed_at, visit.confirmed_by_id = utcnow(), actor_id
    visit.confirmation_note, visit.updated_at = (note or "")[:255], utcnow()
    visit.followup_outcome, visit.followup_reason = outcome, reason[:255]
    db.session.flush()
    if agreed != visit.reported_finished_at:
        followups.visit_done(visit.order_id, visit.id, agreed)
    closed = _close_finish_calls(visit, outcome, reason, note or "", actor_id)
    history.note(visit.order, "visit_confirmed", actor_id, f"#{visit.seq} {note or ''}".strip(),
                 {"visit_id": visit.id, "finished_at": agreed, "outcome": outcome,
                  "followups": closed})
    record("status", "visit", visit.id, f"visit {visit.seq}: finish confirmed ({outcome})",
           {"status": ["finished", "confirmed"],
            "confirmed_finished_at": [None, agreed.isoformat()],
            "followup_outcome": [None, outcome]}, actor_id=actor_id)
    commit()
    return visit


@transactional
def return_sheet(visit: Visit, actor_id: int, returned_at: dt.datetime | None = None,
                 note: str = "") -> Visit:
    """The worker handed the service sheet (上户表) back and the desk filed it (交与客服部
    保存): when, and who filed it. Only after the finish was reported; once."""
    if visit.status not in ("finished", "confirmed"):
        raise Conflict(Msg("The sheet comes back after the visit: report the finish first.",
                           "上户表在服务结束后交回：请先登记完工。"), code="visit_not_finished")
    if visit.sheet_returned_at is not None:
        raise Conflict(Msg("The service sheet of this visit was filed already.",
                           "这次上门的上户表已归档。"), code="sheet_returned")
    when_back = business_time(returned_at) if returned_at else utcnow()
    _not_future("returned_at", when_back)
    if when_back < (visit.started_at or visit.starts_at):
        raise _field("returned_at", "The sheet cannot come back before the visit started.",
                     "交回时间不能早于上门开始时间。")
    visit.sheet_returned_at, visit.sheet_filed_by_id = when_back, actor_id
    visit.sheet_note, visit.updated_at = (note or "")[:255], utcnow()
    db.session.flush()
    history.note(visit.order, "visit_sheet_returned", actor_id, f"#{visit.seq}",
                 {"visit_id": visit.id, "returned_at": when_back})
    record("update", "visit", visit.id, f"visit {visit.seq}: service sheet filed",
           {"sheet_returned_at": [None, when_back.isoformat()]}, actor_id=actor_id)
    commit()
    return visit


def _outstanding() -> sa.Select:
    return (sa.select(Visit).join(Order, Order.id == Visit.order_id)
            .where(Visit.status.in_(("finished", "confirmed")),
                   Visit.sheet_returned_at.is_(None)))


def sheet_owing_workers() -> list:
    """The workers who still owe a service sheet (for the list's filter), by name."""
    from ..workers.models import Worker

    owing = _outstanding().with_only_columns(
        sa.func.coalesce(Visit.worker_id, Order.worker_id)).distinct()
    return list(db.session.scalars(sa.select(Worker).where(Worker.id.in_(owing))
                                   .order_by(Worker.name, Worker.id)))


#: how the list of sheets not yet returned may be sorted
SHEET_SORTS = {"finished_at": Visit.reported_finished_at, "starts_at": Visit.starts_at,
               "order": Order.number}


def sheets_outstanding(*, q: str | None = None, worker_id: int | None = None,
                       dispatcher_id: int | None = None, finished_before: dt.date | None = None,
                       finished_after: dt.date | None = None, sort: str | None = None,
                       page: int = 1, per_page: int | None = None) -> dict:
    """Service sheets (上户表) not yet handed back: visits whose finish was reported (or
    confirmed) and whose sheet is not filed, oldest finish first. ``q`` searches the
    order number; filters by worker, the order's dispatcher and the finish date
    (Beijing)."""
    stmt = _outstanding()
    if q:
        stmt = stmt.where(Order.number.contains(q.strip(), autoescape=True))
    if worker_id is not None:
        stmt = stmt.where(sa.func.coalesce(Visit.worker_id, Order.worker_id) == worker_id)
    if dispatcher_id is not None:
        stmt = stmt.where(Order.dispatcher_id == dispatcher_id)
    if finished_after is not None:
        stmt = stmt.where(Visit.reported_finished_at >= business_time(
            dt.datetime.combine(finished_after, dt.time())))
    if finished_before is not None:
        stmt = stmt.where(Visit.reported_finished_at < business_time(
            dt.datetime.combine(finished_before + dt.timedelta(days=1), dt.time())))
    stmt = apply_sort(stmt, sort, SHEET_SORTS, [Visit.reported_finished_at, Visit.id])
    return paginate(stmt, page, per_page)


def suggested_amount(order: Order, visits: list[Visit]) -> Decimal | None:
    """What one visit comes to: the agreed price shared over the visits not cancelled."""
    live = [v for v in visits if v.status != "cancelled"]
    if order.agreed_price is None or not live:
        return None
    return quantize(order.agreed_price / len(live))


@transactional
def collect_payment(visit: Visit, *, amount: Decimal, method: str, actor_id: int,
                    collected_at: dt.datetime | None = None, note: str = "") -> Visit:
    """Record the money collected for this visit (e.g. by WeChat) as a payment of the
    order — the order's paid and outstanding include it — linked to the visit."""
    if visit.order.state == "cancelled":
        require_open(visit.order)
    if visit.status == "cancelled":
        raise Conflict(Msg("This visit was cancelled.", "这次上门已取消。"),
                       code="visit_cancelled")
    if visit.payment_id is not None:
        raise Conflict(Msg("The payment for this visit was recorded already.",
                           "这次上门的收款已登记。"), code="visit_paid")
    label = f"第 {visit.seq} 次上门"
    payment = payments.add(visit.order, amount=amount, method=method, actor_id=actor_id,
                           collected_at=collected_at,
                           note=f"{label} {note}".strip() if note else label)
    visit.payment_id, visit.updated_at = payment.id, utcnow()
    record("update", "visit", visit.id, f"visit {visit.seq}: payment {amount} ({method})",
           {"payment_id": [None, payment.id]}, actor_id=actor_id)
    commit()
    return visit
