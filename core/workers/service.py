"""Rules of workers (阿姨): records, status and the blacklist (黑名单), lists, photos, and
the suspension of workers whose health certificate (健康证) has expired."""
from __future__ import annotations

import datetime as dt
import re

import sqlalchemy as sa
from flask import url_for
from flask_babel import gettext as _
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import selectinload

from ..access import current_principal
from ..audit.service import diff, record
from ..errors import Conflict, Forbidden, Invalid, NotFound
from ..extensions import db
from ..identity import check_mobile, check_worker_id_number
from ..messages import Msg
from ..pagination import apply_sort, paginate
from ..plugins import service_lines
from ..timeutil import business_today
from ..transactions import transactional
from . import credentials, photos
from .credentials import EXPIRED, EXPIRING, HEALTH, MISSING, state_clause
from .locking import check_version, flush
from .models import (
    BLACKLIST_REASONS,
    GRADES,
    STATUSES,
    Worker,
    WorkerServiceLine,
)
from .status import apply_status as _apply_status
from .status import touch as _touch

#: who may read workers (finance sees them masked) and who may change them
READ_ROLES = ("dispatcher", "supervisor", "trainer", "finance")
WRITE_ROLES = ("dispatcher", "supervisor", "trainer")
#: roles that see ID numbers in full; every such read is audited
FULL_ID_ROLES = frozenset({"admin", "supervisor", "trainer"})
#: roles that see mobile numbers masked
MASKED_MOBILE_ROLES = frozenset({"finance"})
#: roles that may take a worker off the blacklist
RELEASE_ROLES = frozenset({"admin", "supervisor"})

NOT_FOUND = Msg("No such worker.", "找不到该阿姨。")
DUPLICATE_ID = Msg("A worker with this ID number is already registered.",
                   "已有使用该身份证号登记的阿姨。")
UNKNOWN_LINE = Msg("Unknown service line: {0}.", "不认识的业务线：{0}。")
SAME_STATUS = Msg("She already has this status.", "该阿姨已是此状态。")
BLACKLIST_TYPE = Msg("Choose why she is blacklisted.", "请选择列入黑名单的原因类型。")
REASON_NEEDED = Msg("Give the reason in words.", "请填写原因说明。")
REASON_TYPE_ONLY_BLACKLIST = Msg("A reason type is given only when blacklisting.",
                                 "只有列入黑名单时才选择原因类型。")
RELEASE_ROLE = Msg("Only an administrator or a supervisor may take a worker off the blacklist.",
                   "只有管理员或客服主管可以将阿姨移出黑名单。")
HEALTH_EXPIRED = Msg("Her health certificate has expired; record the renewed one first.",
                     "该阿姨的健康证已过期，请先登记新的健康证。")

_FIELDS = ("name", "id_number", "mobile", "hometown", "dialect", "years_experience", "grade")


def sees_full_id(user) -> bool:
    """Whether this member of staff sees ID numbers in full (admin, supervisor, trainer)."""
    return bool(user) and user.role in FULL_ID_ROLES


def sees_full_mobile(user) -> bool:
    """Whether this member of staff sees mobile numbers in full (all but finance)."""
    return bool(user) and user.role not in MASKED_MOBILE_ROLES



def read_id_number(value: str) -> str:
    """The normalised resident ID number, or ValueError(Msg): bad checksum, unreal or
    future birth date, an age outside 16–80 (see :mod:`core.identity`)."""
    return check_worker_id_number(value, business_today()).number


def get_worker(worker_id: int) -> Worker:
    """A worker by id, or 404."""
    worker = db.session.get(Worker, worker_id)
    if worker is None:
        raise NotFound(NOT_FOUND)
    return worker


def snapshot(worker: Worker) -> dict:
    """The audited values of a worker (ID number and mobile are masked by the audit)."""
    out = {f: getattr(worker, f) for f in _FIELDS}
    out["service_lines"] = ",".join(sorted(worker.service_line_codes))
    return out


