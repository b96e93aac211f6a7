"""Payments (收款): collected, handed to finance, confirmed by finance; what the order
shows as paid and outstanding; money exact, never float."""
from __future__ import annotations

from .conftest import advance, fetch


def _collect(client, order, amount, method="wechat", **extra):
    return client.post(f"/api/v1/orders/{order['id']}/payments",
                       json={"amount": amount, "method": method, **extra})


def test_paid_and_outstanding_separate_confirmed_from_unconfirmed(desk, api_as, new_order):
    order = advance(desk, new_order("cleaning"), "quoted")  # agreed = quote = 1560.00
    assert order["agreed_price"] == "1560.00" and order["outstanding"] == "1560.00"
    first = _collect(desk, order, "500.00").get_json()
    _collect(desk, order, "60.10", "cash")
    order = fetch(desk, order)
    assert (order["paid_confirmed"], order["paid_unconfirmed"], order["outstanding"]) == (
        "0.00", "560.10", "999.90")
    finance = api_as("finance")
    resp = finance.post(f"/api/v1/payments/{first['id']}/confirm")
    assert resp.status_code == 200
    confirmed = resp.get_json()
    assert confirmed["confirmed_by"] == "finance user" and confirmed["confirmed_at"]
    assert confirmed["handed_to_finance_at"]
    order = fetch(desk, order)
    assert (order["paid_confirmed"], order["paid_unconfirmed"], order["outstanding"]) == (
        "500.00", "60.10", "999.90")
    assert finance.post(f"/api/v1/payments/{first['id']}/confirm").status_code == 409


def test_only_finance_confirms_and_finance_does_not_collect(desk, api_as, new_order):
    order = new_order("cleaning")
    payment = _collect(desk, order, "100.00").get_json()
    assert desk.post(f"/api/v1/payments/{payment['id']}/confirm").status_code == 403
    assert api_as("supervisor").post(
        f"/api/v1/payments/{payment['id']}/confirm").status_code == 403
    assert _collect(api_as("finance"), order, "100.00").status_code == 403
    listed = api_as("finance").get(f"/api/v1/orders/{order['id']}/payments").get_json()
    assert [p["amount"] for p in listed] == ["100.00"]


def test_handing_over_to_finance_is_recorded_once(desk, new_order):
    order = new_order("cleaning")
    payment = _collect(desk, order, "100.00", "bank_transfer").get_json()
    resp = desk.post(f"/api/v1/payments/{payment['id']}/handover")
    assert resp.status_code == 200 and resp.get_json()["handed_to_finance_at"]
    assert desk.post(f"/api/v1/payments/{payment['id']}/handover").status_code == 409
    kinds = [e["kind"] for e in desk.get(f"/api/v1/orders/{order['id']}/events").get_json()]
    assert kinds[-2:] == ["payment_recorded", "payment_handed_over"]


def test_amounts_must_be_positive_exact_to_the_fen_and_never_floats(desk, new_order):
    order = new_order("cleaning")
    for bad in ("0", "-5.00", "100.555", 100.5, "abc"):
        resp = _collect(desk, order, bad)
        assert resp.status_code == 422, bad
        assert "amount" in resp.get_json()["fields"]
    assert _collect(desk, order, "10", "alipay").status_code == 422
    assert _collect(desk, order, 100).status_code == 201  # a whole number is exact


def test_recording_a_payment_does_not_make_the_order_page_stale(desk, new_order):
    order = new_order("cleaning")
    _collect(desk, order, "100.00")
    assert fetch(desk, order)["version"] == order["version"]


def test_unpaid_filter_lists_orders_with_money_outstanding(desk, new_order):
    owing = advance(desk, new_order("cleaning"), "quoted")
    paid = advance(desk, new_order("cleaning"), "quoted")
    _collect(desk, paid, paid["agreed_price"])
    enquiry = new_order("cleaning")  # no agreed price yet: nothing is owed
    listed = desk.get("/api/v1/orders?unpaid=true").get_json()
    assert [o["id"] for o in listed["items"]] == [owing["id"]]
    assert enquiry["id"] not in [o["id"] for o in listed["items"]]
