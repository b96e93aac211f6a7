"""Complaints (投诉): taking them in from every channel, folding duplicates, routing, and
the work on them — contacts, call-backs, promises, reassignment, waiting on the
customer, a changed level. Resolutions, the closing call-back and the consequences for
the worker are in :mod:`core.complaints.resolutions`.

The service owns the transaction: the public functions are @transactional steps (they
commit when called on their own and roll back when they refuse; ``*_in`` variants join
the caller's). Nothing here touches Redis: the sweep (:mod:`core.complaints.jobs`) reads
the clocks from the database and sends warnings and escalations through the outbox.
"""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import sqlalchemy as sa

from .. import numbering
from ..accounts.models import User
from ..audit.service import record
from ..customers.models import Customer
from ..errors import Conflict, Invalid, NotFound
from ..extensions import db
from ..followups.models import FollowUp, MediationCase
from ..messages import Msg
from ..orders.models import Order
from ..timeutil import SHANGHAI, utcnow
from ..transactions import save, transactional
from ..workers.models import Worker
from . import clocks, policy
from .models import OPEN_STATES, Complaint, ComplaintAction

#: a received time this far in the future is a typing error, not clock skew
FUTURE_SLACK = dt.timedelta(minutes=2)
STALE = Msg("Someone changed this complaint meanwhile; reload and try again.",
            "该投诉已被他人更新，请刷新后重试。")


def field_error(name: str, en: str, zh: str) -> Invalid:
    """A 422 naming one field."""
    return Invalid(fields={name: [{"en": en, "zh": zh}]})


@dataclass
class Intake:
    """The result of taking a complaint in: the complaint, and whether the report was
    folded into one already open about the same order and worker."""

    complaint: Complaint
    folded: bool = False


def get(complaint_id: int, lock: bool = False) -> Complaint:
    """One complaint, or 404."""
    stmt = sa.select(Complaint).where(Complaint.id == complaint_id)
    c = db.session.scalar(stmt.with_for_update() if lock else stmt)
    if c is None:
        raise NotFound(Msg("There is no such complaint.", "找不到该投诉。"))
    return c


def check_version(c: Complaint, version: int | None) -> None:
    """A stale ``version`` → 409."""
    if version is not None and version != c.version:
        raise Conflict(STALE, code="stale_version")


def log(c: Complaint, kind: str, actor_id: int | None, note: str = "", *,
        promised_at: dt.datetime | None = None, data: dict | None = None,
        at: dt.datetime | None = None) -> ComplaintAction:
    """Add an entry to the complaint's action log (who, what, when, what was promised)."""
    action = ComplaintAction(kind=kind, note=note or "", promised_at=promised_at, data=data,
                             actor_id=actor_id, at=at or utcnow())
    c.actions.append(action)
    return action


def _number(now: dt.datetime) -> str:
    """The next complaint number of the business day (TS20261001-0001), from that day's
    counter, so two complaints taken at once never share one."""
    day = now.astimezone(SHANGHAI)
    prefix = f"TS{day:%Y%m%d}-"

    def last_used() -> int:
        last = db.session.scalar(sa.select(sa.func.max(Complaint.number)).where(
            Complaint.number.like(prefix + "%")))
        return int(last.rsplit("-", 1)[1]) if last else 0

    return f"{prefix}{numbering.next_value(f'complaint:{day:%Y%m%d}', last_used):04d}"


def supervisor_for_new() -> int | None:
    """The supervisor with the fewest open complaints (ties: the first), else an admin."""
    for role in ("supervisor", "admin"):
        open_count = sa.select(sa.func.count(Complaint.id)).where(
            Complaint.owner_id == User.id, Complaint.state.in_(OPEN_STATES)).scalar_subquery()
        row = db.session.execute(sa.select(User.id).where(
            User.role == role, User.active.is_(True)).order_by(open_count, User.id)
            .limit(1)).first()
        if row:
            return row[0]
    return None


def _staff(user_id: int, field: str) -> User:
    user = db.session.get(User, user_id)
    if user is None or not user.active or user.role not in ("dispatcher", "supervisor", "admin"):
        raise field_error(field, "Choose an active dispatcher or supervisor.",
                          "请选择在职的客服专员或主管。")
    return user


