"""Satisfaction surveys (满意度调查): issuing a survey with its personal link, answering it
(the customer through the link, or a dispatcher during a call), and what a dissatisfied
answer sets off.

- The link's secret is a random token; only its SHA-256 is stored (``token_hash``). It
  expires (``SURVEY_LINK_DAYS``) and is single-use: the answer is written by one
  conditional UPDATE (not answered, not expired, this token), so a second submission —
  a reload, two tabs, a forged or stale token — writes nothing.
- The link goes to the customer through the notification outbox (channels that reach
  customers: SMS, WeChat plugins); the order's dispatcher is told it was sent, with a
  link to fill the answers in during a call.
- A dissatisfied answer opens a complaint (channel ``survey``; folded into an open one
  about the same order and worker) and tells its owner at once. An end-of-service score
  is an evaluation of the worker, so it feeds her rating.

The service owns the transaction: public functions run a @transactional step (it commits
when it returns, rolls back when it refuses) and deliver its messages once committed.
"""
from __future__ import annotations

import datetime as dt
import hashlib
import secrets

import sqlalchemy as sa
from flask import current_app

from .. import plugins
from ..audit.service import record
from ..complaints import service as complaints
from ..complaints.models import Complaint, Survey
from ..customers.models import Customer
from ..errors import Conflict, Invalid, NotFound
from ..extensions import db
from ..followups import outbox
from ..followups.models import FollowUp
from ..followups.outcomes import add_evaluation
from ..messages import Msg
from ..orders.models import Order
from ..timeutil import utcnow
from ..transactions import transactional
from .questionnaire import Questionnaire, read

#: moments a survey is sent at: the follow-up anchors a line's survey rule may use, the
#: closing call-back of a complaint, and a dispatcher's own decision
MOMENTS = ("service_end", "visit_end", "session_end", "mediation_resolved",
           "complaint_callback", "manual")
#: answers at these moments are about the worker's service: the score is an evaluation
RATED_MOMENTS = ("service_end", "visit_end", "session_end")

NOT_FOUND = Msg("This survey link is not valid.", "该调查链接无效。")
ANSWERED = Msg("This survey has already been answered. Thank you!", "该调查已提交，谢谢！")
EXPIRED = Msg("This survey link has expired.", "该调查链接已过期。")


def token_hash(token: str) -> str:
    """The stored form of a link's secret."""
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def questionnaire(service_line: str) -> Questionnaire:
    """The questionnaire of a line (its plugin's, or core's default)."""
    return plugins.survey_questionnaire(service_line)


def link_path(token: str) -> str:
    """The public path of a survey link (prefixed with ``PUBLIC_BASE_URL`` when set)."""
    return f"{current_app.config.get('PUBLIC_BASE_URL', '').rstrip('/')}/s/{token}"


def get(survey_id: int) -> Survey:
    """One survey, or 404."""
    s = db.session.get(Survey, survey_id)
    if s is None:
        raise NotFound(Msg("There is no such survey.", "找不到该调查。"))
    return s


# ----------------------------------------------------------------------------- issuing


def issue_in(*, customer_id: int, service_line: str, moment: str, order_id: int | None = None,
             worker_id: int | None = None, dispatcher_id: int | None = None,
             followup_id: int | None = None, complaint_id: int | None = None,
             actor_id: int | None = None) -> tuple[Survey, str]:
    """A new survey with its link token (joins the caller's transaction). The token is
    returned once; only its hash is kept."""
    token = secrets.token_urlsafe(24)
    now = utcnow()
    s = Survey(token_hash=token_hash(token), service_line=service_line, order_id=order_id,
               customer_id=customer_id, worker_id=worker_id, dispatcher_id=dispatcher_id,
               followup_id=followup_id, complaint_id=complaint_id, moment=moment,
               channel="link", created_at=now,
               expires_at=now + dt.timedelta(days=current_app.config["SURVEY_LINK_DAYS"]))
    db.session.add(s)
    db.session.flush()
    record("create", "survey", s.id, f"survey ({moment}) of order {order_id}",
           actor_id=actor_id)
    return s, token


