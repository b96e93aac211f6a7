"""Survey lists and results (满意度统计): per worker, per service line, per dispatcher and
per month — the number answered, the mean score, CSAT (the share of overall scores of 4
or 5) and the rate of dissatisfied answers — with the free-text answers listed.

Nothing of the customer is shown here beyond the order's number: results are about the
service, not about her.
"""
from __future__ import annotations

import datetime as dt
from collections import defaultdict

import sqlalchemy as sa

from .. import plugins
from ..accounts.models import User
from ..complaints.models import Complaint, Survey
from ..extensions import db
from ..orders.models import Order
from ..pagination import apply_sort, paginate
from ..timeutil import SHANGHAI
from ..workers.models import Worker
from .questionnaire import Questionnaire

GROUPS = ("month", "worker", "line", "dispatcher")
#: free-text answers listed on a results page
TEXTS_MAX = 100


def _month(ts: dt.datetime) -> str:
    return ts.astimezone(SHANGHAI).strftime("%Y-%m")


def month_bounds(month: str) -> tuple[dt.datetime, dt.datetime]:
    """``YYYY-MM`` as its first instant and the next month's, Beijing time, in UTC."""
    year, mon = (int(x) for x in month.split("-"))
    start = dt.datetime(year, mon, 1, tzinfo=SHANGHAI)
    end = dt.datetime(year + (mon == 12), mon % 12 + 1, 1, tzinfo=SHANGHAI)
    return start.astimezone(dt.timezone.utc), end.astimezone(dt.timezone.utc)


def _filtered(stmt, *, month=None, service_line=None, worker_id=None, dispatcher_id=None,
              since=None, until=None):
    if month:
        start, end = month_bounds(month)
        stmt = stmt.where(Survey.answered_at >= start, Survey.answered_at < end)
    if since:
        stmt = stmt.where(Survey.answered_at >= since)
    if until:
        stmt = stmt.where(Survey.answered_at < until)
    if service_line:
        stmt = stmt.where(Survey.service_line == service_line)
    if worker_id:
        stmt = stmt.where(Survey.worker_id == worker_id)
    if dispatcher_id:
        stmt = stmt.where(Survey.dispatcher_id == dispatcher_id)
    return stmt


def summary(*, by: str = "month", **filters) -> dict:
    """Answered surveys grouped ``by`` month / worker / line / dispatcher: count, mean
    score, CSAT % and dissatisfied % per group and overall, and the free-text answers.

    The figures are counted by the database (one grouped query, one for the total); only
    the month, whose bounds are Beijing days, is grouped here, over three small columns."""
    answered = Survey.answered_at.is_not(None)
    figures = (sa.func.count(Survey.id).label("answered"),
               sa.func.avg(Survey.score).label("mean"),
               sa.func.sum(sa.case((Survey.score >= 4, 1), else_=0)).label("happy"),
               sa.func.sum(sa.case((Survey.dissatisfied.is_(True), 1), else_=0))
               .label("unhappy"))
    total = db.session.execute(_filtered(sa.select(*figures).where(answered),
                                         **filters)).one()
    if by == "month":
        groups: dict = defaultdict(lambda: [0, 0, 0, 0])
        for at, score, unhappy in db.session.execute(_filtered(sa.select(
                Survey.answered_at, Survey.score, Survey.dissatisfied).where(answered),
                **filters)):
            g = groups[_month(at)]
            g[0] += 1
            g[1] += score or 0
            g[2] += 1 if (score or 0) >= 4 else 0
            g[3] += 1 if unhappy else 0
        counted = {k: (n, (total_score / n) if n else None, happy, unhappy)
                   for k, (n, total_score, happy, unhappy) in groups.items()}
    else:
        key = {"worker": Survey.worker_id, "line": Survey.service_line,
               "dispatcher": Survey.dispatcher_id}[by]
        counted = {row[0]: tuple(row[1:]) for row in db.session.execute(_filtered(
            sa.select(key, *figures).where(answered), **filters).group_by(key))}
    keys = [k for k in counted if k is not None]
    labels = _labels(by, keys)
    labels_en = _labels(by, keys, lang="en") if by == "line" else labels
    out = [dict(key=str(k) if k is not None else "", label=labels.get(k, "—"),
                label_en=labels_en.get(k, "—"), **_figures(*values))
           for k, values in counted.items()]
    out.sort(key=lambda g: g["key"] if by == "month" else (-g["answered"], g["label"]))
    return {"by": by, "groups": out, "total": _figures(*total),
            "texts": _texts(**filters)}


def _figures(n, mean, happy, unhappy) -> dict:
    if not n:
        return {"answered": 0, "mean_score": None, "csat": None, "dissatisfied_rate": None,
                "dissatisfied": 0}
    happy, unhappy = int(happy or 0), int(unhappy or 0)
    return {"answered": n, "mean_score": round(float(mean), 2),
            "csat": round(100 * happy / n, 1), "dissatisfied_rate": round(100 * unhappy / n, 1),
            "dissatisfied": unhappy}