def _links(customer_id: int, order_id: int | None, worker_id: int | None
           ) -> tuple[Customer, Order | None, int | None]:
    customer = db.session.get(Customer, customer_id)
    if customer is None:
        raise field_error("customer_id", "There is no such customer.", "找不到该客户。")
    order = None
    if order_id is not None:
        order = db.session.get(Order, order_id)
        if order is None:
            raise field_error("order_id", "There is no such order.", "找不到该订单。")
        if order.customer_id != customer.id:
            raise field_error("order_id", "This order is not this customer's.",
                              "该订单不属于该客户。")
        worker_id = worker_id or order.worker_id
    if worker_id is not None and db.session.get(Worker, worker_id) is None:
        raise field_error("worker_id", "There is no such worker.", "找不到该阿姨。")
    return customer, order, worker_id


def _received(received_at: dt.datetime | None, order: Order | None, now: dt.datetime
              ) -> dt.datetime:
    if received_at is None:
        return now
    if received_at.tzinfo is None:
        raise field_error("received_at", "Give the time with its time zone.",
                          "请填写带时区的接收时间。")
    if received_at > now + FUTURE_SLACK:
        raise field_error("received_at", "The complaint cannot have been received in the "
                          "future.", "接收时间不能晚于现在。")
    if order is not None and received_at < order.created_at:
        raise field_error("received_at", "The complaint cannot be older than its order.",
                          "接收时间不能早于订单创建时间。")
    return received_at.astimezone(dt.timezone.utc)


def _open_duplicate(customer_id: int, order_id: int | None, worker_id: int | None
                    ) -> Complaint | None:
    if order_id is None:
        return None
    return db.session.scalar(sa.select(Complaint).where(
        Complaint.customer_id == customer_id, Complaint.order_id == order_id,
        Complaint.worker_id.is_(None) if worker_id is None else Complaint.worker_id == worker_id,
        Complaint.state.in_(OPEN_STATES)).order_by(Complaint.id).limit(1).with_for_update())


def _open_mediation(order_id: int | None, worker_id: int | None) -> int | None:
    if order_id is None:
        return None
    stmt = sa.select(MediationCase.id).where(MediationCase.order_id == order_id,
                                             MediationCase.state == "open")
    if worker_id is not None:
        stmt = stmt.where(sa.or_(MediationCase.worker_id == worker_id,
                                 MediationCase.worker_id.is_(None)))
    return db.session.scalar(stmt.order_by(MediationCase.id.desc()).limit(1))


