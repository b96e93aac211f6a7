"""The example third-party plugins (examples/jiazheng-elderly-care, and the scaffolded 钟点工
line examples/jiazheng-hourly-help) work: imported from source (nothing installed) and
registered through EXTRA_PLUGINS, their lines take part in the app like shipped ones —
and their own test suites pass."""
from __future__ import annotations

import importlib
import json
import subprocess
import sys
from decimal import Decimal
from pathlib import Path

import pytest

from core import IntakeSchema, Quote
from core import plugins as facade
from core.cli import cli
from core.forms import describe_schema
from tests.conftest import make_test_app
from tests.plugin_kit import close_app, env_with

EXAMPLES = Path(__file__).resolve().parent.parent / "examples"
EXAMPLE = EXAMPLES / "jiazheng-elderly-care"
HOURLY = EXAMPLES / "jiazheng-hourly-help"


def _example_app(tmp_path, database_url, monkeypatch, folder: Path, name: str):
    """An app with the example in ``folder`` imported from source, registered as ``name``
    (its hooks module); the database emptied afterwards (PostgreSQL runs share one)."""
    monkeypatch.syspath_prepend(str(folder))
    hooks = importlib.import_module(f"{folder.name.replace('-', '_')}.hooks")
    app = make_test_app(tmp_path, database_url, EXTRA_PLUGINS=[(name, hooks)])
    yield app
    close_app(app, database_url)


@pytest.fixture
def elderly_app(tmp_path, database_url, monkeypatch):
    yield from _example_app(tmp_path, database_url, monkeypatch, EXAMPLE, "elderly_care")


def test_the_example_line_is_listed_with_its_plugin_and_credential(elderly_app):
    from tests.conftest import make_user, token_for

    make_user(elderly_app, "dispatcher", "d1")
    client = elderly_app.test_client()
    headers = {"Authorization": f"Bearer {token_for(elderly_app, 'd1')}"}
    lines = {line["code"]: line for line in
             client.get("/api/v1/service-lines", headers=headers).get_json()}
    assert lines["elderly_care"]["name_zh"] == "养老护理"
    assert lines["elderly_care"]["plugin"] == "elderly_care"
    assert lines["elderly_care"]["plugin_version"] == "0.1.0"
    assert lines["elderly_care"]["required_credentials"] == ["health_certificate",
                                                             "elderly_care"]
    kinds = {k["code"]: k for k in
             client.get("/api/v1/credential-kinds", headers=headers).get_json()}
    assert kinds["elderly_care"]["name_zh"] == "养老护理员证"
    output = elderly_app.test_cli_runner().invoke(cli, ["plugins"]).output
    assert "elderly_care (养老护理, Elderly care)" in output


def test_the_example_line_passes_what_every_line_must(elderly_app):
    with elderly_app.app_context():
        schema = facade.intake_schema("elderly_care")
        assert issubclass(schema, IntakeSchema)
        for spec in describe_schema(schema):
            assert spec["label_zh"] and spec["label_en"]
        sample = sys.modules[schema.__module__].SAMPLE_INTAKE
        quote = facade.quote("elderly_care", schema().load(sample))
        table = facade.default_price_table("elderly_care")
        assert facade.check_price_table("elderly_care", table) is True
    assert isinstance(quote, Quote) and quote.total == Decimal("9000.00")
    json.dumps(quote.as_dict())
    with elderly_app.app_context():
        questionnaire = facade.survey_questionnaire("elderly_care")
    assert questionnaire.overall.code == "overall"
    assert questionnaire.complaint_category == "attitude"


@pytest.fixture
def hourly_app(tmp_path, database_url, monkeypatch):
    yield from _example_app(tmp_path, database_url, monkeypatch, HOURLY, "hourly_help")


def test_the_hourly_help_line_is_listed_and_quotes_its_sample(hourly_app):
    from core.testing import assert_conforms
    from tests.conftest import make_user, token_for

    make_user(hourly_app, "dispatcher", "d1")
    headers = {"Authorization": f"Bearer {token_for(hourly_app, 'd1')}"}
    lines = {line["code"]: line for line in hourly_app.test_client().get(
        "/api/v1/service-lines", headers=headers).get_json()}
    assert (lines["hourly_help"]["name_zh"], lines["hourly_help"]["plugin"]) == (
        "钟点工", "hourly_help")
    with hourly_app.app_context():
        line = facade.service_lines()["hourly_help"]
        assert_conforms(line)
        intake = facade.intake_schema("hourly_help")().load(line.sample_intakes[0])
        assert facade.quote("hourly_help", intake).total == Decimal("120.00")


@pytest.mark.parametrize("example", [EXAMPLE, HOURLY], ids=lambda p: p.name)
def test_the_example_plugins_own_tests_pass(example):
    run = subprocess.run([sys.executable, "-m", "pytest", "-q", "-p", "no:randomly",
                          "-p", "no:xdist", str(example)],
                         capture_output=True, text=True, timeout=300, cwd=example,
                         env=env_with(example))  # this checkout's core
    assert run.returncode == 0, run.stdout + run.stderr
    assert " passed" in run.stdout
