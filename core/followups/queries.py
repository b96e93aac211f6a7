"""Reading follow-ups: the dispatcher's queue (overdue, due today, upcoming), counts for the
home page, and an order's full timeline (done and planned)."""
from __future__ import annotations

import datetime as dt

import sqlalchemy as sa
from flask import url_for
from flask_babel import gettext as _
from sqlalchemy import orm

from ..access import current_principal
from ..extensions import db
from ..orders.models import Order
from ..pagination import apply_sort, paginate
from ..timeutil import business_today, utcnow
from .models import Evaluation, FollowUp, MediationCase
from .planner import start_of_day

BUCKETS = ("overdue", "today", "upcoming", "done", "cancelled", "escalated")


def today_window(today: dt.date | None = None) -> tuple[dt.datetime, dt.datetime]:
    """Start and end (UTC) of the business day in Asia/Shanghai."""
    today = today or business_today()
    return start_of_day(today), start_of_day(today + dt.timedelta(days=1))


def _bucket(stmt: sa.Select, bucket: str | None, now: dt.datetime) -> sa.Select:
    _, end = today_window()
    pending = FollowUp.state == "pending"
    if bucket == "overdue":
        return stmt.where(pending, FollowUp.due_at < now)
    if bucket == "today":
        return stmt.where(pending, FollowUp.due_at >= now, FollowUp.due_at < end)
    if bucket == "upcoming":
        return stmt.where(pending, FollowUp.due_at >= end)
    if bucket == "escalated":
        return stmt.where(pending, FollowUp.escalated_at.is_not(None))
    if bucket in ("done", "cancelled"):
        return stmt.where(FollowUp.state == bucket)
    return stmt.where(pending)


def search(*, bucket: str | None = None, service_line: str | None = None,
           assignee_id: int | None = None, order_id: int | None = None, q: str | None = None,
           page: int = 1, per_page: int | None = None, sort: str | None = None) -> dict:
    """Follow-ups for the queue, filtered (bucket, line, dispatcher, order, order number)
    and paged; pending ones soonest first by default."""
    stmt = _bucket(sa.select(FollowUp), bucket, utcnow())
    if service_line:
        stmt = stmt.where(FollowUp.service_line == service_line)
    if assignee_id is not None:
        stmt = stmt.where(FollowUp.assignee_id == assignee_id)
    if order_id is not None:
        stmt = stmt.where(FollowUp.order_id == order_id)
    if q:
        stmt = stmt.where(FollowUp.order_id.in_(
            sa.select(Order.id).where(Order.number.contains(q.strip(), autoescape=True))))
    default = [FollowUp.due_at.desc() if bucket in ("done", "cancelled") else FollowUp.due_at,
               FollowUp.id]
    stmt = apply_sort(stmt, sort, {"due_at": FollowUp.due_at, "kind": FollowUp.kind}, default)
    # the assignee's name each row shows, loaded with the page
    return paginate(stmt.options(orm.joinedload(FollowUp.assignee)), page, per_page)


def order_contacts(order_ids, user) -> dict[int, dict]:
    """``{order_id: {number, name, mobile, tel}}`` for the queue's rows, in one query: the
    JZ number, and the customer's name and mobile as ``user`` may see them (privacy
    matrix, ``customers.disclosure``): ``mobile`` masked or None where the file shows less,
    ``tel`` (a number to dial) only where the mobile shows in full."""
    from ..customers import disclosure
    from ..customers.models import Customer

    ids = {i for i in order_ids if i is not None}
    if not ids:
        return {}
    out = {}
    for number, order_id, customer in db.session.execute(
            sa.select(Order.number, Order.id, Customer)
            .join(Customer, Customer.id == Order.customer_id).where(Order.id.in_(ids))):
        mobile = disclosure.shown_mobile(customer, user)
        out[order_id] = {"number": number, "name": disclosure.shown_name(customer, user),
                         "mobile": mobile, "tel": mobile if mobile == customer.mobile else None}
    return out


def next_due(assignee_id: int | None = None, service_line: str | None = None) -> dict | None:
    """When the next pending calls after today are due: ``{"day", "count"}`` (the business
    date of the soonest one and how many fall on it), or None when none is planned."""
    from ..timeutil import SHANGHAI

    _, end = today_window()
    where = [FollowUp.state == "pending", FollowUp.due_at >= end]
    if assignee_id is not None:
        where.append(FollowUp.assignee_id == assignee_id)
    if service_line:
        where.append(FollowUp.service_line == service_line)
    first = db.session.scalar(sa.select(sa.func.min(FollowUp.due_at)).where(*where))
    if first is None:
        return None
    if first.tzinfo is None:  # SQLite hands the aggregate back without its zone
        first = first.replace(tzinfo=dt.timezone.utc)
    day = first.astimezone(SHANGHAI).date()
    start, stop = today_window(day)
    count = db.session.scalar(sa.select(sa.func.count(FollowUp.id)).where(
        *where, FollowUp.due_at >= start, FollowUp.due_at < stop)) or 0
    return {"day": day, "count": count}


