"""What every stage of the trainee pipeline shares: loading a trainee (locked for a stage
change), refusing a change whose prerequisites do not hold (409 with the reason), moving
her to another stage with an audit event, and editing her details."""
from __future__ import annotations

import sqlalchemy as sa

from ..access import current_principal, has_role
from ..audit.service import diff, record
from ..errors import Conflict, Invalid, NotFound
from ..extensions import db
from ..identity import check_id_number, check_mobile, check_worker_id_number
from ..messages import Msg
from ..pagination import apply_sort, paginate
from ..privacy import mask_id_number
from .intentions import service_lines_for
from .models import STAGES, CertificationEntry, Trainee

#: roles that manage trainees: the training teacher (后勤老师), dispatchers, supervisors
MANAGERS = ("trainer", "dispatcher", "supervisor")
STALE = Msg("Someone changed this trainee since you read it; reload and try again.",
            "该学员信息已被他人修改，请刷新后重试。")
ON_LIST = Msg("She is on certification list #{id}; take her off the list before changing "
              "her name, ID number or mobile.",
              "她在 58 认证名单 #{id} 上，修改姓名、身份证号或手机号前请先移出名单。")
_EDITABLE = ("name", "id_number", "mobile", "hometown", "intention", "notes", "registered_on")


def refuse(message: Msg, code: str = "stage_refused"):
    """Refuse a stage change whose prerequisite does not hold (409 with the reason)."""
    raise Conflict(message, code=code)


def actor_id() -> int | None:
    """Id of the member of staff making the change."""
    user = current_principal()
    return user.id if user else None


def sees_full_id_number() -> bool:
    """Whether the caller's role needs full ID numbers (trainer, supervisor, admin)."""
    return has_role("trainer", "supervisor")


def shown_id_number(value: str | None) -> str | None:
    """An ID number as this caller may see it: full, or masked for dispatchers."""
    return value if sees_full_id_number() else mask_id_number(value)


def get(trainee_id: int, lock: bool = False) -> Trainee:
    """One trainee, or 404; ``lock`` takes a row lock for a stage change (PostgreSQL)."""
    stmt = sa.select(Trainee).where(Trainee.id == trainee_id)
    if lock:
        stmt = stmt.with_for_update()
    trainee = db.session.scalars(stmt).one_or_none()
    if trainee is None:
        raise NotFound(Msg("No such trainee.", "找不到该学员。"))
    return trainee


def move(trainee: Trainee, stage: str, why: str) -> None:
    """Move a trainee to another stage and audit it (the caller checked the prerequisites)."""
    before = trainee.stage
    trainee.stage = stage
    trainee.version += 1
    record("status", "trainee", trainee.id, why[:255], {"stage": [before, stage]})


def not_graduated(trainee: Trainee) -> None:
    """Refuse any change to a trainee who already became a worker."""
    if trainee.stage == "graduated":
        refuse(Msg("She has already graduated to a worker.", "她已转为阿姨。"),
               code="already_graduated")


def search(*, q=None, stage=None, registered_on=None, page=1, per_page=None, sort=None) -> dict:
    """Trainees filtered by stage, registration day and name / mobile / ID number."""
    stmt = sa.select(Trainee)
    if q:
        text = q.strip()
        stmt = stmt.where(sa.or_(Trainee.name.contains(text, autoescape=True),
                                 Trainee.mobile == text.replace(" ", ""),
                                 Trainee.id_number == text.upper()))
    if stage:
        stmt = stmt.where(Trainee.stage == stage)
    if registered_on:
        stmt = stmt.where(Trainee.registered_on == registered_on)
    stmt = apply_sort(stmt, sort, {"name": Trainee.name, "registered_on": Trainee.registered_on,
                                   "stage": Trainee.stage}, [Trainee.id])
    return paginate(stmt, page, per_page)


def _open_entry(trainee: Trainee) -> CertificationEntry | None:
    return db.session.scalars(sa.select(CertificationEntry).where(
        CertificationEntry.trainee_id == trainee.id, CertificationEntry.result.is_(None))).first()


def update(trainee: Trainee, data: dict) -> Trainee:
    """Correct a trainee's details; ``version`` must be the one read (else 409).

    The ID number and mobile are validated as on import; a new mobile needs the 58同城
    check again. Identity cannot change while she is on an open certification list, so
    the list sent to the platform always matches the record.
    """
    not_graduated(trainee)
    if data.pop("version") != trainee.version:
        raise Conflict(STALE, code="stale_version")
    errors = {}
    if "id_number" in data:
        try:
            data["id_number"] = check_worker_id_number(data["id_number"]).number
        except ValueError as exc:
            errors["id_number"] = [{"en": str(exc.args[0]), "zh": exc.args[0].zh}]
    if "mobile" in data:
        try:
            data["mobile"] = check_mobile(data["mobile"])
        except ValueError as exc:
            errors["mobile"] = [{"en": str(exc.args[0]), "zh": exc.args[0].zh}]
    if errors:
        raise Invalid(fields=errors)
    identity = {k for k in ("name", "id_number", "mobile") if k in data
                and data[k] != getattr(trainee, k)}
    entry = _open_entry(trainee) if identity else None
    if entry:
        refuse(ON_LIST.format(id=entry.list_id), code="on_certification_list")
    if "id_number" in identity and db.session.scalar(sa.select(Trainee.id).where(
            Trainee.id_number == data["id_number"], Trainee.id != trainee.id)):
        msg = Msg("Another trainee has this ID number.", "已有学员使用该身份证号。")
        raise Conflict(msg, fields={"id_number": [{"en": str(msg), "zh": msg.zh}]})
    before = {k: getattr(trainee, k) for k in _EDITABLE}
    for key, value in data.items():
        setattr(trainee, key, value)
    if "id_number" in identity:
        facts = check_id_number(trainee.id_number)
        trainee.birth_date, trainee.sex = facts.birth_date, facts.sex
    if "intention" in data:
        trainee.service_lines = service_lines_for(trainee.intention)
    changes = diff(before, {k: getattr(trainee, k) for k in _EDITABLE})
    if changes:
        trainee.version += 1
        record("update", "trainee", trainee.id, f"trainee #{trainee.id} details", changes)
    return trainee


def stage_label(code: str) -> dict:
    """``{"zh", "en"}`` of a stage."""
    zh, en = STAGES[code]
    return {"zh": zh, "en": en}
