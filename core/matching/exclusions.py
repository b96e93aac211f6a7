"""The customer's "do not send" list (不再派送名单): workers she does not want again."""
from __future__ import annotations

import sqlalchemy as sa

from ..audit.service import record
from ..customers.models import Customer
from ..errors import Conflict, NotFound
from ..extensions import db
from ..messages import Msg
from ..transactions import transactional
from ..workers.models import Worker
from .models import CustomerExcludedWorker

_NO_CUSTOMER = Msg("No such customer.", "没有该客户。")


def _customer(customer_id: int) -> None:
    if db.session.get(Customer, customer_id) is None:
        raise NotFound(_NO_CUSTOMER)


def of_customer(customer_id: int) -> list[CustomerExcludedWorker]:
    """The customer's list, oldest first."""
    _customer(customer_id)
    return list(db.session.scalars(sa.select(CustomerExcludedWorker).where(
        CustomerExcludedWorker.customer_id == customer_id)
        .order_by(CustomerExcludedWorker.created_at)))


@transactional
def add(customer_id: int, worker_id: int, reason: str, actor_id: int) -> CustomerExcludedWorker:
    """Put the worker on the list with the reason (409 if she is already on it)."""
    _customer(customer_id)
    if db.session.get(Worker, worker_id) is None:
        raise NotFound(Msg("No such worker.", "没有该阿姨。"))
    if db.session.get(CustomerExcludedWorker, (customer_id, worker_id)) is not None:
        raise Conflict(Msg("She is already on this customer's list.",
                           "该阿姨已在此客户的不再派送名单上。"), code="already_excluded")
    row = CustomerExcludedWorker(customer_id=customer_id, worker_id=worker_id,
                                 reason=reason, created_by_id=actor_id)
    db.session.add(row)
    record("create", "customer_excluded_worker", customer_id,
           f"customer {customer_id}: do not send worker {worker_id}",
           {"worker_id": [None, worker_id]}, actor_id=actor_id)
    return row


@transactional
def remove(customer_id: int, worker_id: int, actor_id: int) -> None:
    """Take the worker off the list (404 if she is not on it)."""
    row = db.session.get(CustomerExcludedWorker, (customer_id, worker_id))
    if row is None:
        raise NotFound(Msg("She is not on this customer's list.", "该阿姨不在此客户的名单上。"))
    db.session.delete(row)
    record("delete", "customer_excluded_worker", customer_id,
           f"customer {customer_id}: worker {worker_id} may be sent again",
           {"worker_id": [worker_id, None]}, actor_id=actor_id)
