"""Exceptions (特批): a price below the table needs a supervisor's recorded approval
before the order moves on; rejected ones block until the price is put back."""
from __future__ import annotations

from .conftest import advance, fetch, move
from .helpers import intake


def _below_table(desk, customer_id, **extra):
    """A cleaning order agreed at 1000.00 where the table says 1560.00 (floor 1404.00)."""
    return desk.post("/api/v1/orders", json={
        "service_line": "cleaning", "customer_id": customer_id, "intake": intake("cleaning"),
        "agreed_price": "1000.00", **extra})


def test_a_price_below_the_table_needs_a_reason_and_nothing_is_saved_without(
        desk, customer_id):
    resp = _below_table(desk, customer_id)
    assert resp.status_code == 422
    assert resp.get_json()["fields"]["price_reason"][0]["zh"].startswith("超出标准政策")
    assert desk.get("/api/v1/orders").get_json()["total"] == 0


def test_a_below_table_price_waits_for_a_supervisor_then_proceeds(desk, api_as, customer_id):
    order = _below_table(desk, customer_id, price_reason="老客户优惠").get_json()
    order = advance(desk, order, "quoted")
    resp = move(desk, order, "matching")
    assert resp.status_code == 409 and "特批" in resp.get_json()["message"]["zh"]
    supervisor = api_as("supervisor")
    queue = supervisor.get("/api/v1/approvals?status=pending").get_json()["items"]
    assert len(queue) == 1
    request = queue[0]
    assert (request["kind"], request["reason"], request["requested_by"]) == (
        "price_below_table", "老客户优惠", "dispatcher user")
    assert request["detail"]["agreed_price"] == "1000.00"
    assert request["detail"]["floor"] == "1404.00"
    assert desk.post(f"/api/v1/approvals/{request['id']}/approve", json={}).status_code == 403
    resp = supervisor.post(f"/api/v1/approvals/{request['id']}/approve", json={"note": "可以"})
    decided = resp.get_json()
    assert resp.status_code == 200 and decided["status"] == "approved"
    assert decided["decided_by"] == "supervisor user" and decided["decided_at"]
    assert advance(desk, fetch(desk, order), "matching")["state"] == "matching"
    kinds = [e["kind"] for e in desk.get(f"/api/v1/orders/{order['id']}/events").get_json()]
    assert "approval_requested" in kinds and "approval_approved" in kinds
    assert supervisor.post(f"/api/v1/approvals/{request['id']}/reject",
                           json={}).status_code == 409


def test_a_rejected_price_blocks_until_the_price_is_put_back_within_the_table(
        desk, api_as, customer_id):
    order = advance(desk, _below_table(desk, customer_id, price_reason="试试").get_json(),
                    "quoted")
    request = api_as("supervisor").get("/api/v1/approvals").get_json()["items"][0]
    api_as("supervisor").post(f"/api/v1/approvals/{request['id']}/reject", json={})
    assert move(desk, order, "matching").status_code == 409
    resp = desk.patch(f"/api/v1/orders/{order['id']}",
                      json={"version": order["version"], "agreed_price": "1450.00"})
    assert resp.status_code == 200
    statuses = [a["status"] for a in api_as("supervisor").get(
        f"/api/v1/approvals?order_id={order['id']}").get_json()["items"]]
    assert statuses == ["superseded"]
    assert advance(desk, resp.get_json(), "matching")["state"] == "matching"


def test_a_price_at_or_above_the_floor_needs_no_approval(desk, customer_id):
    resp = desk.post("/api/v1/orders", json={
        "service_line": "cleaning", "customer_id": customer_id, "intake": intake("cleaning"),
        "agreed_price": "1404.00"})
    order = advance(desk, resp.get_json(), "quoted")
    assert advance(desk, order, "matching")["state"] == "matching"


def test_a_dispatcher_can_ask_for_another_exception_by_hand(desk, api_as, new_order):
    order = advance(desk, new_order("cleaning"), "quoted")
    resp = desk.post(f"/api/v1/orders/{order['id']}/approvals",
                     json={"reason": "赠送一次日常保洁", "detail": {"gift": "routine"}})
    assert resp.status_code == 201 and resp.get_json()["kind"] == "other"
    assert move(desk, fetch(desk, order), "matching").status_code == 409
    assert desk.post(f"/api/v1/orders/{order['id']}/approvals",
                     json={"reason": ""}).status_code == 422


def test_a_maternity_term_outside_the_standard_ones_needs_approval_from_the_intake(
        desk, api_as, customer_id):
    body = {"service_line": "maternity_nurse", "customer_id": customer_id,
            "intake": intake("maternity_nurse", term_days=30)}
    resp = desk.post("/api/v1/orders", json=body)
    assert resp.status_code == 422 and "term_reason" in resp.get_json()["fields"]
    order = desk.post("/api/v1/orders", json={**body, "term_reason": "只要 30 天"}).get_json()
    request = api_as("supervisor").get(
        f"/api/v1/approvals?order_id={order['id']}").get_json()["items"][0]
    assert (request["kind"], request["detail"]["term_days"], request["status"]) == (
        "term_outside_policy", 30, "pending")
    assert request["detail"]["standard"] == [26, 42, 52]
    order = advance(desk, order, "quoted")
    assert move(desk, order, "matching").status_code == 409
    resp = desk.patch(f"/api/v1/orders/{order['id']}", json={
        "version": order["version"], "intake": intake("maternity_nurse", term_days=26)})
    assert resp.status_code == 200
    assert advance(desk, resp.get_json(), "matching")["state"] == "matching"
