"""Reading complaints: the desk list (filters, search, sort, paging) and a complaint as
a role may see it. What a role may not see of a customer's file it does not see here
either: the same rules as the customer file (:mod:`core.customers.disclosure`).
"""
from __future__ import annotations

import datetime as dt

import sqlalchemy as sa

from ..accounts.models import User
from ..audit.service import record
from ..customers import disclosure
from ..customers.models import Customer
from ..extensions import db
from ..followups.models import Evaluation
from ..orders.models import Order
from ..pagination import apply_sort
from ..privacy import mask_mobile
from ..timeutil import utcnow
from ..transactions import transactional
from ..workers.models import Worker
from . import clocks
from .models import (
    OPEN_STATES,
    Complaint,
    ComplaintCategory,
    ComplaintConsequence,
    ComplaintLevel,
)
from .service import get

SORTS = {"due_at": Complaint.due_at, "received_at": Complaint.received_at,
         "number": Complaint.number, "updated_at": Complaint.updated_at,
         "level": Complaint.level_code, "state": Complaint.state}
CLOCK_STATES = ("red", "amber", "ok", "paused")
#: lists of closed (history) complaints count at most this many (``total_capped``)
COUNT_CAP = 10_000


def _reader(role: str):
    """Who reads: the person, so her grants count; else the bare role."""
    from ..access import current_principal

    principal = current_principal()
    return principal if principal and principal.role == role else role


def _customer_view(customer: Customer | None, role: str, reader=None) -> dict | None:
    """The customer on a complaint exactly as in her file for this reader (the access
    matrix: 王** and no mobile for a closed file, the mobile masked where it must be)."""
    if customer is None:
        return None
    reader = reader if reader is not None else _reader(role)
    seen = disclosure.sight(customer, reader)
    if seen.full_mobile:
        mobile = customer.mobile
    else:
        mobile = mask_mobile(customer.mobile) if seen.opens else None
    return {"id": customer.id,
            "name": disclosure.partial_name(customer.name) if seen.view == "partial"
            else customer.name,
            "mobile": mobile, "masked": not seen.full_mobile, "openable": seen.opens,
            "confidentiality": customer.confidentiality}


def _names(model, ids, column) -> dict[int, str]:
    ids = {i for i in ids if i is not None}
    if not ids:
        return {}
    return dict(db.session.execute(sa.select(model.id, column).where(model.id.in_(ids))).all())


#: what a desk row shows of a complaint (the list reads these columns, not whole rows)
LIST_COLUMNS = (Complaint.id, Complaint.number, Complaint.state, Complaint.channel,
                Complaint.category_code, Complaint.level_code, Complaint.summary,
                Complaint.customer_id, Complaint.order_id, Complaint.worker_id,
                Complaint.owner_id, Complaint.received_at, Complaint.entered_at,
                Complaint.due_at, Complaint.warn_at, Complaint.paused_at, Complaint.breached,
                Complaint.updated_at, Complaint.version)
#: what the access matrix needs of the customer on a list row
CUSTOMER_COLUMNS = (Customer.name.label("customer_name"),
                    Customer.mobile.label("customer_mobile"),
                    Customer.confidentiality.label("customer_confidentiality"))


