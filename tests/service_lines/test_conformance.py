"""The conformance check of core.testing, run over the four shipped lines and the example,
and over deliberately broken lines that must fail with messages saying what to fix."""
from __future__ import annotations

import sys
from decimal import Decimal
from pathlib import Path

import pytest

from core import CredentialKind, MatchingRule, Msg, Quote, QuoteLine, ServiceLine
from core.testing import assert_conforms, problems_of
from plugins.child_massage.line import ChildMassageLine
from plugins.cleaning.line import CleaningLine
from plugins.cleaning.schemas import CleaningIntakeSchema
from plugins.maternity_nurse.line import MaternityNurseLine
from plugins.nanny.line import NannyLine

EXAMPLE = Path(__file__).resolve().parents[2] / "examples" / "jiazheng-elderly-care"


def _example_line():
    if str(EXAMPLE) not in sys.path:
        sys.path.insert(0, str(EXAMPLE))
    from jiazheng_elderly_care.line import ElderlyCareLine

    return ElderlyCareLine()


@pytest.mark.parametrize("make", [CleaningLine, MaternityNurseLine, ChildMassageLine,
                                  NannyLine, _example_line],
                         ids=["cleaning", "maternity_nurse", "child_massage", "nanny",
                              "elderly_care"])
def test_every_shipped_line_and_the_example_conform(make):
    assert_conforms(make())


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
