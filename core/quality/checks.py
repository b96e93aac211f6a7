"""Scoring a quality check, the dispatcher's one appeal (申诉) and the supervisor's
decision; who may see which check. The writing functions are @transactional steps
(they commit when called on their own, join a caller's step otherwise)."""
from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal

import sqlalchemy as sa

from ..access import current_principal
from ..audit.service import record
from ..errors import Conflict, Forbidden, Invalid, NotFound
from ..extensions import db
from ..messages import Msg
from ..pagination import apply_sort, paginate
from ..timeutil import utcnow
from ..transactions import transactional
from . import sampling, standards
from .models import QualityCheck, QualityCheckScore, QualityStandard

#: roles that see every check (with the reviewers' comments)
SEE_ALL_ROLES = ("admin", "supervisor", "quality")
STALE = Msg("Someone changed this check since you read it; reload and try again.",
            "该质检单已被他人修改，请刷新后重试。")


def visible(stmt: sa.Select) -> sa.Select:
    """Only the checks the person may see: all for reviewers and supervisors, her own
    for a dispatcher."""
    user = current_principal()
    if user is not None and user.role in SEE_ALL_ROLES:
        return stmt
    return stmt.where(QualityCheck.dispatcher_id == (user.id if user else -1))


def get(check_id: int) -> QualityCheck:
    """One check the person may see, or 404 (a dispatcher does not learn of others')."""
    check = db.session.scalar(visible(sa.select(QualityCheck).where(
        QualityCheck.id == check_id)))
    if check is None:
        raise NotFound(Msg("No such quality check.", "找不到该质检单。"))
    return check


def search(*, page=1, per_page=None, sort=None, q=None, month=None, kind=None, state=None,
           dispatcher_id=None, reviewer_id=None, sample_id=None) -> dict:
    """The checks the person may see, filtered, sorted and paged."""
    stmt = visible(sa.select(QualityCheck))
    for col, value in ((QualityCheck.month, month), (QualityCheck.kind, kind),
                       (QualityCheck.state, state), (QualityCheck.dispatcher_id, dispatcher_id),
                       (QualityCheck.reviewer_id, reviewer_id),
                       (QualityCheck.sample_id, sample_id)):
        if value is not None:
            stmt = stmt.where(col == value)
    if q and q.strip().isdigit():
        stmt = stmt.where(QualityCheck.record_id == int(q.strip()))
    stmt = apply_sort(stmt, sort, {"created_at": QualityCheck.created_at,
                                   "score": QualityCheck.score, "month": QualityCheck.month,
                                   "state": QualityCheck.state,
                                   "record_id": QualityCheck.record_id},
                      [QualityCheck.id.desc()])
    return paginate(stmt, page, per_page)


def _check_version(check: QualityCheck, version: int) -> None:
    if version != check.version:
        raise Conflict(STALE, code="stale_version")


def total(standard: QualityStandard, scores: dict[int, int]) -> Decimal:
    """The check's score 0–100: Σ weight × score ÷ item maximum (weights sum to 100)."""
    value = sum(Decimal(item.weight) * Decimal(scores[item.id]) / Decimal(item.max_score)
                for item in standard.items)
    return value.quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)


def _item_scores(standard: QualityStandard, given: list[dict], field: str = "scores"
                 ) -> dict[int, dict]:
    """Validate one score per item of the standard, each within the item's range."""
    items = {i.id: i for i in standard.items}
    errors: dict[str, list] = {}
    seen: dict[int, dict] = {}
    for n, entry in enumerate(given):
        item = items.get(entry["item_id"])
        if item is None:
            errors[f"{field}.{n}.item_id"] = [{"en": "Not an item of this check's standard.",
                                               "zh": "不是该质检单评分标准中的项目。"}]
        elif entry["item_id"] in seen:
            errors[f"{field}.{n}.item_id"] = [{"en": "This item is scored twice.",
                                               "zh": "该项目重复评分。"}]
        elif not 0 <= entry["score"] <= item.max_score:
            errors[f"{field}.{n}.score"] = [{
                "en": f"Give 0 to {item.max_score} for “{item.title_en or item.title_zh}”.",
                "zh": f"“{item.title_zh}”的分数应为 0–{item.max_score}。"}]
        else:
            seen[entry["item_id"]] = entry
    missing = [i for i in items if i not in seen]
    if not errors and missing:
        names = "、".join(items[i].title_zh for i in missing)
        errors[field] = [{"en": f"Score every item; missing: {len(missing)}.",
                          "zh": f"请为每一项评分，缺少：{names}。"}]
    if errors:
        raise Invalid(fields=errors)
    return seen


