"""The questionnaire hook (get_survey_questionnaire): owned per service line like the
intake schema, core's default for a line that gives none, checked at start-up."""
from __future__ import annotations

import pytest

from core import Question, Questionnaire, hookimpl
from core import plugins as facade
from core.plugins import PluginError
from core.surveys.questionnaire import DEFAULT, problems, read
from tests.conftest import make_test_app
from tests.service_lines.test_plugin_contract import SilentIroning

#: this module's test plugins use hooks of plugin contract 1 on purpose: they check that
#: those hooks keep working (and refusing strangers) through contract 2
pytestmark = pytest.mark.filterwarnings("ignore::core.hookspecs.ContractDeprecationWarning")


class Laundry(SilentIroning):
    """A test-only line (the contract tests' ``ironing``) that gives no questionnaire."""


class Meddler:
    """A test-only plugin that answers for a line it does not own."""

    @hookimpl
    def get_survey_questionnaire(self, service_line):
        return DEFAULT if service_line == "cleaning" else None


class Broken(Laundry):
    """A line whose questionnaire is invalid in several ways at once."""

    @hookimpl
    def get_survey_questionnaire(self, service_line):
        if service_line != "ironing":
            return None
        return Questionnaire(questions=(
            Question("overall", "stars", "总体", "Overall"),
            Question("colour", "choice", "颜色", "Colour", choices=(("red", "红", "Red"),),
                     dissatisfied_choices=("blue",)),
            Question("colour", "slider", "", "Slider"),
        ))


def test_each_shipped_line_has_its_own_questionnaire(app):
    with app.app_context():
        cleaning = facade.survey_questionnaire("cleaning")
        nurse = facade.survey_questionnaire("maternity_nurse")
    assert "damage" in [x.code for x in cleaning.questions]
    assert "mother_care" in [x.code for x in nurse.questions]


def test_a_line_that_gives_none_gets_the_core_default(tmp_path, database_url):
    app = make_test_app(tmp_path, database_url, EXTRA_PLUGINS=[("laundry", Laundry())])
    with app.app_context():
        assert facade.survey_questionnaire("ironing") is DEFAULT


def test_only_the_owner_may_answer_for_its_line(tmp_path, database_url):
    with pytest.raises(PluginError) as caught:
        make_test_app(tmp_path, database_url, EXTRA_PLUGINS=[("meddler", Meddler())])
    assert "'meddler'" in str(caught.value) and "'cleaning'" in str(caught.value)


def test_an_invalid_questionnaire_stops_the_app_naming_every_problem(tmp_path, database_url):
    with pytest.raises(PluginError) as caught:
        make_test_app(tmp_path, database_url, EXTRA_PLUGINS=[("broken", Broken())])
    message = str(caught.value)
    for part in ("'ironing'", "used twice", "two or more", "'blue'", "kind must be",
                 "label_zh", "exactly one question must be the overall"):
        assert part in message, part


def test_reading_answers_marks_the_dissatisfied_ones():
    reading, errors = read(DEFAULT, {"overall": "2", "punctual": "no_show", "again": "yes"})
    assert errors == {} and reading.score == 2
    assert reading.dissatisfied_on == ("overall", "punctual")
    reading, _ = read(DEFAULT, {"overall": 3, "punctual": "late", "again": "maybe"})
    assert not reading.dissatisfied
    assert problems(DEFAULT) == []
