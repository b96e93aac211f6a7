"""Scoring standards (评分标准): per kind of record, versioned; items' weights sum to 100 %.
Saving one is a @transactional step."""
from __future__ import annotations

import sqlalchemy as sa

from ..access import current_principal
from ..audit.service import record
from ..errors import Invalid, NotFound
from ..extensions import db
from ..messages import Msg
from ..transactions import transactional
from .models import KIND_LABELS, QualityStandard, QualityStandardItem


def _field(name: str, en: str, zh: str) -> Invalid:
    return Invalid(fields={name: [{"en": en, "zh": zh}]})


def get(standard_id: int) -> QualityStandard:
    """One standard version, or 404."""
    standard = db.session.get(QualityStandard, standard_id)
    if standard is None:
        raise NotFound(Msg("No such scoring standard.", "找不到该评分标准。"))
    return standard


def current(kind: str) -> QualityStandard | None:
    """The standard in force for a kind of record (its latest version)."""
    return db.session.scalar(sa.select(QualityStandard).where(
        QualityStandard.kind == kind, QualityStandard.active.is_(True))
        .order_by(QualityStandard.version.desc()).limit(1))


def require_current(kind: str, field: str = "kind") -> QualityStandard:
    """The standard in force, or 422 on ``field`` when the company has none yet."""
    standard = current(kind)
    if standard is None:
        zh, en = KIND_LABELS[kind]
        raise _field(field, f"There is no scoring standard for {en.lower()} yet; a "
                            "supervisor sets one first.",
                     f"尚无“{zh}”的评分标准，请主管先制定。")
    return standard


def listing(kind: str | None = None, *, include_retired: bool = False) -> list[QualityStandard]:
    """Standards, newest version first per kind."""
    stmt = sa.select(QualityStandard).order_by(QualityStandard.kind,
                                               QualityStandard.version.desc())
    if kind:
        stmt = stmt.where(QualityStandard.kind == kind)
    if not include_retired:
        stmt = stmt.where(QualityStandard.active.is_(True))
    return list(db.session.scalars(stmt))


def validate_items(items: list[dict]) -> None:
    """422 on ``items`` unless there is at least one and the weights sum to 100 %."""
    if not items:
        raise _field("items", "A standard needs at least one item.", "评分标准至少要有一项。")
    total = sum(int(i["weight"]) for i in items)
    if total != 100:
        raise _field("items", f"The items' weights must sum to 100 %, not {total} %.",
                     f"各项权重合计须为 100%，当前为 {total}%。")


@transactional
def save(kind: str, items: list[dict], note: str = "") -> QualityStandard:
    """Save the standard of ``kind`` as its next version; the previous one is retired but
    kept, with the checks scored against it."""
    validate_items(items)
    previous = current(kind)
    latest = db.session.scalar(sa.select(sa.func.max(QualityStandard.version))
                               .where(QualityStandard.kind == kind)) or 0
    user = current_principal()
    standard = QualityStandard(kind=kind, version=latest + 1, active=True, note=note or "",
                               created_by_id=user.id if user else None)
    standard.items = [QualityStandardItem(position=n, title_zh=i["title_zh"],
                                          title_en=i.get("title_en") or "",
                                          description=i.get("description") or "",
                                          weight=i["weight"], max_score=i["max_score"])
                      for n, i in enumerate(items, start=1)]
    if previous is not None:
        previous.active = False
    db.session.add(standard)
    db.session.flush()
    record("create", "quality_standard", standard.id,
           f"scoring standard {kind} v{standard.version}")
    return standard
