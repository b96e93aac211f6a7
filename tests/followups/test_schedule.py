"""The engine on the database: orders entering service get their follow-ups (assigned to
the order's dispatcher), anchors that move re-plan them, cancelled orders cancel them, and
outcomes branch: satisfied → day 5; not satisfied → mediation and no day 5."""
from __future__ import annotations

import pytest
import sqlalchemy as sa

from core import FollowupRule, FollowupRules, hookimpl
from core.extensions import db
from core.followups import service
from core.followups.models import Evaluation, FollowUp, FollowUpOutcome, MediationCase
from core.plugins import PluginError
from tests.conftest import make_test_app

from .helpers import at, followups, local, make_order, move, user

#: this module's test plugins use hooks of plugin contract 1 on purpose: they check that
#: those hooks keep working (and refusing strangers) through contract 2
pytestmark = pytest.mark.filterwarnings("ignore::core.hookspecs.ContractDeprecationWarning")


def record(app, followup_id, outcome, actor, **kw):
    with app.app_context():
        f = db.session.get(FollowUp, followup_id)
        kw.setdefault("version", f.version)
        result = service.record_outcome(followup_id, outcome, actor_id=actor, **kw)
        db.session.commit()
        return result.replayed


def test_entering_service_plans_the_follow_ups_for_the_orders_dispatcher(app):
    desk = user(app)
    order = make_order(app, "maternity_nurse", dispatcher_id=desk, intake={
        "expected_delivery_date": "2025-09-30", "actual_birth_date": "2025-09-25",
        "term_days": 26})
    move(app, order, "in_service", start_date="2025-09-28")
    fus = followups(app, order)
    assert {k: local(f.due_at) for k, f in fus.items()} == {
        "holiday_greeting@holiday:2025-10-01": "2025-10-01 09:00",
        "day3": "2025-10-01 10:00",
        "holiday_greeting@holiday:2025-10-06": "2025-10-06 09:00",
        "day15": "2025-10-13 10:00",
        "photo_booking": "2025-10-15 10:00",
    }
    assert {f.assignee_id for f in fus.values()} == {desk}
    assert {f.state for f in fus.values()} == {"pending"}
    move(app, order, "finished", end_date="2025-10-23")
    assert local(followups(app, order)["end_of_service"].due_at) == "2025-10-24 10:00"


def test_moving_the_start_date_replans_pending_follow_ups_but_not_done_ones(app):
    desk = user(app)
    order = make_order(app, "nanny", dispatcher_id=desk)
    move(app, order, "in_service", start_date="2026-03-02")
    day3 = followups(app, order)["day3"]
    record(app, day3.id, "satisfied", desk)
    with app.app_context():
        service.anchor_moved(order, "service_start", at("2026-03-09").date())
        db.session.commit()
    fus = followups(app, order)
    assert local(fus["day3"].due_at) == "2026-03-05 10:00"  # done: left alone
    assert local(fus["day5"].due_at) == "2026-03-14 10:00"
    assert local(fus["day15"].due_at) == "2026-03-24 10:00"


def test_a_baby_born_early_moves_the_photo_studio_booking(app, api_as):
    order = make_order(app, "maternity_nurse", intake={"expected_delivery_date": "2026-12-20"})
    move(app, order, "in_service", start_date="2026-12-01")
    assert local(followups(app, order)["photo_booking"].due_at) == "2027-01-09 10:00"
    resp = api_as("dispatcher").post(f"/api/v1/followups/orders/{order}/anchors",
                                     json={"anchor": "baby_birth", "date": "2026-12-03"})
    assert resp.status_code == 200, resp.get_json()
    assert local(followups(app, order)["photo_booking"].due_at) == "2026-12-23 10:00"


def test_cancelling_the_order_cancels_every_pending_follow_up(app):
    from core.orders import service as orders

    desk = user(app)
    order = make_order(app, "cleaning", dispatcher_id=desk)
    move(app, order, "in_service", start_date="2026-11-23")
    with app.app_context():
        service.visit_scheduled(order, 1, at("2026-12-01", "09:00"), at("2026-12-01", "14:00"))
        db.session.commit()
    assert {f.state for f in followups(app, order).values()} == {"pending"}
    assert set(followups(app, order)) == {"check_1@visit_start:1", "check_2@visit_start:1"}
    with app.app_context():
        o = service._order(order)
        orders.transition(o, "cancelled", o.version, desk, cancel_reason="no_longer_needed")
    fus = followups(app, order)
    assert {(f.state, f.cancel_reason) for f in fus.values()} == {("cancelled", "order_cancelled")}


