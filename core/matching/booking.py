"""Booking a worker's time (档期) without double booking: assign (派单), interview hold
(面试预占), replace (换人) and release (释放).

Every write takes the same path: serialise writers on SQLite (``BEGIN IMMEDIATE``),
lapse this worker's expired holds, check for an overlapping active booking (409
``double_booking`` naming it), insert. On PostgreSQL the exclusion constraint
``assignments_no_overlap`` decides a race the check could not see; its violation is
the same 409. Every booking and release is an entry in the order's history.
"""
from __future__ import annotations

import datetime as dt

import sqlalchemy as sa

from ..errors import Conflict, Invalid, NotFound
from ..extensions import db
from ..locks import serialise_writers
from ..messages import Msg
from ..orders.events import add_event, event_kind
from ..orders.models import Order
from ..timeutil import to_business, utcnow
from ..transactions import transactional
from ..workers.models import Worker
from .models import Assignment
from .periods import NO_PERIOD, Period, order_period

BOOKED = event_kind("booking_made", "占用档期", "Worker's time booked")
HELD = event_kind("hold_placed", "面试预占", "Interview hold placed")
RELEASED = event_kind("booking_released", "释放档期", "Booking released")
LAPSED = event_kind("hold_lapsed", "预占过期", "Interview hold lapsed")

#: hours an interview hold lasts when none is given (config ``MATCHING_HOLD_HOURS``)
HOLD_HOURS = 48


def _lapse_expired_holds(worker_id: int, now: dt.datetime) -> None:
    db.session.execute(
        sa.update(Assignment)
        .where(Assignment.worker_id == worker_id, Assignment.kind == "hold",
               Assignment.state == "active", Assignment.expires_at <= now)
        .values(state="lapsed", ended_at=now, end_reason="hold lapsed (预占过期)")
        .execution_options(synchronize_session=False))


def active_clause(now: dt.datetime | None = None):
    """SQL: the booking is in force (active, and not a hold past its expiry)."""
    now = now or utcnow()
    return sa.and_(Assignment.state == "active",
                   sa.or_(Assignment.expires_at.is_(None), Assignment.expires_at > now))


def overlapping(worker_id: int, period: Period, exclude_order: int | None = None):
    """The worker's bookings in force that overlap ``period`` (first one or None)."""
    stmt = (sa.select(Assignment).where(
        Assignment.worker_id == worker_id, active_clause(),
        Assignment.starts_at < period.ends_at, Assignment.ends_at > period.starts_at)
        .order_by(Assignment.starts_at).limit(1))
    if exclude_order is not None:
        stmt = stmt.where(Assignment.order_id != exclude_order)
    return db.session.scalars(stmt).first()


def _double_booking(other: Assignment | None) -> Conflict:
    if other is None:
        return Conflict(Msg("She is already booked in that period.",
                            "该阿姨在这个时段已有安排。"), code="double_booking")
    number = db.session.scalar(sa.select(Order.number).where(Order.id == other.order_id))
    return Conflict(Msg("She is already booked in that period (order {number}, from {start}).",
                        "该阿姨在这个时段已有安排（订单 {number}，{start} 起）。").format(
        number=number or other.order_id,
        start=to_business(other.starts_at).strftime("%Y-%m-%d %H:%M")), code="double_booking")


def _end(booking: Assignment, state: str, actor_id: int | None, reason: str) -> None:
    booking.state, booking.ended_at = state, utcnow()
    booking.ended_by_id, booking.end_reason = actor_id, (reason or "")[:255]


def book(order: Order, worker_id: int, period: Period, actor_id: int | None, *,
         kind: str = "assignment", reason: str = "",
         expires_at: dt.datetime | None = None) -> Assignment:
    """Book ``period`` of the worker's time for the order (not committed); 409
    ``double_booking`` if she has a booking in force that overlaps it. Her own hold on
    this order gives way to the assignment it was waiting for."""
    serialise_writers()
    now = utcnow()
    _lapse_expired_holds(worker_id, now)
    for own in db.session.scalars(sa.select(Assignment).where(
            Assignment.worker_id == worker_id, Assignment.order_id == order.id,
            active_clause(now))):
        if own.kind == "hold" or kind == "hold":
            _end(own, "released", actor_id, "superseded (被新的安排取代)")
    db.session.flush()
    clash = overlapping(worker_id, period)
    if clash is not None:
        raise _double_booking(clash)
    booking = Assignment(worker_id=worker_id, order_id=order.id, kind=kind, state="active",
                         starts_at=period.starts_at, ends_at=period.ends_at,
                         expires_at=expires_at if kind == "hold" else None,
                         reason=(reason or "")[:255], created_by_id=actor_id, created_at=now)
    db.session.add(booking)
    try:
        db.session.flush()
    except sa.exc.IntegrityError:
        db.session.rollback()
        raise _double_booking(None) from None
    name = db.session.scalar(sa.select(Worker.name).where(Worker.id == worker_id))
    add_event(order, HELD if kind == "hold" else BOOKED, actor_id, note=reason, touch=False,
              data={"assignment_id": booking.id, "worker_id": worker_id, "worker": name,
                    "kind": kind, "starts_at": to_business(period.starts_at),
                    "ends_at": to_business(period.ends_at),
                    "expires_at": to_business(expires_at) if expires_at else None})
    return booking


