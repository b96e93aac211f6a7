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
  it gives at least one sample intake (a line without one is told to add
  ``SAMPLE_INTAKE``), each accepted by the schema;
- each of its invalid sample intakes (``invalid_sample_intakes``, by default the
  ``INVALID_SAMPLE_INTAKES`` of the schema's module) is refused by the schema with a
  ``ValidationError`` whose messages name a field (not only ``_schema``);
- its default price table is a dict its own check accepts;
- for each sample: a ``Quote`` of the line, in Decimal, never below zero, whose lines sum
  to the total (``Quote`` refuses otherwise), with a table floor not above the total;
  the visits and session package, when the line gives them, of the right types;
- when the samples quote soundly, the same for ``examples`` (25) raw intakes drawn from
  the intake schema's fields (:func:`core.testing.strategies.intakes`, hypothesis,
  derandomized and without an example database: repeatable, though hypothesis also mixes
  in constants of the imported modules) that the schema accepts; a quote refused with
  ``core.Invalid`` (the table cannot price the intake) is no problem, and the first
  problem found is reported with its intake, shrunk;
- its order policy is an ``OrderPolicy``; its follow-up rules and its questionnaire are
  valid; its matching rules and score parts are of the right types with unique codes.

Two plugins registering the same line code is refused by core at start-up
(``core.plugins``), naming the code and both plugins: it is not a property of one line.
"""
from __future__ import annotations

import copy
import re
from decimal import Decimal

from ..servicelines.base import ServiceLine
from ..types import CredentialKind, MatchingRule, OrderPolicy, Quote, ScorePart, SessionPackage

_CODE = re.compile(r"^[a-z][a-z0-9_]*$")
#: intakes drawn from the intake schema's fields and quoted, by default (derandomized)
GENERATED_EXAMPLES = 25


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
    _invalid_samples(line, schema, out)
    loaded = []
    for n, raw in enumerate(samples):
        intake = _safe(out, f"the intake schema loading sample intake #{n}",
                       lambda raw=raw: schema().load(copy.deepcopy(raw)))
        if intake is not None:
            loaded.append(intake)
    return loaded


def _invalid_samples(line: ServiceLine, schema: type, out: list[str]) -> None:
    """Each invalid sample intake is refused by the schema with a message on a field."""
    from marshmallow import ValidationError

    samples = _safe(out, "invalid_sample_intakes", lambda: list(line.invalid_sample_intakes))
    for n, raw in enumerate(samples or []):
        what = f"invalid sample intake #{n}"
        try:
            schema().load(copy.deepcopy(raw))
        except ValidationError as exc:
            messages = exc.messages if isinstance(exc.messages, dict) else {}
            if not [name for name in messages if name != "_schema"]:
                out.append(f"{what}: the intake schema refused it without naming a field "
                           f"({exc.messages!r}); raise ValidationError(message, field_name) "
                           "so the form shows the message at the field")
            continue
        except Exception as exc:  # noqa: BLE001 - any other failure is a problem to report
            out.append(f"{what}: the intake schema raised {type(exc).__name__}: {exc}; "
                       "refuse it with a marshmallow ValidationError naming the field")
            continue
        out.append(f"{what} was accepted by the intake schema: make the schema refuse it "
                   "(with a message on the field), or take it out of the invalid samples "
                   "(INVALID_SAMPLE_INTAKES)")


def _quote_problems(line: ServiceLine, what: str, intake: dict, table: dict, *,
                    may_refuse: bool = False) -> list[str]:
    """What is wrong with the quote of one LOADED intake (``what`` names the intake);
    with ``may_refuse``, a ``core.Invalid`` (the table cannot price it) is no problem."""
    from ..errors import Invalid

    try:
        quote = line.quote(intake, table)
    except Exception as exc:  # noqa: BLE001 - any failure is a problem to report
        if may_refuse and isinstance(exc, Invalid):
            return []
        return [f"quote of {what} raised {type(exc).__name__}: {exc}"]
    out: list[str] = []
    if not isinstance(quote, Quote) or quote.service_line != line.code:
        return [f"quote of {what}: return a core.Quote of line {line.code!r}, not {quote!r}"]
    if not isinstance(quote.total, Decimal) or quote.total < 0:
        out.append(f"quote of {what}: the total {quote.total!r} must be a Decimal of at "
                   "least 0")
    elif sum((item.amount for item in quote.lines), Decimal("0.00")) != quote.total:
        out.append(f"quote of {what}: the lines do not sum to the total {quote.total}")
    if quote.table_floor is not None and quote.table_floor > quote.total:
        out.append(f"quote of {what}: the table floor {quote.table_floor} is above the "
                   f"total {quote.total}")
    return out


class _Found(Exception):
    """Problems of a generated intake (raised to make hypothesis shrink the intake)."""

    def __init__(self, problems: list[str]) -> None:
        super().__init__("\n".join(problems))
        self.problems = problems


def _generated(line: ServiceLine, table: dict, samples: list[dict], examples: int) -> list[str]:
    """Problems of the quotes of intakes drawn from the intake schema's fields (the first
    found, shrunk to a small intake by hypothesis); none when ``examples`` is 0."""
    if examples <= 0:
        return []
    try:
        from hypothesis import HealthCheck, Phase, Verbosity, given, settings
    except ImportError:
        return ["generated intakes: install hypothesis (pip install 'hypothesis>=6.100', a "
                "test dependency), or pass examples=0 to check the sample intakes alone"]

    from .strategies import UnsupportedField, intakes

    schema = line.intake_schema
    try:
        strategy = intakes(schema, samples[0] if samples else None)
    except UnsupportedField as exc:
        return [f"generated intakes: {exc}"]

    @settings(max_examples=examples, deadline=None, derandomize=True, database=None,
              report_multiple_bugs=False, verbosity=Verbosity.quiet, print_blob=False,
              suppress_health_check=list(HealthCheck),
              phases=(Phase.explicit, Phase.generate, Phase.shrink))  # no explaining: slow
    @given(strategy)
    def check(raw: dict) -> None:
        intake = schema().load(copy.deepcopy(raw))
        found = _quote_problems(line, f"the generated intake {raw!r}", intake, table,
                                may_refuse=True)
        if found:
            raise _Found(found)

    try:
        check()
    except _Found as exc:
        return [f"{problem} (an intake the schema accepts, drawn from its fields: refuse "
                "such intakes in the schema, or price them soundly)"
                for problem in exc.problems]
    return []


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


def _default_table(line: ServiceLine, out: list[str]) -> dict | None:
    """The line's default table, LOADED by its own check (None when it has a problem);
    its order policy is checked under it."""
    raw_table = _safe(out, "default_price_table", line.default_price_table)
    if raw_table is not None and not isinstance(raw_table, dict):
        out.append(f"default_price_table: return a dict, not {type(raw_table).__name__}")
        return None
    if raw_table is None:
        return None
    policy = _safe(out, "order_policy", lambda: line.order_policy(copy.deepcopy(raw_table)))
    if policy is not None and not isinstance(policy, OrderPolicy):
        out.append(f"order_policy: return a core.OrderPolicy, not {policy!r}")
    return _safe(out, "check_price_table of the default table",
                 lambda: line.check_price_table(copy.deepcopy(raw_table)))


def _quotes(line: ServiceLine, intakes: list[dict], table: dict | None, examples: int,
            out: list[str]) -> None:
    """The quotes of the sample intakes, then, when those are sound, of generated ones."""
    sound = table is not None and bool(intakes)
    for n, intake in enumerate(intakes):
        if table is not None:
            found = _quote_problems(line, f"sample intake #{n}", intake, table)
            sound = sound and not found
            out.extend(found)
        _per_intake(line, n, intake, out)
    if sound:  # else the samples show the problem already
        samples = _safe(out, "sample_intakes", lambda: list(line.sample_intakes)) or []
        out.extend(_generated(line, table, samples, examples))


def problems_of(line: ServiceLine, *, examples: int = GENERATED_EXAMPLES) -> list[str]:
    """What to fix in a service line object (empty when it conforms); ``examples``: how
    many intakes to draw from the intake schema's fields and quote (0: none)."""
    if not isinstance(line, ServiceLine):
        return [f"{line!r} is not a core.ServiceLine: subclass it"]
    out: list[str] = []
    _metadata(line, out)
    intakes = _intakes(line, out)
    table = _default_table(line, out)
    _quotes(line, intakes, table, examples, out)
    _rules(line, out)
    return out


def assert_conforms(line: ServiceLine, *, examples: int = GENERATED_EXAMPLES) -> None:
    """Fail (AssertionError) with every problem of ``line``, one a line."""
    found = problems_of(line, examples=examples)
    if found:
        raise AssertionError(f"service line {getattr(line, 'code', line)!r} does not "
                             "conform:\n- " + "\n- ".join(found))