def _may_review(check: QualityCheck) -> None:
    user = current_principal()
    if user is None or not (user.id == check.reviewer_id or user.role in ("admin", "supervisor")):
        raise Forbidden(Msg("Only the check's reviewer or a supervisor scores it.",
                            "只有该质检单的评审人或主管可以评分。"))


def _drop_rollups(check: QualityCheck) -> None:
    """The check's score (quality score) and marking (entry accuracy) change the KPIs of
    its month and, for an order, of the order's month: drop their stored roll-ups."""
    from ..orders.models import Order
    from ..reports import rollup
    from ..reports.periods import month_of
    from ..timeutil import SHANGHAI

    months = {check.month}
    if check.kind == "order_entry":
        created = db.session.scalar(sa.select(Order.created_at).where(
            Order.id == check.record_id))
        if created is not None:
            months.add(month_of(created.astimezone(SHANGHAI).date()).first)
    for month in months:
        rollup.invalidate(month)


@transactional
def score(check: QualityCheck, version: int, scores: list[dict], comment: str = "",
          entry_accurate: bool | None = None) -> QualityCheck:
    """The reviewer scores every item (with comments); open to re-scoring until the
    dispatcher appeals."""
    _may_review(check)
    _check_version(check, version)
    if check.state not in ("pending", "scored"):
        raise Conflict(Msg("An appealed check is no longer re-scored by its reviewer.",
                           "已申诉的质检单不能再由评审人改分。"), code="check_appealed")
    if entry_accurate is not None and check.kind != "order_entry":
        raise Invalid(fields={"entry_accurate": [{
            "en": "Only an order-entry check marks the entry accurate or not.",
            "zh": "只有订单录入质检可以判定下单是否准确。"}]})
    valid = _item_scores(check.standard, scores)
    check.scores = [s for s in check.scores if s.phase != "review"]
    db.session.flush()
    for item_id, entry in valid.items():
        check.scores.append(QualityCheckScore(item_id=item_id, phase="review",
                                              score=entry["score"],
                                              comment=(entry.get("comment") or "")[:500]))
    value = total(check.standard, {i: e["score"] for i, e in valid.items()})
    check.score = check.review_score = value
    check.comment = comment or ""
    check.entry_accurate = entry_accurate if check.kind == "order_entry" else None
    check.state, check.scored_at = "scored", utcnow()
    db.session.flush()
    _drop_rollups(check)
    record("update", "quality_check", check.id, f"quality check scored {value}")
    return check


@transactional
def appeal(check: QualityCheck, version: int, reason: str) -> QualityCheck:
    """The dispatcher appeals her check once (申诉)."""
    user = current_principal()
    if user is None or user.id != check.dispatcher_id:
        raise Forbidden(Msg("Only the dispatcher whose work was checked may appeal.",
                            "只有被质检的客服本人可以申诉。"))
    _check_version(check, version)
    if check.appealed_at is not None:
        raise Conflict(Msg("This check was appealed already; a check is appealed once.",
                           "该质检单已申诉过，每张质检单只能申诉一次。"), code="appeal_used")
    if check.state != "scored":
        raise Conflict(Msg("Only a scored check can be appealed.", "只有已评分的质检单可以申诉。"),
                       code="check_not_scored")
    check.appeal_reason, check.appealed_at, check.state = reason.strip(), utcnow(), "appealed"
    db.session.flush()
    record("update", "quality_check", check.id, "quality check appealed")
    return check


