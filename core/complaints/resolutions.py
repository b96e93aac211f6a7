"""How a complaint ends: the resolution (apology, the service redone free, a partial
refund finance confirms, the worker replaced through the contract versions (换人), a
compensation — above the limit only with a supervisor's approval through the order's
exceptions), the closing call-back (投诉回访) with the customer's verdict, and the
consequences for the worker found at fault.
"""
from __future__ import annotations

import datetime as dt
from decimal import Decimal

import sqlalchemy as sa
from flask import current_app

from ..accounts.models import User
from ..audit.service import record
from ..errors import Conflict, Forbidden, NotFound
from ..extensions import db
from ..followups import outbox
from ..followups.outcomes import add_evaluation
from ..messages import Msg
from ..orders import approvals, payments, staffing
from ..orders.models import Order
from ..orders.records import OrderApproval, OrderContract
from ..timeutil import utcnow
from ..transactions import transactional
from ..workers import service as workers
from ..workers.models import Worker
from . import clocks, policy
from .clock import DEFAULT_HOURS
from .models import Complaint, ComplaintConsequence, ComplaintResolution
from .service import _commit, _open, check_version, field_error, get, log

#: compensations up to this amount (yuan) need no approval (``COMPLAINTS_COMPENSATION_LIMIT``)
DEFAULT_COMPENSATION_LIMIT = Decimal("200.00")
SUPERVISING = ("supervisor", "admin")


def compensation_limit() -> Decimal:
    """The largest compensation a dispatcher may give without a supervisor's approval."""
    return Decimal(str(current_app.config.get("COMPLAINTS_COMPENSATION_LIMIT",
                                              DEFAULT_COMPENSATION_LIMIT)))


@transactional
def policy_overview() -> dict:
    """The company's complaint classes and levels with their SLA minutes, the desk's hours
    and the compensation limit; a step, as the defaults are written (and committed) the
    first time."""
    return {"categories": policy.categories(), "levels": policy.levels(),
            "desk_hours": list(current_app.config.get("COMPLAINTS_DESK_HOURS") or
                               DEFAULT_HOURS),
            "compensation_limit": compensation_limit()}


def refundable(order: Order, exclude_id: int | None = None) -> Decimal:
    """What may still be refunded on an order: what the customer paid, less the refunds
    of complaints already granted or waiting for finance."""
    paid = payments.summary(order)["paid"]
    refunded = db.session.scalar(sa.select(sa.func.coalesce(sa.func.sum(
        ComplaintResolution.amount), 0)).join(Complaint).where(
        Complaint.order_id == order.id, ComplaintResolution.kind == "refund",
        ComplaintResolution.state != "rejected",
        ComplaintResolution.id != (exclude_id or 0)))
    return paid - payments._decimal(refunded)


def _order(c: Complaint, kind: str) -> Order:
    if c.order_id is None:
        raise field_error("kind", f"A {kind} needs the complaint to name its order.",
                          "该处理方式需要投诉关联订单。")
    return db.session.get(Order, c.order_id)


def _amount(amount: Decimal | None) -> Decimal:
    if amount is None or amount <= 0:
        raise field_error("amount", "Give the amount in yuan (more than 0).",
                          "请填写金额（元，大于 0）。")
    return amount.quantize(Decimal("0.01"))


@transactional
def resolve(complaint_id: int, kind: str, *, actor: User, callback_at: dt.datetime | None,
            note: str = "", amount: Decimal | None = None, new_worker_id: int | None = None,
            change_date: dt.date | None = None, version: int | None = None
            ) -> ComplaintResolution:
    """Record what is done about the complaint and when the customer will be called back
    to confirm it (``callback_at``, required: no resolution without a closing call-back).
    Meets the solution clock; the complaint waits for its closing call-back. Commits."""
    c = get(complaint_id, lock=True)
    check_version(c, version)
    _open(c)
    now = utcnow()
    if callback_at is None or callback_at.tzinfo is None:
        raise field_error("callback_at", "Say when the customer will be called back to "
                          "confirm the resolution (with the time zone).",
                          "请填写回访客户确认处理结果的时间（带时区）。")
    if callback_at < now - dt.timedelta(minutes=5):
        raise field_error("callback_at", "The call-back time is in the past.", "回访时间已过。")
    res = ComplaintResolution(kind=kind, note=note or "", state="done", created_by_id=actor.id,
                              created_at=now, callback_at=callback_at.astimezone(dt.timezone.utc))
    if kind == "refund":
        order = _order(c, kind)
        res.amount = _amount(amount)
        left = refundable(order)
        if res.amount > left:
            raise field_error("amount", f"The refund is more than was paid ({left} yuan "
                              "may still be refunded).",
                              f"退款金额超过客户已付金额（最多可退 {left} 元）。")
        res.state = "awaiting_finance"
    elif kind == "compensation":
        res.amount = _amount(amount)
        if res.amount > compensation_limit():
            order = _order(c, kind)
            approval = approvals.request(
                order, "complaint_compensation",
                f"投诉 {c.number} 赔偿 {res.amount} 元：{note or c.summary}"[:500],
                {"subject": f"complaint:{c.id}", "amount": str(res.amount),
                 "complaint": c.number}, actor.id)
            db.session.flush()
            res.approval_id, res.state = approval.id, "awaiting_approval"
    elif kind == "replace_worker":
        order = _order(c, kind)
        if new_worker_id is None or db.session.get(Worker, new_worker_id) is None:
            raise field_error("new_worker_id", "Choose the worker who takes over.",
                              "请选择接替的阿姨。")
    c.resolutions.append(res)
    c.state, c.resolved_at, c.updated_at = "resolved", now, now
    if c.paused_at is not None:
        clocks.resume(c, policy.level(c.level_code), now)
    clocks.meet(c, ("solution",), now)
    log(c, "resolution", actor.id, note, promised_at=res.callback_at,
        data={"kind": kind, "amount": str(res.amount) if res.amount else None})
    db.session.flush()
    record("create", "complaint_resolution", res.id, f"{kind} on {c.number}",
           actor_id=actor.id)
    if kind == "replace_worker":  # 换人 through the order's contract versions (commits)
        staffing.assign(order, new_worker_id, order.version, actor.id,
                        reason=f"投诉 {c.number}：{note or c.summary}", change_date=change_date)
        res.contract_id = db.session.scalar(sa.select(OrderContract.id).where(
            OrderContract.order_id == order.id, OrderContract.worker_id == new_worker_id)
            .order_by(OrderContract.version.desc()).limit(1))
    _commit()
    return res


