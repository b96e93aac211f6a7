"""A customer's service history (服务记录) for her file (客户档案): her orders, the workers
who served her and what she said of them (evaluations, 评价), as 003 asks a file to hold.

It is part of the file, so it shows only where the file opens (the access matrix in
:mod:`core.customers.disclosure`): callers open the file first (:func:`service.open_customer`,
which refuses and records as for the file itself).
"""
from __future__ import annotations

import sqlalchemy as sa

from ..extensions import db
from ..followups.models import Evaluation
from ..orders.models import Order
from ..pagination import paginate
from .models import Customer


def service_history(customer: Customer, page: int = 1, per_page: int | None = None) -> dict:
    """The customer's orders, newest first and paged, each with its worker and the
    evaluations made on it; plus a summary: how many orders, how many finished, the
    workers who served her (with how often) and her mean overall score (1–5)."""
    stmt = (sa.select(Order).where(Order.customer_id == customer.id)
            .order_by(Order.created_at.desc(), Order.id.desc()))
    result = paginate(stmt, page, per_page)
    ids = [o.id for o in result["items"]]
    by_order: dict[int, list[Evaluation]] = {i: [] for i in ids}
    if ids:
        for ev in db.session.scalars(sa.select(Evaluation).where(Evaluation.order_id.in_(ids))
                                     .order_by(Evaluation.created_at, Evaluation.id)):
            by_order[ev.order_id].append(ev)
    result["items"] = [{"order": o, "evaluations": by_order[o.id]} for o in result["items"]]
    result["summary"] = summary(customer)
    return result


def summary(customer: Customer) -> dict:
    """Counts over all her orders: orders, finished, cancelled, the workers who served
    her (name, orders, last start) and her evaluations' mean overall score."""
    from ..workers.models import Worker

    states = dict(db.session.execute(sa.select(Order.state, sa.func.count(Order.id)).where(
        Order.customer_id == customer.id).group_by(Order.state)).all())
    workers = [{"worker_id": wid, "name": name, "orders": n, "last_start": last}
               for wid, name, n, last in db.session.execute(
                   sa.select(Worker.id, Worker.name, sa.func.count(Order.id),
                             sa.func.max(Order.start_date))
                   .join(Order, Order.worker_id == Worker.id)
                   .where(Order.customer_id == customer.id,
                          Order.state.in_(("in_service", "finished")))
                   .group_by(Worker.id, Worker.name)
                   .order_by(sa.func.max(Order.start_date).desc(), Worker.id))]
    count, mean = db.session.execute(
        sa.select(sa.func.count(Evaluation.id), sa.func.avg(Evaluation.overall))
        .join(Order, Order.id == Evaluation.order_id)
        .where(Order.customer_id == customer.id)).one()
    return {"orders": sum(states.values()), "finished": states.get("finished", 0),
            "cancelled": states.get("cancelled", 0), "workers": workers,
            "evaluations": count,
            "mean_overall": round(float(mean), 1) if mean is not None else None}
