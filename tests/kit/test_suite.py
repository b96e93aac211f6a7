"""core.testing.conformance_tests: the class it returns checks each line a plugin
declares, and its tests fail, saying what to fix, for a line whose SQL forms of a score
part or matching rule disagree with the Python ones (the generated tests are called
here directly, with this test's jz_* fixtures)."""
from __future__ import annotations

import dataclasses

import pytest
import sqlalchemy as sa

from core import Condition, FollowupRule, FollowupRules, MatchingRule, Msg, ScorePart, hookimpl
from core.hookspecs import CONTRACT_VERSION
from core.testing import conformance_tests
from plugins.cleaning.line import CleaningLine


def _experience(intake, worker) -> float:
    return min(worker["years_experience"], 10) / 10


def _experience_sql(intake, p):
    return sa.case((p.years_experience >= 10, 1.0),
                   else_=sa.cast(p.years_experience, sa.Float) / 10.0)


def _rule(code, anchor, days, **kw):
    return FollowupRule(code, anchor, "phone", f"{code} 回访", f"{code} call", "致电客户。",
                        "Call the customer.", days=days, **kw)


#: two rules planned on 上户, one waiting for an outcome, one per visit
_RULES = FollowupRules(rules=(
    _rule("day3", "service_start", 3), _rule("day8", "service_start", 5, after="day3"),
    _rule("day15", "service_start", 15, when=Condition("day3", "satisfied")),
    _rule("after_visit", "visit_end", 1)))


def _line(expr=None, where=None, followups=None):
    """A 熨烫 line (cleaning's schema and prices) with a score part on experience whose
    SQL form is ``expr`` (default: the right one) and, when ``where`` is given, a rule
    keeping workers of 4 years or more whose SQL form is ``where``."""
    rules = () if where is None else (MatchingRule(
        "seasoned", Msg("At least 4 years.", "至少 4 年"),
        lambda intake, worker: worker["years_experience"] >= 4, where),)

    class Ironing(CleaningLine):
        code, name_zh, name_en = "ironing", "熨烫", "Ironing"
        score_parts = (ScorePart("seasoned_bonus", "经验加分", "Experience bonus", 0.5,
                                 _experience, expr or _experience_sql),)
        matching_rules = rules
        followup_rules = followups

        def quote(self, intake, price_table):
            return dataclasses.replace(super().quote(intake, price_table),
                                       service_line="ironing")

    return Ironing()


class _Plugin:
    JIAZHENG_CONTRACT = CONTRACT_VERSION

    def __init__(self, line) -> None:
        self.line = line

    @hookimpl
    def register_service_lines(self):
        return [self.line]


def _suite(line):
    plugin = _Plugin(line)
    return conformance_tests(plugin, name="ironing_kit")(), plugin


def test_the_class_is_parametrized_by_each_declared_line_and_marks_the_plugin():
    from plugins.cleaning import hooks

    cls = conformance_tests(hooks)
    assert cls.__name__ == "TestConformance"
    marks = {m.name: m for m in cls.pytestmark}
    assert marks["jiazheng_plugins"].args == (("plugins", hooks),)
    generated = {n: getattr(cls, n) for n in dir(cls) if n.startswith("test_")}
    # cleaning's rules hang on visits only: nothing is planned on 上户, no plan test, but
    # the per-visit test
    assert set(generated) == {
        "test_line_conforms", "test_registered_and_intake_form_renders",
        "test_sample_order_is_quoted", "test_sql_python_and_vector_scores_agree",
        "test_visits_and_sessions_get_their_follow_ups"}
    for test in generated.values():
        params = [m for m in test.pytestmark if m.name == "parametrize"]
        assert [m.kwargs["ids"] for m in params] == [["cleaning"]]


def test_the_plan_test_is_generated_only_for_lines_with_rules_planned_on_service_start():
    from plugins.maternity_nurse.line import MaternityNurseLine

    class Both:
        @hookimpl
        def register_service_lines(self):
            return [CleaningLine(), MaternityNurseLine()]

    test = conformance_tests(Both(), name="both").test_sample_order_gets_its_follow_up_plan
    [params] = [m for m in test.pytestmark if m.name == "parametrize"]
    assert params.kwargs["ids"] == ["maternity_nurse"]


def test_something_registering_no_line_is_refused():
    with pytest.raises(TypeError, match="has no register_service_lines"):
        conformance_tests(object())


_GOOD = _line(where=lambda intake, p: p.years_experience >= 4)


@pytest.mark.jiazheng_plugins(("ironing_kit", _Plugin(_GOOD)))
def test_a_sound_line_passes_every_generated_test(jz_app, jz_client, jz_make):
    suite, _ = _suite(_GOOD)
    suite.test_line_conforms(_GOOD)
    suite.test_registered_and_intake_form_renders(_GOOD, jz_app)
    suite.test_sample_order_is_quoted(_GOOD, jz_app, jz_client, jz_make)
    suite.test_sql_python_and_vector_scores_agree(_GOOD, jz_app, jz_client, jz_make)


_WRONG_EXPR = _line(expr=lambda intake, p: sa.cast(p.years_experience, sa.Float) / 20.0)


@pytest.mark.jiazheng_plugins(("ironing_kit", _Plugin(_WRONG_EXPR)))
def test_a_score_part_whose_sql_disagrees_is_named(jz_app, jz_client, jz_make):
    suite, _ = _suite(_WRONG_EXPR)
    with pytest.raises(AssertionError, match="through the candidates endpoint \\(SQL\\) but "
                       ".* in Python .*a ScorePart's expr must compute what its score"):
        suite.test_sql_python_and_vector_scores_agree(_WRONG_EXPR, jz_app, jz_client, jz_make)