def due_today(assignee_id: int, limit: int = 200) -> list[FollowUp]:
    """A dispatcher's pending follow-ups due by the end of today, overdue ones included,
    soonest first (the index ``ix_followups_queue`` answers it)."""
    _, end = today_window()
    return list(db.session.scalars(
        sa.select(FollowUp).where(FollowUp.assignee_id == assignee_id,
                                  FollowUp.state == "pending", FollowUp.due_at < end)
        .order_by(FollowUp.due_at, FollowUp.id).limit(limit)))


def counts(assignee_id: int | None = None) -> dict:
    """How many pending follow-ups are overdue, due today, upcoming and escalated
    (one person's, or everyone's)."""
    now = utcnow()
    _, end = today_window()
    pending = [FollowUp.state == "pending"]
    if assignee_id is not None:
        pending.append(FollowUp.assignee_id == assignee_id)
    row = db.session.execute(sa.select(
        sa.func.sum(sa.case((FollowUp.due_at < now, 1), else_=0)),
        sa.func.sum(sa.case((sa.and_(FollowUp.due_at >= now, FollowUp.due_at < end), 1),
                            else_=0)),
        sa.func.sum(sa.case((FollowUp.due_at >= end, 1), else_=0)),
        sa.func.sum(sa.case((FollowUp.escalated_at.is_not(None), 1), else_=0)),
    ).where(*pending)).one()
    return dict(zip(("overdue", "today", "upcoming", "escalated"),
                    (int(v or 0) for v in row), strict=True))


def dashboard_tiles() -> list[dict]:
    """Tiles for the home page (工作台): a dispatcher sees her own follow-ups, a
    supervisor everyone's. Each tile: value, label, tone, href."""
    user = current_principal()
    if user is None or user.role not in ("dispatcher", "supervisor", "admin"):
        return []
    mine = user.role == "dispatcher"
    c = counts(user.id if mine else None)
    args = {"assignee_id": user.id} if mine else {}

    def href(bucket):
        return url_for("followups.index", bucket=bucket, **args)

    tiles = [
        {"key": "followups_overdue", "value": c["overdue"], "label": _("逾期回访"),
         "tone": "bad" if c["overdue"] else "", "href": href("overdue")},
        {"key": "followups_today", "value": c["today"], "label": _("今日待回访"),
         "tone": "warn" if c["today"] else "", "href": href("today")},
        {"key": "followups_upcoming", "value": c["upcoming"], "label": _("即将回访"),
         "tone": "", "href": href("upcoming")},
    ]
    if not mine:
        tiles.append({"key": "followups_escalated", "value": c["escalated"],
                      "label": _("已升级回访"), "tone": "bad" if c["escalated"] else "",
                      "href": href("escalated")})
    return tiles


def timeline(order_id: int) -> list[dict]:
    """Everything follow-up about an order, in time order: each follow-up (done, pending,
    cancelled) with its outcomes, each mediation case, each evaluation."""
    items: list[dict] = []
    for f in db.session.scalars(sa.select(FollowUp).where(FollowUp.order_id == order_id)
                                .order_by(FollowUp.due_at, FollowUp.id)):
        at = f.completed_at if f.state == "done" else f.due_at
        items.append({"type": "followup", "at": at, "followup": f, "outcomes": f.outcomes})
    for case in db.session.scalars(sa.select(MediationCase).where(
            MediationCase.order_id == order_id)):
        items.append({"type": "mediation", "at": case.opened_at, "case": case})
    for ev in db.session.scalars(sa.select(Evaluation).where(Evaluation.order_id == order_id)):
        items.append({"type": "evaluation", "at": ev.created_at, "evaluation": ev})
    items.sort(key=lambda i: (i["at"], i["type"]))
    return items


def notifications(user_id: int, *, unread: bool = False, page: int = 1,
                  per_page: int | None = None) -> dict:
    """A person's in-app notifications (站内通知), newest first."""
    from .models import Notification

    stmt = sa.select(Notification).where(Notification.user_id == user_id)
    if unread:
        stmt = stmt.where(Notification.read_at.is_(None))
    return paginate(stmt.order_by(Notification.created_at.desc(), Notification.id.desc()),
                    page, per_page)


def mark_read(user_id: int, notification_id: int):
    """Mark one of the person's notifications read (idempotent); NotFound for others'."""
    from ..errors import NotFound
    from ..messages import Msg
    from .models import Notification

    note = db.session.get(Notification, notification_id)
    if note is None or note.user_id != user_id:
        raise NotFound(Msg("There is no such notification.", "找不到该通知。"))
    if note.read_at is None:
        note.read_at = utcnow()
    return note


def worker_rating(worker_id: int) -> dict:
    """A worker's evaluations summed up for matching: count, mean overall score (1–5,
    one decimal; None without evaluations), satisfied and not-satisfied verdicts."""
    row = db.session.execute(sa.select(
        sa.func.count(Evaluation.id), sa.func.avg(Evaluation.overall),
        sa.func.sum(sa.case((Evaluation.verdict == "satisfied", 1), else_=0)),
    ).where(Evaluation.worker_id == worker_id)).one()
    count, mean, satisfied = row
    return {"count": count, "overall": round(float(mean), 1) if mean is not None else None,
            "satisfied": int(satisfied or 0), "not_satisfied": count - int(satisfied or 0)}
