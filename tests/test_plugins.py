"""The plugin manager: shipped plugins arrive through entry points, can be disabled, and a
plugin set that cannot work stops the app with a message naming the plugins at fault."""
from __future__ import annotations

import pytest

from core import ServiceLine, create_app, hookimpl
from core.cli import cli
from core.plugins import ENTRY_POINT_GROUP, PluginError, registry
from tests.conftest import make_test_app

SHIPPED = {"cleaning", "maternity_nurse", "child_massage", "nanny"}


def test_the_four_shipped_plugins_load_through_the_entry_point_group(app):
    from importlib import metadata

    entry_points = {ep.name: ep.value for ep in metadata.entry_points(group=ENTRY_POINT_GROUP)}
    assert SHIPPED <= set(entry_points)
    reg = registry(app)
    assert set(reg.plugins) == SHIPPED
    for name in SHIPPED:
        info = reg.plugins[name]
        assert info.distribution == "jiazheng" and info.version == "0.1.0"
        assert reg.pm.get_plugin(name).__name__ == entry_points[name]
        assert reg.owners[name] == name  # each shipped plugin owns the line of its name


def test_disabled_plugins_config_leaves_a_plugin_out(tmp_path, database_url):
    app = make_test_app(tmp_path, database_url, DISABLED_PLUGINS=("child_massage",))
    reg = registry(app)
    assert set(reg.plugins) == SHIPPED - {"child_massage"}
    assert "child_massage" not in reg.service_lines
    assert "child_massage" not in reg.credential_kinds  # its certificate kind went with it


def test_jiazheng_disabled_plugins_env_var_is_read(tmp_path, monkeypatch):
    monkeypatch.setenv("JIAZHENG_DISABLED_PLUGINS", " nanny , cleaning ")
    monkeypatch.setenv("JIAZHENG_INSTANCE_PATH", str(tmp_path / "instance"))
    monkeypatch.setenv("DATABASE_URL", f"sqlite:///{tmp_path / 'env.db'}")
    app = create_app()
    assert app.config["DISABLED_PLUGINS"] == ("nanny", "cleaning")
    assert set(registry(app).plugins) == SHIPPED - {"nanny", "cleaning"}


class DuplicateCleaning:
    """A test-only plugin that claims a service line another plugin already owns."""

    @hookimpl
    def register_service_lines(self):
        return [ServiceLine(code="cleaning", name_zh="另一个保洁", name_en="Other cleaning")]


def test_two_plugins_registering_one_service_line_stop_the_app_naming_both(tmp_path,
                                                                           database_url):
    with pytest.raises(PluginError) as caught:
        make_test_app(tmp_path, database_url, EXTRA_PLUGINS=[("dup", DuplicateCleaning())])
    message = str(caught.value)
    assert "'cleaning'" in message and "'dup'" in message
    assert "JIAZHENG_DISABLED_PLUGINS" in message  # and says how to resolve it


def test_a_disabled_extra_plugin_is_not_loaded(tmp_path, database_url):
    app = make_test_app(tmp_path, database_url, EXTRA_PLUGINS=[("dup", DuplicateCleaning())],
                        DISABLED_PLUGINS=("dup",))
    assert "dup" not in registry(app).plugins


class Misspelled:
    """A test-only plugin whose hook name has a typo (register_service_line)."""

    @hookimpl
    def register_service_line(self):
        return []


def test_a_misspelled_hook_is_refused_at_start_up(tmp_path, database_url):
    with pytest.raises(PluginError) as caught:
        make_test_app(tmp_path, database_url, EXTRA_PLUGINS=[("typo", Misspelled())])
    assert "'typo'" in str(caught.value) and "register_service_line" in str(caught.value)


class NotAServiceLine:
    """A test-only plugin that returns the wrong type."""

    @hookimpl
    def register_service_lines(self):
        return [{"code": "laundry"}]


def test_a_plugin_returning_the_wrong_type_is_refused(tmp_path, database_url):
    with pytest.raises(PluginError, match="'wrong'.*not a ServiceLine"):
        make_test_app(tmp_path, database_url, EXTRA_PLUGINS=[("wrong", NotAServiceLine())])


def test_each_test_app_has_its_own_plugin_manager(tmp_path, database_url, app):
    other = make_test_app(tmp_path / "other", database_url, DISABLED_PLUGINS=("nanny",))
    assert registry(app).pm is not registry(other).pm
    assert "nanny" in registry(app).plugins and "nanny" not in registry(other).plugins


def test_plugins_command_shows_what_the_api_shows(app, api_as):
    listed = api_as("dispatcher").get("/api/v1/plugins").get_json()
    output = app.test_cli_runner().invoke(cli, ["plugins"]).output
    for plugin in listed:
        row = next(line for line in output.splitlines() if line.startswith(plugin["name"] + " "))
        assert plugin["version"] in row
        for code in plugin["service_lines"]:
            assert f"{code} (" in row