def test_satisfied_at_day3_plans_day5(app):
    desk = user(app)
    order = make_order(app, "maternity_nurse", dispatcher_id=desk)
    move(app, order, "in_service", start_date="2026-03-02")
    assert "day5" not in followups(app, order)
    record(app, followups(app, order)["day3"].id, "satisfied", desk, notes="都很好")
    fus = followups(app, order)
    assert local(fus["day5"].due_at) == "2026-03-07 10:00" and fus["day5"].state == "pending"
    assert fus["day3"].state == "done" and fus["day3"].outcome == "satisfied"


def test_not_satisfied_at_day3_opens_mediation_with_its_follow_ups_and_no_day5(app):
    desk = user(app)
    order = make_order(app, "maternity_nurse", dispatcher_id=desk)
    move(app, order, "in_service", start_date="2026-03-02")
    record(app, followups(app, order)["day3"].id, "not_satisfied", desk,
           reason="阿姨手机玩得多")
    fus = followups(app, order)
    assert "day5" not in fus
    with app.app_context():
        case = db.session.scalar(sa.select(MediationCase).where(MediationCase.order_id == order))
        assert case.cause == "阿姨手机玩得多" and case.state == "open" and case.worker_id
        case_id, version = case.id, case.version
    assert f"mediation_worker@mediation_opened:{case_id}" in fus
    assert f"mediation_check@mediation_opened:{case_id}" in fus
    with app.app_context():
        service.update_mediation(service.get_mediation(case_id), version, desk,
                                 actions="与阿姨沟通", resolution="更换阿姨", worker_replaced=True,
                                 resolve=True)
        db.session.commit()
    assert f"mediation_closed@mediation_resolved:{case_id}" in followups(app, order)


def test_not_satisfied_needs_a_reason(app):
    desk = user(app)
    order = make_order(app, "nanny", dispatcher_id=desk)
    move(app, order, "in_service", start_date="2026-03-02")
    from core.errors import Invalid

    with pytest.raises(Invalid):
        record(app, followups(app, order)["day3"].id, "not_satisfied", desk)


def test_recording_the_same_outcome_twice_changes_nothing_the_second_time(app):
    desk = user(app)
    order = make_order(app, "nanny", dispatcher_id=desk)
    move(app, order, "in_service", start_date="2026-03-02")
    day3 = followups(app, order)["day3"]
    kw = {"idempotency_key": "click-0001", "version": day3.version}
    assert record(app, day3.id, "unreachable", desk, **kw) is False
    assert record(app, day3.id, "unreachable", desk, **kw) is True  # a retried request
    # a double click: same outcome from the same (now stale) page, no key
    assert record(app, day3.id, "unreachable", desk, version=day3.version) is True
    after = followups(app, order)["day3"]
    assert after.attempts == 1 and after.version == day3.version + 1
    with app.app_context():
        assert db.session.scalar(sa.select(sa.func.count(FollowUpOutcome.id))) == 1
    from core.errors import Conflict

    with pytest.raises(Conflict):  # another outcome from the stale page is refused
        record(app, day3.id, "satisfied", desk, version=day3.version)


def test_unreachable_retries_the_next_day_and_escalates_after_the_configured_tries(app):
    desk, boss = user(app), user(app, "supervisor")
    app.config["FOLLOWUPS_ESCALATE_AFTER_TRIES"] = 2
    order = make_order(app, "nanny", dispatcher_id=desk)
    move(app, order, "in_service", start_date="2026-03-02")
    day3 = followups(app, order)["day3"]
    record(app, day3.id, "unreachable", desk)
    f = followups(app, order)["day3"]
    assert f.state == "pending" and f.attempts == 1 and f.due_at > day3.due_at
    assert local(f.due_at).endswith("10:00")  # the next day, at the planned time
    record(app, day3.id, "unreachable", desk)
    from core.followups import jobs

    with app.app_context():
        assert jobs.escalate(day3.id) == "escalated"
        assert jobs.escalate(day3.id) == "nothing"  # once
        from core.followups.models import Notification

        notes = db.session.scalars(sa.select(Notification)).all()
        assert [n.user_id for n in notes] == [boss]
        assert "2" in notes[0].title_zh and db.session.get(FollowUp, day3.id).escalated_to_id


