"""Recording and reading the audit trail (who changed what; who read what)."""
from __future__ import annotations

import datetime as dt
import decimal
import enum

import sqlalchemy as sa

from ..access import current_principal
from ..extensions import db
from ..pagination import apply_sort, paginate
from ..privacy import mask_id_number, mask_mobile
from .models import AuditEvent

#: fields whose values never enter the audit trail unmasked
_MASKERS = {"id_number": mask_id_number, "mobile": mask_mobile, "phone": mask_mobile,
            "password": lambda v: "***", "password_hash": lambda v: "***"}


def _plain(value):
    if isinstance(value, (dt.date, dt.datetime)):
        return value.isoformat()
    if isinstance(value, decimal.Decimal):
        return str(value)
    if isinstance(value, enum.Enum):
        return value.value
    return value


def diff(before: dict, after: dict) -> dict:
    """``{field: [old, new]}`` for fields that differ, personal values masked."""
    out = {}
    for key in sorted(set(before) | set(after)):
        old, new = before.get(key), after.get(key)
        if old == new:
            continue
        mask = _MASKERS.get(key)
        if mask:
            old, new = mask(old) if old else old, mask(new) if new else new
        out[key] = [_plain(old), _plain(new)]
    return out


def record(action: str, entity_type: str, entity_id: int | None, summary: str = "",
           changes: dict | None = None, actor_id: int | None = None) -> AuditEvent:
    """Add an audit event to the current transaction (committed with the change itself)."""
    if actor_id is None:
        principal = current_principal()
        actor_id = principal.id if principal else None
    event = AuditEvent(action=action, entity_type=entity_type, entity_id=entity_id,
                       summary=summary[:255], changes=changes or None, actor_id=actor_id)
    db.session.add(event)
    return event


def search(*, entity_type=None, entity_id=None, actor_id=None, action=None, since=None,
           until=None, page=1, per_page=None, sort=None) -> dict:
    """Audit events, newest first, filtered and paged."""
    stmt = sa.select(AuditEvent)
    if entity_type:
        stmt = stmt.where(AuditEvent.entity_type == entity_type)
    if entity_id is not None:
        stmt = stmt.where(AuditEvent.entity_id == entity_id)
    if actor_id is not None:
        stmt = stmt.where(AuditEvent.actor_id == actor_id)
    if action:
        stmt = stmt.where(AuditEvent.action == action)
    if since:
        stmt = stmt.where(AuditEvent.at >= since)
    if until:
        stmt = stmt.where(AuditEvent.at < until)
    stmt = apply_sort(stmt, sort, {"at": AuditEvent.at, "action": AuditEvent.action},
                      [AuditEvent.at.desc(), AuditEvent.id.desc()])
    return paginate(stmt, page, per_page)
