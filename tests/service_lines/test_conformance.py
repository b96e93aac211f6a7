"""Every registered service line, end to end: intake form, sample quote, default table.

The lines come from a real registry (the entry points an app loads), so a new
service line is checked without touching this file.
"""
import json
import sys
from decimal import Decimal

import pytest

from core import IntakeSchema, Quote
from core import plugins as facade
from core.forms import describe_schema
from core.plugins import build_plugin_manager

LINES = sorted(build_plugin_manager().service_lines)


def test_the_four_shipped_lines_are_registered():
    assert {"cleaning", "child_massage", "maternity_nurse", "nanny"} <= set(LINES)


def _walk(specs):
    for spec in specs:
        yield spec
        yield from _walk(spec.get("fields", []))


@pytest.mark.parametrize("code", LINES)
def test_intake_form_labels_every_field_in_chinese_and_english(app, code):
    with app.app_context():
        schema = facade.intake_schema(code)
    assert issubclass(schema, IntakeSchema)
    specs = describe_schema(schema)
    json.dumps(specs)  # plain data, ready for a template or the API
    for spec in _walk(specs):
        assert spec["label_zh"] and spec["label_en"], spec["name"]
        assert spec["label_zh"] != spec["name"]
        for choice in spec.get("choices", []):
            assert choice["zh"] and choice["en"]


@pytest.mark.parametrize("code", LINES)
def test_sample_intake_loads_and_quotes_a_positive_total_its_lines_sum_to(app, code):
    with app.app_context():
        schema = facade.intake_schema(code)
        sample = sys.modules[schema.__module__].SAMPLE_INTAKE
        quote = facade.quote(code, schema().load(sample))
    assert isinstance(quote, Quote) and quote.service_line == code
    assert quote.total > 0 and quote.currency == "CNY"
    assert sum(line.amount for line in quote.lines) == quote.total
    assert all(line.label_zh and line.label_en for line in quote.lines)
    assert quote.table_floor is None or Decimal("0") < quote.table_floor <= quote.total
    json.dumps(quote.as_dict())


@pytest.mark.parametrize("code", LINES)
def test_default_price_table_is_json_and_passes_its_own_validation(app, code):
    with app.app_context():
        table = facade.default_price_table(code)
        assert json.loads(json.dumps(table)) == table
        assert facade.check_price_table(code, table) is True


@pytest.mark.parametrize("code", LINES)
def test_questionnaire_is_valid_and_a_content_answer_reads_satisfied(app, code):
    from core.surveys.questionnaire import problems, read

    with app.app_context():
        q = facade.survey_questionnaire(code)
    assert problems(q) == []
    content = {x.code: (5 if x.kind == "stars" else next(
        (v for v, _zh, _en in x.choices if v not in x.dissatisfied_choices), None)
        if x.kind == "choice" else "好") for x in q.questions}
    reading, errors = read(q, content)
    assert errors == {} and reading.score == 5 and not reading.dissatisfied
