"""Access requests and grants (查阅申请与授权) for confidential customer files.

request → approve / refuse → a grant that ends by itself at ``expires_at``; the approver
may revoke it earlier, the requester may withdraw a pending request. Each step is one
audit event (kind ``grant``) naming the approver, the reason and the expiry. The service
owns the transaction: each change is a step (``@transactional``) that commits its
change and audit row when it returns and rolls both back when it is refused.
"""
from __future__ import annotations

import datetime as dt

import sqlalchemy as sa
from flask import current_app
from sqlalchemy.orm import selectinload

from ..accounts.models import User
from ..audit.service import record
from ..errors import Conflict, Forbidden, Invalid, NotFound
from ..extensions import db
from ..messages import Msg, bilingual
from ..pagination import apply_sort, paginate
from ..timeutil import utcnow
from ..transactions import transactional
from . import disclosure
from .models import Customer
from .models_access import AccessRequest

ENTITY = "customer"

NO_CUSTOMER = Msg("No such customer.", "找不到该客户。")
NO_REQUEST = Msg("No such access request.", "找不到该查阅申请。")
NOT_CONFIDENTIAL = Msg("This file is not confidential (机密) or top secret (绝密); it needs no "
                       "access request.", "该档案不是机密或绝密档案，无须申请查阅。")
ALREADY_OPEN = Msg("You may already read this file.", "您已可查阅该档案，无须申请。")
ALREADY_ASKED = Msg("You already have a pending request for this file.",
                    "您对该档案已有待审批的申请。")
TOO_LONG = Msg("A grant for this level lasts at most {0} hours.", "该密级的查阅授权最长 {0} 小时。")
NOT_PENDING = Msg("This request has already been decided.", "该申请已处理。")
NOT_ACTIVE = Msg("This grant is not in force.", "该授权当前无效。")
OWN_REQUEST = Msg("You may not decide your own request.", "不能审批自己的申请。")
NOT_APPROVER = Msg("Only a supervisor approves access to a confidential (机密) file, and only "
                   "an administrator (the department head) to a top-secret (绝密) one.",
                   "机密档案的查阅须由客服主管审批，绝密档案须由管理员（部门负责人）审批。")
LEVEL_CHANGED = Msg("The file's level changed since the request; ask again.",
                    "申请后档案密级已变更，请重新申请。")
NOT_YOURS = Msg("Only the person who asked may withdraw the request.", "只有申请人可以撤回申请。")


def max_hours(level: str) -> int:
    """The longest grant the policy allows for this level."""
    return int(current_app.config["GRANT_MAX_HOURS"][level])


def _field(name: str, msg: Msg) -> Invalid:
    return Invalid(msg, fields={name: [bilingual(msg)]})


def get_request(request_id: int) -> AccessRequest:
    """One request, or 404."""
    row = db.session.get(AccessRequest, request_id) if 0 < request_id < 2**31 else None
    if row is None:
        raise NotFound(NO_REQUEST)
    return row


def check_may_see(row: AccessRequest, actor: User) -> None:
    """Refuse (404, as if absent) a request that is neither yours nor one you decide."""
    if row.requester_id == actor.id:
        return
    if actor.role not in disclosure.APPROVER_ROLES[row.level]:
        raise NotFound(NO_REQUEST)


@transactional
def ask(customer_id: int, actor: User, reason: str, hours: int) -> AccessRequest:
    """Ask to read a confidential or top-secret file for ``hours`` (422 for a file that
    needs no request or a time over the policy; 409 when already open or asked)."""
    customer = db.session.get(Customer, customer_id) if 0 < customer_id < 2**31 else None
    if customer is None:
        raise NotFound(NO_CUSTOMER, fields={"customer_id": [bilingual(NO_CUSTOMER)]})
    level = customer.confidentiality
    if level not in disclosure.APPROVER_ROLES:
        raise _field("customer_id", NOT_CONFIDENTIAL)
    if hours > max_hours(level):
        raise _field("hours", TOO_LONG.format(max_hours(level)))
    seen = disclosure.sight(customer, actor)
    if not seen.may_request:
        raise Conflict(ALREADY_OPEN, code="already_open")
    pending = db.session.scalar(sa.select(AccessRequest.id).where(
        AccessRequest.customer_id == customer.id, AccessRequest.requester_id == actor.id,
        AccessRequest.state == "pending"))
    if pending is not None:
        raise Conflict(ALREADY_ASKED, code="already_asked")
    row = AccessRequest(customer_id=customer.id, requester_id=actor.id, level=level,
                        reason=reason, hours=hours, state="pending", created_at=utcnow())
    db.session.add(row)
    db.session.flush()
    record("grant_request", ENTITY, customer.id, f"access request #{row.id} for {hours} h",
           {"request": [None, row.id], "reason": [None, reason], "hours": [None, hours]},
           actor_id=actor.id)
    return row


def _may_decide(row: AccessRequest, actor: User) -> None:
    if actor.id == row.requester_id:
        raise Forbidden(OWN_REQUEST, code="own_request")
    if actor.role not in disclosure.APPROVER_ROLES[row.level]:
        raise Forbidden(NOT_APPROVER, code="not_approver")


