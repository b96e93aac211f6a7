"""The example third-party plugin (examples/jiazheng-elderly-care) works: imported from
source (nothing installed) and registered through EXTRA_PLUGINS, its line takes part in
the app like a shipped one — and its own test suite passes."""
from __future__ import annotations

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

EXAMPLE = Path(__file__).resolve().parent.parent / "examples" / "jiazheng-elderly-care"


@pytest.fixture
def elderly_app(tmp_path, database_url, monkeypatch):
    monkeypatch.syspath_prepend(str(EXAMPLE))
    from jiazheng_elderly_care import hooks

    app = make_test_app(tmp_path, database_url, EXTRA_PLUGINS=[("elderly_care", hooks)])
    yield app
    from core.extensions import db

    with app.app_context():
        db.session.remove()
        db.engine.dispose()


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


def test_the_example_plugins_own_tests_pass():
    run = subprocess.run([sys.executable, "-m", "pytest", "-q", str(EXAMPLE)],
                         capture_output=True, text=True, timeout=300, cwd=EXAMPLE)
    assert run.returncode == 0, run.stdout + run.stderr
    assert " passed" in run.stdout