def open_complaint_in(*, customer_id: int, channel: str, category: str, level: str,
                      summary: str, actor_id: int | None, details: str = "",
                      order_id: int | None = None, worker_id: int | None = None,
                      received_at: dt.datetime | None = None, owner_id: int | None = None,
                      contacted: bool = False, followup_id: int | None = None,
                      survey_id: int | None = None) -> Intake:
    """Take a complaint in (joins the caller's transaction).

    A report about an order and worker that already have an open complaint is folded
    into it (logged there, nothing new opened). Otherwise the complaint is linked to
    the order's open mediation case (调解) if any, routed (严重/重大 → a supervisor; else
    the given owner, the order's dispatcher or whoever typed it in) and its clocks start
    from ``received_at``. ``contacted``: the customer was spoken to while taking it in
    (a phone call, in person) — that is the first contact.
    """
    now = utcnow()
    cat = policy.category(category)
    lvl = policy.level(level)
    summary = (summary or "").strip()
    if not summary:
        raise field_error("summary", "Say in a few words what the complaint is about.",
                          "请简要填写投诉内容。")
    customer, order, worker_id = _links(customer_id, order_id, worker_id)
    received = _received(received_at, order, now)
    if owner_id is not None:
        _staff(owner_id, "owner_id")
    duplicate = _open_duplicate(customer.id, order.id if order else None, worker_id)
    if duplicate is not None:
        log(duplicate, "folded", actor_id, summary + ("\n" + details if details else ""),
            data={"channel": channel, "received_at": received.isoformat(),
                  "category": cat.code, "level": lvl.code, "followup_id": followup_id,
                  "survey_id": survey_id})
        if followup_id is not None and duplicate.followup_id is None:
            duplicate.followup_id = followup_id
        duplicate.updated_at = now
        db.session.flush()
        record("update", "complaint", duplicate.id, f"report folded into {duplicate.number}",
               actor_id=actor_id)
        return Intake(duplicate, folded=True)
    if lvl.supervisor:
        owner_id = supervisor_for_new() or owner_id
    owner_id = owner_id or (order.dispatcher_id if order else None) or actor_id
    c = Complaint(number=_number(now), customer_id=customer.id,
                  order_id=order.id if order else None, worker_id=worker_id,
                  mediation_id=_open_mediation(order.id if order else None, worker_id),
                  followup_id=followup_id, survey_id=survey_id, channel=channel,
                  category_code=cat.code, level_code=lvl.code, summary=summary[:200],
                  details=details or "", state="open", owner_id=owner_id,
                  received_at=received, entered_at=now, entered_by_id=actor_id,
                  paused_minutes=0, breached=False, reopened=0, updated_at=now)
    db.session.add(c)
    clocks.start(c, lvl)
    log(c, "intake", actor_id, summary, at=now,
        data={"channel": channel, "received_at": received.isoformat(),
              "routed_to_supervisor": lvl.supervisor})
    if contacted:
        c.first_contact_at = received
        clocks.meet(c, ("first_contact",), received)
    db.session.flush()
    record("create", "complaint", c.id, f"complaint {c.number} ({cat.code}/{lvl.code})",
           actor_id=actor_id)
    return Intake(c)


@transactional
def open_complaint(**kwargs) -> Intake:
    """:func:`open_complaint_in`, committed."""
    return open_complaint_in(**kwargs)


@transactional
def from_followup(followup_id: int, *, category: str, level: str, actor_id: int | None,
                  summary: str | None = None) -> Intake:
    """One click from the follow-up queue: a follow-up that ended "not satisfied" becomes
    a complaint about its order and worker (linked to it; folded if one is open)."""
    f = db.session.get(FollowUp, followup_id)
    if f is None:
        raise NotFound(Msg("There is no such follow-up.", "找不到该回访。"))
    if f.outcome != "not_satisfied" or f.order_id is None:
        raise Conflict(Msg("Only a follow-up of an order that ended \u201cnot satisfied\u201d "
                           "becomes a complaint.", "只有结果为“不满意”的订单回访才能转为投诉。"),
                       code="followup_not_dissatisfied")
    existing = db.session.scalar(sa.select(Complaint).where(Complaint.followup_id == f.id))
    if existing is not None:
        return Intake(existing, folded=True)
    order = db.session.get(Order, f.order_id)
    reason = next((o.reason for o in reversed(f.outcomes) if o.outcome == "not_satisfied"), "")
    result = open_complaint_in(
        customer_id=order.customer_id, order_id=order.id, worker_id=order.worker_id,
        channel="followup", category=category, level=level,
        summary=(summary or reason or f.title_zh)[:200], details=reason,
        received_at=f.completed_at or utcnow(), actor_id=actor_id, contacted=True,
        followup_id=f.id)
    return result


# ------------------------------------------------------------------------- the work


def _commit() -> None:
    """Write the step's changes now (its @transactional wrapper commits them) so that a
    lost version race is this area's own 409 (:data:`STALE`), raised inside the step."""
    save(lambda: Conflict(STALE, code="stale_version"))


def _open(c: Complaint) -> None:
    if c.state == "closed":
        raise Conflict(Msg("This complaint is closed.", "该投诉已结案。"), code="complaint_closed")