def sync_approvals(c: Complaint) -> None:
    """Carry the supervisor's decision on a compensation into its resolution."""
    for res in c.resolutions:
        if res.state == "awaiting_approval" and res.approval_id:
            status = db.session.scalar(sa.select(OrderApproval.status).where(
                OrderApproval.id == res.approval_id))
            if status == "approved":
                res.state = "done"
                log(c, "approval", None, "", data={"resolution": res.id, "status": status})
            elif status in ("rejected", "superseded"):
                res.state = "rejected"
                log(c, "approval", None, "", data={"resolution": res.id, "status": status})


def refunds_for_finance(*, state: str | None = "awaiting_finance", page: int = 1,
                        per_page: int = 20) -> dict:
    """The refunds finance sees: amount, order and complaint numbers, state — nothing of
    the complaint's story or the customer."""
    from ..pagination import paginate

    stmt = (sa.select(ComplaintResolution.id, ComplaintResolution.amount,
                      ComplaintResolution.state, ComplaintResolution.created_at,
                      ComplaintResolution.confirmed_at, Complaint.number.label("complaint"),
                      Order.number.label("order"))
            .join(Complaint, Complaint.id == ComplaintResolution.complaint_id)
            .join(Order, Order.id == Complaint.order_id)
            .where(ComplaintResolution.kind == "refund"))
    if state:
        stmt = stmt.where(ComplaintResolution.state == state)
    out = paginate(stmt.order_by(ComplaintResolution.created_at, ComplaintResolution.id),
                   page, per_page, scalars=False)
    out["items"] = [dict(r._mapping) for r in out["items"]]
    return out


@transactional
def confirm_refund(resolution_id: int, *, actor_id: int) -> ComplaintResolution:
    """Finance confirms the refund was paid back to the customer (财务确认); commits."""
    res = db.session.scalar(sa.select(ComplaintResolution).where(
        ComplaintResolution.id == resolution_id).with_for_update())
    if res is None or res.kind != "refund":
        raise NotFound(Msg("There is no such refund.", "找不到该退款。"))
    if res.state != "awaiting_finance":
        raise Conflict(Msg("This refund was confirmed already.", "该退款已确认。"),
                       code="already_confirmed")
    res.state, res.confirmed_at, res.confirmed_by_id = "done", utcnow(), actor_id
    log(res.complaint, "refund_confirmed", actor_id, "", data={"amount": str(res.amount)})
    record("status", "complaint_resolution", res.id, "refund confirmed by finance",
           {"state": ["awaiting_finance", "done"]}, actor_id=actor_id)
    _commit()
    return res


