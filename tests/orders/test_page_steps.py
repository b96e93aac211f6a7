"""The order pages call one service step, which owns the transaction (#11): a step that
refuses after it has already flushed part of its work leaves nothing behind, and a value
the form's schema refuses is a 422 naming the field (in Chinese and in English), never a
500, with nothing written."""
from __future__ import annotations

from tests.conftest import csrf_from

from .conftest import CONTRACT_FEES, advance, assign
from .helpers import day, intake
from .test_pages import _form_data


def _interviewing(desk, new_order, worker_for, line="maternity_nurse"):
    order = advance(desk, advance(desk, new_order(line), "quoted"), "matching")
    return advance(desk, assign(desk, order, worker_for(line)), "interview")


def test_a_draft_refused_after_the_step_flushed_leaves_the_earlier_draft_as_it_was(
        web_as, desk, new_order, worker_for):
    order = _interviewing(desk, new_order, worker_for)
    url = f"/api/v1/orders/{order['id']}/contracts"
    first = desk.post(url, json={"start_date": day(10).isoformat(),
                                 "end_date": day(35).isoformat(), **CONTRACT_FEES})
    assert first.status_code == 201, first.get_json()
    events_before = desk.get(f"/api/v1/orders/{order['id']}/events").get_json()

    # a 30-day term is outside the line's standard ones: the step voids the earlier
    # draft and flushes the new version before it finds the reason missing
    client = web_as("dispatcher", "desk-page-steps")
    token = csrf_from(client, f"/orders/{order['id']}")
    resp = client.post(f"/orders/{order['id']}/contracts", data={
        "csrf_token": token, "start_date": day(10).isoformat(),
        "end_date": day(39).isoformat(), **CONTRACT_FEES})
    html = resp.get_data(as_text=True)
    assert resp.status_code == 422 and "term_reason" in html
    # the page shown with the refusal reads the database as it was: no second version
    number = f"HT{order['number'][2:]}"
    assert f"{number}-1" in html and f"{number}-2" not in html

    contracts = desk.get(url).get_json()
    assert [(c["id"], c["version"], c["status"]) for c in contracts] == [
        (first.get_json()["id"], 1, "draft")]
    assert desk.get(f"/api/v1/orders/{order['id']}/events").get_json() == events_before
    pending = desk.get("/api/v1/approvals?status=pending").get_json()["items"]
    assert [a for a in pending if a["order_id"] == order["id"]] == []


def test_a_stale_edit_of_the_order_is_409_and_changes_nothing(web_as, desk, new_order):
    order = new_order("cleaning", note="原备注")
    client = web_as("dispatcher", "desk-page-steps-stale")
    token = csrf_from(client, f"/orders/{order['id']}/edit")
    resp = client.post(f"/orders/{order['id']}/edit", data={
        "csrf_token": token, "version": str(order["version"] + 1), "note": "新备注"})
    assert resp.status_code == 409
    body = desk.get(f"/api/v1/orders/{order['id']}").get_json()
    assert body["note"] == "原备注" and body["version"] == order["version"]


def test_an_amount_the_schema_refuses_is_422_on_the_field_in_both_languages(
        web_as, desk, new_order):
    order = new_order("cleaning", note="原备注")
    client = web_as("dispatcher", "desk-page-steps-amount")
    url = f"/orders/{order['id']}/edit"
    form = {"csrf_token": csrf_from(client, url), "version": str(order["version"]),
            "agreed_price": "八百", "note": "改了"}
    resp = client.post(url, data=form)
    html = resp.get_data(as_text=True)
    assert resp.status_code == 422
    assert 'data-field="agreed_price"' in html and "不是有效的金额" in html

    client.get("/lang/en")
    resp = client.post(url, data={**form, "csrf_token": csrf_from(client, url)})
    html = resp.get_data(as_text=True)
    assert resp.status_code == 422
    assert 'data-field="agreed_price"' in html and "Not an amount in yuan" in html

    body = desk.get(f"/api/v1/orders/{order['id']}").get_json()
    assert body["note"] == "原备注" and body["version"] == order["version"]


def test_a_dispatcher_that_is_not_a_number_is_refused_on_the_new_order_form(
        web_as, api_as, customer_id):
    client = web_as("dispatcher", "desk-page-steps-new")
    data = {"csrf_token": csrf_from(client, "/orders/new/cleaning"), "action": "save",
            "customer_id": str(customer_id), "dispatcher_id": "张三",
            **_form_data("cleaning", intake("cleaning"))}
    resp = client.post("/orders/new/cleaning", data=data)
    assert resp.status_code == 422
    assert api_as("finance").get("/api/v1/orders").get_json()["total"] == 0
