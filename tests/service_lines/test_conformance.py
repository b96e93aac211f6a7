"""The conformance check of core.testing, run over the four shipped lines and the example,
and over deliberately broken lines that must fail with messages saying what to fix."""
from __future__ import annotations

import importlib
import re
import sys
from decimal import Decimal
from pathlib import Path

import pytest
from marshmallow import ValidationError, validates_schema

from core import (
    CredentialKind,
    Invalid,
    MatchingRule,
    Msg,
    Quote,
    QuoteLine,
    ServiceLine,
    hookimpl,
)
from core.hookspecs import CONTRACT_VERSION
from core.plugins import PluginError, build_plugin_manager
from core.testing import assert_conforms, problems_of
from plugins.child_massage.line import ChildMassageLine
from plugins.cleaning import schemas as cleaning_schemas
from plugins.cleaning.line import CleaningLine
from plugins.cleaning.schemas import CleaningIntakeSchema
from plugins.maternity_nurse.line import MaternityNurseLine
from plugins.nanny.line import NannyLine

SAMPLE = cleaning_schemas.SAMPLE_INTAKE
EXAMPLES = Path(__file__).resolve().parents[2] / "examples"


def _from_example(folder: str, module: str, name: str):
    """A maker of the line class ``name`` of the example distribution in ``folder``."""
    def make():
        path = str(EXAMPLES / folder)
        if path not in sys.path:
            sys.path.insert(0, path)
        return getattr(importlib.import_module(module), name)()

    return make


@pytest.mark.parametrize("make", [
    CleaningLine, MaternityNurseLine, ChildMassageLine, NannyLine,
    _from_example("jiazheng-elderly-care", "jiazheng_elderly_care.line", "ElderlyCareLine"),
    _from_example("jiazheng-hourly-help", "jiazheng_hourly_help.line", "HourlyHelpLine")],
    ids=["cleaning", "maternity_nurse", "child_massage", "nanny", "elderly_care",
         "hourly_help"])
def test_every_shipped_line_and_the_example_conform(make):
    line = make()
    assert line.invalid_sample_intakes, "each shipped line gives an invalid sample intake"
    assert_conforms(line)


def _line(amount: str, unit_price: str | None = None):
    unit_price = unit_price or amount

    class Broken(ServiceLine):
        code, name_zh, name_en = "ironing", "熨烫", "Ironing"
        intake_schema = CleaningIntakeSchema

        def default_price_table(self):
            return {"currency": "CNY", "floor_ratio": "1.00"}

        def quote(self, intake, price_table):
            line = QuoteLine("熨烫", "Ironing", Decimal(1), "visit", Decimal(unit_price),
                             Decimal(amount))
            return Quote("ironing", Decimal(amount), (line,))

    return Broken()


def test_a_conforming_minimal_line_has_no_problem():
    assert problems_of(_line("50.00")) == []


def test_a_negative_price_is_named():
    found = problems_of(_line("-5.00"))
    assert any("total" in p and "at least 0" in p for p in found), found


def test_lines_that_do_not_sum_to_the_total_are_named():
    class WrongSum(type(_line("1.00"))):
        def quote(self, intake, price_table):
            line = QuoteLine("熨烫", "Ironing", Decimal(1), "visit", Decimal("10.00"),
                             Decimal("10.00"))
            return Quote("ironing", Decimal("12.00"), (line,))

    found = problems_of(WrongSum())
    assert any("quote of sample intake #0 raised ValueError" in p and "do not sum" in p
               for p in found), found


def test_a_missing_sample_bad_metadata_and_duplicate_rules_are_all_named():
    rule = MatchingRule("x", Msg("x", "x"), lambda intake, worker: True)

    class Sloppy(type(_line("1.00"))):
        code, name_zh = "Ironing!", ""
        credential_kinds = ("ironing_cert",)
        matching_rules = (rule, rule)
        sample_intakes = []

    found = problems_of(Sloppy())
    text = "\n".join(found)
    assert "code 'Ironing!'" in text and "name_zh" in text
    assert "'ironing_cert' is not a core.CredentialKind" in text
    assert "sample_intakes: give at least one valid raw intake" in text
    assert "matching_rules: codes repeat" in text
    with pytest.raises(AssertionError, match="does not conform"):
        assert_conforms(Sloppy())


def test_a_line_without_price_table_or_quote_is_told_what_to_write():
    class Empty(ServiceLine):
        code, name_zh, name_en = "ironing", "熨烫", "Ironing"
        intake_schema = CleaningIntakeSchema
        credential_kinds = (CredentialKind("x", "x", "x"),)

    found = problems_of(Empty())
    assert any(p.startswith("default_price_table raised NotImplementedError") for p in found)


def test_something_that_is_not_a_line_is_refused():
    assert problems_of(object())[0].endswith("is not a core.ServiceLine: subclass it")


