"""The tool-kit inventory (工具包): items with stock counts, kits, checking a kit out to a
visit's worker (stock down) and counting it back in (stock up by what came back, the
rest recorded as missing and flagging the visit)."""
from __future__ import annotations

from .helpers import in_service


def _item(desk, name: str, stock: int, unit: str = "块") -> dict:
    resp = desk.post("/api/v1/tool-kits/items", json={"name": name, "stock": stock, "unit": unit})
    assert resp.status_code == 201, resp.get_json()
    return resp.get_json()


def _stock(desk) -> dict[str, int]:
    return {i["name"]: i["stock"] for i in desk.get("/api/v1/tool-kits/items").get_json()["items"]}


def _kit(desk, cloth, scraper, cleaner) -> dict:
    resp = desk.post("/api/v1/tool-kits", json={"name": "开荒工具包", "items": [
        {"item_id": cloth["id"], "quantity": 5}, {"item_id": scraper["id"], "quantity": 1},
        {"item_id": cleaner["id"], "quantity": 2}]})
    assert resp.status_code == 201, resp.get_json()
    return resp.get_json()


def _visit(desk, new_order, worker_for) -> tuple[dict, str]:
    order = in_service(desk, new_order("cleaning"), worker_for("cleaning"))
    visit = desk.post(f"/api/v1/orders/{order['id']}/visits/plan").get_json()[0]
    return visit, f"/api/v1/orders/{order['id']}/visits/{visit['id']}"


def test_inventory_items_and_kits_are_created_listed_recounted_and_retired(desk, api_as):
    cloth = _item(desk, "抹布", 20)
    assert desk.post("/api/v1/tool-kits/items", json={"name": "抹布"}).status_code == 422
    bad = desk.post("/api/v1/tool-kits/items", json={"name": "刷子", "stock": -1})
    assert bad.status_code == 422 and bad.get_json()["fields"]["stock"][0]["zh"]
    scraper, cleaner = _item(desk, "玻璃刮", 3, "把"), _item(desk, "清洁剂", 10, "瓶")
    kit = _kit(desk, cloth, scraper, cleaner)
    assert [(i["item_name"], i["quantity"], i["stock"]) for i in kit["items"]] == [
        ("抹布", 5, 20), ("玻璃刮", 1, 3), ("清洁剂", 2, 10)]
    recount = desk.patch(f"/api/v1/tool-kits/items/{cloth['id']}",
                         json={"stock": 18, "version": cloth["version"]})
    assert recount.status_code == 200 and recount.get_json()["stock"] == 18
    stale = desk.patch(f"/api/v1/tool-kits/items/{cloth['id']}",
                       json={"stock": 1, "version": cloth["version"]})
    assert stale.status_code == 409 and stale.get_json()["code"] == "stale_version"
    retired = desk.delete(f"/api/v1/tool-kits/{kit['id']}")
    assert retired.status_code == 200 and retired.get_json()["active"] is False
    assert desk.get("/api/v1/tool-kits").get_json() == []
    assert len(desk.get("/api/v1/tool-kits?all=true").get_json()) == 1
    finance = api_as("finance")
    assert finance.get("/api/v1/tool-kits/items").status_code == 200
    assert finance.post("/api/v1/tool-kits/items", json={"name": "x"}).status_code == 403


def test_checking_a_kit_out_takes_its_counts_off_the_shelf(desk, new_order, worker_for):
    cloth, scraper = _item(desk, "抹布", 20), _item(desk, "玻璃刮", 3)
    cleaner = _item(desk, "清洁剂", 10)
    kit = _kit(desk, cloth, scraper, cleaner)
    visit, url = _visit(desk, new_order, worker_for)
    resp = desk.post(f"{url}/tools/checkout", json={"kit_id": kit["id"]})
    assert resp.status_code == 200, resp.get_json()
    body = resp.get_json()
    assert body["tools_out_at"] and body["kit_id"] == kit["id"] and body["worker_name"]
    assert [(t["item_name"], t["quantity_out"]) for t in body["tools"]] == [
        ("抹布", 5), ("玻璃刮", 1), ("清洁剂", 2)]
    assert _stock(desk) == {"抹布": 15, "玻璃刮": 2, "清洁剂": 8}
    again = desk.post(f"{url}/tools/checkout", json={"kit_id": kit["id"]})
    assert again.status_code == 409 and again.get_json()["code"] == "tools_out"


