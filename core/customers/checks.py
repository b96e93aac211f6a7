"""Keeping the files up to date (档案核定): the desk's weekly and quarterly duties.

003: "客户信息档案每季度重新核定一次，每一星期增补或调整一次" — every file is re-checked once
a quarter, and additions and adjustments are made once a week. Each period's duty is a
:class:`~.models_checks.FileDuty` row, opened by the rq job (:mod:`.jobs`) or by the first
look at the page, whichever comes first; a file's re-check is a
:class:`~.models_checks.FileCheck` (who, when), which gives the file its "last checked"
date. A duty is marked done by a person (recorded); the quarter's duty only once no file
is left unchecked. Overdue duties stay listed until someone does them.
"""
from __future__ import annotations

import datetime as dt

import sqlalchemy as sa
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import selectinload

from ..accounts.models import User
from ..audit.service import record
from ..errors import Conflict, NotFound
from ..extensions import db
from ..messages import Msg
from ..pagination import apply_sort, paginate
from ..timeutil import business_today, utcnow
from ..transactions import commit, transactional
from . import disclosure, service
from .models import Customer
from .models_access import Destruction
from .models_checks import DUTY_KINDS, FileCheck, FileDuty

#: who does the duties: the desk and its supervisor (admin always may)
DUTY_ROLES = ("dispatcher", "supervisor")

NO_DUTY = Msg("No such duty.", "找不到该任务。")
DUTY_DONE = Msg("This duty has already been done.", "该任务已完成。")
NOT_YET = Msg("This period has not begun yet.", "该周期尚未开始。")
FILES_LEFT = Msg("{n} files have not been re-checked this quarter; check them first.",
                 "本季度还有 {n} 份档案未核定，请先逐一核定。")
DESTROYED = Msg("This file has been destroyed.", "该档案已销毁。")


def week_of(day: dt.date) -> tuple[dt.date, dt.date]:
    """Monday and Sunday of the week holding ``day``."""
    start = day - dt.timedelta(days=day.weekday())
    return start, start + dt.timedelta(days=6)