def for_staffing(order: Order, worker: Worker, actor_id: int | None, reason: str,
                 previous: Worker | None = None,
                 change_date: dt.date | None = None) -> Assignment:
    """The booking behind :func:`core.orders.staffing.assign`: the previous worker's
    booking on this order ends (replaced, 换人) and the new one's period is booked
    (from ``change_date`` on a replacement)."""
    serialise_writers()
    period = order_period(order, from_day=change_date if previous else None)
    if period is None:
        from ..orders.lifecycle import step

        raise Conflict(NO_PERIOD, code="no_service_period", next_step=step(
            order, "set_period", "Give the service dates (上户) first.",
            "请先填写服务日期（上户）。", "period", "/period"))
    if previous is not None:
        for old in db.session.scalars(sa.select(Assignment).where(
                Assignment.order_id == order.id, Assignment.worker_id == previous.id,
                Assignment.state == "active")):
            _end(old, "replaced", actor_id, reason)
    return book(order, worker.id, period, actor_id, reason=reason)


def follow_period(order: Order) -> list[Assignment]:
    """The order's service period moved (上户/下户): move its bookings in force to the new
    period — the first worker's (and interview holds) wholly, a replacement's (换人) from
    her change date — through the same no-double-booking check (409 ``double_booking``
    naming the clash if she is busy then; nothing is changed). Not committed."""
    serialise_writers()
    period = order_period(order)
    if period is None:
        return []
    now = utcnow()
    replaced = {w for (w,) in db.session.execute(sa.select(Assignment.worker_id).where(
        Assignment.order_id == order.id, Assignment.state == "replaced"))}
    moved = []
    for booking in db.session.scalars(sa.select(Assignment).where(
            Assignment.order_id == order.id, active_clause(now)).order_by(Assignment.id)):
        starts = period.starts_at
        if replaced and booking.kind == "assignment" and booking.worker_id not in replaced:
            starts = max(booking.starts_at, period.starts_at)  # 换人: from her change date
        ends = period.ends_at
        if ends <= starts:
            raise Conflict(Msg("The new period ends before the replacement worker starts.",
                               "新的服务期在接替的阿姨开始之前就结束了。"), code="period_too_short")
        if (booking.starts_at, booking.ends_at) == (starts, ends):
            continue
        _lapse_expired_holds(booking.worker_id, now)
        clash = overlapping(booking.worker_id, Period(starts, ends), exclude_order=order.id)
        if clash is not None:
            raise _double_booking(clash)
        booking.starts_at, booking.ends_at = starts, ends
        moved.append(booking)
    try:
        db.session.flush()
    except sa.exc.IntegrityError:
        db.session.rollback()
        raise _double_booking(None) from None
    return moved


@transactional
def hold(order: Order, worker_id: int, actor_id: int | None, *, reason: str = "",
         hours: float | None = None, period: Period | None = None) -> Assignment:
    """Reserve her for the order's period while an interview is arranged (面试预占); the
    hold lapses by itself after ``hours`` (default ``MATCHING_HOLD_HOURS``). She must
    pass the hard rules of a worker named for the order
    (:func:`core.appointments.checks.worker_for`: line, status, the customer's list,
    every credential of the line held and valid) — 409 otherwise."""
    from flask import current_app

    if db.session.get(Worker, worker_id) is None:
        raise Invalid(fields={"worker_id": [{"en": "There is no such worker.",
                                             "zh": "没有该阿姨。"}]})
    from ..appointments.checks import worker_for

    worker_for(order, worker_id)  # the candidate list's hard rules (健康证 held, …)
    period = period or order_period(order)
    if period is None:
        raise Conflict(NO_PERIOD, code="no_service_period")
    hours = hours or current_app.config.get("MATCHING_HOLD_HOURS", HOLD_HOURS)
    booking = book(order, worker_id, period, actor_id, kind="hold", reason=reason,
                   expires_at=utcnow() + dt.timedelta(hours=hours))
    return booking


@transactional
def release(booking_id: int, actor_id: int | None, reason: str) -> Assignment:
    """Release a booking (释放档期) with the reason; her time is free again."""
    booking = db.session.get(Assignment, booking_id)
    if booking is None:
        raise NotFound(Msg("No such booking.", "没有该档期记录。"))
    if booking.state != "active":
        raise Conflict(Msg("This booking is no longer in force.", "该档期记录已失效。"),
                       code="booking_ended")
    _end(booking, "released", actor_id, reason)
    order = db.session.get(Order, booking.order_id)
    add_event(order, RELEASED, actor_id, note=reason, touch=False,
              data={"assignment_id": booking.id, "worker_id": booking.worker_id,
                    "kind": booking.kind})
    return booking


def release_order(order: Order, actor_id: int | None, reason: str) -> int:
    """End every booking of the order (cancelled or finished); returns how many."""
    ended = 0
    for booking in db.session.scalars(sa.select(Assignment).where(
            Assignment.order_id == order.id, Assignment.state == "active")):
        _end(booking, "released", actor_id, reason)
        ended += 1
    return ended


@transactional
def lapse_holds(now: dt.datetime | None = None) -> int:
    """Lapse every interview hold past its expiry (预占过期): state ``lapsed`` and an
    entry in its order's history. Reads already ignore an expired hold; this makes it
    visible. Idempotent; returns how many lapsed."""
    now = now or utcnow()
    lapsed = 0
    for booking in db.session.scalars(sa.select(Assignment).where(
            Assignment.kind == "hold", Assignment.state == "active",
            Assignment.expires_at <= now).order_by(Assignment.id)):
        _end(booking, "lapsed", None, "hold lapsed (预占过期)")
        booking.ended_at = now
        add_event(db.session.get(Order, booking.order_id), LAPSED, None, touch=False,
                  data={"assignment_id": booking.id, "worker_id": booking.worker_id,
                        "kind": "hold", "expires_at": to_business(booking.expires_at)})
        lapsed += 1
    return lapsed


def bookings_of(order_id: int) -> list[Assignment]:
    """The order's bookings, newest first."""
    return list(db.session.scalars(sa.select(Assignment).where(
        Assignment.order_id == order_id).order_by(Assignment.id.desc())))
