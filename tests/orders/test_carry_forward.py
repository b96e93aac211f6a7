"""Nothing typed twice, nothing wrong let through: the booked period fills the order's
上户/下户, the contract form starts from the order and the price table, a contract
without its amounts is not signed, a 上户 before the contract needs a reason, and a 409
whose cause is a missing step says which (``next_step``, with a link)."""
from __future__ import annotations

from decimal import Decimal

from tests.conftest import csrf_from

from .conftest import advance, assign, fetch, move
from .helpers import day, intake


def _nurse_interviewing(desk, customer_id, worker_for, term=26):
    body = {"service_line": "maternity_nurse", "customer_id": customer_id,
            "intake": intake("maternity_nurse", term_days=term)}
    order = desk.post("/api/v1/orders", json=body).get_json()
    order = advance(desk, advance(desk, order, "quoted"), "matching")
    return advance(desk, assign(desk, order, worker_for("maternity_nurse")), "interview")


def test_the_booking_fills_the_dates_and_a_zero_contract_is_not_signed(
        app, desk, customer_id, worker_for, web_as):
    order = _nurse_interviewing(desk, customer_id, worker_for)
    # the booked term (26 whole days from the due date) is the order's 上户 … 下户
    assert (order["start_date"], order["end_date"]) == (day(10).isoformat(),
                                                        day(35).isoformat())
    # the contract form starts from the order: term, agreed price, the line's shares
    web = web_as("dispatcher")
    page = web.get(f"/orders/{order['id']}").get_data(as_text=True)
    fee = order["agreed_price"]
    assert f'name="start_date" value="{day(10).isoformat()}"' in page
    assert f'name="end_date" value="{day(35).isoformat()}"' in page
    assert f'name="service_fee" inputmode="decimal" value="{fee}"' in page
    salary = (Decimal(fee) * Decimal("0.80")).quantize(Decimal("0.01"))
    assert f'name="worker_salary" inputmode="decimal" value="{salary}"' in page
    # moving on without a contract: 409 saying what to do, with the link
    resp = move(desk, order, "contracted")
    body = resp.get_json()
    assert resp.status_code == 409 and body["next_step"]["code"] == "sign_contract"
    assert body["next_step"]["href"] == f"/orders/{order['id']}#contracts"
    assert body["next_step"]["api"] == f"/api/v1/orders/{order['id']}/contracts"
    # a ¥0 salary (and no deposit): drafted, but not signed
    url = f"/api/v1/orders/{order['id']}/contracts"
    draft = desk.post(url, json={"start_date": day(10).isoformat(),
                                 "end_date": day(35).isoformat(), "service_fee": fee,
                                 "worker_salary": "0.00"}).get_json()
    resp = desk.post(f"{url}/{draft['id']}/sign", json={"signed_on": day(0).isoformat()})
    body = resp.get_json()
    assert resp.status_code == 409 and body["code"] == "contract_amounts_missing"
    assert "阿姨工资、定金" in body["message"]["zh"]
    assert body["next_step"]["code"] == "draft_contract"
    assert desk.get(url).get_json()[-1]["status"] == "draft"  # nothing signed
    # the same refusal on the page names the next step as a link
    token = csrf_from(web, f"/orders/{order['id']}")
    resp = web.post(f"/orders/{order['id']}/contracts/{draft['id']}/sign",
                    data={"signed_on": day(0).isoformat(), "csrf_token": token})
    html = resp.get_data(as_text=True)
    assert resp.status_code == 409 and 'id="refusal-step"' in html
    assert f'href="/orders/{order["id"]}#contract-form"' in html


def test_a_start_before_the_contract_needs_a_reason(desk, customer_id, worker_for):
    order = _nurse_interviewing(desk, customer_id, worker_for)
    url = f"/api/v1/orders/{order['id']}/contracts"
    fees = {"service_fee": "9000.00", "worker_salary": "7000.00", "deposit": "2000.00"}
    draft = desk.post(url, json={"start_date": day(10).isoformat(),
                                 "end_date": day(35).isoformat(), **fees}).get_json()
    signed = desk.post(f"{url}/{draft['id']}/sign", json={"signed_on": day(0).isoformat()})
    assert signed.status_code == 200, signed.get_json()
    order = advance(desk, fetch(desk, order), "contracted")
    # in service on the known date: nothing asked again
    early = move(desk, order, "in_service", start_date=day(8).isoformat())
    assert early.status_code == 422 and "start_date" in early.get_json()["fields"]
    assert fetch(desk, order)["state"] == "contracted"  # nothing half-written
    done = advance(desk, order, "in_service", start_date=day(8).isoformat(),
                   start_reason="产妇提前入院")
    assert done["start_date"] == day(8).isoformat()
    assert done["end_date"] == day(33).isoformat()  # the term kept its 26 days
    events = desk.get(f"/api/v1/orders/{order['id']}/events").get_json()
    entry = next(e for e in events if e.get("to_state") == "in_service")
    assert entry["data"]["start_reason"] == "产妇提前入院"


def test_in_service_on_the_booked_date_asks_nothing_again(desk, customer_id, worker_for):
    order = _nurse_interviewing(desk, customer_id, worker_for)
    url = f"/api/v1/orders/{order['id']}/contracts"
    fees = {"service_fee": "9000.00", "worker_salary": "7000.00", "deposit": "2000.00"}
    draft = desk.post(url, json={"start_date": day(10).isoformat(),
                                 "end_date": day(35).isoformat(), **fees}).get_json()
    desk.post(f"{url}/{draft['id']}/sign", json={"signed_on": day(0).isoformat()})
    order = advance(desk, advance(desk, fetch(desk, order), "contracted"), "in_service")
    assert (order["start_date"], order["end_date"]) == (day(10).isoformat(),
                                                        day(35).isoformat())
