"""The company's price tables: defaulting to the plugin's, edited by an admin (checked by
the plugin, versioned, history kept), and used by every quote."""
from __future__ import annotations

import copy
import re

from tests.conftest import csrf_from
from tests.orders.helpers import LINES, intake, make_customer


def test_every_line_starts_from_its_plugins_default_table(api_as):
    tables = api_as("dispatcher").get("/api/v1/price-tables").get_json()
    assert {t["service_line"] for t in tables} == set(LINES)
    assert all(t["version"] == 0 and t["is_default"] for t in tables)
    one = api_as("finance").get("/api/v1/price-tables/cleaning").get_json()
    assert one["table"]["minimum_per_visit"] == "150.00"


def test_an_admin_edit_is_checked_versioned_kept_in_history_and_used_by_quotes(app, api_as):
    admin, desk = api_as("admin"), api_as("dispatcher")
    before = desk.post("/api/v1/quotes/preview", json={
        "service_line": "cleaning", "intake": intake("cleaning")}).get_json()
    table = admin.get("/api/v1/price-tables/cleaning").get_json()["table"]
    edited = copy.deepcopy(table)
    edited["area_bands"][1]["rates"]["post_renovation"] = "20.00"
    resp = admin.put("/api/v1/price-tables/cleaning", json={"table": edited, "version": 0})
    assert resp.status_code == 200, resp.get_json()
    saved = resp.get_json()
    assert (saved["version"], saved["is_default"], saved["updated_by"]) == (1, False, "admin user")
    after = desk.post("/api/v1/quotes/preview", json={
        "service_line": "cleaning", "intake": intake("cleaning")}).get_json()
    assert after["total"] != before["total"]
    order = desk.post("/api/v1/orders", json={"service_line": "cleaning",
                                              "customer_id": make_customer(app),
                                              "intake": intake("cleaning")}).get_json()
    assert order["quote"]["total"] == after["total"]
    assert order["quote"]["price_table_version"] == 1
    resp = admin.put("/api/v1/price-tables/cleaning", json={"table": table, "version": 1})
    assert resp.get_json()["version"] == 2
    history = api_as("supervisor").get("/api/v1/price-tables/cleaning/history").get_json()
    assert [h["version"] for h in history] == [2, 1]
    assert history[1]["table"]["area_bands"][1]["rates"]["post_renovation"] == "20.00"


def test_a_stale_version_is_409(api_as):
    admin = api_as("admin")
    table = admin.get("/api/v1/price-tables/nanny").get_json()["table"]
    assert admin.put("/api/v1/price-tables/nanny",
                     json={"table": table, "version": 0}).status_code == 200
    resp = admin.put("/api/v1/price-tables/nanny", json={"table": table, "version": 0})
    assert resp.status_code == 409 and resp.get_json()["code"] == "stale_version"


def test_a_malformed_table_is_422_naming_the_entries_and_float_money_is_refused(api_as):
    admin = api_as("admin")
    table = admin.get("/api/v1/price-tables/cleaning").get_json()["table"]
    bad = copy.deepcopy(table)
    bad["minimum_per_visit"] = "-1"
    bad["dirt_factors"]["heavy"] = 1.3
    resp = admin.put("/api/v1/price-tables/cleaning", json={"table": bad, "version": 0})
    body = resp.get_json()
    assert resp.status_code == 422
    assert "table.minimum_per_visit" in body["fields"]
    assert any(name.startswith("table.dirt_factors.heavy") for name in body["fields"])
    assert admin.get("/api/v1/price-tables/cleaning").get_json()["version"] == 0


def test_only_an_admin_edits_and_an_unknown_line_is_404(api_as):
    table = api_as("admin").get("/api/v1/price-tables/cleaning").get_json()["table"]
    for role in ("dispatcher", "supervisor", "finance"):
        assert api_as(role).put("/api/v1/price-tables/cleaning",
                                json={"table": table, "version": 0}).status_code == 403
    assert api_as("admin").get("/api/v1/price-tables/gardening").status_code == 404
    assert api_as("trainer").get("/api/v1/price-tables/cleaning").status_code == 403


def test_the_admin_page_edits_the_table_as_json_and_shows_errors(web_as):
    admin = web_as("admin")
    page = admin.get("/pricing/cleaning").get_data(as_text=True)
    assert 'name="table"' in page and "minimum_per_visit" in page
    token = csrf_from(admin, "/pricing/cleaning")
    resp = admin.post("/pricing/cleaning", data={"csrf_token": token, "version": "0",
                                                  "table": "{not json"})
    assert resp.status_code == 422 and "不是有效的 JSON" in resp.get_data(as_text=True)
    text = re.search(r'<textarea[^>]*name="table"[^>]*>(.*?)</textarea>', page, re.S).group(1)
    import html
    import json

    table = json.loads(html.unescape(text))
    table["minimum_per_visit"] = "abc"
    resp = admin.post("/pricing/cleaning", data={"csrf_token": token, "version": "0",
                                                  "table": json.dumps(table)})
    body = resp.get_data(as_text=True)
    assert resp.status_code == 422 and 'data-field="table.minimum_per_visit"' in body
    table["minimum_per_visit"] = "180.00"
    resp = admin.post("/pricing/cleaning", data={"csrf_token": token, "version": "0",
                                                  "table": json.dumps(table)})
    assert resp.status_code == 302
    assert "v1" in admin.get("/pricing/cleaning").get_data(as_text=True)


def test_other_roles_see_the_table_read_only(web_as):
    desk = web_as("dispatcher")
    page = desk.get("/pricing/cleaning").get_data(as_text=True)
    assert 'name="table"' not in page and "minimum_per_visit" in page
    token = csrf_from(desk, "/orders/new")
    assert desk.post("/pricing/cleaning", data={"csrf_token": token, "version": "0",
                                                 "table": "{}"}).status_code == 403
