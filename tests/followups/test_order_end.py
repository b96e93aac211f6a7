"""A mediation case (调解) ends with its order: closed when its outcome is written down,
flagged to the supervisors when still unresolved as the order finishes or is cancelled."""
from __future__ import annotations

import sqlalchemy as sa

from core.extensions import db
from core.followups import service
from core.followups.models import FollowUp, MediationCase, OutboxMessage

from .helpers import followups, make_order, move, user


def _case(app, order, desk, resolution=""):
    day3 = followups(app, order)["day3"]
    with app.app_context():
        f = db.session.get(FollowUp, day3.id)
        result = service.record_outcome(f.id, "not_satisfied", actor_id=desk,
                                        version=f.version, reason="阿姨做饭不合口味")
        case = result.mediation
        if resolution:
            service.update_mediation(case, case.version, desk, resolution=resolution)
        db.session.commit()
        return case.id


def _state(app, case_id):
    with app.app_context():
        case = db.session.get(MediationCase, case_id)
        return case.state, case.flagged_at is not None, case.flag_reason


def _messages(app, case_id):
    with app.app_context():
        return list(db.session.scalars(sa.select(OutboxMessage.recipient_id).where(
            OutboxMessage.dedupe_key.like(f"mediation-order-%:{case_id}:%"))))


def test_a_case_with_its_resolution_written_closes_with_the_finished_order(app):
    desk = user(app)
    order = make_order(app, "nanny", dispatcher_id=desk)
    move(app, order, "in_service", start_date="2026-03-02")
    case_id = _case(app, order, desk, resolution="换了做饭口味，客户接受")
    move(app, order, "finished", end_date="2026-03-27")
    assert _state(app, case_id) == ("resolved", False, "")
    assert _messages(app, case_id) == []


def test_an_unresolved_case_is_flagged_to_the_supervisors_when_the_order_finishes(app):
    desk = user(app)
    boss = user(app, "supervisor")
    order = make_order(app, "nanny", dispatcher_id=desk)
    move(app, order, "in_service", start_date="2026-03-02")
    case_id = _case(app, order, desk)
    move(app, order, "finished", end_date="2026-03-27")
    state, flagged, why = _state(app, case_id)
    assert (state, flagged) == ("open", True) and "finished" in why
    assert boss in _messages(app, case_id)


def test_an_unresolved_case_is_flagged_when_the_order_is_cancelled(app, api_as, web_as):
    desk = user(app)
    user(app, "supervisor")
    order = make_order(app, "nanny", dispatcher_id=desk)
    move(app, order, "in_service", start_date="2026-03-02")
    case_id = _case(app, order, desk)
    move(app, order, "cancelled")
    assert _state(app, case_id)[:2] == ("open", True)
    body = api_as("supervisor").get(f"/api/v1/followups/mediations/{case_id}").get_json()
    assert body["flagged_at"] and "cancelled" in body["flag_reason"]
    html = web_as("dispatcher").get(f"/followups/mediations/{case_id}").get_data(as_text=True)
    assert 'id="mediation-flagged"' in html