def send_link_in(s: Survey, token: str) -> list[int]:
    """Post the link to the customer, and tell the dispatcher it went (with the page to
    fill it in during a call). Returns the outbox ids to deliver after commit."""
    line = plugins.service_line(s.service_line)
    name_zh, name_en = (line.name_zh, line.name_en) if line else (s.service_line,) * 2
    link = link_path(token)
    ids = outbox.post_to_customer(
        f"survey:{s.id}", s.customer_id, subject_zh=f"{name_zh}服务满意度调查",
        subject_en=f"How was your {name_en} service?",
        body_zh=f"您好！感谢您选择我们的{name_zh}服务，请花一分钟为本次服务打分：{link}",
        body_en=f"Thank you for choosing our {name_en} service. Please rate it: {link}",
        link=link)
    if s.dispatcher_id:
        ids += outbox.post(f"survey-sent:{s.id}", [s.dispatcher_id],
                           subject_zh=f"满意度调查已发送（{name_zh}）",
                           subject_en=f"Satisfaction survey sent ({name_en})",
                           body_zh="客户若无法收到短信或微信，可在回访电话中代为填写。",
                           body_en="If the customer cannot get SMS or WeChat, fill it in "
                                   "during a call.",
                           link=f"/surveys/{s.id}/fill")
    return ids


def _deliver(ids: list[int]) -> None:
    for message_id in ids:
        outbox.deliver(message_id)


def for_followup_in(f: FollowUp) -> list[int]:
    """A follow-up of kind ``survey`` came due: send the line's survey for its order (once
    per follow-up) and close the follow-up. Joins the caller's transaction; returns the
    outbox ids to deliver after commit."""
    ids: list[int] = []
    existing = db.session.scalar(sa.select(Survey.id).where(Survey.followup_id == f.id))
    order = db.session.get(Order, f.order_id) if f.order_id else None
    if existing is None and order is not None:
        moment = f.anchor_key.split(":", 1)[0]
        s, token = issue_in(customer_id=order.customer_id, service_line=order.service_line,
                            moment=moment if moment in MOMENTS else "manual",
                            order_id=order.id, worker_id=order.worker_id,
                            dispatcher_id=order.dispatcher_id, followup_id=f.id)
        ids = send_link_in(s, token)
    now = utcnow()
    f.state, f.outcome, f.completed_at, f.updated_at = "done", "done", now, now
    return ids


def after_complaint_in(c: Complaint) -> list[int]:
    """A complaint was closed with the customer satisfied: ask her how the handling went
    (moment ``complaint_callback``). Joins the caller's transaction."""
    order = db.session.get(Order, c.order_id) if c.order_id else None
    if order is None:
        return []
    s, token = issue_in(customer_id=c.customer_id, service_line=order.service_line,
                        moment="complaint_callback", order_id=order.id,
                        worker_id=c.worker_id, dispatcher_id=c.owner_id or order.dispatcher_id,
                        complaint_id=c.id)
    return send_link_in(s, token)


def create(*, order_id: int, channel: str, actor_id: int) -> tuple[Survey, str | None]:
    """A dispatcher's survey for an order: ``link`` sends it to the customer now;
    ``call`` only opens it to be filled in during a call. Commits (the step), then
    delivers."""
    s, token, ids = _create(order_id=order_id, channel=channel, actor_id=actor_id)
    _deliver(ids)
    return s, token if channel == "link" else None


@transactional
def _create(*, order_id: int, channel: str, actor_id: int) -> tuple[Survey, str, list[int]]:
    order = db.session.get(Order, order_id)
    if order is None:
        raise Invalid(fields={"order_id": [{"en": "There is no such order.",
                                            "zh": "找不到该订单。"}]})
    s, token = issue_in(customer_id=order.customer_id, service_line=order.service_line,
                        moment="manual", order_id=order.id, worker_id=order.worker_id,
                        dispatcher_id=order.dispatcher_id, actor_id=actor_id)
    ids = send_link_in(s, token) if channel == "link" else []
    return s, token, ids


# ----------------------------------------------------------------------------- answering


def by_token(token: str) -> Survey:
    """The open survey of a link: unknown or forged → 404; answered or expired → 409."""
    s = db.session.scalar(sa.select(Survey).where(Survey.token_hash == token_hash(token or "")))
    if s is None:
        raise NotFound(NOT_FOUND)
    _check_open(s, utcnow())
    return s


def _check_open(s: Survey, now: dt.datetime, *, link: bool = True) -> None:
    if s.answered_at is not None:
        raise Conflict(ANSWERED, code="survey_answered")
    if link and s.expires_at <= now:
        raise Conflict(EXPIRED, code="survey_expired")


def answer_by_token(token: str, raw) -> Survey:
    """The customer answers through her link. Commits (the step), then delivers."""
    s, ids = _answer_link(token, raw)
    _deliver(ids)
    return s


