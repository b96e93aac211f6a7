"""The plugin author's kit (start): a conformance check of a service line object.

``problems_of(line)`` returns what to fix, one message a problem, in words an author can
act on; ``assert_conforms(line)`` fails a test with all of them at once. A plugin's own
test suite runs it with one line::

    from core.testing import assert_conforms
    from my_plugin.line import MyLine

    def test_my_line_conforms():
        assert_conforms(MyLine())

What is checked, for the line object alone (pure: no app, no database):

- its metadata: a lower-case code, both names, credential kinds that are
  ``CredentialKind``s;
- its intake schema is a ``core.IntakeSchema`` subclass whose form can be described, and
  it gives at least one sample intake, each accepted by the schema;
- its default price table is a dict its own check accepts;
- for each sample: a ``Quote`` of the line, in Decimal, never below zero, whose lines sum
  to the total (``Quote`` refuses otherwise), with a table floor not above the total;
  the visits and session package, when the line gives them, of the right types;
- its order policy is an ``OrderPolicy``; its follow-up rules and its questionnaire are
  valid; its matching rules and score parts are of the right types with unique codes.
"""
from __future__ import annotations

import copy
import re
from decimal import Decimal

from ..servicelines.base import ServiceLine
from ..types import CredentialKind, MatchingRule, OrderPolicy, Quote, ScorePart, SessionPackage

_CODE = re.compile(r"^[a-z][a-z0-9_]*$")


def _safe(problems: list[str], what: str, call):
    """The result of ``call()``; an exception becomes a problem naming ``what``."""
    try:
        return call()
    except Exception as exc:  # noqa: BLE001 - any failure is a problem to report
        problems.append(f"{what} raised {type(exc).__name__}: {exc}")
        return None


def _metadata(line: ServiceLine, out: list[str]) -> None:
    if not isinstance(line.code, str) or not _CODE.match(line.code):
        out.append(f"code {line.code!r}: give a lower-case code of letters, digits and _ "
                   "(it is used in URLs and data)")
    for name in ("name_zh", "name_en"):
        if not isinstance(getattr(line, name), str) or not getattr(line, name).strip():
            out.append(f"{name}: give the line's name (both languages are shown)")
    for kind in line.credential_kinds:
        if not isinstance(kind, CredentialKind):
            out.append(f"credential_kinds: {kind!r} is not a core.CredentialKind")


def _intakes(line: ServiceLine, out: list[str]) -> list[dict]:
    from ..forms import IntakeSchema, describe_schema

    schema = line.intake_schema
    if not (isinstance(schema, type) and issubclass(schema, IntakeSchema)):
        out.append(f"intake_schema: {schema!r} is not a core.IntakeSchema subclass")
        return []
    _safe(out, "describing the intake form (describe_schema)", lambda: describe_schema(schema))
    samples = _safe(out, "sample_intakes", lambda: list(line.sample_intakes)) or []
    if not samples:
        out.append("sample_intakes: give at least one valid raw intake (define SAMPLE_INTAKE "
                   "next to the intake schema, or override sample_intakes)")
    loaded = []
    for n, raw in enumerate(samples):
        intake = _safe(out, f"the intake schema loading sample intake #{n}",
                       lambda raw=raw: schema().load(copy.deepcopy(raw)))
        if intake is not None:
            loaded.append(intake)
    return loaded


def _quote(line: ServiceLine, n: int, intake: dict, table: dict, out: list[str]) -> None:
    quote = _safe(out, f"quote of sample intake #{n}", lambda: line.quote(intake, table))
    if quote is None:
        return
    if not isinstance(quote, Quote) or quote.service_line != line.code:
        out.append(f"quote of sample intake #{n}: return a core.Quote of line "
                   f"{line.code!r}, not {quote!r}")
        return
    if not isinstance(quote.total, Decimal) or quote.total < 0:
        out.append(f"quote of sample intake #{n}: the total {quote.total!r} must be a "
                   "Decimal of at least 0")
    if quote.table_floor is not None and quote.table_floor > quote.total:
        out.append(f"quote of sample intake #{n}: the table floor {quote.table_floor} is "
                   f"above the total {quote.total}")


def _per_intake(line: ServiceLine, n: int, intake: dict, out: list[str]) -> None:
    from ..types import VisitSlot

    visits = _safe(out, f"plan_visits of sample intake #{n}", lambda: line.plan_visits(intake))
    if visits is not None and not (isinstance(visits, (list, tuple)) and all(
            isinstance(v, VisitSlot) for v in visits)):
        out.append(f"plan_visits of sample intake #{n}: return None or a list of "
                   "core.VisitSlot")
    package = _safe(out, f"session_package of sample intake #{n}",
                    lambda: line.session_package(intake))
    if package is not None and not isinstance(package, SessionPackage):
        out.append(f"session_package of sample intake #{n}: return None or a "
                   "core.SessionPackage")


def _rules(line: ServiceLine, out: list[str]) -> None:
    from ..followups.rules import problems as rule_problems
    from ..surveys.questionnaire import problems as questionnaire_problems

    rules = _safe(out, "get_followup_rules", line.get_followup_rules)
    if rules is not None:
        for problem in rule_problems(rules):
            out.append(f"followup_rules: {problem}")
    questionnaire = _safe(out, "get_questionnaire", line.get_questionnaire)
    if questionnaire is not None:
        for problem in questionnaire_problems(questionnaire):
            out.append(f"questionnaire: {problem}")
    for what, kind, items in (("matching_rules", MatchingRule, line.get_matching_rules()),
                              ("score_parts", ScorePart, line.get_score_parts())):
        codes = [getattr(item, "code", None) for item in items]
        for item in items:
            if not isinstance(item, kind):
                out.append(f"{what}: {item!r} is not a core.{kind.__name__}")
        if len(set(codes)) != len(codes):
            out.append(f"{what}: codes repeat ({codes})")


def problems_of(line: ServiceLine) -> list[str]:
    """What to fix in a service line object (empty when it conforms)."""
    out: list[str] = []
    if not isinstance(line, ServiceLine):
        return [f"{line!r} is not a core.ServiceLine: subclass it"]
    _metadata(line, out)
    intakes = _intakes(line, out)
    raw_table = _safe(out, "default_price_table", line.default_price_table)
    if raw_table is not None and not isinstance(raw_table, dict):
        out.append(f"default_price_table: return a dict, not {type(raw_table).__name__}")
        raw_table = None
    table = None
    if raw_table is not None:
        table = _safe(out, "check_price_table of the default table",
                      lambda: line.check_price_table(copy.deepcopy(raw_table)))
        policy = _safe(out, "order_policy", lambda: line.order_policy(copy.deepcopy(raw_table)))
        if policy is not None and not isinstance(policy, OrderPolicy):
            out.append(f"order_policy: return a core.OrderPolicy, not {policy!r}")
    for n, intake in enumerate(intakes):
        if table is not None:
            _quote(line, n, intake, table, out)
        _per_intake(line, n, intake, out)
    _rules(line, out)
    return out


def assert_conforms(line: ServiceLine) -> None:
    """Fail (AssertionError) with every problem of ``line``, one a line."""
    found = problems_of(line)
    if found:
        raise AssertionError(f"service line {getattr(line, 'code', line)!r} does not "
                             "conform:\n- " + "\n- ".join(found))
