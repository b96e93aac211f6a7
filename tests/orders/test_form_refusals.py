"""A wrong value on an order-page form: the page again with the field named (422),
nothing written."""
from __future__ import annotations

from tests.conftest import csrf_from


def test_a_payment_without_a_method_or_a_contract_with_a_bad_date_writes_nothing(
        web_as, desk, new_order):
    order = new_order("cleaning")
    client = web_as("dispatcher", "desk-refusals")
    token = csrf_from(client, f"/orders/{order['id']}")
    resp = client.post(f"/orders/{order['id']}/payments",
                       data={"csrf_token": token, "amount": "300.00", "method": "cheque"})
    assert resp.status_code == 422 and "请选择收款方式。" in resp.get_data(as_text=True)
    resp = client.post(f"/orders/{order['id']}/contracts", data={
        "csrf_token": token, "start_date": "2026-02-30", "end_date": ""})
    html = resp.get_data(as_text=True)
    assert resp.status_code == 422
    assert "日期格式应为 YYYY-MM-DD。" in html and "请填写日期。" in html
    body = desk.get(f"/api/v1/orders/{order['id']}").get_json()
    assert body["version"] == order["version"]
    assert desk.get(f"/api/v1/orders/{order['id']}/payments").get_json() == []
    assert desk.get(f"/api/v1/orders/{order['id']}/contracts").get_json() == []
