"""Recording and reading the audit trail (who changed what; who read what)."""
from __future__ import annotations

import datetime as dt
import decimal
import enum
import re

import sqlalchemy as sa

from ..access import current_principal
from ..extensions import db
from ..pagination import apply_sort, paginate
from ..privacy import mask_id_number, mask_mobile
from ..transactions import transactional
from . import chain
from .models import AuditChainHead, AuditEvent

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


#: what a withheld value is stored as (the trail says the field changed, not to what)
WITHHELD = "(withheld)"

#: personal fields of a customer file whose values never enter the trail at all (the
#: last part of the field name: ``address.7.detail`` → ``detail``), so that destroying
#: the file (销毁) leaves no copy of them in the append-only trail
PERSONAL_WITHHELD = frozenset({"name", "household_notes", "deactivation_note", "detail",
                               "latitude", "longitude", "address", "address_text",
                               "customer_name", "note", "notes", "cancel_note"})

#: an ID number (18 characters) or a mainland mobile inside free text
_ID_IN_TEXT = re.compile(r"(?<![0-9])[1-9][0-9]{16}[0-9Xx](?![0-9])")
_MOBILE_IN_TEXT = re.compile(r"(?<![0-9])1[3-9][0-9]{9}(?![0-9])")


def mask_numbers(value):
    """``value`` (text, or lists and dicts of it) with any ID number or mobile written in
    it masked: the last line of defence for free text entering the trail."""
    if isinstance(value, str):
        value = _ID_IN_TEXT.sub(lambda m: mask_id_number(m.group()), value)
        return _MOBILE_IN_TEXT.sub(lambda m: mask_mobile(m.group()), value)
    if isinstance(value, list):
        return [mask_numbers(v) for v in value]
    if isinstance(value, dict):
        return {k: mask_numbers(v) for k, v in value.items()}
    return value


def withhold_personal(changes: dict) -> dict:
    """``changes`` with the values of :data:`PERSONAL_WITHHELD` fields replaced by
    :data:`WITHHELD` (absent values stay absent) and mobiles / ID numbers masked."""
    out = {}
    for key, pair in changes.items():
        field = key.rsplit(".", 1)[-1]
        if field in PERSONAL_WITHHELD and isinstance(pair, list):
            pair = [WITHHELD if v not in (None, "") else v for v in pair]
        elif field in _MASKERS and isinstance(pair, list):
            mask = _MASKERS[field]
            pair = [mask(v) if isinstance(v, str) and "*" not in v and v else v for v in pair]
        out[key] = pair
    return out


def diff(before: dict, after: dict, *, withhold: bool = False) -> dict:
    """``{field: [old, new]}`` for fields that differ, personal values masked; with
    ``withhold`` (customer files), the values of personal fields are left out too."""
    out = {}
    for key in sorted(set(before) | set(after)):
        old, new = before.get(key), after.get(key)
        if old == new:
            continue
        if withhold and key.rsplit(".", 1)[-1] in PERSONAL_WITHHELD:
            out[key] = [WITHHELD if v not in (None, "") else None for v in (old, new)]
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
                       summary=mask_numbers(summary)[:255],
                       changes=mask_numbers(changes) if changes else None, actor_id=actor_id)
    db.session.add(event)
    return event


#: kinds of audit event for the audit page's filter: code → (zh, en)
KINDS = {"read": ("查阅", "Read"), "change": ("修改", "Change"),
         "denied": ("拒绝访问", "Denied"), "grant": ("授权", "Grant")}
#: actions that read (show or hand out) data rather than change it
READ_ACTIONS = ("read", "reveal", "search", "export")


def kind_condition(kind: str):
    """The SQL condition selecting one :data:`KINDS` kind of event by its action."""
    action = AuditEvent.action
    denied = action.like("%\\_denied", escape="\\")
    grant = action.like("grant%")
    if kind == "read":
        return action.in_(READ_ACTIONS)
    if kind == "denied":
        return denied
    if kind == "grant":
        return grant
    return sa.and_(action.not_in(READ_ACTIONS), sa.not_(denied), sa.not_(grant))


def kind_of(action: str) -> str:
    """The :data:`KINDS` kind of one action."""
    if action in READ_ACTIONS:
        return "read"
    if action.endswith("_denied"):
        return "denied"
    return "grant" if action.startswith("grant") else "change"


def _filtered(*, entity_type=None, entity_id=None, actor_id=None, action=None, kind=None,
              since=None, until=None):
    stmt = sa.select(AuditEvent)
    if entity_type:
        stmt = stmt.where(AuditEvent.entity_type == entity_type)
    if entity_id is not None:
        stmt = stmt.where(AuditEvent.entity_id == entity_id)
    if actor_id is not None:
        stmt = stmt.where(AuditEvent.actor_id == actor_id)
    if action:
        stmt = stmt.where(AuditEvent.action == action)
    if kind:
        stmt = stmt.where(kind_condition(kind))
    if since:
        stmt = stmt.where(AuditEvent.at >= since)
    if until:
        stmt = stmt.where(AuditEvent.at < until)
    return stmt


def search(*, page=1, per_page=None, sort=None, **filters) -> dict:
    """Audit events, newest first, filtered (record, person, action, kind, period) and
    paged."""
    stmt = apply_sort(_filtered(**filters), sort,
                      {"at": AuditEvent.at, "action": AuditEvent.action},
                      [AuditEvent.at.desc(), AuditEvent.id.desc()])
    return paginate(stmt, page, per_page)


EXPORT_HEADERS = ["序号 seq", "时间 time (Asia/Shanghai)", "操作人 person", "角色 role",
                  "类别 kind", "操作 action", "记录类型 record type", "记录 ID record id",
                  "摘要 summary", "内容 changes", "链哈希 row hash"]


def _cell(value: str) -> str:
    """A text cell a spreadsheet will not run as a formula."""
    return "'" + value if value[:1] in ("=", "+", "-", "@", "\t", "\r") else value


@transactional
def export_trail(fmt: str, **filters) -> list[list]:
    """The filtered trail's rows (:func:`export_rows`) for an inspector, the export itself
    recorded (a step: committed)."""
    rows = list(export_rows(**filters))
    described = ", ".join(f"{k}={v}" for k, v in filters.items()) or "everything"
    record("export", "audit_event", None, f"audit trail exported as {fmt} "
           f"({described})"[:255])
    return rows


def export_rows(**filters):
    """The filtered events oldest first, as rows of :data:`EXPORT_HEADERS` (streamed; for
    an inspector: the chain's ``seq`` and hash let the copy be checked against the
    database)."""
    import json

    from ..accounts.models import User
    from ..timeutil import SHANGHAI

    stmt = (_filtered(**filters).add_columns(User.display_name, User.role)
            .outerjoin(User, User.id == AuditEvent.actor_id)
            .order_by(AuditEvent.at, AuditEvent.id).execution_options(yield_per=1000))
    for event, name, role in db.session.execute(stmt):
        yield [event.seq, event.at.astimezone(SHANGHAI).strftime("%Y-%m-%d %H:%M:%S"),
               _cell(name or "—"), role or "", KINDS[kind_of(event.action)][0], event.action,
               event.entity_type, event.entity_id, _cell(event.summary or ""),
               _cell(json.dumps(event.changes, ensure_ascii=False)) if event.changes else "",
               event.row_hash or ""]


def verify_chain(batch: int = 20_000) -> chain.Report:
    """Walk the whole trail and report the first row that breaks the hash chain."""
    with db.engine.connect() as conn:
        return chain.verify(conn, AuditEvent.__table__, AuditChainHead.__table__, batch)