def _clean(data: dict) -> dict:
    """Check what a schema also checks, for callers that bypass the schemas."""
    errors: dict[str, list] = {}
    out = dict(data)
    if "id_number" in data:
        try:
            out["id_number"] = read_id_number(data["id_number"])
        except ValueError as exc:
            errors["id_number"] = [exc.args[0]]
    if "mobile" in data:
        try:
            out["mobile"] = check_mobile(data["mobile"])
        except ValueError as exc:
            errors["mobile"] = [exc.args[0]]
    unknown = [c for c in data.get("service_lines") or () if c not in service_lines()]
    if unknown:
        errors["service_lines"] = [UNKNOWN_LINE.format(", ".join(unknown))]
    if errors:
        raise Invalid(fields=errors)
    return out


def _refuse_duplicate(id_number: str, worker_id: int | None = None) -> None:
    stmt = sa.select(Worker.id).where(Worker.id_number == id_number)
    if worker_id is not None:
        stmt = stmt.where(Worker.id != worker_id)
    if db.session.scalar(stmt) is not None:
        raise Conflict(DUPLICATE_ID, code="duplicate", fields={"id_number": [DUPLICATE_ID]})


def _flush_unique() -> None:
    """Flush; a duplicate ID number that raced past the check is still a 409."""
    try:
        flush()
    except IntegrityError:
        db.session.rollback()
        raise Conflict(DUPLICATE_ID, code="duplicate",
                       fields={"id_number": [DUPLICATE_ID]}) from None


def _set_lines(worker: Worker, codes) -> None:
    wanted = list(dict.fromkeys(codes))
    worker.line_links = [link for link in worker.line_links if link.service_line in wanted]
    held = set(worker.service_line_codes)
    worker.line_links.extend(WorkerServiceLine(service_line=c) for c in wanted if c not in held)


_REQUIRED = ("name", "id_number", "mobile", "hometown")


def create_worker(data: dict, actor=None) -> Worker:
    """Register a worker; refuses a bad or already registered ID number."""
    missing = {f: [Msg("Missing data for required field.", "必填项，不能为空。")]
               for f in _REQUIRED if not data.get(f)}
    if missing:
        raise Invalid(fields=missing)
    data = _clean(data)
    _refuse_duplicate(data["id_number"])
    worker = Worker(**{f: data[f] for f in _FIELDS if f in data})
    worker.created_by_id = worker.updated_by_id = actor.id if actor else None
    _set_lines(worker, data.get("service_lines") or [])
    db.session.add(worker)
    _flush_unique()
    record("create", "worker", worker.id, f"worker #{worker.id}", diff({}, snapshot(worker)))
    return worker


def update_worker(worker: Worker, data: dict, actor=None) -> Worker:
    """Change a worker's record; ``data["version"]`` must be the version the person read."""
    check_version(worker, data.get("version"))
    data = _clean(data)
    before = snapshot(worker)
    if "id_number" in data and data["id_number"] != worker.id_number:
        _refuse_duplicate(data["id_number"], worker.id)
    for name in _FIELDS:
        if name in data:
            setattr(worker, name, data[name])
    if "service_lines" in data:
        _set_lines(worker, data["service_lines"] or [])
    _touch(worker, actor)
    _flush_unique()
    record("update", "worker", worker.id, f"worker #{worker.id}", diff(before, snapshot(worker)))
    return worker


