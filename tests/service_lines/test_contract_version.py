"""Plugin contract 2: a service line is one object with documented defaults; core and
plugins declare the contract version (a major mismatch refuses to load); hooks of
contract 1 keep working with a deprecation warning; nothing line-specific is left in
core, and no plugin asks "is this line mine?"."""
from __future__ import annotations

import datetime as dt
import inspect
import re
import warnings
from decimal import Decimal
from pathlib import Path

import pytest

from core import OrderPolicy, Quote, QuoteLine, ServiceLine, hookimpl, hookspecs
from core import plugins as facade
from core.hookspecs import CONTRACT_VERSION, ContractDeprecationWarning
from core.plugins import PluginError, registry
from plugins.cleaning.schemas import SAMPLE_INTAKE, CleaningIntakeSchema
from tests.conftest import ApiClient, make_test_app, make_user, token_for

ROOT = Path(__file__).resolve().parents[2]


class IroningLine(ServiceLine):
    """The least a line gives: code, names, intake schema, default table and quote."""

    code = "ironing"
    name_zh = "熨烫"
    name_en = "Ironing"
    intake_schema = CleaningIntakeSchema

    def default_price_table(self) -> dict:
        return {"currency": "CNY", "floor_ratio": "1.00"}

    def quote(self, intake: dict, price_table: dict) -> Quote:
        line = QuoteLine("熨烫", "Ironing", Decimal(1), "visit", Decimal("50.00"),
                         Decimal("50.00"))
        return Quote("ironing", Decimal("50.00"), (line,))


class IroningPlugin:
    """A plugin of contract ``version`` registering the ironing line."""

    def __init__(self, version: str | None = CONTRACT_VERSION, line: ServiceLine | None = None):
        if version is not None:
            self.JIAZHENG_CONTRACT = version
        self.line = line or IroningLine()

    @hookimpl
    def register_service_lines(self):
        return [self.line]


def test_core_declares_its_contract_version_and_the_shipped_plugins_theirs(app):
    assert re.fullmatch(r"\d+\.\d+", CONTRACT_VERSION)
    reg = registry(app)
    for name in reg.plugins:
        assert facade.contract_of(reg.pm.get_plugin(name)) == CONTRACT_VERSION


def test_a_plugin_of_another_major_version_is_refused_with_a_message(tmp_path, database_url):
    major = hookspecs.CONTRACT_MAJOR
    with pytest.raises(PluginError) as caught:
        make_test_app(tmp_path, database_url,
                      EXTRA_PLUGINS=[("old_ironing", IroningPlugin(f"{major - 1}.4"))])
    message = str(caught.value)
    assert "'old_ironing'" in message and f"{major - 1}.4" in message
    assert CONTRACT_VERSION in message and "JIAZHENG_DISABLED_PLUGINS" in message


def test_a_plugin_of_the_same_major_version_loads_and_its_line_quotes(tmp_path,
                                                                      database_url):
    app = make_test_app(tmp_path, database_url, EXTRA_PLUGINS=[
        ("ironing", IroningPlugin(f"{hookspecs.CONTRACT_MAJOR}.9"))])
    with app.app_context():
        intake = CleaningIntakeSchema().load(SAMPLE_INTAKE)
        assert facade.quote("ironing", intake).total == Decimal("50.00")
        assert facade.plugin_of("ironing") == "ironing"


def test_a_version_that_is_not_a_version_is_refused(tmp_path, database_url):
    with pytest.raises(PluginError, match="'ironing' declares JIAZHENG_CONTRACT = 'two'"):
        make_test_app(tmp_path, database_url,
                      EXTRA_PLUGINS=[("ironing", IroningPlugin("two"))])


def test_a_line_that_cannot_quote_is_refused_at_start_up(tmp_path, database_url):
    class NoQuote(ServiceLine):
        code, name_zh, name_en = "ironing", "熨烫", "Ironing"
        intake_schema = CleaningIntakeSchema

        def default_price_table(self) -> dict:
            return {"currency": "CNY", "floor_ratio": "1.00"}

    with pytest.raises(PluginError, match="'ironing'.*NoQuote does not implement quote"):
        make_test_app(tmp_path, database_url,
                      EXTRA_PLUGINS=[("ironing", IroningPlugin(line=NoQuote()))])


def test_a_line_that_gives_nothing_else_gets_the_documented_defaults(tmp_path,
                                                                     database_url):
    from core.surveys.questionnaire import DEFAULT

    app = make_test_app(tmp_path, database_url,
                        EXTRA_PLUGINS=[("ironing", IroningPlugin())])
    with app.app_context():
        intake = CleaningIntakeSchema().load(SAMPLE_INTAKE)
        assert facade.order_policy("ironing") == OrderPolicy()
        assert facade.plan_visits("ironing", intake) is None
        assert facade.session_package("ironing", intake) is None
        assert facade.followup_rules("ironing").rules == ()
        assert facade.survey_questionnaire("ironing") is DEFAULT
        assert facade.matching_rules("ironing") == [] and facade.score_parts("ironing") == []
        assert facade.check_price_table("ironing", {"currency": "CNY", "floor_ratio": "0.9"})
    line = IroningLine()
    assert line.sample_intakes == [SAMPLE_INTAKE]  # SAMPLE_INTAKE of the schema's module
    assert line.first_day({"start_date": "2030-05-01"}) == dt.date(2030, 5, 1)
    assert line.slot_hours_for({}) is None  # whole days…
    assert line.slot_hours_for({"preferred_time": "10:00"}) == 2  # …unless a time is asked
    assert line.term_days({}) is None and line.default_term_days == 30
    assert line.job_words == () and line.service_sheet_title is None


