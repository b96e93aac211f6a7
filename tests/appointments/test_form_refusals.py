"""A wrong value on an appointments form: re-rendered with the field named (422), nothing
written."""
from __future__ import annotations

from tests.conftest import csrf_from


def test_a_bad_stock_count_re_renders_the_tool_page_and_adds_nothing(web_as, desk):
    client = web_as("dispatcher")
    token = csrf_from(client, "/appointments/tool-kits")
    resp = client.post("/appointments/tool-kits/items", data={
        "csrf_token": token, "name": "抹布", "unit": "", "stock": "-3"})
    assert resp.status_code == 422
    assert "必须在 0 到 1000000 之间" in resp.get_data(as_text=True)
    assert desk.get("/api/v1/tool-kits/items").get_json()["items"] == []
    resp = client.post("/appointments/tool-kits/items", data={
        "csrf_token": token, "name": "抹布", "unit": "", "stock": ""})
    assert resp.status_code == 302
    item = desk.get("/api/v1/tool-kits/items").get_json()["items"][0]
    assert (item["unit"], item["stock"]) == ("件", 0)  # blank boxes take the defaults


def test_a_malformed_visit_time_shows_the_field_and_leaves_the_visit(web_as, desk, new_order):
    order = new_order("cleaning")
    visit = desk.post(f"/api/v1/orders/{order['id']}/visits/plan").get_json()[0]
    client = web_as("dispatcher")
    token = csrf_from(client, f"/orders/{order['id']}")
    resp = client.post(f"/appointments/orders/{order['id']}/visits/{visit['id']}/move", data={
        "csrf_token": token, "version": str(visit["version"]), "starts_at": "明天上午",
        "ends_at": "2026-13-01T10:00"})
    assert resp.status_code == 422
    assert "时间格式应为 YYYY-MM-DD HH:MM。" in resp.get_data(as_text=True)
    after = desk.get(f"/api/v1/orders/{order['id']}/visits").get_json()[0]
    assert (after["starts_at"], after["version"]) == (visit["starts_at"], visit["version"])