def change_status(worker: Worker, status: str, *, reason_type: str | None = None,
                  reason: str | None = None, version: int | None = None, actor=None) -> Worker:
    """Change her dispatch status.

    Blacklisting needs a reason type and a reason; leaving the blacklist needs an admin
    or supervisor and a reason; she cannot be made available while her 健康证 is expired.
    """
    check_version(worker, version)
    reason = (reason or "").strip() or None
    if status not in STATUSES:
        raise Invalid(fields={"status": [Msg("Unknown status.", "不认识的状态。")]})
    if status == worker.status:
        raise Conflict(SAME_STATUS)
    errors: dict[str, list] = {}
    if status == "blacklisted":
        if reason_type not in BLACKLIST_REASONS:
            errors["reason_type"] = [BLACKLIST_TYPE]
        if not reason:
            errors["reason"] = [REASON_NEEDED]
    elif reason_type:
        errors["reason_type"] = [REASON_TYPE_ONLY_BLACKLIST]
    if worker.status == "blacklisted":
        if not actor or actor.role not in RELEASE_ROLES:
            raise Forbidden(RELEASE_ROLE)
        if not reason:
            errors["reason"] = [REASON_NEEDED]
    if errors:
        raise Invalid(fields=errors)
    if status == "available" and credentials.kind_state(worker, HEALTH).state == EXPIRED:
        raise Conflict(HEALTH_EXPIRED, code="health_certificate_expired")
    _apply_status(worker, status, reason_type, reason, actor)
    flush()
    return worker


def set_photo(worker: Worker, data: bytes, kind: str, actor=None) -> tuple[str, str | None]:
    """Store her new photo; returns (new file, old file) (see :func:`save_worker`)."""
    old = worker.photo_filename
    name = photos.store(worker.id, data, kind)
    worker.photo_filename = name
    _touch(worker, actor)
    try:
        flush()
        record("update", "worker", worker.id, f"worker #{worker.id}: photo",
               {"photo": ["yes" if old else None, "yes"]})
    except BaseException:  # refused before the caller learnt the file's name
        photos.remove(name)
        raise
    return name, old


def remove_photo(worker: Worker, actor=None) -> str | None:
    """Forget her photo; returns the old file (see :func:`delete_photo`)."""
    old = worker.photo_filename
    if old is None:
        return None
    worker.photo_filename = None
    _touch(worker, actor)
    flush()
    record("update", "worker", worker.id, f"worker #{worker.id}: photo", {"photo": ["yes", None]})
    return old


def record_full_id_read(worker: Worker) -> None:
    """Audit that a member of staff was shown her full ID number (a confidential read)."""
    record("read", "worker", worker.id, f"worker #{worker.id}: full ID number shown")


# --------------------------------------------------------------------------------- steps
# What the pages and the API call: each a unit of work (core/transactions.py), committed
# when it returns and rolled back when it raises. Photo files are not in the database:
# a new file is deleted when the step fails, a replaced one only once the step committed.


@transactional
def show_full_id(worker: Worker) -> None:
    """Step: audit that she was shown her full ID number (committed as its own read)."""
    record_full_id_read(worker)


@transactional
def _change(worker_id: int | None, data: dict | None, photo: tuple[bytes, str] | None,
            actor, added: list[str]) -> tuple[Worker, str | None]:
    if worker_id is None:
        worker = create_worker(data, actor)
    else:
        worker = get_worker(worker_id)
        if data is not None:
            update_worker(worker, data, actor)
    old = None
    if photo is not None:
        new, old = set_photo(worker, *photo, actor)
        added.append(new)
    return worker, old


def save_worker(worker_id: int | None, data: dict | None, actor=None,
                photo: tuple[bytes, str] | None = None) -> Worker:
    """Step: register a worker (``worker_id`` None) or change one (``data`` None: only
    her photo), with her new photo (bytes, kind from :func:`photos.read_upload`) if given.
    Committed; refused → nothing saved and the new photo file deleted; the file of a
    replaced photo is deleted after the commit."""
    added: list[str] = []
    try:
        worker, old = _change(worker_id, data, photo, actor, added)
    except BaseException:
        for name in added:
            photos.remove(name)
        raise
    photos.remove(old)
    return worker


@transactional
def _drop_photo(worker_id: int, actor) -> str | None:
    return remove_photo(get_worker(worker_id), actor)