def test_a_line_whose_schema_module_has_no_sample_is_told_to_add_one():
    class NoSampleSchema(CleaningIntakeSchema):  # its module (this one) has no SAMPLE_INTAKE
        pass

    class NoSample(type(_line("1.00"))):
        intake_schema = NoSampleSchema

    assert NoSample().sample_intakes == []
    found = problems_of(NoSample())
    assert ["sample_intakes: give at least one valid raw intake (define SAMPLE_INTAKE next "
            "to the intake schema, or override sample_intakes)"] == found


def test_an_invalid_sample_the_schema_accepts_is_named():
    class Lenient(type(_line("1.00"))):
        invalid_sample_intakes = [{**SAMPLE, "kind": "deep"}, {**SAMPLE, "floor_area": "0"}]

    found = problems_of(Lenient())
    assert found == ["invalid sample intake #0 was accepted by the intake schema: make the "
                     "schema refuse it (with a message on the field), or take it out of the "
                     "invalid samples (INVALID_SAMPLE_INTAKES)"]


def test_an_invalid_sample_refused_without_naming_a_field_is_named():
    class Vague(CleaningIntakeSchema):
        @validates_schema
        def _no_notes(self, data: dict, **kwargs) -> None:
            if data.get("notes"):
                raise ValidationError("No notes, please.")

    class VagueLine(type(_line("1.00"))):
        intake_schema = Vague
        sample_intakes = [SAMPLE]
        invalid_sample_intakes = [{**SAMPLE, "notes": "a cat"}]

    found = problems_of(VagueLine())
    assert len(found) == 1, found
    assert found[0].startswith("invalid sample intake #0: the intake schema refused it "
                               "without naming a field ({'_schema': ['No notes, please.']})")


def test_the_invalid_samples_default_to_the_schema_modules_list():
    invalid = cleaning_schemas.INVALID_SAMPLE_INTAKES
    assert CleaningLine().invalid_sample_intakes == invalid
    assert _line("1.00").invalid_sample_intakes == invalid


def _discounting(refuse_above: Decimal | None = None):
    """A line giving 1.00 off for each m² beyond 150 of a 100.00 visit: negative beyond
    250 m², an area the schema accepts (up to 2000); ``refuse_above``: a larger area is
    refused with core.Invalid (the table cannot price it)."""

    class Discounting(type(_line("1.00"))):
        def quote(self, intake, price_table):
            area = intake["floor_area"]
            if refuse_above is not None and area > refuse_above:
                raise Invalid({"floor_area": ["the table prices up to 250 m²"]})
            off = -max(Decimal("0.00"), (area - 150).quantize(Decimal("0.01")))
            lines = (QuoteLine("上门", "Visit", Decimal(1), "visit", Decimal("100.00"),
                               Decimal("100.00")),
                     QuoteLine("大面积优惠", "Large-area discount", Decimal(1), "visit", off,
                               off))
            return Quote("ironing", Decimal("100.00") + off, lines)

    return Discounting()


def test_a_negative_price_found_by_generated_intakes_is_named_with_the_intake():
    found = problems_of(_discounting())
    assert len(found) == 1, found
    problem = found[0]
    assert problem.startswith("quote of the generated intake {")
    assert "must be a Decimal of at least 0 (an intake the schema accepts, drawn from its " \
           "fields: refuse such intakes in the schema, or price them soundly)" in problem
    area = Decimal(re.search(r"'floor_area': '([0-9.]+)'", problem).group(1))
    assert area > 250  # the intake shown is one that does price below zero
    assert problems_of(_discounting(), examples=0) == []  # the sample alone prices soundly


def test_intakes_the_table_refuses_with_invalid_are_no_problem():
    assert problems_of(_discounting(refuse_above=Decimal(250))) == []


class _OwnPlugin:
    JIAZHENG_CONTRACT = CONTRACT_VERSION

    def __init__(self, line: ServiceLine) -> None:
        self.line = line

    @hookimpl
    def register_service_lines(self):
        return [self.line]


def test_two_plugins_owning_one_line_code_are_refused_naming_the_code_and_both():
    with pytest.raises(PluginError) as caught:
        build_plugin_manager(extra=[("my_cleaning", _OwnPlugin(CleaningLine()))])
    assert str(caught.value) == ("service line 'cleaning' is registered by two plugins: "
                                 "'cleaning' and 'my_cleaning'; disable one with "
                                 "JIAZHENG_DISABLED_PLUGINS")


def test_lines_that_do_not_sum_for_a_generated_intake_are_named_with_the_intake():
    class DeepWrongSum(type(_line("50.00"))):
        def quote(self, intake, price_table):
            if intake["kind"] != "deep":  # the sample is post_renovation
                return super().quote(intake, price_table)
            line = QuoteLine("熨烫", "Ironing", Decimal(1), "visit", Decimal("10.00"),
                             Decimal("10.00"))
            return Quote("ironing", Decimal("12.00"), (line,))

    found = problems_of(DeepWrongSum())
    assert len(found) == 1, found
    assert found[0].startswith("quote of the generated intake {")
    assert "'kind': 'deep'" in found[0]
    assert "raised ValueError: quote of 'ironing': lines do not sum to 12.00" in found[0]