def test_the_end_of_service_verdict_becomes_an_evaluation_of_the_worker(app):
    desk = user(app)
    order = make_order(app, "maternity_nurse", dispatcher_id=desk)
    move(app, order, "in_service", start_date="2026-03-02")
    move(app, order, "finished", end_date="2026-03-27")
    call = followups(app, order)["end_of_service"]
    from core.errors import Invalid

    with pytest.raises(Invalid):  # the verdict needs the customer's score
        record(app, call.id, "satisfied", desk)
    record(app, call.id, "satisfied", desk, scores={"overall": 5, "skill": 4}, notes="很专业")
    with app.app_context():
        ev = db.session.scalar(sa.select(Evaluation))
        assert (ev.verdict, ev.overall, ev.skill, ev.source, ev.order_id) == (
            "satisfied", 5, 4, "end_of_service_call", order)
        assert service.worker_rating(ev.worker_id) == {"count": 1, "overall": 5.0,
                                                       "satisfied": 1, "not_satisfied": 0}


def test_holiday_greetings_follow_the_service_period_when_it_ends_early(app):
    desk = user(app)
    order = make_order(app, "nanny", dispatcher_id=desk)
    move(app, order, "in_service", start_date="2025-09-20")
    greetings = [k for k in followups(app, order) if k.startswith("holiday")]
    assert "holiday_greeting@holiday:2026-02-15" in greetings
    move(app, order, "finished", end_date="2025-12-15")
    pending = followups(app, order, state="pending")
    assert not [k for k in pending if k.startswith("holiday")
                and k > "holiday_greeting@holiday:2025-12-15"]


class Stranger:
    @hookimpl
    def get_followup_rules(self, service_line):
        return FollowupRules() if service_line == "cleaning" else None


class BadRules:
    @hookimpl
    def register_service_lines(self):
        from core import ServiceLine
        return [ServiceLine(code="ironing", name_zh="熨烫", name_en="Ironing")]

    @hookimpl
    def get_quote(self, service_line, intake, price_table):
        return None

    @hookimpl
    def get_followup_rules(self, service_line):
        if service_line != "ironing":
            return None
        return FollowupRules((FollowupRule("x", "nowhere", "phone", "t", "t", "s", "s",
                                           days=1),))


def test_follow_up_rules_come_only_from_the_lines_owner(tmp_path):
    with pytest.raises(PluginError, match=r"'stranger'.*get_followup_rules.*'cleaning'"):
        make_test_app(tmp_path, None, EXTRA_PLUGINS=[("stranger", Stranger())])


def test_invalid_follow_up_rules_stop_the_app(tmp_path):
    from tests.service_lines.test_plugin_contract import Ironing

    class IroningWithBadRules(Ironing, BadRules):
        pass

    with pytest.raises(PluginError, match=r"'ironing'.*anchor 'nowhere'"):
        make_test_app(tmp_path, None, EXTRA_PLUGINS=[("ironing", IroningWithBadRules())])


def test_nothing_is_planned_for_an_order_before_service_starts(app):
    order = make_order(app, "maternity_nurse", state="interview",
                       intake={"expected_delivery_date": "2026-12-20"})
    move(app, order, "contracted")
    assert followups(app, order) == {}


def test_an_interview_held_is_an_anchor_a_line_can_plan_on(app):
    from core.followups.models import FollowUpAnchor

    order = make_order(app, "maternity_nurse", state="interview")
    with app.app_context():
        service.interview_done(order, 3, at("2026-11-20", "15:00"))
        db.session.commit()
        keys = db.session.scalars(sa.select(FollowUpAnchor.key).where(
            FollowUpAnchor.order_id == order)).all()
    assert "interview_end:3" in keys and followups(app, order) == {}