@transactional
def _answer_link(token: str, raw) -> tuple[Survey, list[int]]:
    return _answer(by_token(token), raw, actor_id=None, token=token)


def answer_by_staff(survey_id: int, raw, *, actor_id: int) -> Survey:
    """A dispatcher fills the survey in during a call (the link's expiry does not apply,
    it may not be answered twice). Commits (the step), then delivers."""
    s, ids = _answer_call(survey_id, raw, actor_id)
    _deliver(ids)
    return s


@transactional
def _answer_call(survey_id: int, raw, actor_id: int) -> tuple[Survey, list[int]]:
    s = get(survey_id)
    _check_open(s, utcnow(), link=False)
    return _answer(s, raw, actor_id=actor_id, token=None)


def _answer(s: Survey, raw, *, actor_id: int | None, token: str | None
            ) -> tuple[Survey, list[int]]:
    """Write the answers (inside the caller's step, which rolls back a refusal); the
    outbox ids to deliver once committed."""
    q = questionnaire(s.service_line)
    reading, errors = read(q, raw)
    if errors:
        raise Invalid(fields=errors)
    now = utcnow()
    stmt = sa.update(Survey).where(Survey.id == s.id, Survey.answered_at.is_(None))
    if token is not None:
        stmt = stmt.where(Survey.token_hash == token_hash(token), Survey.expires_at > now)
    claimed = db.session.execute(stmt.values(
        answered_at=now, answered_by_id=actor_id, answers=reading.answers,
        score=reading.score, dissatisfied=reading.dissatisfied,
        channel="link" if token is not None else "call")).rowcount
    if claimed != 1:  # answered (or expired) between the read and the write
        raise Conflict(ANSWERED, code="survey_answered")
    db.session.refresh(s)
    ids: list[int] = []
    if reading.dissatisfied:
        ids = _complain(s, q, reading.dissatisfied_on, actor_id)
    if s.worker_id and s.moment in RATED_MOMENTS:
        add_evaluation(worker_id=s.worker_id, order_id=s.order_id, source="survey",
                       verdict="not_satisfied" if reading.dissatisfied else "satisfied",
                       scores={"overall": reading.score},
                       notes=_free_text(q, reading.answers)[:500], actor_id=actor_id)
    record("update", "survey", s.id, f"survey answered: {reading.score}/5"
           + (" dissatisfied" if reading.dissatisfied else ""), actor_id=actor_id)
    return s, ids


def _free_text(q: Questionnaire, answers: dict) -> str:
    return "\n".join(str(answers[x.code]) for x in q.questions
                     if x.kind == "text" and answers.get(x.code))


def _complain(s: Survey, q: Questionnaire, unhappy: tuple[str, ...],
              actor_id: int | None) -> list[int]:
    """A dissatisfied answer: a complaint (or a note on the open one) and word to its
    owner at once."""
    labels = {x.code: x for x in q.questions}
    parts = []
    for code in unhappy:
        question, value = labels[code], s.answers[code]
        shown = next((zh for v, zh, _en in question.choices if v == value), value)
        parts.append(f"{question.label_zh} {shown}{'星' if question.kind == 'stars' else ''}")
    comment = _free_text(q, s.answers)
    category = q.complaint_category
    try:
        from ..complaints import policy
        policy.category(category)
    except Invalid:
        category = "other"
    intake = complaints.open_complaint_in(
        customer_id=s.customer_id, order_id=s.order_id, worker_id=s.worker_id,
        channel="survey", category=category, level="general",
        summary=("满意度调查不满意：" + "；".join(parts))[:200], details=comment,
        received_at=utcnow(), owner_id=s.dispatcher_id, actor_id=actor_id, survey_id=s.id)
    c = intake.complaint
    s.complaint_id = s.complaint_id or c.id
    recipient = c.owner_id or s.dispatcher_id
    if not recipient:
        return []
    return outbox.post(f"survey-unhappy:{s.id}", [recipient],
                       subject_zh=f"客户满意度调查不满意：{c.number}",
                       subject_en=f"Dissatisfied survey answer: {c.number}",
                       body_zh="；".join(parts), body_en=", ".join(unhappy),
                       link=f"/complaints/{c.id}")


def shown_name(customer_id: int) -> str:
    """What the public page calls her: her given name with the surname masked (王小红 →
    *小红); nothing else of her file."""
    name = db.session.scalar(sa.select(Customer.name).where(Customer.id == customer_id)) or ""
    name = name.strip()
    return "*" + name[1:] if len(name) > 1 else "*"
