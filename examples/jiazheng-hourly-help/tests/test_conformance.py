"""The 钟点工 line passes core's conformance check, and a Jiazheng app loads it."""
from __future__ import annotations

from importlib import metadata

from jiazheng_hourly_help import hooks
from jiazheng_hourly_help.line import HourlyHelpLine

from core import create_app
from core import plugins as facade
from core.testing import assert_conforms


def test_the_line_conforms():
    assert_conforms(HourlyHelpLine())


def _installed() -> bool:
    return any(ep.name == "hourly_help" for ep in metadata.entry_points(group="jiazheng.plugins"))


def test_a_jiazheng_app_loads_the_line_and_quotes_its_sample(tmp_path):
    extra = [] if _installed() else [("hourly_help", hooks)]  # installed: found by its entry point
    app = create_app({"TESTING": True, "SECRET_KEY": "test",
                      "SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path / 'test.db'}",
                      "INSTANCE_PATH": str(tmp_path / "instance"), "EXTRA_PLUGINS": extra})
    line = HourlyHelpLine()
    with app.app_context():
        assert facade.service_lines()["hourly_help"].name_zh == "钟点工"
        intake = line.intake_schema().load(line.sample_intakes[0])
        assert facade.quote("hourly_help", intake).total > 0
