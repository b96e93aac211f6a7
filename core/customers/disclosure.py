"""What each person may see of a customer file (客户档案) right now: the access matrix.

The matrix (documented in docs/privacy.md, every cell tested) maps a file's level and the
reader's role to a *view*, without and with an approved grant:

- ``full``    — everything (mobile, addresses, notes, do-not-send list);
- ``masked``  — everything but the mobile, which shows as 138****5678;
- ``name``    — the name only (机密 without a grant);
- ``partial`` — the family name only, 王** (绝密 without a grant).

Secret (秘密) files show masked to the desk, who may reveal the mobile by giving a reason
(recorded). Confidential (机密) files need a grant approved by a supervisor; top-secret
(绝密) ones a grant approved by an admin (the department head), supervisors included.
Every page, API, export and search reads this one module, so what a role may not see
in the file it sees nowhere else.
"""
from __future__ import annotations

from dataclasses import dataclass

import sqlalchemy as sa
from flask import g, has_request_context

from ..errors import Forbidden
from ..messages import Msg
from ..privacy import mask_mobile
from ..readcache import keep_until
from ..timeutil import utcnow
from .models import RECORDED_LEVELS, Customer, CustomerAddress

#: roles that read customers at all; of them, the ones that may also change them
READ_ROLES = ("dispatcher", "supervisor", "finance")
WRITE_ROLES = ("dispatcher", "supervisor")
#: roles that may classify a file top secret (绝密)
TOP_SECRET_ROLES = frozenset({"admin", "supervisor"})
#: levels, lowest first
LEVELS = ("normal", "secret", "confidential", "top_secret")
#: views, least first
VIEWS = ("none", "partial", "name", "masked", "full")

#: (level, role) → (view without a grant, view with an active grant)
MATRIX: dict[tuple[str, str], tuple[str, str]] = {
    ("normal", "admin"): ("full", "full"),
    ("normal", "supervisor"): ("full", "full"),
    ("normal", "dispatcher"): ("full", "full"),
    ("normal", "finance"): ("masked", "masked"),
    ("secret", "admin"): ("masked", "masked"),
    ("secret", "supervisor"): ("masked", "masked"),
    ("secret", "dispatcher"): ("masked", "masked"),
    ("secret", "finance"): ("masked", "masked"),
    ("confidential", "admin"): ("full", "full"),
    ("confidential", "supervisor"): ("full", "full"),
    ("confidential", "dispatcher"): ("name", "full"),
    ("confidential", "finance"): ("name", "masked"),
    ("top_secret", "admin"): ("full", "full"),
    ("top_secret", "supervisor"): ("partial", "full"),
    ("top_secret", "dispatcher"): ("partial", "full"),
    ("top_secret", "finance"): ("partial", "masked"),
}
#: roles that may reveal a secret (秘密) file's mobile by giving a reason
REVEAL_ROLES = frozenset({"admin", "supervisor", "dispatcher"})
#: who approves a grant for each level (an admin may approve any)
APPROVER_ROLES = {"confidential": frozenset({"supervisor", "admin"}),
                  "top_secret": frozenset({"admin"})}

CLOSED = Msg("This customer file is confidential: reading it needs an approved access request. "
             "Ask for access on the file's page.",
             "该客户档案为涉密档案，查阅须先提交查阅申请并获批准。请在档案页面申请查阅。")
TOP_SECRET_REFUSED = CLOSED


@dataclass(frozen=True)
class Sight:
    """What one person may see of one file now."""

    level: str
    view: str
    granted: bool
    may_request: bool
    may_reveal: bool

    @property
    def opens(self) -> bool:
        """Whether anything beyond the name shows (the file "opens")."""
        return self.view in ("masked", "full")

    @property
    def full_mobile(self) -> bool:
        return self.view == "full"

    @property
    def recorded(self) -> bool:
        """Whether reading it goes into the audit trail."""
        return self.level in RECORDED_LEVELS


def partial_name(name: str) -> str:
    """王小明 → 王** (the family name only)."""
    return name[:1] + "*" * max(len(name) - 1, 1) if name else name


def active_grants(user) -> dict[int, str]:
    """``{customer_id: level}`` of this person's grants in force now (one query a request)."""
    from .models_access import AccessRequest

    if user is None or isinstance(user, str):
        return {}
    cache = g.setdefault("_jz_grants", {}) if has_request_context() else {}
    if user.id not in cache:
        from ..extensions import db

        rows = db.session.execute(sa.select(
            AccessRequest.customer_id, AccessRequest.level, AccessRequest.expires_at).where(
            AccessRequest.requester_id == user.id, AccessRequest.state == "approved",
            AccessRequest.expires_at > utcnow())).all()
        cache[user.id] = {cid: level for cid, level, _ends in rows}
        if rows:  # what a grant opens leaves cached answers when the grant ends
            keep_until(min(ends for _cid, _level, ends in rows))
    return cache[user.id]