@transactional
def _closing_callback(complaint_id: int, verdict: str, *, actor_id: int, note: str = "",
                     version: int | None = None) -> Complaint:
    """:func:`closing_callback`'s step: the complaint and the outbox messages to deliver
    once it is committed."""
    c = get(complaint_id, lock=True)
    check_version(c, version)
    _open(c)
    sync_approvals(c)
    if not any(r.state != "rejected" for r in c.resolutions) or c.state != "resolved":
        raise Conflict(Msg("Record the resolution before the closing call-back.",
                           "请先记录处理结果，再做投诉回访。"), code="no_resolution")
    waiting = [r for r in c.resolutions if r.state in ("awaiting_finance", "awaiting_approval")]
    if verdict == "satisfied" and waiting:
        raise Conflict(Msg("A refund or compensation still waits for finance or a "
                           "supervisor.", "仍有退款或赔偿待财务确认或主管审批。"),
                       code="resolution_pending")
    now = utcnow()
    log(c, "closing_callback", actor_id, note, data={"verdict": verdict})
    c.verdict, c.updated_at = verdict, now
    clocks.meet(c, ("first_contact", "callback"), now)
    if verdict == "satisfied":
        c.state, c.closed_at = "closed", now
        clocks.meet(c, ("solution",), now)
    else:
        c.state, c.resolved_at = "open", None
        c.reopened = (c.reopened or 0) + 1
        clocks.restart(c, ("callback", "solution"), policy.level(c.level_code), now)
        log(c, "reopen", actor_id, note)
    record("status", "complaint", c.id, f"{c.number} call-back: {verdict}",
           {"state": ["resolved", c.state]}, actor_id=actor_id)
    ids: list[int] = []
    if verdict == "satisfied" and current_app.config["SURVEY_AFTER_COMPLAINT"]:
        from ..surveys.service import after_complaint_in

        ids = after_complaint_in(c)
    _commit()
    return c, ids


def closing_callback(complaint_id: int, verdict: str, *, actor_id: int, note: str = "",
                     version: int | None = None) -> Complaint:
    """The complaint call-back (投诉回访): satisfied closes the complaint; not satisfied
    reopens it with fresh call-back and solution clocks. Commits (the step), then
    delivers the survey it sent."""
    c, ids = _closing_callback(complaint_id, verdict, actor_id=actor_id, note=note,
                               version=version)
    for message_id in ids:
        outbox.deliver(message_id)
    return c


# --------------------------------------------------------------------- consequences


@transactional
def add_consequence(complaint_id: int, kind: str, *, actor: User, reason: str,
                    overall: int | None = None) -> ComplaintConsequence:
    """The complaint was found against the worker: put an evaluation on her record
    (lowers her rating), or a warning, suspension or blacklisting — applied at once by
    a supervisor, waiting for one when a dispatcher asks. Commits."""
    c = get(complaint_id, lock=True)
    if c.worker_id is None:
        raise field_error("kind", "This complaint names no worker.", "该投诉未关联阿姨。")
    if not (reason or "").strip():
        raise field_error("reason", "Say what she was found to have done.", "请填写认定理由。")
    row = ComplaintConsequence(complaint_id=c.id, worker_id=c.worker_id, kind=kind,
                               reason=reason.strip(), state="pending",
                               requested_by_id=actor.id, requested_at=utcnow())
    if kind == "evaluation":
        if overall is None:
            raise field_error("overall", "Give the score (1–5) the complaint puts on her "
                              "record.", "请填写记入评价的分数（1–5）。")
        evaluation = add_evaluation(worker_id=c.worker_id, order_id=c.order_id,
                                    source="complaint", verdict="not_satisfied",
                                    scores={"overall": overall},
                                    notes=f"{c.number}: {reason}", actor_id=actor.id)
        row.evaluation_id, row.state = evaluation.id, "applied"
        row.decided_by_id, row.decided_at = actor.id, utcnow()
    db.session.add(row)
    db.session.flush()
    log(c, "consequence", actor.id, reason, data={"kind": kind, "consequence": row.id})
    if kind != "evaluation" and actor.role in SUPERVISING:
        _apply(row, actor)
    record("create", "complaint_consequence", row.id, f"{kind} for worker {c.worker_id}",
           actor_id=actor.id)
    _commit()
    return row


def _apply(row: ComplaintConsequence, actor: User) -> None:
    worker = db.session.get(Worker, row.worker_id)
    if row.kind == "suspension" and worker.status not in ("inactive", "blacklisted"):
        workers.change_status(worker, "inactive", reason=f"投诉停用：{row.reason}"[:255],
                              actor=actor)
    elif row.kind == "blacklist" and worker.status != "blacklisted":
        workers.change_status(worker, "blacklisted", reason_type="serious_complaint",
                              reason=row.reason[:255], actor=actor)
    row.state, row.decided_by_id, row.decided_at = "applied", actor.id, utcnow()


@transactional
def decide_consequence(consequence_id: int, approve: bool, *, actor: User,
                       note: str = "") -> ComplaintConsequence:
    """A supervisor approves (applies) or rejects a dispatcher's request. Commits."""
    if actor.role not in SUPERVISING:
        raise Forbidden()
    row = db.session.get(ComplaintConsequence, consequence_id)
    if row is None:
        raise NotFound(Msg("There is no such request.", "找不到该申请。"))
    if row.state != "pending":
        raise Conflict(Msg("This request was already decided.", "该申请已处理。"),
                       code="already_decided")
    if approve:
        _apply(row, actor)
    else:
        row.state, row.decided_by_id, row.decided_at = "rejected", actor.id, utcnow()
    c = db.session.get(Complaint, row.complaint_id)
    log(c, "consequence", actor.id, note, data={"kind": row.kind, "consequence": row.id,
                                                "decision": row.state})
    record("status", "complaint_consequence", row.id, f"{row.kind}: {row.state}",
           actor_id=actor.id)
    _commit()
    return row
