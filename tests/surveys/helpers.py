"""Helpers of the survey tests: orders and customers through the real services, surveys
through the API, the link's token read back from the outbox (as the SMS channel would)."""
from __future__ import annotations

import datetime as dt

import sqlalchemy as sa

from core.extensions import db
from core.timeutil import utcnow
from tests.complaints.helpers import make_customer, make_order, order_of, user

__all__ = ["make_customer", "make_order", "order_of", "user", "count", "link_survey",
           "token_of", "expire", "survey_followup", "GOOD", "UNHAPPY"]

#: answers to the nanny questionnaire: content / unhappy
GOOD = {"overall": 5, "child": 4, "safety": "no", "again": "yes", "comment": "很好，谢谢"}
UNHAPPY = {"overall": 2, "child": 3, "safety": "no", "again": "no", "comment": "孩子老哭"}


def count(app, model, *where) -> int:
    with app.app_context():
        return db.session.scalar(sa.select(sa.func.count()).select_from(model).where(*where))


def link_survey(desk, order_id: int) -> tuple[int, str]:
    """A survey sent as a link for the order: (survey id, token)."""
    resp = desk.post("/api/v1/surveys", json={"order_id": order_id, "channel": "link"})
    assert resp.status_code == 201, resp.get_json()
    body = resp.get_json()
    return body["id"], body["link"].rsplit("/", 1)[1]


def token_of(app, survey_id: int) -> str:
    """The token in the link the outbox carries to the customer."""
    from core.followups.models import OutboxMessage

    with app.app_context():
        link = db.session.scalar(sa.select(OutboxMessage.link).where(
            OutboxMessage.dedupe_key.like(f"survey:{survey_id}:%")).limit(1))
    return link.rsplit("/", 1)[1]


def expire(app, survey_id: int) -> None:
    from core.complaints.models import Survey

    with app.app_context():
        db.session.get(Survey, survey_id).expires_at = utcnow() - dt.timedelta(minutes=1)
        db.session.commit()


def survey_followup(app, order_id: int, anchor: str = "service_end") -> int:
    """A due follow-up of kind ``survey`` on the order (as the planner makes it)."""
    from core.followups.models import FollowUp
    from core.orders.models import Order

    with app.app_context():
        order = db.session.get(Order, order_id)
        now = utcnow()
        f = FollowUp(order_id=order_id, service_line=order.service_line, rule_code="survey",
                     anchor_key=anchor, kind="survey", title_zh="下户满意度调查",
                     title_en="End-of-service satisfaction survey", planned_at=now,
                     due_at=now - dt.timedelta(minutes=5), state="pending", version=1,
                     assignee_id=order.dispatcher_id, created_at=now, updated_at=now)
        db.session.add(f)
        db.session.commit()
        return f.id