def forget_grants() -> None:
    """Drop this request's cached grants (after one was approved or revoked)."""
    if has_request_context():
        g.pop("_jz_grants", None)


def sight(customer: Customer, user) -> Sight:
    """What ``user`` may see of ``customer`` now (the access check, 权限校验)."""
    level = customer.confidentiality
    role = user if isinstance(user, str) else getattr(user, "role", None)  # a bare role: no grants
    without, with_grant = MATRIX.get((level, role), ("none", "none"))
    granted = False
    view = without
    if with_grant != without and active_grants(user).get(customer.id) == level:
        view, granted = with_grant, True
    return Sight(level=level, view=view, granted=granted,
                 may_request=with_grant != without and not granted,
                 may_reveal=level == "secret" and role in REVEAL_ROLES)


def may_open(customer: Customer, user) -> bool:
    """Whether the file opens to this person (more than the name)."""
    return sight(customer, user).opens


def check_may_open(customer: Customer, user) -> Sight:
    """The sight, or 403 (code ``grant_required``) when the file does not open."""
    seen = sight(customer, user)
    if not seen.opens:
        raise Forbidden(CLOSED, code="grant_required")
    return seen


def shown_name(customer: Customer, user) -> str:
    """The name as this person may see it (王** for a closed top-secret file)."""
    return partial_name(customer.name) if sight(customer, user).view == "partial" \
        else customer.name


def shown_mobile(customer: Customer, user, revealed: bool = False) -> str | None:
    """The mobile in full, masked, or None when the file does not open."""
    seen = sight(customer, user)
    if seen.full_mobile or (revealed and seen.may_reveal):
        return customer.mobile
    return mask_mobile(customer.mobile) if seen.opens else None


def read_is_recorded(customer: Customer) -> bool:
    """Reads of secret (秘密) files and above go into the audit trail."""
    return customer.confidentiality in RECORDED_LEVELS


def list_row(customer: Customer, user) -> dict:
    """A list row as this person may see it."""
    seen = sight(customer, user)
    address = customer.default_address
    row = {
        "id": customer.id, "name": shown_name(customer, user),
        "mobile": shown_mobile(customer, user),
        "confidentiality": customer.confidentiality, "status": customer.status,
        "lead_source": customer.lead_source, "district": address.district if address else None,
        "masked": not seen.full_mobile, "created_at": customer.created_at,
        "updated_at": customer.updated_at, "version": customer.version,
        "openable": seen.opens, "view": seen.view, "granted": seen.granted,
        "may_request": seen.may_request, "may_reveal": seen.may_reveal,
    }
    if not seen.opens:
        row.update(district=None, lead_source=None)
    return row


def address_view(address: CustomerAddress) -> dict:
    """An address as shown."""
    return {k: getattr(address, k) for k in (
        "id", "label", "district", "detail", "latitude", "longitude", "is_default", "version")}


def detail(customer: Customer, user, *, revealed: bool = False) -> dict:
    """The whole file as this person may see it (403 when it does not open)."""
    check_may_open(customer, user)
    view = list_row(customer, user)
    if revealed:
        view.update(mobile=shown_mobile(customer, user, revealed=True), masked=False)
    view.update({
        "household_notes": customer.household_notes,
        "deactivation_reason": customer.deactivation_reason,
        "deactivation_note": customer.deactivation_note,
        "addresses": [address_view(a) for a in customer.addresses],
        "created_by_id": customer.created_by_id, "updated_by_id": customer.updated_by_id,
        "created_by": customer.created_by.display_name if customer.created_by else None,
        "updated_by": customer.updated_by.display_name if customer.updated_by else None,
    })
    return view


def closed_view(customer: Customer, user) -> dict:
    """A file that does not open: the name as allowed, the level, and whether to ask."""
    row = list_row(customer, user)
    return {k: row[k] for k in ("id", "name", "confidentiality", "view", "may_request",
                                "openable", "granted")}


# --------------------------------------------------------------- the same rules in SQL

def _grant_exists(user) -> sa.ColumnElement[bool]:
    from .models_access import AccessRequest

    return sa.exists().where(AccessRequest.customer_id == Customer.id,
                             AccessRequest.requester_id == user.id,
                             AccessRequest.state == "approved",
                             AccessRequest.level == Customer.confidentiality,
                             AccessRequest.expires_at > utcnow())


def view_clause(user, views: tuple[str, ...]) -> sa.ColumnElement[bool]:
    """SQL: the customer rows this person sees with one of ``views`` (for searches, so a
    search never matches on what the row does not show)."""
    role = getattr(user, "role", None)
    parts = []
    for level in LEVELS:
        without, with_grant = MATRIX.get((level, role), ("none", "none"))
        if without in views:
            parts.append(Customer.confidentiality == level)
        elif with_grant in views:
            parts.append(sa.and_(Customer.confidentiality == level, _grant_exists(user)))
    return sa.or_(*parts) if parts else sa.false()
