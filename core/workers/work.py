"""What a worker's page shows of her work: her bookings (档期), her orders and her
evaluations (评价) — read from the matching, orders and follow-up areas, a few queries,
newest first. Orders carry no customer data here (the order page applies the privacy
rules); only roles that read orders see them."""
from __future__ import annotations

import sqlalchemy as sa

from ..extensions import db

ORDER_READERS = ("admin", "dispatcher", "supervisor", "finance")


def work_of(worker_id: int, role: str | None, limit: int = 10) -> dict:
    """``{bookings, orders, rating, evaluations}`` of one worker (orders and bookings only
    for roles that read orders)."""
    from ..followups.models import Evaluation
    from ..followups.outcomes import worker_rating
    from ..matching.models import Assignment
    from ..orders.models import Order

    out = {"rating": worker_rating(worker_id), "bookings": [], "orders": [],
           "evaluations": list(db.session.execute(
               sa.select(Evaluation.created_at, Evaluation.overall, Evaluation.verdict,
                         Order.number, Order.id)
               .outerjoin(Order, Order.id == Evaluation.order_id)
               .where(Evaluation.worker_id == worker_id)
               .order_by(Evaluation.created_at.desc()).limit(limit)))}
    if role in ORDER_READERS:
        out["bookings"] = list(db.session.execute(
            sa.select(Assignment.starts_at, Assignment.ends_at, Assignment.kind,
                      Assignment.state, Order.number, Order.id)
            .join(Order, Order.id == Assignment.order_id)
            .where(Assignment.worker_id == worker_id)
            .order_by(Assignment.starts_at.desc()).limit(limit)))
        out["orders"] = list(db.session.execute(
            sa.select(Order.id, Order.number, Order.service_line, Order.state,
                      Order.start_date, Order.end_date)
            .where(Order.worker_id == worker_id)
            .order_by(Order.created_at.desc()).limit(limit)))
    return out