def test_too_few_on_the_shelf_refuses_the_checkout_and_takes_nothing(desk, new_order, worker_for):
    cloth, scraper = _item(desk, "抹布", 20), _item(desk, "玻璃刮", 1)
    visit, url = _visit(desk, new_order, worker_for)
    resp = desk.post(f"{url}/tools/checkout", json={"items": [
        {"item_id": cloth["id"], "quantity": 5}, {"item_id": scraper["id"], "quantity": 2}]})
    assert resp.status_code == 409 and resp.get_json()["code"] == "out_of_stock"
    assert resp.get_json()["message"]["zh"] == "玻璃刮 库存只有 1 块，需要 2。"
    assert _stock(desk) == {"抹布": 20, "玻璃刮": 1}  # the cloths were not taken either
    assert desk.get(url).get_json()["tools_out_at"] is None


def test_counting_in_returns_what_came_back_and_flags_what_is_missing(desk, new_order, worker_for):
    cloth, scraper = _item(desk, "抹布", 20), _item(desk, "玻璃刮", 3)
    cleaner = _item(desk, "清洁剂", 10)
    kit = _kit(desk, cloth, scraper, cleaner)
    visit, url = _visit(desk, new_order, worker_for)
    desk.post(f"{url}/tools/checkout", json={"kit_id": kit["id"]})
    uncounted = desk.post(f"{url}/tools/return", json={"items": [
        {"item_id": cloth["id"], "quantity": 5}]})
    assert uncounted.status_code == 422
    assert "玻璃刮" in uncounted.get_json()["fields"]["items"][0]["zh"]
    too_many = desk.post(f"{url}/tools/return", json={"items": [
        {"item_id": cloth["id"], "quantity": 6}, {"item_id": scraper["id"], "quantity": 1},
        {"item_id": cleaner["id"], "quantity": 2}]})
    assert too_many.status_code == 422
    assert _stock(desk) == {"抹布": 15, "玻璃刮": 2, "清洁剂": 8}  # nothing half-counted
    resp = desk.post(f"{url}/tools/return", json={"items": [
        {"item_id": cloth["id"], "quantity": 4}, {"item_id": scraper["id"], "quantity": 1},
        {"item_id": cleaner["id"], "quantity": 0}], "note": "清洁剂用完"})
    assert resp.status_code == 200, resp.get_json()
    body = resp.get_json()
    assert body["tools_missing"] is True and body["tools_note"] == "清洁剂用完"
    assert [(t["item_name"], t["quantity_back"], t["missing"]) for t in body["tools"]] == [
        ("抹布", 4, 1), ("玻璃刮", 1, 0), ("清洁剂", 0, 2)]
    assert _stock(desk) == {"抹布": 19, "玻璃刮": 3, "清洁剂": 8}
    assert desk.post(f"{url}/tools/return", json={"items": []}).status_code == 409


def test_every_tool_back_leaves_the_visit_unflagged(desk, new_order, worker_for):
    cloth = _item(desk, "抹布", 2)
    visit, url = _visit(desk, new_order, worker_for)
    desk.post(f"{url}/tools/checkout", json={"items": [{"item_id": cloth["id"], "quantity": 2}]})
    body = desk.post(f"{url}/tools/return", json={"items": [
        {"item_id": cloth["id"], "quantity": 2}]}).get_json()
    assert body["tools_missing"] is False and _stock(desk) == {"抹布": 2}


def test_tools_are_checked_out_to_a_worker(desk, new_order):
    cloth = _item(desk, "抹布", 2)
    order = new_order("cleaning")
    visit = desk.post(f"/api/v1/orders/{order['id']}/visits/plan").get_json()[0]
    resp = desk.post(f"/api/v1/orders/{order['id']}/visits/{visit['id']}/tools/checkout",
                     json={"items": [{"item_id": cloth["id"], "quantity": 1}]})
    assert resp.status_code == 409 and resp.get_json()["code"] == "no_worker"
    assert _stock(desk) == {"抹布": 2}


def test_tools_go_to_a_worker_who_exists(desk, new_order, worker_for):
    cloth = _item(desk, "抹布", 2)
    visit, url = _visit(desk, new_order, worker_for)
    resp = desk.post(f"{url}/tools/checkout", json={
        "items": [{"item_id": cloth["id"], "quantity": 1}], "worker_id": 999999})
    assert resp.status_code == 422 and "worker_id" in resp.get_json()["fields"]
    assert _stock(desk) == {"抹布": 2}
