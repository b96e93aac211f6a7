"""The company's complaint policy: its classes (投诉类别) and levels (投诉等级) with the
SLA minutes per level. Both are rows the company edits; the defaults below are written
the first time they are needed (idempotently, so two requests at once write them once).
"""
from __future__ import annotations

import sqlalchemy as sa
from flask import current_app

from ..audit.service import diff, record
from ..errors import Conflict, Invalid, NotFound
from ..extensions import db
from ..messages import Msg
from ..transactions import transactional
from .clock import DeskHours
from .models import ComplaintCategory, ComplaintLevel

#: code, 中文, English — the classes the manuals name
DEFAULT_CATEGORIES = (
    ("attitude", "阿姨服务态度", "Worker's attitude"),
    ("punctuality", "守时", "Punctuality"),
    ("quality", "服务质量", "Quality of work"),
    ("damage", "损坏或丢失物品", "Damage or loss"),
    ("safety", "安全问题", "Safety"),
    ("billing", "价格或收费", "Price or billing"),
    ("dispatcher", "客服服务", "Dispatcher's service"),
    ("other", "其他", "Other"),
)
#: code, 中文, English, to a supervisor?, first contact, call-back, solution, warning
#: (minutes of desk time; the desk is open 16 hours a working day)
DEFAULT_LEVELS = (
    ("general", "一般", "General", False, 120, 480, 2880, 30),
    ("moderate", "较重", "Moderate", False, 60, 240, 1920, 30),
    ("serious", "严重", "Serious", True, 30, 120, 960, 20),
    ("critical", "重大", "Critical", True, 15, 60, 480, 10),
)
LEVEL_FIELDS = ("name_zh", "name_en", "supervisor", "first_contact_minutes",
                "callback_minutes", "solution_minutes", "warn_minutes")


def desk_hours() -> DeskHours:
    """The desk's hours the clocks count in (``COMPLAINTS_DESK_HOURS``)."""
    return DeskHours.parse(current_app.config.get("COMPLAINTS_DESK_HOURS"))


def _insert_missing(model, rows: list[dict]) -> None:
    dialect = db.session.get_bind().dialect.name
    if dialect == "postgresql":
        from sqlalchemy.dialects.postgresql import insert
    else:
        from sqlalchemy.dialects.sqlite import insert
    db.session.execute(insert(model).on_conflict_do_nothing(index_elements=["code"]), rows)


def ensure_defaults() -> None:
    """Write the default classes and levels if the company has none yet (joins the
    caller's transaction)."""
    if db.session.scalar(sa.select(sa.func.count(ComplaintLevel.id))) == 0:
        _insert_missing(ComplaintLevel, [dict(
            code=c, name_zh=zh, name_en=en, rank=i, supervisor=sup, first_contact_minutes=a,
            callback_minutes=b, solution_minutes=s, warn_minutes=w, version=1)
            for i, (c, zh, en, sup, a, b, s, w) in enumerate(DEFAULT_LEVELS)])
    if db.session.scalar(sa.select(sa.func.count(ComplaintCategory.id))) == 0:
        _insert_missing(ComplaintCategory, [dict(code=c, name_zh=zh, name_en=en, position=i,
                                                 active=True)
                                            for i, (c, zh, en) in enumerate(DEFAULT_CATEGORIES)])


@transactional
def settle_defaults() -> None:
    """Write (and commit) the default classes and levels the first time a page or the API
    reads the company's policy; nothing when they are there."""
    ensure_defaults()


def categories(active_only: bool = False, ensure: bool = True) -> list[ComplaintCategory]:
    """The company's complaint classes in their order (``ensure``: write the defaults
    first if there are none)."""
    if ensure:
        ensure_defaults()
    stmt = sa.select(ComplaintCategory).order_by(ComplaintCategory.position,
                                                 ComplaintCategory.id)
    if active_only:
        stmt = stmt.where(ComplaintCategory.active.is_(True))
    return list(db.session.scalars(stmt))


def levels(ensure: bool = True) -> list[ComplaintLevel]:
    """The company's complaint levels, lightest first."""
    if ensure:
        ensure_defaults()
    return list(db.session.scalars(sa.select(ComplaintLevel).order_by(ComplaintLevel.rank)))


def _bad(field: str, en: str, zh: str) -> Invalid:
    return Invalid(fields={field: [{"en": en, "zh": zh}]})


def category(code: str, field: str = "category") -> ComplaintCategory:
    """An active class by code, or 422 on ``field``."""
    found = next((c for c in categories(active_only=True) if c.code == code), None)
    if found is None:
        known = ", ".join(c.code for c in categories(active_only=True))
        raise _bad(field, f"Unknown complaint class; choose one of: {known}.",
                   f"不认识的投诉类别，请选择：{known}。")
    return found


def level(code: str, field: str = "level") -> ComplaintLevel:
    """A level by code, or 422 on ``field``."""
    found = next((lv for lv in levels() if lv.code == code), None)
    if found is None:
        known = ", ".join(lv.code for lv in levels())
        raise _bad(field, f"Unknown complaint level; choose one of: {known}.",
                   f"不认识的投诉等级，请选择：{known}。")
    return found


@transactional
def save_category(code: str, *, name_zh: str, name_en: str, active: bool = True,
                  position: int | None = None, actor_id: int | None = None
                  ) -> ComplaintCategory:
    """Add a class or rename / retire an existing one (a step: commits)."""
    ensure_defaults()
    row = db.session.scalar(sa.select(ComplaintCategory).where(ComplaintCategory.code == code))
    before = None
    if row is None:
        last = db.session.scalar(sa.select(sa.func.max(ComplaintCategory.position))) or 0
        row = ComplaintCategory(code=code, position=last + 1)
        db.session.add(row)
    else:
        before = {"name_zh": row.name_zh, "name_en": row.name_en, "active": row.active}
    row.name_zh, row.name_en, row.active = name_zh, name_en, active
    if position is not None:
        row.position = position
    db.session.flush()
    record("update" if before else "create", "complaint_category", row.id, code,
           diff(before or {}, {"name_zh": name_zh, "name_en": name_en, "active": active}),
           actor_id=actor_id)
    return row


@transactional
def update_level(code: str, version: int, changes: dict, actor_id: int | None = None
                 ) -> ComplaintLevel:
    """Change a level's names, routing or SLA minutes; a stale ``version`` → 409 (a step: commits).
    Complaints already open keep the clocks they were given."""
    row = next((lv for lv in levels() if lv.code == code), None)
    if row is None:
        raise NotFound(Msg("There is no such complaint level.", "找不到该投诉等级。"))
    if version != row.version:
        raise Conflict(Msg("Someone changed this level meanwhile; reload and try again.",
                           "该等级已被他人修改，请刷新后重试。"), code="stale_version")
    before = {f: getattr(row, f) for f in LEVEL_FIELDS}
    for name in LEVEL_FIELDS:
        if changes.get(name) is not None:
            setattr(row, name, changes[name])
    if row.warn_minutes >= row.first_contact_minutes:
        raise _bad("warn_minutes", "The warning must come before the first-contact deadline.",
                   "提醒时间必须早于首次联系时限。")
    db.session.flush()
    record("update", "complaint_level", row.id, code,
           diff(before, {f: getattr(row, f) for f in LEVEL_FIELDS}), actor_id=actor_id)
    return row
