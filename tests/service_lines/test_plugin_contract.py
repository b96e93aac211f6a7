"""The facades over the intake and pricing hooks, and the start-up checks behind them:
an owned answer comes from exactly one plugin, its owner."""
import copy
from decimal import Decimal

import pytest

from core import Invalid, Quote, QuoteLine, ServiceLine, hookimpl
from core import plugins as facade
from core.errors import NotFound
from core.plugins import PluginError
from plugins.cleaning.schemas import SAMPLE_INTAKE, CleaningIntakeSchema
from tests.conftest import make_test_app

#: this module's test plugins use hooks of plugin contract 1 on purpose: they check that
#: those hooks keep working (and refusing strangers) through contract 2
pytestmark = pytest.mark.filterwarnings("ignore::core.hookspecs.ContractDeprecationWarning")


class Stranger:
    """A test plugin that answers for the cleaning line it does not own."""

    @hookimpl
    def get_intake_schema(self, service_line):
        return CleaningIntakeSchema if service_line == "cleaning" else None


class Ironing:
    """A test plugin owning a line ``ironing``, with knobs for what it answers."""

    def __init__(self, schema=CleaningIntakeSchema, table=None):
        self.schema = schema
        self.table = table if table is not None else {"currency": "CNY", "floor_ratio": "1.00"}

    @hookimpl
    def register_service_lines(self):
        return [ServiceLine(code="ironing", name_zh="熨烫", name_en="Ironing")]

    @hookimpl
    def get_intake_schema(self, service_line):
        return self.schema if service_line == "ironing" else None

    @hookimpl
    def get_price_table(self, service_line):
        return copy.deepcopy(self.table) if service_line == "ironing" else None

    @hookimpl
    def validate_price_table(self, service_line, table):
        if service_line != "ironing":
            return None
        if "floor_ratio" not in table:
            raise Invalid(fields={"floor_ratio": [{"zh": "必填", "en": "required"}]})
        return True


class SecondQuoter:
    """A test plugin that prices cleaning too (only visible when a quote is asked)."""

    @hookimpl
    def get_quote(self, service_line, intake, price_table):
        if service_line != "cleaning":
            return None
        line = QuoteLine("白送", "Free", Decimal(1), "visit", Decimal("1.00"), Decimal("1.00"))
        return Quote("cleaning", Decimal("1.00"), (line,))


def app_with(tmp_path, *plugins):
    return make_test_app(tmp_path, None, EXTRA_PLUGINS=list(plugins))


def test_plugin_answering_for_a_line_it_does_not_own_stops_the_app(tmp_path):
    with pytest.raises(PluginError) as exc:
        app_with(tmp_path, ("stranger", Stranger()))
    message = str(exc.value)
    assert "'stranger'" in message and "'cleaning'" in message
    assert "get_intake_schema" in message


def test_line_without_an_intake_schema_stops_the_app(tmp_path):
    with pytest.raises(PluginError, match=r"'ironing'.*0 answers to get_intake_schema"):
        app_with(tmp_path, ("ironing", Ironing(schema=None)))


def test_intake_schema_that_is_not_an_intake_schema_class_stops_the_app(tmp_path):
    with pytest.raises(PluginError, match="not a core.forms.IntakeSchema subclass"):
        app_with(tmp_path, ("ironing", Ironing(schema=dict)))


def test_malformed_default_price_table_stops_the_app(tmp_path):
    with pytest.raises(PluginError, match="default price table of service line 'ironing'"):
        app_with(tmp_path, ("ironing", Ironing(table={"currency": "CNY"})))


def test_line_whose_owner_cannot_price_stops_the_app(tmp_path):
    with pytest.raises(PluginError, match="'ironing' .* does not implement get_quote"):
        app_with(tmp_path, ("ironing", Ironing()))


class SilentIroning(Ironing):
    """Implements get_quote but answers nothing, even for its own line."""

    @hookimpl
    def get_quote(self, service_line, intake, price_table):
        return None


def test_owner_that_prices_nothing_is_refused_when_a_quote_is_asked(tmp_path):
    app = app_with(tmp_path, ("ironing", SilentIroning()))
    with app.app_context():
        assert facade.intake_schema("ironing") is CleaningIntakeSchema
        with pytest.raises(PluginError, match="0 plugins .* get_quote .*'ironing'"):
            facade.quote("ironing", {})


def test_two_plugins_pricing_one_line_is_refused_naming_both(tmp_path):
    app = app_with(tmp_path, ("second_quoter", SecondQuoter()))
    with app.app_context(), pytest.raises(PluginError) as exc:
        facade.quote("cleaning", CleaningIntakeSchema().load(SAMPLE_INTAKE))
    assert "'second_quoter'" in str(exc.value) and "'cleaning'" in str(exc.value)


def test_unknown_service_line_is_a_bilingual_not_found(app):
    with app.app_context(), pytest.raises(NotFound) as exc:
        facade.intake_schema("gardening")
    assert exc.value.status == 404
    assert exc.value.message.zh == "没有业务线 'gardening'。"


def test_quote_uses_the_default_table_unless_given_one(app):
    with app.app_context():
        intake = CleaningIntakeSchema().load(SAMPLE_INTAKE)
        table = facade.default_price_table("cleaning")
        assert facade.quote("cleaning", intake) == facade.quote("cleaning", intake, table)
        table["area_bands"][1]["rates"]["post_renovation"] = "11.00"
        assert facade.quote("cleaning", intake, table).total == Decimal("1716.00")  # 1320 × 1.3


def test_check_price_table_refuses_a_malformed_edit(app):
    with app.app_context():
        table = facade.default_price_table("nanny")
        table["hourly_rates"]["senior"] = "lots"
        with pytest.raises(Invalid) as exc:
            facade.check_price_table("nanny", table)
    assert "hourly_rates.senior.value" in exc.value.fields


def test_disabled_line_is_unknown(tmp_path):
    app = make_test_app(tmp_path, None, DISABLED_PLUGINS=["nanny"])
    with app.app_context(), pytest.raises(NotFound):
        facade.default_price_table("nanny")