def search(role: str, *, user_id: int, state: list[str] | None = None,
           level: list[str] | None = None, category: list[str] | None = None,
           owner_id: int | None = None, mine: bool = False, clock: str | None = None,
           breached: bool | None = None, customer_id: int | None = None,
           order_id: int | None = None, worker_id: int | None = None, q: str | None = None,
           sort: str | None = None, page: int = 1, per_page: int = 20,
           now: dt.datetime | None = None) -> dict:
    """The complaint desk: open complaints by deadline unless asked otherwise.

    ``state`` defaults to the open states; ``clock`` picks red (a clock ran out), amber
    (due soon), ok or paused; ``mine`` the caller's own.

    Two statements whatever the filters: the count over the filter, and one page of rows
    with their customer, owner, worker and order joined in (no ORM objects built). Open
    complaints are read through the partial indexes on ``state <> 'closed'``.
    """
    now = now or utcnow()
    where = []
    states = state or list(OPEN_STATES)
    if set(states) == set(OPEN_STATES):
        where.append(Complaint.state != "closed")  # the open-complaints partial indexes
    else:
        where.append(Complaint.state.in_(states))
    if level:
        where.append(Complaint.level_code.in_(level))
    if category:
        where.append(Complaint.category_code.in_(category))
    if mine:
        owner_id = user_id
    if owner_id is not None:
        where.append(Complaint.owner_id == owner_id)
    for column, value in ((Complaint.customer_id, customer_id), (Complaint.order_id, order_id),
                          (Complaint.worker_id, worker_id)):
        if value is not None:
            where.append(column == value)
    if breached is not None:
        where.append(Complaint.breached.is_(breached))
    running = sa.and_(Complaint.paused_at.is_(None), Complaint.state != "closed")
    if clock == "red":
        where += [running, Complaint.due_at <= now]
    elif clock == "amber":
        where += [running, Complaint.warn_at <= now, Complaint.due_at > now]
    elif clock == "ok":
        where += [running, sa.or_(Complaint.due_at.is_(None), Complaint.due_at > now),
                  sa.or_(Complaint.warn_at.is_(None), Complaint.warn_at > now)]
    elif clock == "paused":
        where.append(Complaint.paused_at.is_not(None))
    if q and q.strip():
        text = f"%{q.strip()}%"
        names = sa.select(Customer.id).where(Customer.name.like(text))
        where.append(sa.or_(Complaint.number.like(text), Complaint.summary.like(text),
                            Complaint.customer_id.in_(names)))
    counted = sa.select(Complaint.id).where(*where)
    capped = set(states) != set(OPEN_STATES)
    if capped:  # history grows without end: count it only up to COUNT_CAP
        counted = counted.limit(COUNT_CAP + 1)
    total = db.session.scalar(sa.select(sa.func.count()).select_from(counted.subquery())) or 0
    total_capped = capped and total > COUNT_CAP
    total = min(total, COUNT_CAP) if capped else total
    rows = []
    if total > (page - 1) * per_page:
        order = [Complaint.due_at.asc().nulls_last(), Complaint.id.asc()]
        # the page's ids first (sorted and cut on the complaints' own index), then only
        # those 20 rows joined — not every open complaint joined and then sorted
        ids = apply_sort(sa.select(Complaint.id).where(*where), sort, SORTS, order) \
            .limit(per_page).offset((page - 1) * per_page).subquery("page")
        stmt = (sa.select(*LIST_COLUMNS, *CUSTOMER_COLUMNS,
                          User.display_name.label("owner_name"),
                          Worker.name.label("worker_name"), Order.number.label("order_number"))
                .select_from(ids).join(Complaint, Complaint.id == ids.c.id)
                .join(Customer, Customer.id == Complaint.customer_id)
                .outerjoin(User, User.id == Complaint.owner_id)
                .outerjoin(Worker, Worker.id == Complaint.worker_id)
                .outerjoin(Order, Order.id == Complaint.order_id))
        rows = db.session.execute(apply_sort(stmt, sort, SORTS, order)).all()
    elif sort:
        apply_sort(sa.select(Complaint.id), sort, SORTS, Complaint.id)  # refuse a bad key
    return {"items": _joined_rows(rows, role, now), "total": total,
            "total_capped": total_capped, "page": page, "per_page": per_page,
            "pages": max(1, -(-total // per_page))}


class _ListedCustomer:
    """The customer's columns of a joined list row, shaped for the access matrix."""

    __slots__ = ("id", "name", "mobile", "confidentiality")

    def __init__(self, r):
        self.id, self.name = r.customer_id, r.customer_name
        self.mobile, self.confidentiality = r.customer_mobile, r.customer_confidentiality


def _joined_rows(rows, role: str, now: dt.datetime) -> list[dict]:
    if not rows:
        return []
    labels, reader = labels_by_code(), _reader(role)
    return [_row(r, _customer_view(_ListedCustomer(r), role, reader), r.owner_name,
                 r.worker_name, r.order_number, labels, now) for r in rows]


def list_rows(rows: list[Complaint], role: str, now: dt.datetime | None = None) -> list[dict]:
    """Complaints as list rows for this role (customers, owners and workers read in
    one query each)."""
    now = now or utcnow()
    customers = {c.id: c for c in db.session.scalars(sa.select(Customer).where(
        Customer.id.in_({r.customer_id for r in rows})))} if rows else {}
    owners = _names(User, [r.owner_id for r in rows], User.display_name)
    workers = _names(Worker, [r.worker_id for r in rows], Worker.name)
    orders = _names(Order, [r.order_id for r in rows], Order.number)
    labels, reader = labels_by_code(), _reader(role)
    return [_row(r, _customer_view(customers.get(r.customer_id), role, reader),
                 owners.get(r.owner_id), workers.get(r.worker_id), orders.get(r.order_id),
                 labels, now) for r in rows]


def _row(r, customer: dict | None, owner, worker, order_number, labels, now) -> dict:
    return {
        "id": r.id, "number": r.number, "state": r.state, "channel": r.channel,
        "category": r.category_code,
        "category_label": labels["category"].get(r.category_code), "level": r.level_code,
        "level_label": labels["level"].get(r.level_code), "summary": r.summary,
        "customer": customer, "order_id": r.order_id, "order_number": order_number,
        "worker_id": r.worker_id, "worker_name": worker, "owner_id": r.owner_id,
        "owner": owner, "received_at": r.received_at, "entered_at": r.entered_at,
        "due_at": r.due_at, "warn_at": r.warn_at, "paused": r.paused_at is not None,
        "breached": r.breached, "clock_state": _row_state(r, now),
        "updated_at": r.updated_at, "version": r.version}


def plain(value):
    """A list page as JSON-ready values: times as ISO 8601 (as the schemas write them)."""
    if isinstance(value, dict):
        return {k: plain(v) for k, v in value.items()}
    if isinstance(value, list):
        return [plain(v) for v in value]
    if isinstance(value, dt.datetime):
        return value.isoformat()
    return value


def _row_state(r: Complaint, now: dt.datetime) -> str:
    if r.state == "closed":
        return "done"
    if r.paused_at is not None:
        return "paused"
    if r.due_at is not None and r.due_at <= now:
        return "red"
    if r.warn_at is not None and r.warn_at <= now:
        return "amber"
    return "ok"


def labels_by_code() -> dict[str, dict[str, dict]]:
    """``{"category": {code: {"zh","en"}}, "level": {...}}`` of the company's policy
    (one statement: the two small tables' codes and names)."""
    stmt = sa.union_all(
        sa.select(sa.literal("category").label("kind"), ComplaintCategory.code,
                  ComplaintCategory.name_zh, ComplaintCategory.name_en),
        sa.select(sa.literal("level").label("kind"), ComplaintLevel.code,
                  ComplaintLevel.name_zh, ComplaintLevel.name_en))
    out: dict[str, dict[str, dict]] = {"category": {}, "level": {}}
    for kind, code, zh, en in db.session.execute(stmt):
        out[kind][code] = {"zh": zh, "en": en}
    return out


def detail(c: Complaint, role: str, *, record_read: bool = True) -> dict:
    """A complaint with its clocks, timeline, resolutions and consequences, as this
    role may see it. Reading the complaint of a secret-or-above customer is recorded."""
    now = utcnow()
    customer = db.session.get(Customer, c.customer_id)
    view = list_rows([c], role, now)[0]
    if record_read and customer is not None and disclosure.read_is_recorded(customer):
        record("read", "customer", customer.id, f"through complaint {c.number}")
    actors = _names(User, [a.actor_id for a in c.actions] + [c.entered_by_id],
                    User.display_name)
    view.update({
        "details": c.details, "mediation_id": c.mediation_id, "followup_id": c.followup_id,
        "survey_id": c.survey_id, "entered_by": actors.get(c.entered_by_id),
        "paused_at": c.paused_at, "paused_minutes": c.paused_minutes,
        "first_contact_at": c.first_contact_at, "resolved_at": c.resolved_at,
        "closed_at": c.closed_at, "verdict": c.verdict, "reopened": c.reopened,
        "clock_state": clocks.state_of(c, now),
        "clocks": [{"kind": k.kind, "target_minutes": k.target_minutes, "due_at": k.due_at,
                    "warn_at": k.warn_at, "remaining_minutes": k.remaining_minutes,
                    "met_at": k.met_at, "warned_at": k.warned_at,
                    "breached_at": k.breached_at} for k in c.clocks],
        "actions": [{"id": a.id, "kind": a.kind, "note": a.note, "promised_at": a.promised_at,
                     "data": a.data, "actor_id": a.actor_id,
                     "actor": actors.get(a.actor_id), "at": a.at} for a in c.actions],
        "resolutions": [{"id": r.id, "kind": r.kind, "amount": r.amount, "note": r.note,
                         "state": r.state, "approval_id": r.approval_id,
                         "contract_id": r.contract_id, "callback_at": r.callback_at,
                         "confirmed_at": r.confirmed_at, "created_at": r.created_at}
                        for r in c.resolutions],
        "consequences": [consequence_view(x) for x in db.session.scalars(
            sa.select(ComplaintConsequence).where(ComplaintConsequence.complaint_id == c.id)
            .order_by(ComplaintConsequence.id))],
    })
    return view


@transactional
def read(complaint_id: int, role: str) -> dict:
    """:func:`detail` of one complaint (404 if none), a step: the read of a confidential
    customer's complaint is recorded and committed."""
    return detail(get(complaint_id), role)


def consequence_view(x: ComplaintConsequence) -> dict:
    """A consequence for the worker as shown."""
    return {"id": x.id, "complaint_id": x.complaint_id, "worker_id": x.worker_id,
            "kind": x.kind, "reason": x.reason, "state": x.state,
            "evaluation_id": x.evaluation_id, "requested_at": x.requested_at,
            "decided_at": x.decided_at}


def of_worker(worker_id: int, role: str, limit: int = 50) -> list[dict]:
    """A worker's complaints for her file, newest first."""
    rows = list(db.session.scalars(sa.select(Complaint).where(
        Complaint.worker_id == worker_id).order_by(Complaint.received_at.desc()).limit(limit)))
    return list_rows(rows, role)


def of_customer(customer_id: int, role: str, limit: int = 50) -> list[dict]:
    """A customer's complaints for her file, newest first."""
    rows = list(db.session.scalars(sa.select(Complaint).where(
        Complaint.customer_id == customer_id).order_by(Complaint.received_at.desc())
        .limit(limit)))
    return list_rows(rows, role)


def complaint_evaluations(worker_id: int) -> int:
    """How many evaluations on the worker's record came from complaints."""
    return db.session.scalar(sa.select(sa.func.count(Evaluation.id)).where(
        Evaluation.worker_id == worker_id, Evaluation.source == "complaint")) or 0
