"""core.testing.conformance_tests: the class it returns checks each line a plugin
declares, and its tests fail, saying what to fix, for a line whose SQL forms of a score
part or matching rule disagree with the Python ones (the generated tests are called
here directly, with this test's jz_* fixtures)."""
from __future__ import annotations

import dataclasses

import pytest
import sqlalchemy as sa

from core import MatchingRule, Msg, ScorePart, hookimpl
from core.hookspecs import CONTRACT_VERSION
from core.testing import conformance_tests
from plugins.cleaning.line import CleaningLine


def _experience(intake, worker) -> float:
    return min(worker["years_experience"], 10) / 10


def _experience_sql(intake, p):
    return sa.case((p.years_experience >= 10, 1.0),
                   else_=sa.cast(p.years_experience, sa.Float) / 10.0)


def _line(expr=None, where=None):
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
    assert marks["parametrize"].kwargs["ids"] == ["cleaning"]
    assert {n for n in dir(cls) if n.startswith("test_")} == {
        "test_line_conforms", "test_registered_and_intake_form_renders",
        "test_sample_order_is_quoted", "test_sql_python_and_vector_scores_agree"}


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