@transactional
def add_action(complaint_id: int, kind: str, *, actor_id: int, note: str = "",
               promised_at: dt.datetime | None = None, version: int | None = None
               ) -> Complaint:
    """Log what was done: a ``note``, a ``contact`` with the customer (meets the
    first-contact clock), a ``callback`` (meets the call-back clock), a ``promise`` to
    call back by ``promised_at``. Commits."""
    c = get(complaint_id, lock=True)
    check_version(c, version)
    _open(c)
    now = utcnow()
    if kind == "promise":
        if promised_at is None or promised_at.tzinfo is None:
            raise field_error("promised_at", "Say by when the customer was promised a "
                              "call back (with the time zone).", "请填写承诺回电的时间（带时区）。")
        if promised_at < now:
            raise field_error("promised_at", "The promised time is in the past.",
                              "承诺时间已过。")
    if kind in ("contact", "callback") and c.paused_at is not None:
        _resume(c, actor_id, now, note="")
    log(c, kind, actor_id, note, promised_at=promised_at, at=now)
    if kind == "contact":
        c.first_contact_at = c.first_contact_at or now
        clocks.meet(c, ("first_contact",), now)
    elif kind == "callback":
        c.first_contact_at = c.first_contact_at or now
        clocks.meet(c, ("first_contact", "callback"), now)
    c.updated_at = now
    record("update", "complaint", c.id, f"{kind} on {c.number}", actor_id=actor_id)
    _commit()
    return c


@transactional
def reassign(complaint_id: int, owner_id: int, *, actor_id: int, note: str = "",
             version: int | None = None) -> Complaint:
    """Give the complaint to someone else (logged); commits."""
    c = get(complaint_id, lock=True)
    check_version(c, version)
    _open(c)
    new = _staff(owner_id, "owner_id")
    if c.owner_id == new.id:
        raise Conflict(Msg("The complaint is already theirs.", "该投诉已由此人负责。"),
                       code="same_owner")
    old = c.owner_id
    c.owner_id, c.updated_at = new.id, utcnow()
    log(c, "reassign", actor_id, note, data={"from": old, "to": new.id})
    record("update", "complaint", c.id, f"{c.number} reassigned",
           {"owner_id": [old, new.id]}, actor_id=actor_id)
    _commit()
    return c


def _resume(c: Complaint, actor_id: int | None, now: dt.datetime, note: str) -> None:
    paused = clocks.resume(c, policy.level(c.level_code), now)
    c.state = "open" if c.state == "waiting_customer" else c.state
    log(c, "resume", actor_id, note, data={"paused_minutes": paused}, at=now)


@transactional
def wait_on_customer(complaint_id: int, waiting: bool, *, actor_id: int, note: str = "",
                     version: int | None = None) -> Complaint:
    """Stop the clocks while the desk waits on the customer (``waiting``), or run them
    again. The pause and its length are logged. Commits."""
    c = get(complaint_id, lock=True)
    check_version(c, version)
    _open(c)
    now = utcnow()
    if waiting:
        if c.paused_at is not None:
            raise Conflict(Msg("The clocks are already stopped.", "时限已暂停。"),
                           code="already_paused")
        clocks.pause(c, now)
        c.state = "waiting_customer"
        log(c, "pause", actor_id, note, at=now)
    else:
        if c.paused_at is None:
            raise Conflict(Msg("The clocks are running.", "时限未暂停。"), code="not_paused")
        _resume(c, actor_id, now, note)
    c.updated_at = now
    record("update", "complaint", c.id, f"{c.number} {'paused' if waiting else 'resumed'}",
           actor_id=actor_id)
    _commit()
    return c


@transactional
def change_level(complaint_id: int, level: str, *, actor_id: int, note: str = "",
                 version: int | None = None) -> Complaint:
    """Raise or lower the level; a level handled by supervisors routes it to one. The
    running clocks keep their deadlines. Commits."""
    c = get(complaint_id, lock=True)
    check_version(c, version)
    _open(c)
    lvl = policy.level(level)
    old = c.level_code
    c.level_code = lvl.code
    if lvl.supervisor:
        owner = db.session.get(User, c.owner_id) if c.owner_id else None
        if owner is None or owner.role not in ("supervisor", "admin"):
            c.owner_id = supervisor_for_new() or c.owner_id
    c.updated_at = utcnow()
    log(c, "level", actor_id, note, data={"from": old, "to": lvl.code})
    record("update", "complaint", c.id, f"{c.number} level", {"level": [old, lvl.code]},
           actor_id=actor_id)
    _commit()
    return c