class OldNames:
    """A plugin of contract 1: a plain ServiceLine record and per-line hooks, and the
    old name of the state broadcast."""

    def __init__(self):
        self.heard: list[tuple] = []

    @hookimpl
    def register_service_lines(self):
        return [ServiceLine(code="ironing", name_zh="熨烫", name_en="Ironing")]

    @hookimpl
    def get_intake_schema(self, service_line):
        return CleaningIntakeSchema if service_line == "ironing" else None

    @hookimpl
    def get_price_table(self, service_line):
        return IroningLine().default_price_table() if service_line == "ironing" else None

    @hookimpl
    def validate_price_table(self, service_line, table):
        return True if service_line == "ironing" else None

    @hookimpl
    def get_quote(self, service_line, intake, price_table):
        return IroningLine().quote(intake, price_table) if service_line == "ironing" else None

    @hookimpl
    def order_state_changed(self, order_id, service_line, from_state, to_state):
        self.heard.append(("old", from_state, to_state))


class NewNames:
    """A listener of contract 2 (verb-first name)."""

    def __init__(self):
        self.heard: list[tuple] = []

    @hookimpl
    def handle_order_state_change(self, order_id, service_line, from_state, to_state):
        self.heard.append(("new", from_state, to_state))


def test_hooks_of_contract_1_warn_at_start_up_and_keep_working(tmp_path, database_url):
    from tests.orders.conftest import advance
    from tests.orders.helpers import intake, make_customer

    old, new = OldNames(), NewNames()
    with pytest.warns(ContractDeprecationWarning) as caught:
        app = make_test_app(tmp_path, database_url,
                            EXTRA_PLUGINS=[("old", old), ("new", new)])
    warned = " ".join(str(w.message) for w in caught)
    for hook in ("get_intake_schema", "get_price_table", "validate_price_table", "get_quote",
                 "order_state_changed"):
        assert f"'{hook}'" in warned
    assert "handle_order_state_change" in warned  # says what to rename it to
    with app.app_context():
        assert facade.quote("ironing", CleaningIntakeSchema().load(SAMPLE_INTAKE)).total \
            == Decimal("50.00")
    make_user(app, "dispatcher", "contract-desk")
    client = ApiClient(app, token_for(app, "contract-desk"))
    customer = make_customer(app)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        resp = client.post("/api/v1/orders", json={"service_line": "cleaning",
                                                   "customer_id": customer,
                                                   "intake": intake("cleaning")})
        advance(client, resp.get_json(), "quoted")
    assert ("new", "enquiry", "quoted") in new.heard
    assert ("old", "enquiry", "quoted") in old.heard  # the old name is still broadcast to
    if database_url:
        from tests.conftest import empty_database

        empty_database(app)


def test_every_hook_specification_is_typed_and_documented():
    for name, spec in vars(hookspecs).items():
        if inspect.isfunction(spec) and hasattr(spec, f"{hookspecs.PROJECT}_spec"):
            signature = inspect.signature(spec)
            assert signature.return_annotation is not inspect.Signature.empty, name
            for parameter in signature.parameters.values():
                assert parameter.annotation is not inspect.Parameter.empty, (name, parameter)
            assert inspect.getdoc(spec), name


def test_no_plugin_asks_whether_a_line_is_its_own():
    sources = [*ROOT.glob("plugins/*/*.py"),
               *ROOT.glob("examples/*/jiazheng_elderly_care/*.py")]
    assert sources
    offenders = [str(p.relative_to(ROOT)) for p in sources
                 if "service_line != " in p.read_text(encoding="utf-8")]
    assert not offenders, f"ownership checks left in {offenders}"


def test_no_line_code_is_named_in_core_outside_the_plugin_manager():
    codes = ("cleaning", "maternity_nurse", "child_massage", "nanny", "elderly_care")
    pattern = re.compile(r"\b(" + "|".join(codes) + r")\b")
    offenders = []
    for path in [*ROOT.glob("core/**/*.py"), *ROOT.glob("core/templates/**/*.html")]:
        relative = path.relative_to(ROOT).as_posix()
        if relative.startswith("core/migrations/"):
            continue
        for number, text in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
            if pattern.search(text):
                offenders.append(f"{relative}:{number}: {text.strip()}")
    assert not offenders, "line codes named in core:\n" + "\n".join(offenders)
