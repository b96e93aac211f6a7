"""Writing to an order: its history entries and the optimistic-lock check on save.

Every change of an order goes through :func:`add_event` (what happened, by whom) and
ends with :func:`commit` (inside a service step: a flush, the step's end commits) —
which turns a lost race on the order's ``version`` into a 409 telling the person to
reload, instead of silently overwriting the other change.
"""
from __future__ import annotations

import datetime as dt
import decimal

from sqlalchemy.orm.exc import StaleDataError

from ..errors import Conflict
from ..extensions import db
from ..messages import Msg
from ..timeutil import utcnow
from ..transactions import save
from .models import EVENT_LABELS, Order, OrderEvent

STALE = Msg("Someone else changed this order meanwhile; reload the page and try again.",
            "该订单已被他人修改，请刷新页面后重试。")


def event_kind(code: str, zh: str, en: str) -> str:
    """Declare a kind of history entry another area records on orders (e.g. appointments:
    ``interview_arranged`` 安排面试), with its labels; returns the code."""
    if EVENT_LABELS.get(code, (zh, en)) != (zh, en):
        raise ValueError(f"order event kind {code!r} is already declared differently")
    EVENT_LABELS[code] = (zh, en)
    return code


def stale() -> Conflict:
    """The 409 for a change based on an outdated version of the order."""
    return Conflict(STALE, code="stale_version")


def check_version(order: Order, version: int | None) -> None:
    """Refuse (409) a change made from a version of the order that is no longer current."""
    if version is None or version != order.version:
        raise stale()


def jsonable(value):
    """``value`` with dates, times and Decimals turned into strings (for JSON columns)."""
    if isinstance(value, dict):
        return {str(k): jsonable(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [jsonable(v) for v in value]
    if isinstance(value, (dt.date, dt.time, dt.datetime)):
        return value.isoformat()
    if isinstance(value, decimal.Decimal):
        return str(value)
    return value


def add_event(order: Order, kind: str, actor_id: int | None, *, note: str = "",
              from_state: str | None = None, to_state: str | None = None,
              data: dict | None = None, touch: bool = True) -> OrderEvent:
    """Add an entry to the order's history.

    ``touch``: the order itself changed, so its ``updated_at``/``version`` move too (a
    payment or an approval decision is recorded without touching the order, so it does
    not make someone else's open order page stale).
    """
    if kind not in EVENT_LABELS:
        raise ValueError(f"undeclared order event kind {kind!r}; declare it with event_kind()")
    if touch:
        order.updated_at = utcnow()
        order.updated_by_id = actor_id
    with db.session.no_autoflush:
        event = OrderEvent(order=order, kind=kind, actor_id=actor_id, note=(note or "")[:500],
                           from_state=from_state, to_state=to_state,
                           data=jsonable(data) if data else None, at=utcnow())
        db.session.add(event)
    return event


def flush() -> None:
    """Write pending changes now; a lost race on an order's version → 409."""
    try:
        db.session.flush()
    except StaleDataError:
        db.session.rollback()
        raise stale() from None


def commit() -> None:
    """Commit the change; a lost race on an order's version → 409 (nothing saved).

    Inside a :func:`core.transactions.transactional` step (every entry point of the
    orders services is one) the step commits when it returns: here the change is only
    flushed, so the lost race still shows as the order's 409 and nested steps join."""
    save(stale)