@transactional
def decide(check: QualityCheck, version: int, outcome: str, note: str,
           scores: list[dict] | None = None) -> QualityCheck:
    """A supervisor decides the appeal: ``upheld`` keeps the score, ``changed`` re-scores
    the items (the reviewer's scores are kept beside the new ones)."""
    _check_version(check, version)
    if check.state != "appealed":
        raise Conflict(Msg("There is no open appeal on this check.", "该质检单没有待裁定的申诉。"),
                       code="no_open_appeal")
    user = current_principal()
    if outcome == "changed":
        if not scores:
            raise Invalid(fields={"scores": [{"en": "Give the new scores of every item.",
                                              "zh": "改判时请给出每一项的新分数。"}]})
        valid = _item_scores(check.standard, scores)
        for item_id, entry in valid.items():
            check.scores.append(QualityCheckScore(item_id=item_id, phase="appeal",
                                                  score=entry["score"],
                                                  comment=(entry.get("comment") or "")[:500]))
        check.score = total(check.standard, {i: e["score"] for i, e in valid.items()})
    elif scores:
        raise Invalid(fields={"scores": [{"en": "An upheld score takes no new scores.",
                                          "zh": "维持原判时不能给新分数。"}]})
    check.appeal_outcome, check.decision_note = outcome, note or ""
    check.decided_by_id, check.decided_at, check.state = user.id, utcnow(), "decided"
    db.session.flush()
    _drop_rollups(check)
    record("update", "quality_check", check.id, f"appeal {outcome}: score {check.score}")
    return check


@transactional
def create_on_demand(kind: str, record_id: int, reviewer_id: int | None) -> QualityCheck:
    """An on-demand check of one record (e.g. an order a reviewer wants to mark)."""
    from ..reports.periods import month_of
    from ..timeutil import to_business

    reviewer = sampling._reviewer(reviewer_id)
    standard = standards.require_current(kind)
    owner = _record_owner(kind, record_id)
    if owner is None:
        raise Invalid(fields={"record_id": [{"en": "No such record of this kind.",
                                             "zh": "找不到该记录。"}]})
    dispatcher_id, line, at = owner
    if dispatcher_id == reviewer.id:
        raise Invalid(fields={"reviewer_id": [{"en": "A reviewer never checks her own work.",
                                               "zh": "评审人不能抽检自己的工作。"}]})
    if db.session.scalar(sa.select(QualityCheck.id).where(QualityCheck.kind == kind,
                                                          QualityCheck.record_id == record_id)):
        raise Conflict(Msg("This record is already being checked.", "该记录已在质检中。"),
                       code="already_checked")
    check = QualityCheck(kind=kind, record_id=record_id,
                         month=month_of(to_business(at).date()).first,
                         dispatcher_id=dispatcher_id, service_line=line or "",
                         reviewer_id=reviewer.id, standard_id=standard.id, state="pending")
    db.session.add(check)
    db.session.flush()
    record("create", "quality_check", check.id, f"on-demand check {kind} #{record_id}")
    return check


def _record_owner(kind: str, record_id: int):
    from ..followups.models import FollowUp
    from ..orders.models import Order

    if kind == "order_entry":
        row = db.session.execute(sa.select(Order.dispatcher_id, Order.service_line,
                                           Order.created_at).where(Order.id == record_id)).first()
    elif kind == "followup_call":
        row = db.session.execute(sa.select(FollowUp.completed_by_id, FollowUp.service_line,
                                           FollowUp.completed_at).where(
            FollowUp.id == record_id, FollowUp.state == "done",
            FollowUp.completed_by_id.is_not(None))).first()
    else:
        from ..complaints.models import Complaint

        row = db.session.execute(sa.select(Complaint.owner_id, sa.literal(""),
                                           Complaint.received_at).where(
            Complaint.id == record_id, Complaint.owner_id.is_not(None))).first()
    return tuple(row) if row else None