def _labels(by: str, keys: list, lang: str = "zh") -> dict:
    if by == "month":
        return {k: k for k in keys}
    if by == "line":
        lines = plugins.service_lines()
        return {k: ((lines[k].name_en if lang == "en" else lines[k].name_zh)
                    if k in lines else k) for k in keys}
    model, col = (Worker, Worker.name) if by == "worker" else (User, User.display_name)
    return dict(db.session.execute(sa.select(model.id, col).where(model.id.in_(keys))).all())


def _texts(**filters) -> list[dict]:
    """Free-text answers, newest first (at most :data:`TEXTS_MAX`): the text, its
    question, score, line, month. Surveys are read newest first, a batch at a time, only
    until enough texts are found."""
    questionnaires: dict[str, Questionnaire] = {}
    out = []
    stmt = _filtered(sa.select(
        Survey.id, Survey.service_line, Survey.answered_at, Survey.score,
        Survey.dissatisfied, Survey.answers, Survey.complaint_id, Order.number)
        .outerjoin(Order, Order.id == Survey.order_id)
        .where(Survey.answered_at.is_not(None), Survey.answers.is_not(None)), **filters
    ).order_by(Survey.answered_at.desc(), Survey.id.desc()).execution_options(yield_per=200)
    result = db.session.execute(stmt)
    try:
        _collect_texts(result, questionnaires, out)
    finally:
        result.close()
    return out[:TEXTS_MAX]


def _collect_texts(result, questionnaires: dict, out: list) -> None:
    for r in result:
        if r.service_line not in questionnaires:
            try:
                questionnaires[r.service_line] = plugins.survey_questionnaire(r.service_line)
            except Exception:  # noqa: BLE001 - a line whose plugin is gone: default
                from .questionnaire import DEFAULT
                questionnaires[r.service_line] = DEFAULT
        for question in questionnaires[r.service_line].questions:
            text = (r.answers or {}).get(question.code)
            if question.kind == "text" and text:
                out.append({"survey_id": r.id, "question": question.label_zh, "text": text,
                            "score": r.score, "dissatisfied": bool(r.dissatisfied),
                            "service_line": r.service_line, "month": _month(r.answered_at),
                            "order_number": r.number, "complaint_id": r.complaint_id})
        if len(out) >= TEXTS_MAX:
            return


def people() -> tuple[list, list]:
    """(workers, dispatchers) that answered surveys are about, as (id, name), for the
    results page's filters."""
    workers = db.session.execute(
        sa.select(Worker.id, Worker.name).where(Worker.id.in_(
            sa.select(Survey.worker_id).where(Survey.answered_at.is_not(None)).distinct()))
        .order_by(Worker.name, Worker.id).limit(500)).all()
    dispatchers = db.session.execute(
        sa.select(User.id, User.display_name).where(User.id.in_(
            sa.select(Survey.dispatcher_id).where(Survey.answered_at.is_not(None))
            .distinct())).order_by(User.display_name, User.id)).all()
    return workers, dispatchers


def search(*, answered=None, dissatisfied=None, order_id=None, worker_id=None,
           customer_id=None, service_line=None, moment=None, page=1, per_page=20, sort=None,
           q=None) -> dict:
    """Surveys, newest first: filters answered, dissatisfied, order, worker, customer,
    line, moment; ``q`` matches the order's number."""
    stmt = sa.select(Survey, Order.number, Complaint.number).outerjoin(
        Order, Order.id == Survey.order_id).outerjoin(
        Complaint, Complaint.id == Survey.complaint_id)
    if answered is not None:
        stmt = stmt.where(Survey.answered_at.is_not(None) if answered
                          else Survey.answered_at.is_(None))
    if dissatisfied is not None:
        stmt = stmt.where(Survey.dissatisfied.is_(True) if dissatisfied
                          else sa.or_(Survey.dissatisfied.is_(False),
                                      Survey.dissatisfied.is_(None)))
    for col, value in ((Survey.order_id, order_id), (Survey.worker_id, worker_id),
                       (Survey.customer_id, customer_id), (Survey.service_line, service_line),
                       (Survey.moment, moment)):
        if value is not None:
            stmt = stmt.where(col == value)
    if q:
        stmt = stmt.where(Order.number.ilike(f"%{q.strip()}%"))
    stmt = apply_sort(stmt, sort, {"created_at": Survey.created_at,
                                   "answered_at": Survey.answered_at, "score": Survey.score},
                      [Survey.created_at.desc(), Survey.id.desc()])
    result = paginate(stmt, page, per_page, scalars=False)
    result["items"] = [row(s, number, complaint) for s, number, complaint in result["items"]]
    return result


def row(s: Survey, order_number: str | None = None, complaint_number: str | None = None) -> dict:
    """One survey as the desk sees it (no customer data beyond her id)."""
    return {"id": s.id, "service_line": s.service_line, "order_id": s.order_id,
            "order_number": order_number, "customer_id": s.customer_id,
            "worker_id": s.worker_id, "dispatcher_id": s.dispatcher_id, "moment": s.moment,
            "channel": s.channel, "created_at": s.created_at, "expires_at": s.expires_at,
            "answered_at": s.answered_at, "answers": s.answers, "score": s.score,
            "dissatisfied": s.dissatisfied, "complaint_id": s.complaint_id,
            "complaint_number": complaint_number, "followup_id": s.followup_id}