_WRONG_WHERE = _line(where=lambda intake, p: p.years_experience >= 1)


@pytest.mark.jiazheng_plugins(("ironing_kit", _Plugin(_WRONG_WHERE)))
def test_a_rule_whose_sql_keeps_other_workers_is_named(jz_app, jz_client, jz_make):
    suite, _ = _suite(_WRONG_WHERE)
    with pytest.raises(AssertionError, match="a MatchingRule's where must select exactly"):
        suite.test_sql_python_and_vector_scores_agree(_WRONG_WHERE, jz_app, jz_client,
                                                      jz_make)


@pytest.mark.jiazheng_plugins("cleaning")
def test_a_line_not_loaded_in_the_app_is_named(jz_app):
    suite, _ = _suite(_GOOD)
    with pytest.raises(AssertionError, match="'ironing' is not registered"):
        suite.test_registered_and_intake_form_renders(_GOOD, jz_app)


_PLANNED = _line(followups=_RULES)


@pytest.mark.jiazheng_plugins(("ironing_kit", _Plugin(_PLANNED)))
def test_a_line_whose_rules_plan_on_service_start_gets_its_plan(jz_app, jz_make):
    suite, _ = _suite(_PLANNED)
    suite.test_line_conforms(_PLANNED)
    suite.test_sample_order_gets_its_follow_up_plan(_PLANNED, jz_app, jz_make)


class _CancellingPlugin(_Plugin):
    """A plugin that tidies up on 上户 by cancelling the pending follow-ups of its orders
    (say, to plan its own): what core planned for the line is gone."""

    @hookimpl(trylast=True)
    def handle_order_state_change(self, order_id, service_line, from_state, to_state):
        from core.extensions import db
        from core.followups.models import FollowUp

        if to_state == "in_service":
            db.session.execute(sa.update(FollowUp).where(FollowUp.order_id == order_id)
                               .values(state="cancelled"))


@pytest.mark.jiazheng_plugins(("ironing_kit", _CancellingPlugin(_PLANNED)))
def test_rules_planned_on_service_start_but_not_pending_are_named(jz_app, jz_make):
    suite, _ = _suite(_PLANNED)
    with pytest.raises(AssertionError, match=r"should have a pending follow-up of each rule on "
                       r"service_start without a condition, \['day3', 'day8'\], but has none "
                       r".*\['day3', 'day8'\] were not planned"):
        suite.test_sample_order_gets_its_follow_up_plan(_PLANNED, jz_app, jz_make)


class _FailingPlugin(_Plugin):
    """A plugin whose own 上户 hook reads an intake field the sample does not have."""

    @hookimpl
    def handle_order_state_change(self, order_id, service_line, from_state, to_state):
        from core.extensions import db
        from core.orders.models import Order

        if to_state == "in_service":
            db.session.get(Order, order_id).intake["nurse_room"]


@pytest.mark.jiazheng_plugins(("ironing_kit", _FailingPlugin(_PLANNED)))
def test_a_hook_failing_on_service_start_is_named(jz_app, jz_make):
    suite, _ = _suite(_PLANNED)
    with pytest.raises(AssertionError, match="bringing an order of the sample intake into "
                       "service .* failed with KeyError\\('nurse_room'\\): a plugin's "
                       "handle_order_state_change"):
        suite.test_sample_order_gets_its_follow_up_plan(_PLANNED, jz_app, jz_make)


@pytest.mark.jiazheng_plugins(("ironing_kit", _Plugin(_PLANNED)))
def test_a_line_with_rules_on_visits_gets_them_planned_per_visit(jz_app, jz_make):
    suite, _ = _suite(_PLANNED)
    suite.test_visits_and_sessions_get_their_follow_ups(_PLANNED, jz_app, jz_make)


def test_the_visit_test_is_generated_only_for_lines_with_rules_on_events():
    no_visits = _line(followups=FollowupRules(rules=(_rule("day3", "service_start", 3),)))
    assert not hasattr(conformance_tests(_Plugin(no_visits), name="x"),
                       "test_visits_and_sessions_get_their_follow_ups")
    assert hasattr(conformance_tests(_Plugin(_PLANNED), name="x"),
                   "test_visits_and_sessions_get_their_follow_ups")


@pytest.mark.jiazheng_plugins(("ironing_kit", _Plugin(_PLANNED)))
def test_rules_on_a_visit_left_unplanned_are_named(jz_app, jz_make, monkeypatch):
    """A planner that loses the per-visit follow-ups (as a rule dropped between the line
    and the registry would): the test names the rule, the anchor and what was there."""
    from core.followups import planner

    real = planner.plan

    def losing_visits(rules, anchors, outcomes):
        kept = real(rules, anchors, outcomes)
        return dataclasses.replace(kept, followups=tuple(
            p for p in kept.followups if not p.anchor_key.startswith("visit_end")))

    monkeypatch.setattr(planner, "plan", losing_visits)
    suite, _ = _suite(_PLANNED)
    with pytest.raises(AssertionError, match=r"after visit_end of an order of the sample "
                       r"intake .* \['after_visit'\], should have a pending follow-up on "
                       r"visit_end:1, but \['after_visit'\] have none"):
        suite.test_visits_and_sessions_get_their_follow_ups(_PLANNED, jz_app, jz_make)
