"""Helpers of the follow-up tests: orders in a given state with dates, made directly in the
database (the orders area's own tests cover how orders get there), then announced through
the real plugin broadcast, exactly as the orders service does."""
from __future__ import annotations

import datetime as dt
import itertools

from core.extensions import db
from core.testing.factories import Factories
from core.timeutil import SHANGHAI
from tests.orders.helpers import make_customer, make_worker

_seq = itertools.count(1)


def at(day: str, hm: str = "00:00") -> dt.datetime:
    """A business time (Asia/Shanghai) as an aware datetime."""
    return dt.datetime.fromisoformat(f"{day}T{hm}").replace(tzinfo=SHANGHAI)


def local(ts: dt.datetime) -> str:
    """``YYYY-MM-DD HH:MM`` in Asia/Shanghai."""
    return ts.astimezone(SHANGHAI).strftime("%Y-%m-%d %H:%M")


def user(app, role: str = "dispatcher", username: str | None = None) -> int:
    from core.accounts.service import create_user

    with app.app_context():
        u = create_user(username or f"fu-{role}-{next(_seq)}", "correct-horse-42", role,
                        f"{role} {next(_seq)}")
        db.session.commit()
        return u.id


def make_order(app, line: str, *, start: str | None = None, state: str = "contracted",
               intake: dict | None = None, dispatcher_id: int | None = None,
               with_worker: bool = True) -> int:
    """An order of ``line`` (default: contracted, not yet in service)."""
    from core.orders.models import Order

    customer_id = make_customer(app)
    worker_id = make_worker(app, (line,)) if with_worker else None
    dispatcher_id = dispatcher_id or user(app)
    with app.app_context():
        order = Order(number=f"JZTEST-{next(_seq):05d}", service_line=line,
                      customer_id=customer_id, dispatcher_id=dispatcher_id, state=state,
                      intake=intake or {}, worker_id=worker_id, address_text="",
                      start_date=dt.date.fromisoformat(start) if start else None)
        db.session.add(order)
        db.session.commit()
        return order.id


def move(app, order_id: int, to_state: str, **dates) -> None:
    """Set the order's state (and 上户/下户 dates) and broadcast ``order_state_changed``
    through the plugin manager, inside one transaction, like the orders service (the
    kit's ``jz_make.move``; the state change only, no period-change broadcast)."""
    Factories(app).move(order_id, to_state, period_change=False, **dates)


def followups(app, order_id: int, state: str | None = None) -> dict:
    """``{rule_code or rule_code@anchor_key: FollowUp}`` of the order (detached copies)."""
    import sqlalchemy as sa

    from core.followups.models import FollowUp

    with app.app_context():
        stmt = sa.select(FollowUp).where(FollowUp.order_id == order_id)
        if state:
            stmt = stmt.where(FollowUp.state == state)
        rows = list(db.session.scalars(stmt.order_by(FollowUp.due_at)))
        db.session.expunge_all()
    out = {}
    for f in rows:
        key = f.rule_code if ":" not in f.anchor_key else f"{f.rule_code}@{f.anchor_key}"
        out[key] = f
    return out
