"""The 钟点工 line passes core's conformance suite, and an order of the line is
quoted and finds its worker through the API (core.testing's fixtures ``jz_app``,
``jz_client``, ``jz_make``: an app on a throwaway database, with core and this plugin)."""
from __future__ import annotations

from decimal import Decimal

import pytest
from jiazheng_hourly_help import hooks
from jiazheng_hourly_help.line import HourlyHelpLine

from core.testing import conformance_tests
from core.testing.factories import near_today

#: the app of jz_app loads core and this plugin (installed, or from source)
pytestmark = pytest.mark.jiazheng_plugins(("hourly_help", hooks))

#: core's conformance suite, for each line this plugin registers: the line's own checks
#: (core.testing.assert_conforms), its intake form page, its sample order's quote, and
#: its matching scores the same in SQL, Python and vectorised (docs/plugins.md, "The kit")
TestConformance = conformance_tests(hooks)


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