def quarter_of(day: dt.date) -> tuple[dt.date, dt.date]:
    """First and last day of the quarter holding ``day``."""
    first_month = 3 * ((day.month - 1) // 3) + 1
    start = dt.date(day.year, first_month, 1)
    nxt = dt.date(day.year + (first_month == 10), 1 if first_month == 10 else first_month + 3, 1)
    return start, nxt - dt.timedelta(days=1)


def ensure_duties(today: dt.date | None = None) -> list[FileDuty]:
    """Open this week's and this quarter's duty if missing (idempotent, safe when two
    workers or requests race: the unique period wins once)."""
    today = today or business_today()
    made = []
    for kind, (start, end) in (("weekly", week_of(today)), ("quarterly", quarter_of(today))):
        exists = db.session.scalar(sa.select(FileDuty.id).where(
            FileDuty.kind == kind, FileDuty.period_start == start))
        if exists:
            continue
        try:
            with db.session.begin_nested():
                duty = FileDuty(kind=kind, period_start=start, due_on=end)
                db.session.add(duty)
            made.append(duty)
        except IntegrityError:
            pass  # another worker opened it
    if made:  # only when a duty was opened: a look at the page commits nothing else
        commit()
    return made


def _checked_since(start: dt.date):
    return sa.exists().where(FileCheck.customer_id == Customer.id,
                             FileCheck.checked_on >= start)


def _not_destroyed():
    return ~sa.exists().where(Destruction.customer_id == Customer.id,
                              Destruction.state == "destroyed")


def last_checked():
    """A correlated subquery: the file's latest re-check day."""
    return (sa.select(sa.func.max(FileCheck.checked_on))
            .where(FileCheck.customer_id == Customer.id).scalar_subquery())


def unchecked_count(today: dt.date | None = None) -> int:
    """How many files (destroyed ones aside) have not been re-checked this quarter."""
    start, _ = quarter_of(today or business_today())
    return db.session.scalar(sa.select(sa.func.count(Customer.id)).where(
        _not_destroyed(), ~_checked_since(start))) or 0


def unchecked(user: User, *, q=None, confidentiality=None, sort=None, page=1, per_page=None,
              today: dt.date | None = None) -> dict:
    """The files not re-checked this quarter, each as the list shows it to ``user``, with
    its last re-check day; ``q`` matches a name only where the row shows it."""
    start, _ = quarter_of(today or business_today())
    last = last_checked().label("last_checked_on")
    stmt = sa.select(Customer, last).options(selectinload(Customer.addresses)).where(
        _not_destroyed(), ~_checked_since(start))
    if q:
        stmt = stmt.where(disclosure.view_clause(user, ("name", "masked", "full")),
                          Customer.name.icontains(q, autoescape=True))
    if confidentiality:
        stmt = stmt.where(Customer.confidentiality == confidentiality)
    stmt = apply_sort(stmt, sort, {"last_checked_on": last, "created_at": Customer.created_at,
                                   "confidentiality": Customer.confidentiality},
                      [sa.nulls_first(last.asc()), Customer.id])
    result = paginate(stmt, page, per_page, scalars=False)
    result["items"] = [{**disclosure.list_row(c, user), "last_checked_on": day}
                       for c, day in result["items"]]
    return result


def file_checks(customer_id: int, limit: int = 5) -> list[FileCheck]:
    """A file's latest re-checks, newest first."""
    return list(db.session.scalars(sa.select(FileCheck).where(
        FileCheck.customer_id == customer_id).order_by(
        FileCheck.checked_at.desc(), FileCheck.id.desc()).limit(limit)))


@transactional
def mark_checked(customer_id: int, actor: User, note: str = "") -> FileCheck:
    """Record that ``actor`` re-checked (核定) the file today. It must open to her: a
    closed file is refused (403 ``grant_required``) and the refusal recorded."""
    customer = service.open_customer(customer_id, actor, purpose="change")
    if db.session.scalar(sa.select(sa.func.count()).select_from(Destruction).where(
            Destruction.customer_id == customer.id, Destruction.state == "destroyed")):
        raise Conflict(DESTROYED, code="destroyed")
    row = FileCheck(customer_id=customer.id, checked_on=business_today(),
                    checked_by_id=actor.id, note=note)
    db.session.add(row)
    db.session.flush()
    record("file_checked", "customer", customer.id, f"customer file re-checked (#{row.id})",
           actor_id=actor.id)
    return row


def get_duty(duty_id: int) -> FileDuty:
    """One duty, or 404."""
    duty = db.session.get(FileDuty, duty_id) if 0 < duty_id < 2**31 else None
    if duty is None:
        raise NotFound(NO_DUTY)
    return duty


@transactional
def complete(duty_id: int, actor: User, note: str = "") -> FileDuty:
    """Mark a duty done by ``actor``. 409 when it is done already, its period has not
    begun, or (the quarter's) files of that quarter are left unchecked."""
    duty = get_duty(duty_id)
    if duty.done_at is not None:
        raise Conflict(DUTY_DONE, code="duty_done")
    today = business_today()
    if duty.period_start > today:
        raise Conflict(NOT_YET, code="not_begun")
    if duty.kind == "quarterly":
        left = db.session.scalar(sa.select(sa.func.count(Customer.id)).where(
            _not_destroyed(), Customer.created_at < _day_end(duty.due_on),
            ~sa.exists().where(FileCheck.customer_id == Customer.id,
                               FileCheck.checked_on >= duty.period_start))) or 0
        if left:
            raise Conflict(FILES_LEFT.format(n=left), code="files_unchecked")
    duty.done_at, duty.done_by_id, duty.note = utcnow(), actor.id, note
    record("duty_done", "customer_file_duty", duty.id,
           f"{duty.kind} file duty from {duty.period_start.isoformat()} done", actor_id=actor.id)
    return duty


def _day_end(day: dt.date) -> dt.datetime:
    from ..timeutil import SHANGHAI

    return dt.datetime.combine(day + dt.timedelta(days=1), dt.time(), SHANGHAI).astimezone(
        dt.timezone.utc)


def search_duties(*, kind=None, state=None, sort=None, page=1, per_page=None,
                  today: dt.date | None = None) -> dict:
    """The duties, newest period first; ``state``: open (not done), overdue (not done,
    past its due day) or done."""
    today = today or business_today()
    stmt = sa.select(FileDuty).options(selectinload(FileDuty.done_by))
    if kind:
        stmt = stmt.where(FileDuty.kind == kind)
    if state == "done":
        stmt = stmt.where(FileDuty.done_at.is_not(None))
    elif state == "open":
        stmt = stmt.where(FileDuty.done_at.is_(None))
    elif state == "overdue":
        stmt = stmt.where(FileDuty.done_at.is_(None), FileDuty.due_on < today)
    stmt = apply_sort(stmt, sort, {"period_start": FileDuty.period_start,
                                   "due_on": FileDuty.due_on, "kind": FileDuty.kind},
                      [FileDuty.period_start.desc(), FileDuty.kind, FileDuty.id.desc()])
    return paginate(stmt, page, per_page)


def open_duty_count(today: dt.date | None = None) -> int:
    """Duties not done whose period has begun (this week's, this quarter's, overdue)."""
    today = today or business_today()
    return db.session.scalar(sa.select(sa.func.count(FileDuty.id)).where(
        FileDuty.done_at.is_(None), FileDuty.period_start <= today)) or 0


def duty_view(duty: FileDuty, today: dt.date | None = None) -> dict:
    """A duty as the API and the page show it (with the week's figures for a weekly one)."""
    today = today or business_today()
    view = {"id": duty.id, "kind": duty.kind, "label": DUTY_KINDS[duty.kind],
            "period_start": duty.period_start, "due_on": duty.due_on,
            "done_at": duty.done_at, "note": duty.note,
            "done_by": duty.done_by.display_name if duty.done_by else None,
            "done_by_id": duty.done_by_id,
            "overdue": duty.done_at is None and duty.due_on < today}
    start, end = duty.period_start, _day_end(duty.due_on)
    begin = _day_end(start - dt.timedelta(days=1))
    view["files_added"] = db.session.scalar(sa.select(sa.func.count(Customer.id)).where(
        Customer.created_at >= begin, Customer.created_at < end)) or 0
    view["files_changed"] = db.session.scalar(sa.select(sa.func.count(Customer.id)).where(
        Customer.updated_at >= begin, Customer.updated_at < end,
        Customer.created_at < begin)) or 0
    view["files_checked"] = db.session.scalar(sa.select(
        sa.func.count(sa.distinct(FileCheck.customer_id))).where(
        FileCheck.checked_on >= start, FileCheck.checked_on <= duty.due_on)) or 0
    return view
