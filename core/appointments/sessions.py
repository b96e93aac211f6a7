"""Sessions (推拿) of orders sold in sessions (小儿推拿): the package bought, booking each
session's time and place (at home or at the company), moving or cancelling a booking,
and recording a session done — only while the package has sessions left.

Recording a session done locks the order's row first, so two people recording the
last session of a package at once cannot both count it.
"""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal

import sqlalchemy as sa

from .. import plugins
from ..audit.service import record
from ..errors import Conflict, Invalid, NotFound
from ..extensions import db
from ..followups import service as followups
from ..messages import Msg
from ..money import quantize
from ..orders.models import Order
from ..timeutil import utcnow
from ..transactions import transactional
from . import history
from .checks import (
    business_time,
    check_version,
    commit,
    get_order,
    loaded_intake,
    require_open,
    require_state,
    worker_for,
)
from .models import MassageSession

#: the order states in which a session can be booked / recorded done
BOOKING_STATES = ("quoted", "matching", "in_service")
DONE_STATES = ("in_service",)
NO_SESSIONS_LEFT = Msg("There are no sessions left in this package.", "该套餐已没有剩余次数。")


@dataclass(frozen=True)
class Package:
    """What the customer bought and where it stands: sessions bought, done, booked
    (not yet done) and left; the price of the package and of one session."""

    sessions: int
    done: int
    booked: int
    place: str | None
    price: Decimal | None

    @property
    def remaining(self) -> int:
        """Sessions not yet done (剩余次数)."""
        return max(0, self.sessions - self.done)

    @property
    def per_session(self) -> Decimal | None:
        """The package price shared over its sessions."""
        return None if self.price is None else quantize(self.price / self.sessions)


def _field(name: str, en: str, zh: str) -> Invalid:
    return Invalid(fields={name: [{"en": en, "zh": zh}]})


def of_order(order: Order) -> list[MassageSession]:
    """The order's sessions by time (cancelled ones included)."""
    return list(db.session.scalars(sa.select(MassageSession).where(
        MassageSession.order_id == order.id).order_by(MassageSession.starts_at,
                                                      MassageSession.id)))


def get(order: Order, session_id: int) -> MassageSession:
    """One session of the order, or 404."""
    row = db.session.get(MassageSession, session_id)
    if row is None or row.order_id != order.id:
        raise NotFound(Msg("There is no such session on this order.", "该订单没有这次推拿。"))
    return row


def package_of(order: Order) -> Package | None:
    """The order's package and its counts, or None when its line is not sold in sessions
    (or the order has no usable intake yet)."""
    try:
        bought = plugins.session_package(order.service_line, loaded_intake(order))
    except Conflict:
        return None
    if bought is None:
        return None
    counts = dict(db.session.execute(
        sa.select(MassageSession.status, sa.func.count()).where(
            MassageSession.order_id == order.id).group_by(MassageSession.status)).all())
    price = order.agreed_price if order.agreed_price is not None else order.quote_total
    return Package(sessions=bought.sessions, done=counts.get("done", 0),
                   booked=counts.get("booked", 0), place=bought.place, price=price)


def _package(order: Order) -> Package:
    package = package_of(order)
    if package is None:
        loaded_intake(order)  # 409 naming a missing intake first
        raise Conflict(Msg("Orders of this service line have no sessions.",
                           "该业务线的订单没有推拿次数。"), code="no_sessions")
    return package


def _slot(starts_at: dt.datetime, ends_at: dt.datetime) -> tuple[dt.datetime, dt.datetime]:
    starts_at, ends_at = business_time(starts_at), business_time(ends_at)
    if ends_at <= starts_at:
        raise _field("ends_at", "The session must end after it starts.", "结束时间须晚于开始时间。")
    return starts_at, ends_at


def _address(order: Order, place: str, address: str | None) -> str:
    if place == "home":
        return (address or "").strip()[:300] or order.address_text
    return (address or "").strip()[:300]


