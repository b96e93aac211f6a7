"""Exceptions (特批): anything outside policy waits for a supervisor's recorded approval.

A price below the price table's floor, or a term outside the line's standard terms,
opens an approval request (who asked, why, what). While a request is pending or
rejected the order cannot move on (see :mod:`core.orders.lifecycle`); putting the fact
back within policy supersedes the request. Each request names its ``subject`` (the
agreed price, the intake's term, one contract's term) so a re-check knows which
requests a change concerns.
"""
from __future__ import annotations

from decimal import Decimal

import sqlalchemy as sa

from ..audit.service import record
from ..errors import Conflict, Invalid, NotFound
from ..extensions import db
from ..messages import Msg
from ..pagination import apply_sort, paginate
from ..timeutil import utcnow
from ..transactions import transactional
from ..types import OrderPolicy
from .events import add_event
from .models import Order
from .records import OrderApproval

OPEN = ("pending", "rejected")
#: requests that wait for a decision without holding the order up (a complaint's
#: compensation is carried out only once approved; the order's service goes on)
NON_BLOCKING_KINDS = ("complaint_compensation",)
WHY_NEEDED = Msg("This is outside policy and needs a supervisor's approval: say why.",
                 "超出标准政策，需主管特批：请写明申请理由。")


def price_floor(order: Order) -> Decimal | None:
    """The lowest price agreeable without approval: the quote's table floor if the
    table sets one, else the quoted total (None when there is no quote)."""
    detail = order.quote_detail or {}
    if detail.get("table_floor") is not None:
        return Decimal(detail["table_floor"])
    return order.quote_total


def open_requests(order: Order) -> list[OrderApproval]:
    """The order's requests that block it: pending or rejected."""
    return list(db.session.scalars(sa.select(OrderApproval).where(
        OrderApproval.order_id == order.id, OrderApproval.status.in_(OPEN),
        OrderApproval.kind.not_in(NON_BLOCKING_KINDS))))


def _review(order: Order, *, kind: str, subject: str, what: dict, outside: bool,
            reason: str | None, reason_field: str, actor_id: int | None
            ) -> OrderApproval | None:
    """Open, keep or supersede the request about ``subject`` after its fact changed."""
    existing = [a for a in db.session.scalars(sa.select(OrderApproval).where(
        OrderApproval.order_id == order.id, OrderApproval.kind == kind))
        if (a.detail or {}).get("subject") == subject] if order.id else []
    detail = {"subject": subject, **what}
    if outside and any(a.status in ("pending", "approved") and a.detail == detail
                       for a in existing):
        return None
    if outside and not (reason or "").strip():
        raise Invalid(WHY_NEEDED, fields={reason_field: [
            {"en": str(WHY_NEEDED), "zh": WHY_NEEDED.zh}]})
    for old in existing:
        if old.status in OPEN:
            old.status = "superseded"
            add_event(order, "approval_superseded", actor_id, touch=False,
                      data={"approval_id": old.id, "kind": kind})
    if not outside:
        return None
    return request(order, kind, reason, detail, actor_id)


def review_price(order: Order, reason: str | None, actor_id: int | None,
                 field: str = "price_reason") -> OrderApproval | None:
    """After the agreed price or the quote changed: a price below the floor needs a
    request with a reason (422 on ``field`` without one)."""
    floor = price_floor(order)
    outside = order.agreed_price is not None and floor is not None and \
        order.agreed_price < floor
    what = {"agreed_price": str(order.agreed_price), "floor": str(floor),
            "quote_total": str(order.quote_total)}
    return _review(order, kind="price_below_table", subject="agreed_price", what=what,
                   outside=outside, reason=reason, reason_field=field, actor_id=actor_id)


def review_term(order: Order, policy: OrderPolicy, subject: str, term_days: int | None,
                reason: str | None, actor_id: int | None,
                field: str = "term_reason") -> OrderApproval | None:
    """A term (in days) not among the line's standard terms needs a request."""
    outside = bool(policy.standard_term_days) and term_days is not None and \
        term_days not in policy.standard_term_days
    what = {"term_days": term_days, "standard": list(policy.standard_term_days)}
    return _review(order, kind="term_outside_policy", subject=subject, what=what,
                   outside=outside, reason=reason, reason_field=field, actor_id=actor_id)


def request(order: Order, kind: str, reason: str, detail: dict | None,
            actor_id: int | None) -> OrderApproval:
    """Open an approval request on the order (who asked, why, what)."""
    approval = OrderApproval(order=order, kind=kind, reason=reason.strip()[:500],
                             detail=detail, status="pending", requested_by_id=actor_id,
                             requested_at=utcnow())
    db.session.add(approval)
    add_event(order, "approval_requested", actor_id, touch=False, note=reason,
              data={"kind": kind, **(detail or {})})
    return approval


@transactional
def ask(order: Order, kind: str, reason: str, detail: dict | None,
        actor_id: int) -> OrderApproval:
    """A dispatcher asks for an exception by hand (a gift, a special term …)."""
    if order.is_final:
        raise Conflict(Msg("A finished or cancelled order needs no approval.",
                           "已完成或已取消的订单无需特批。"), code="order_closed")
    approval = request(order, kind, reason, {"subject": f"manual:{utcnow().isoformat()}",
                                             **(detail or {})}, actor_id)
    db.session.flush()
    record("create", "order_approval", approval.id, f"{kind} asked on order {order.number}",
           actor_id=actor_id)
    return approval


def get(approval_id: int) -> OrderApproval:
    """One approval request, or NotFound."""
    approval = db.session.get(OrderApproval, approval_id)
    if approval is None:
        raise NotFound()
    return approval


@transactional
def decide(approval: OrderApproval, approve: bool, note: str, actor_id: int) -> OrderApproval:
    """A supervisor approves or rejects a pending request (who and when are kept)."""
    if approval.status != "pending":
        raise Conflict(Msg("This request was already decided ({status}).",
                           "该申请已处理（{status}）。").format(status=approval.status),
                       code="already_decided")
    approval.status = "approved" if approve else "rejected"
    approval.decided_by_id, approval.decided_at = actor_id, utcnow()
    approval.decision_note = (note or "")[:500]
    add_event(approval.order, "approval_approved" if approve else "approval_rejected",
              actor_id, touch=False, note=note, data={"approval_id": approval.id,
                                                      "kind": approval.kind})
    record("status", "order_approval", approval.id,
           f"{approval.kind} {approval.status} on order {approval.order.number}",
           {"status": ["pending", approval.status]}, actor_id=actor_id)
    return approval


def search(*, status: str | None = None, order_id: int | None = None, page: int = 1,
           per_page: int | None = None, sort: str | None = None) -> dict:
    """Approval requests, oldest pending first by default, filtered and paged."""
    stmt = sa.select(OrderApproval)
    if status:
        stmt = stmt.where(OrderApproval.status == status)
    if order_id is not None:
        stmt = stmt.where(OrderApproval.order_id == order_id)
    stmt = apply_sort(stmt, sort, {"requested_at": OrderApproval.requested_at,
                                   "decided_at": OrderApproval.decided_at},
                      [OrderApproval.requested_at.asc(), OrderApproval.id.asc()])
    return paginate(stmt, page, per_page)
