"""The monthly random sample (抽检): N records of one kind per dispatcher, drawn with a
stored seed so the draw can be made again and audited, never the reviewer's own work.

The candidates of a dispatcher are her records of the month in id order; her draw is
``random.Random(f"{seed}:{dispatcher_id}").sample(candidates, N)`` — the same seed and
the same records give the same draw on any machine. :func:`draw` is a @transactional
step.
"""
from __future__ import annotations

import random
import secrets
from dataclasses import dataclass

import sqlalchemy as sa

from ..access import current_principal
from ..accounts.models import User
from ..audit.service import record
from ..errors import Conflict, Invalid, NotFound
from ..extensions import db
from ..followups.models import FollowUp
from ..messages import Msg
from ..orders.models import Order
from ..reports.periods import Period
from ..transactions import transactional
from . import standards
from .models import QualityCheck, QualitySample

#: roles that may review (score) quality checks
REVIEWER_ROLES = ("quality", "supervisor", "admin")
#: follow-up kinds that are calls a reviewer can listen to or read
CALL_KINDS = ("phone", "wechat")


@dataclass(frozen=True)
class Candidate:
    """A record that may be drawn: its id, whose work it is, its service line."""

    record_id: int
    dispatcher_id: int
    service_line: str


def candidates(kind: str, period: Period) -> list[Candidate]:
    """The month's records of a kind, in id order (the month's ids only, not all rows)."""
    if kind == "order_entry":
        stmt = (sa.select(Order.id, Order.dispatcher_id, Order.service_line)
                .where(Order.created_at >= period.start, Order.created_at < period.end)
                .order_by(Order.id))
    elif kind == "followup_call":
        stmt = (sa.select(FollowUp.id, FollowUp.completed_by_id, FollowUp.service_line)
                .where(FollowUp.state == "done", FollowUp.order_id.is_not(None),
                       FollowUp.kind.in_(CALL_KINDS), FollowUp.completed_by_id.is_not(None),
                       FollowUp.completed_at >= period.start,
                       FollowUp.completed_at < period.end)
                .order_by(FollowUp.id))
    else:
        from ..complaints.models import Complaint

        stmt = (sa.select(Complaint.id, Complaint.owner_id,
                          sa.func.coalesce(Order.service_line, ""))
                .select_from(sa.outerjoin(Complaint, Order, Complaint.order_id == Order.id))
                .where(Complaint.owner_id.is_not(None),
                       Complaint.received_at >= period.start,
                       Complaint.received_at < period.end)
                .order_by(Complaint.id))
    return [Candidate(*row) for row in db.session.execute(stmt)]


def draw_from(pool: list[Candidate], *, seed: int, per_dispatcher: int, reviewer_id: int,
              dispatcher_ids: list[int] | None = None) -> dict[int, list[Candidate]]:
    """The draw: per dispatcher (never the reviewer), ``per_dispatcher`` of her records.
    422 on ``per_dispatcher`` when one of them has fewer records than that."""
    by_dispatcher: dict[int, list[Candidate]] = {}
    for c in pool:
        if c.dispatcher_id == reviewer_id:
            continue  # never the reviewer's own work
        if dispatcher_ids and c.dispatcher_id not in dispatcher_ids:
            continue
        by_dispatcher.setdefault(c.dispatcher_id, []).append(c)
    if dispatcher_ids:
        for d in dispatcher_ids:
            by_dispatcher.setdefault(d, [])
    if not by_dispatcher or not any(by_dispatcher.values()):
        raise Invalid(fields={"month": [{"en": "There are no records of this kind to "
                                               "sample in this month.",
                                         "zh": "该月份没有可抽检的此类记录。"}]})
    short = {d: len(v) for d, v in by_dispatcher.items() if len(v) < per_dispatcher}
    if short:
        names = dict(db.session.execute(sa.select(User.id, User.display_name)
                                        .where(User.id.in_(list(short)))).all())
        en = "; ".join(f"{names.get(d, d)} has {n}" for d, n in sorted(short.items()))
        zh = "；".join(f"{names.get(d, d)} 只有 {n} 条" for d, n in sorted(short.items()))
        raise Invalid(fields={"per_dispatcher": [{
            "en": f"More than the records available: {en}.",
            "zh": f"抽检数量超过可用记录：{zh}。"}]})
    return {d: random.Random(f"{seed}:{d}").sample(v, per_dispatcher)
            for d, v in sorted(by_dispatcher.items())}


