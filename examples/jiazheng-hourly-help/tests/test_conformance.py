"""The 钟点工 line passes core's conformance check, a Jiazheng app loads it, and an
order of the line is quoted and finds its worker through the API (core.testing's
fixtures ``jz_app``, ``jz_client``, ``jz_make``: an app on a throwaway database)."""
from __future__ import annotations

from decimal import Decimal
from importlib import metadata

import pytest
from jiazheng_hourly_help import hooks
from jiazheng_hourly_help.line import HourlyHelpLine

from core import create_app
from core import plugins as facade
from core.testing import assert_conforms
from core.testing.factories import near_today

#: the app of jz_app loads core and this plugin (installed, or from source)
pytestmark = pytest.mark.jiazheng_plugins(("hourly_help", hooks))


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


def test_an_order_is_quoted_and_finds_its_worker_through_the_api(jz_app, jz_client, jz_make):
    desk, line = jz_client("dispatcher"), HourlyHelpLine()
    worker = jz_make.worker("hourly_help")
    intake = near_today(line.sample_intakes[0])
    resp = desk.post("/api/v1/orders", json={
        "service_line": "hourly_help", "customer_id": jz_make.customer(), "intake": intake})
    assert resp.status_code == 201, resp.get_json()
    order = resp.get_json()
    expected = line.quote(line.intake_schema().load(intake),
                          line.check_price_table(line.default_price_table()))
    assert Decimal(order["quote_total"]) == expected.total
    for to in ("quoted", "matching"):
        resp = desk.post(f"/api/v1/orders/{order['id']}/transitions",
                         json={"to": to, "version": order["version"]})
        assert resp.status_code == 200, resp.get_json()
        order = resp.get_json()
    found = desk.get(f"/api/v1/orders/{order['id']}/candidates").get_json()["items"]
    assert [c["worker_id"] for c in found] == [worker]