def delete_photo(worker_id: int, actor=None) -> None:
    """Step: forget her photo; its file is deleted after the commit."""
    photos.remove(_drop_photo(worker_id, actor))


@transactional
def set_status(worker_id: int, data: dict, actor=None) -> Worker:
    """Step: change her status (:func:`change_status`) with a StatusChangeSchema's data."""
    return change_status(get_worker(worker_id), data["status"],
                         reason_type=data.get("reason_type"), reason=data.get("reason"),
                         version=data.get("version"), actor=actor)


@transactional
def record_credential(worker_id: int, data: dict, actor=None):
    """Step: record a credential she holds (:func:`credentials.add_credential`)."""
    return credentials.add_credential(get_worker(worker_id), data, actor)


@transactional
def correct_credential(worker_id: int, credential_id: int, data: dict, actor=None):
    """Step: correct one of her credentials (:func:`credentials.update_credential`)."""
    cred = credentials.get_credential(get_worker(worker_id), credential_id)
    return credentials.update_credential(cred, data, actor)


@transactional
def verify_credential(worker_id: int, credential_id: int, version: int | None, actor=None):
    """Step: record that the original document was checked (核验)."""
    cred = credentials.get_credential(get_worker(worker_id), credential_id)
    return credentials.verify_credential(cred, version, actor)


@transactional
def delete_credential(worker_id: int, credential_id: int, version: int | None) -> None:
    """Step: delete a credential recorded in error."""
    cred = credentials.get_credential(get_worker(worker_id), credential_id)
    credentials.delete_credential(cred, version)


# --------------------------------------------------------------------------------- lists

_GRADE_RANK = sa.case({g: i for i, g in enumerate(GRADES)}, value=Worker.grade)
SORTS = {"name": Worker.name, "years_experience": Worker.years_experience,
         "grade": _GRADE_RANK, "created_at": Worker.created_at}


def _search_text(stmt: sa.Select, q: str) -> sa.Select:
    """Name, or digits of the mobile / ID number — only on what this person is shown:
    roles that see the ID masked (110***********3061) match its last 4 characters only,
    roles that see the mobile masked its first 3 or last 4 digits only. Searches by
    digits are recorded in the audit trail (masked)."""
    user = current_principal()
    text = q.strip()
    conditions = [Worker.name.icontains(text, autoescape=True)]
    compact = re.sub(r"[\s-]", "", text).upper()
    if re.fullmatch(r"[0-9X]+", compact):
        if sees_full_mobile(user):
            conditions.append(Worker.mobile.contains(compact, autoescape=True))
        else:
            if len(compact) <= 4:
                conditions.append(Worker.mobile.endswith(compact, autoescape=True))
            if len(compact) <= 3:
                conditions.append(Worker.mobile.startswith(compact, autoescape=True))
        if sees_full_id(user) or len(compact) <= 4:
            conditions.append(Worker.id_number.endswith(compact, autoescape=True))
        if user is not None and len(compact) >= 3:
            shown = compact if len(compact) <= 4 else compact[:3] + "*" * (len(compact) - 3)
            record("search", "worker", None, "workers searched by ID / phone digits",
                   {"q": [None, shown]}, actor_id=user.id)
            db.session.commit()
    return stmt.where(sa.or_(*conditions))


