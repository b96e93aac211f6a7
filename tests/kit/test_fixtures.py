"""The kit's pytest fixtures (core.testing.plugin, loaded through the pytest11 entry
point): an app on a throwaway migrated database with the plugins asked for, API clients
per role, factories of customers, workers ready to be matched and orders of a line."""
from __future__ import annotations

from importlib import metadata
from pathlib import Path

import pytest

from core.extensions import db

EXAMPLE = Path(__file__).resolve().parents[2] / "examples" / "jiazheng-elderly-care"


def test_the_kit_is_a_pytest_plugin_registered_by_entry_point(pytestconfig):
    names = {ep.name: ep.value for ep in metadata.entry_points(group="pytest11")}
    assert names.get("jiazheng") == "core.testing.plugin"
    assert pytestconfig.pluginmanager.has_plugin("jiazheng")


def test_jz_app_has_every_installed_line_and_a_migrated_database(jz_app):
    import sqlalchemy as sa

    from core import plugins as facade

    with jz_app.app_context():
        assert {"cleaning", "maternity_nurse", "child_massage", "nanny"} <= set(
            facade.service_lines())
        head = db.session.scalar(sa.text("SELECT version_num FROM alembic_version"))
        assert head  # made by the migrations, not create_all alone


@pytest.mark.jiazheng_plugins("nanny")
def test_the_marker_loads_only_the_named_plugins(jz_app):
    from core import plugins as facade

    with jz_app.app_context():
        assert set(facade.service_lines()) == {"nanny"}


def test_jz_client_is_logged_in_per_role(jz_client):
    desk = jz_client("dispatcher")
    assert desk.get("/api/v1/service-lines").status_code == 200
    assert desk.post("/api/v1/orders", json={}).status_code == 422
    assert jz_client("trainer").get("/api/v1/orders").status_code == 403