@transactional
def approve(request_id: int, actor: User, note: str = "") -> AccessRequest:
    """Approve: the grant runs from now for the hours asked."""
    row = get_request(request_id)
    _may_decide(row, actor)
    if row.state != "pending":
        raise Conflict(NOT_PENDING, code="decided")
    if row.customer.confidentiality != row.level:
        raise Conflict(LEVEL_CHANGED, code="level_changed")
    now = utcnow()
    row.state, row.decided_by_id, row.decided_at = "approved", actor.id, now
    row.decision_note = note
    row.expires_at = now + dt.timedelta(hours=row.hours)
    record("grant", ENTITY, row.customer_id,
           f"access request #{row.id} approved until {row.expires_at.isoformat()}",
           {"request": [None, row.id], "requester_id": [None, row.requester_id],
            "reason": [None, row.reason], "expires_at": [None, row.expires_at.isoformat()],
            "note": [None, note or None]}, actor_id=actor.id)
    disclosure.forget_grants()
    return row


@transactional
def refuse(request_id: int, actor: User, note: str = "") -> AccessRequest:
    """Refuse a pending request."""
    row = get_request(request_id)
    _may_decide(row, actor)
    if row.state != "pending":
        raise Conflict(NOT_PENDING, code="decided")
    row.state, row.decided_by_id, row.decided_at = "refused", actor.id, utcnow()
    row.decision_note = note
    record("grant_refused", ENTITY, row.customer_id, f"access request #{row.id} refused",
           {"request": [None, row.id], "requester_id": [None, row.requester_id],
            "note": [None, note or None]}, actor_id=actor.id)
    return row


@transactional
def revoke(request_id: int, actor: User) -> AccessRequest:
    """End a grant in force before its time (an approver of its level)."""
    row = get_request(request_id)
    if actor.role not in disclosure.APPROVER_ROLES[row.level]:
        raise Forbidden(NOT_APPROVER, code="not_approver")
    if row.state != "approved" or row.expires_at <= utcnow():
        raise Conflict(NOT_ACTIVE, code="not_active")
    row.state, row.revoked_by_id, row.revoked_at = "revoked", actor.id, utcnow()
    record("grant_revoked", ENTITY, row.customer_id, f"access grant #{row.id} revoked",
           {"request": [None, row.id], "requester_id": [None, row.requester_id]},
           actor_id=actor.id)
    disclosure.forget_grants()
    return row


@transactional
def withdraw(request_id: int, actor: User) -> AccessRequest:
    """The requester withdraws a pending request."""
    row = get_request(request_id)
    if row.requester_id != actor.id:
        raise Forbidden(NOT_YOURS, code="not_yours")
    if row.state != "pending":
        raise Conflict(NOT_PENDING, code="decided")
    row.state = "withdrawn"
    record("grant_withdrawn", ENTITY, row.customer_id, f"access request #{row.id} withdrawn",
           {"request": [None, row.id]}, actor_id=actor.id)
    return row


def status_of(row: AccessRequest, now: dt.datetime | None = None) -> str:
    """The state as a person reads it: an approved grant past its time is ``expired``."""
    now = now or utcnow()
    if row.state == "approved" and row.expires_at <= now:
        return "expired"
    return row.state


def _approvable(actor: User) -> sa.ColumnElement[bool]:
    levels = [lvl for lvl, roles in disclosure.APPROVER_ROLES.items() if actor.role in roles]
    return sa.and_(AccessRequest.level.in_(levels), AccessRequest.requester_id != actor.id)


def search(actor: User, *, state: str | None = None, customer_id: int | None = None,
           mine: bool = False, page: int = 1, per_page: int | None = None,
           sort: str | None = None) -> dict:
    """Requests this person may see: their own, and (approvers) those they may decide.
    ``state`` also takes ``active`` (a grant in force) and ``expired``."""
    stmt = sa.select(AccessRequest).options(selectinload(AccessRequest.customer))
    own = AccessRequest.requester_id == actor.id
    stmt = stmt.where(own if mine or actor.role not in ("supervisor", "admin")
                      else sa.or_(own, _approvable(actor)))
    now = utcnow()
    if state == "active":
        stmt = stmt.where(AccessRequest.state == "approved", AccessRequest.expires_at > now)
    elif state == "expired":
        stmt = stmt.where(AccessRequest.state == "approved", AccessRequest.expires_at <= now)
    elif state:
        stmt = stmt.where(AccessRequest.state == state)
    if customer_id is not None:
        stmt = stmt.where(AccessRequest.customer_id == customer_id)
    stmt = apply_sort(stmt, sort, {"created_at": AccessRequest.created_at,
                                   "expires_at": AccessRequest.expires_at},
                      [AccessRequest.created_at.desc(), AccessRequest.id.desc()])
    return paginate(stmt, page, per_page)


def pending_count(actor: User) -> int:
    """Pending requests this person may decide (the number on an approver's home page)."""
    if actor.role not in ("supervisor", "admin"):
        return 0
    return db.session.scalar(sa.select(sa.func.count(AccessRequest.id)).where(
        AccessRequest.state == "pending", _approvable(actor))) or 0


def view(row: AccessRequest, actor: User) -> dict:
    """A request as shown: the customer's name as the viewer may see it."""
    return {
        "id": row.id, "customer_id": row.customer_id,
        "customer_name": disclosure.shown_name(row.customer, actor),
        "requester_id": row.requester_id, "requester": row.requester.display_name,
        "level": row.level, "reason": row.reason, "hours": row.hours,
        "state": status_of(row), "decided_by_id": row.decided_by_id,
        "decided_by": row.decided_by.display_name if row.decided_by else None,
        "decided_at": row.decided_at, "decision_note": row.decision_note,
        "expires_at": row.expires_at, "created_at": row.created_at,
        "may_decide": row.state == "pending" and row.requester_id != actor.id
        and actor.role in disclosure.APPROVER_ROLES[row.level],
        "may_revoke": status_of(row) == "approved"
        and actor.role in disclosure.APPROVER_ROLES[row.level],
    }