def search(*, q=None, status=None, grade=None, service_line=None, hometown=None,
           health_state=None, credential_kind=None, credential_state=None, sort=None,
           page=1, per_page=None, today: dt.date | None = None) -> dict:
    """Workers filtered, sorted and paged; credential states are filtered in SQL.

    ``status`` is a list of statuses; ``health_state`` filters by the 健康证 state,
    ``credential_kind`` + ``credential_state`` by any kind's state.
    """
    today = today or business_today()
    stmt = sa.select(Worker).options(selectinload(Worker.credentials))
    if q and q.strip():
        stmt = _search_text(stmt, q)
    if status:
        stmt = stmt.where(Worker.status.in_(status))
    if grade:
        stmt = stmt.where(Worker.grade == grade)
    if hometown and hometown.strip():
        stmt = stmt.where(Worker.hometown.icontains(hometown.strip(), autoescape=True))
    if service_line:
        stmt = stmt.where(sa.exists().where(WorkerServiceLine.worker_id == Worker.id,
                                            WorkerServiceLine.service_line == service_line))
    if health_state:
        stmt = stmt.where(state_clause(HEALTH, health_state, today))
    if credential_kind and credential_state:
        stmt = stmt.where(state_clause(credential_kind, credential_state, today))
    stmt = apply_sort(stmt, sort, SORTS, [Worker.created_at.desc(), Worker.id.desc()])
    return paginate(stmt, page, per_page)


def find_blacklisted(id_number: str | None = None, mobile: str | None = None) -> list[Worker]:
    """Blacklisted workers matching an ID number or a mobile (checked at intake, contracts)."""
    matches = []
    if id_number:
        matches.append(Worker.id_number == id_number.strip().upper())
    if mobile:
        matches.append(Worker.mobile == mobile.strip())
    if not matches:
        return []
    stmt = sa.select(Worker).where(Worker.status == "blacklisted", sa.or_(*matches))
    return list(db.session.scalars(stmt))


# --------------------------------------------------------------------- health certificate


def suspend_expired_health(today: dt.date | None = None) -> list[int]:
    """Set available workers whose 健康证 has expired to inactive (停用), each audited.

    The matching-office practice: she is not dispatchable until she renews it. Safe to
    run twice (the second run finds nobody available to suspend). Commits; returns the
    ids of the workers suspended.
    """
    today = today or business_today()
    stmt = (sa.select(Worker).where(Worker.status == "available",
                                    state_clause(HEALTH, EXPIRED, today))
            .order_by(Worker.id).with_for_update(skip_locked=True))
    suspended = []
    for worker in db.session.scalars(stmt):
        reason = f"health certificate expired (健康证已过期), checked {today.isoformat()}"
        _apply_status(worker, "inactive", None, reason, None)
        suspended.append(worker.id)
    flush()
    db.session.commit()
    return suspended


def catch_up_expired_health() -> None:
    """The nightly rule, applied now if it has not run today in this process: a worker
    whose 健康证 has expired is never shown as 空闲 (available), whether or not the daily
    job has run yet (it runs at 00:30, and not at all while Redis is down). Called before
    workers are read for display; runs :func:`suspend_expired_health` once per business
    day per application (a certificate saved already expired is handled when saved)."""
    from flask import current_app

    today = business_today()
    if current_app.extensions.get("workers_health_checked") == today:
        return
    suspend_expired_health(today)
    current_app.extensions["workers_health_checked"] = today


def _count(clause) -> int:
    stmt = sa.select(sa.func.count(Worker.id)).where(Worker.status != "blacklisted", clause)
    return db.session.scalar(stmt) or 0


def dashboard_tiles(role: str | None = None) -> list[dict]:
    """Home-page tiles: workers (not blacklisted) whose 健康证 is expired, expiring, missing.

    Shown to those who dispatch or train workers (and admins); ``role=None`` means all.
    """
    if role is not None and role not in WRITE_ROLES + ("admin",):
        return []
    today = business_today()
    working = [s for s in STATUSES if s != "blacklisted"]
    tiles = []
    for state, label, tone in ((EXPIRED, _("健康证已过期的阿姨"), "bad"),
                               (EXPIRING, _("健康证即将到期的阿姨"), "warn"),
                               (MISSING, _("未登记健康证的阿姨"), "warn")):
        value = _count(state_clause(HEALTH, state, today))
        tiles.append({"label": label, "value": value, "tone": tone if value else "",
                      "href": url_for("workers.index", health_state=state, status=working)})
    return tiles