def _reviewer(reviewer_id: int | None) -> User:
    user = current_principal()
    reviewer = db.session.get(User, reviewer_id) if reviewer_id else user
    if reviewer is None or not reviewer.active or reviewer.role not in REVIEWER_ROLES:
        raise Invalid(fields={"reviewer_id": [{
            "en": "The reviewer must be an active quality reviewer or supervisor.",
            "zh": "评审人须为在职的质检员或主管。"}]})
    return reviewer


@transactional
def draw(period: Period, kind: str, per_dispatcher: int, *, reviewer_id: int | None = None,
         seed: int | None = None, dispatcher_ids: list[int] | None = None) -> QualitySample:
    """Draw and store a sample with one pending check per record drawn. 409 when a drawn
    record is already being checked."""
    reviewer = _reviewer(reviewer_id)
    standard = standards.require_current(kind)
    seed = seed if seed is not None else secrets.randbits(48)
    drawn = draw_from(candidates(kind, period), seed=seed, per_dispatcher=per_dispatcher,
                      reviewer_id=reviewer.id, dispatcher_ids=dispatcher_ids)
    ids = [c.record_id for picks in drawn.values() for c in picks]
    taken = list(db.session.scalars(sa.select(QualityCheck.record_id).where(
        QualityCheck.kind == kind, QualityCheck.record_id.in_(ids))))
    if taken:
        raise Conflict(Msg(f"Already being checked: records {sorted(taken)}.",
                           f"以下记录已在质检中：{sorted(taken)}。"), code="already_checked")
    user = current_principal()
    sample = QualitySample(month=period.first, kind=kind, per_dispatcher=per_dispatcher,
                           seed=seed, standard_id=standard.id, reviewer_id=reviewer.id,
                           dispatcher_ids=sorted(dispatcher_ids) if dispatcher_ids else None,
                           created_by_id=user.id if user else None)
    db.session.add(sample)
    db.session.flush()
    for picks in drawn.values():
        for c in sorted(picks, key=lambda c: c.record_id):
            db.session.add(QualityCheck(sample_id=sample.id, kind=kind, record_id=c.record_id,
                                        month=period.first, dispatcher_id=c.dispatcher_id,
                                        service_line=c.service_line or "",
                                        reviewer_id=reviewer.id, standard_id=standard.id,
                                        state="pending"))
    db.session.flush()
    record("create", "quality_sample", sample.id,
           f"sample {kind} {period.key}: {len(ids)} records, seed {seed}")
    return sample


def redraw(sample: QualitySample) -> dict:
    """Make the sample's draw again from its stored seed and compare with what was
    stored: the audit of a sample."""
    from ..reports.periods import month_of

    drawn = draw_from(candidates(sample.kind, month_of(sample.month)), seed=sample.seed,
                      per_dispatcher=sample.per_dispatcher, reviewer_id=sample.reviewer_id,
                      dispatcher_ids=sample.dispatcher_ids)
    again = sorted(c.record_id for picks in drawn.values() for c in picks)
    stored = sorted(db.session.scalars(sa.select(QualityCheck.record_id)
                                       .where(QualityCheck.sample_id == sample.id)))
    return {"seed": sample.seed, "record_ids": again, "stored_record_ids": stored,
            "same": again == stored}


def get(sample_id: int) -> QualitySample:
    """One sample, or 404."""
    sample = db.session.get(QualitySample, sample_id)
    if sample is None:
        raise NotFound(Msg("No such sample.", "找不到该抽检批次。"))
    return sample


def listing(*, page: int = 1, per_page: int | None = None, sort: str | None = None,
            kind: str | None = None, month=None) -> dict:
    """Samples, newest first, filtered by kind and month."""
    from ..pagination import apply_sort, paginate

    stmt = sa.select(QualitySample)
    if kind:
        stmt = stmt.where(QualitySample.kind == kind)
    if month is not None:
        stmt = stmt.where(QualitySample.month == month)
    stmt = apply_sort(stmt, sort or "-created_at",
                      {"created_at": QualitySample.created_at, "month": QualitySample.month,
                       "kind": QualitySample.kind}, [QualitySample.id.desc()])
    return paginate(stmt, page, per_page)
