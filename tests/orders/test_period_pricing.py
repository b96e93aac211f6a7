"""Moving an order's dates on a line priced by the term (月嫂: the grade's daily rate ×
the term's days): when the term's length changes, the contract's amounts follow the
price table — a draft is re-quoted; a signed version keeps what was signed and is
superseded by a new version to be signed. Lines priced by the month keep their amounts."""
from __future__ import annotations

from decimal import Decimal

from .conftest import advance, assign, fetch, signed_contract
from .helpers import day, intake
from .test_period import _events, _in_service


def _table_price(desk, days: int) -> Decimal:
    """The price table's quote for the order's intake with a ``days``-day term."""
    resp = desk.post("/api/v1/quotes/preview", json={
        "service_line": "maternity_nurse",
        "intake": intake("maternity_nurse", term_days=days,
                         expected_delivery_date=day(10).isoformat())})
    assert resp.status_code == 200, resp.get_json()
    return Decimal(resp.get_json()["total"])


def test_lengthening_a_signed_nurse_term_makes_a_re_quoted_version_to_sign(
        app, desk, customer_id, worker_for):
    order = _in_service(desk, customer_id, worker_for("maternity_nurse"))  # day 10 … 35
    url = f"/api/v1/orders/{order['id']}"
    (signed,) = desk.get(f"{url}/contracts").get_json()
    resp = desk.post(f"{url}/period", json={"version": order["version"],
                                            "end_date": day(51).isoformat(),
                                            "reason": "客户续到 42 天"})
    assert resp.status_code == 200, resp.get_json()
    moved = resp.get_json()
    old, new = desk.get(f"{url}/contracts").get_json()
    # what was signed stays as signed
    assert old["id"] == signed["id"] and old["status"] == "replaced"
    assert (old["start_date"], old["end_date"]) == (signed["start_date"], signed["end_date"])
    assert old["service_fee"] == signed["service_fee"]
    assert "26→42" in old["replacement_reason"]
    # the new version: the new term at the price table's amounts, to be signed
    fee = _table_price(desk, 42)
    assert fee != _table_price(desk, 26)
    assert new["status"] == "draft" and new["replaces_id"] == old["id"]
    assert (new["start_date"], new["end_date"], new["term_days"]) == (
        day(10).isoformat(), day(51).isoformat(), 42)
    assert Decimal(new["service_fee"]) == fee
    assert Decimal(new["worker_salary"]) == (fee * Decimal("0.80")).quantize(Decimal("0.01"))
    assert Decimal(new["deposit"]) == (fee * Decimal("0.30")).quantize(Decimal("0.01"))
    assert Decimal(new["final_payment"]) == fee - Decimal(new["deposit"])
    # the order's term and price are the same fact
    assert moved["intake"]["term_days"] == 42 and Decimal(moved["agreed_price"]) == fee
    assert Decimal(moved["quote_total"]) == fee and moved["state"] == "in_service"
    # one history entry says what was re-quoted
    ((_, data),) = _events(app, order["id"])
    (repriced,) = data["repriced"]
    assert repriced["term_days"] == [26, 42] and repriced["new_version"] == new["number"]
    assert Decimal(repriced["to"]["service_fee"]) == fee
    signed_new = desk.post(f"{url}/contracts/{new['id']}/sign",
                           json={"signed_on": day(0).isoformat()})
    assert signed_new.status_code == 200 and signed_new.get_json()["status"] == "signed"


def test_moving_the_start_alone_keeps_the_term_and_the_signed_amounts(
        desk, customer_id, worker_for):
    order = _in_service(desk, customer_id, worker_for("maternity_nurse"), start=10)
    url = f"/api/v1/orders/{order['id']}"
    resp = desk.post(f"{url}/period", json={"version": order["version"],
                                            "start_date": day(12).isoformat()})
    assert resp.status_code == 200, resp.get_json()
    (contract,) = desk.get(f"{url}/contracts").get_json()
    assert contract["status"] == "signed" and contract["term_days"] == 26
    assert contract["service_fee"] == "8000.00"


def test_a_draft_contract_is_re_quoted_in_place(desk, customer_id, worker_for):
    body = {"service_line": "maternity_nurse", "customer_id": customer_id,
            "intake": intake("maternity_nurse", term_days=26,
                             expected_delivery_date=day(10).isoformat())}
    order = desk.post("/api/v1/orders", json=body).get_json()
    order = advance(desk, advance(desk, order, "quoted"), "matching")
    order = advance(desk, assign(desk, order, worker_for("maternity_nurse")), "interview")
    url = f"/api/v1/orders/{order['id']}"
    drafted = desk.post(f"{url}/contracts", json={
        "start_date": day(10).isoformat(), "end_date": day(35).isoformat(),
        "service_fee": "8000.00", "worker_salary": "6000.00", "deposit": "2000.00"})
    assert drafted.status_code == 201, drafted.get_json()
    resp = desk.post(f"{url}/period", json={"version": fetch(desk, order)["version"],
                                            "end_date": day(61).isoformat()})
    assert resp.status_code == 200, resp.get_json()
    (contract,) = desk.get(f"{url}/contracts").get_json()
    fee = _table_price(desk, 52)
    assert contract["id"] == drafted.get_json()["id"] and contract["status"] == "draft"
    assert contract["term_days"] == 52 and Decimal(contract["service_fee"]) == fee
    assert Decimal(contract["deposit"]) == (fee * Decimal("0.30")).quantize(Decimal("0.01"))


def test_a_nanny_priced_by_the_month_keeps_her_amounts(desk, customer_id, worker_for):
    order = desk.post("/api/v1/orders", json={
        "service_line": "nanny", "customer_id": customer_id,
        "intake": intake("nanny")}).get_json()
    order = advance(desk, advance(desk, order, "quoted"), "matching")
    order = advance(desk, assign(desk, order, worker_for("nanny")), "interview")
    start = fetch(desk, order)["start_date"]
    contract = signed_contract(desk, order, day(10), day(69))
    url = f"/api/v1/orders/{order['id']}"
    resp = desk.post(f"{url}/period", json={"version": fetch(desk, order)["version"],
                                            "start_date": day(10).isoformat(),
                                            "end_date": day(99).isoformat(),
                                            "reason": "延长一个月"})
    assert resp.status_code == 200, resp.get_json()
    (after,) = desk.get(f"{url}/contracts").get_json()
    assert after["id"] == contract["id"] and after["status"] == "signed"
    assert after["end_date"] == day(99).isoformat()
    assert after["service_fee"] == contract["service_fee"] and start