@transactional
def book(order: Order, actor_id: int, *, starts_at: dt.datetime, ends_at: dt.datetime,
         place: str | None = None, address: str | None = None, worker_id: int | None = None,
         note: str = "") -> MassageSession:
    """Book a session (预约): time, place (default the intake's), the worker (default the
    order's). Refused (409) when the package has no sessions left."""
    order = get_order(order.id, lock=True)
    require_open(order)
    package = _package(order)
    require_state(order, BOOKING_STATES, Msg("A session is booked", "预约推拿"))
    if package.remaining <= 0:
        raise Conflict(NO_SESSIONS_LEFT, code="no_sessions_left")
    place = place or package.place or "company"
    starts_at, ends_at = _slot(starts_at, ends_at)
    worker = worker_for(order, worker_id, required=False)
    now = utcnow()
    row = MassageSession(order_id=order.id, status="booked", starts_at=starts_at,
                         ends_at=ends_at, place=place, address=_address(order, place, address),
                         worker_id=worker.id if worker else None, note=(note or "")[:500],
                         created_by_id=actor_id, created_at=now, updated_at=now)
    db.session.add(row)
    db.session.flush()
    history.note(order, "session_booked", actor_id, data={
        "session_id": row.id, "starts_at": starts_at, "place": place})
    record("create", "massage_session", row.id,
           f"order {order.number}: session at {starts_at.isoformat()} ({place})",
           actor_id=actor_id)
    commit()
    return row


@transactional
def rebook(row: MassageSession, version: int, actor_id: int, *, starts_at: dt.datetime,
           ends_at: dt.datetime, place: str | None = None,
           address: str | None = None) -> MassageSession:
    """Move a booked session to another time or place (改约)."""
    check_version(row, version)
    require_open(row.order)
    if row.status != "booked":
        raise Conflict(Msg("Only a booked session can be moved.", "只有已预约的推拿才能改约。"),
                       code="session_not_booked")
    before = {"starts_at": row.starts_at.isoformat(), "place": row.place}
    row.starts_at, row.ends_at = _slot(starts_at, ends_at)
    if place:
        row.place = place
    if place or address is not None:
        row.address = _address(row.order, row.place, address)
    row.updated_at = utcnow()
    history.note(row.order, "session_moved", actor_id, data={
        "session_id": row.id, "starts_at": row.starts_at, "place": row.place})
    record("update", "massage_session", row.id, "session rebooked",
           {"starts_at": [before["starts_at"], row.starts_at.isoformat()],
            "place": [before["place"], row.place]}, actor_id=actor_id)
    commit()
    return row


@transactional
def cancel(row: MassageSession, version: int, actor_id: int, reason: str) -> MassageSession:
    """Cancel a booked session (reason required); it no longer counts as booked."""
    check_version(row, version)
    if row.status != "booked":
        raise Conflict(Msg("Only a booked session can be cancelled.",
                           "只有已预约的推拿才能取消。"), code="session_not_booked")
    if not (reason or "").strip():
        raise _field("reason", "Say why the session is cancelled.", "请写明取消原因。")
    row.status, row.cancel_reason, row.updated_at = "cancelled", reason.strip()[:255], utcnow()
    history.note(row.order, "session_cancelled", actor_id, reason.strip(),
                 {"session_id": row.id})
    record("status", "massage_session", row.id, f"session cancelled: {reason[:100]}",
           {"status": ["booked", "cancelled"]}, actor_id=actor_id)
    commit()
    return row


@transactional
def record_done(row: MassageSession, actor_id: int, *, done_at: dt.datetime | None = None,
                note: str = "") -> MassageSession:
    """Record a booked session as done (记录推拿), counted against the package: 409 "no
    sessions left in this package" when it is used up. Plans the call after it, which
    also books the next session."""
    order = get_order(row.order_id, lock=True)
    require_state(order, DONE_STATES, Msg("A session is recorded", "记录推拿"))
    if row.status != "booked":
        raise Conflict(Msg("This session was recorded already, or cancelled.",
                           "这次推拿已记录或已取消。"), code="session_not_booked")
    if _package(order).remaining <= 0:
        raise Conflict(NO_SESSIONS_LEFT, code="no_sessions_left")
    now = utcnow()
    done_at = business_time(done_at) if done_at else min(row.ends_at, now)
    if done_at > now + dt.timedelta(minutes=10):
        raise _field("done_at", "This time is still in the future.", "该时间还没有到。")
    row.status, row.done_at, row.done_by_id, row.updated_at = "done", done_at, actor_id, now
    if note:
        row.note = note[:500]
    db.session.flush()
    followups.session_done(order.id, row.id, done_at)
    history.note(order, "session_done", actor_id, note, {"session_id": row.id,
                                                         "done_at": done_at})
    record("status", "massage_session", row.id, "session done",
           {"status": ["booked", "done"]}, actor_id=actor_id)
    commit()
    return row
