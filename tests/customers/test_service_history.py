"""The customer's file shows her service history (服务记录, 003): her orders, the workers
who served her and her evaluations of them — on the page and through the API, and only
where the file itself opens (the access matrix, core/customers/disclosure.py)."""
from __future__ import annotations

from core.extensions import db
from tests.appointments.helpers import in_service
from tests.orders.helpers import intake, make_customer, make_worker


def _order(desk, customer_id, line="cleaning"):
    resp = desk.post("/api/v1/orders", json={"service_line": line, "customer_id": customer_id,
                                             "intake": intake(line)})
    assert resp.status_code == 201, resp.get_json()
    return resp.get_json()


def _evaluate(app, worker_id, order_id, overall, verdict="satisfied", notes=""):
    from core.followups.outcomes import add_evaluation

    with app.app_context():
        add_evaluation(worker_id=worker_id, order_id=order_id, source="end_of_service_call",
                       verdict=verdict, scores={"overall": overall}, notes=notes)
        db.session.commit()


def _history_of(app, api_as, level="normal"):
    desk = api_as("dispatcher")
    customer = make_customer(app, confidentiality="normal")
    anna = make_worker(app, ("cleaning",), name="张阿姨")
    bea = make_worker(app, ("cleaning",), name="李阿姨")
    first = in_service(desk, _order(desk, customer), anna)
    second = in_service(desk, _order(desk, customer), bea)
    third = _order(desk, customer)  # still an enquiry: no worker yet
    _evaluate(app, anna, first["id"], 5, notes="很细心")
    _evaluate(app, bea, second["id"], 2, "not_satisfied", "迟到")
    if level != "normal":
        from core.customers.models import Customer

        with app.app_context():
            db.session.get(Customer, customer).confidentiality = level
            db.session.commit()
    return customer, (first, second, third), (anna, bea)


def test_the_api_gives_her_orders_workers_and_evaluations_newest_first(app, api_as):
    customer, orders, (anna, bea) = _history_of(app, api_as)
    resp = api_as("dispatcher").get(f"/api/v1/customers/{customer}/service-history")
    assert resp.status_code == 200, resp.get_json()
    body = resp.get_json()
    assert [o["number"] for o in body["items"]] == [o["number"] for o in reversed(orders)]
    newest, middle, oldest = body["items"]
    assert newest["worker_name"] is None and newest["evaluations"] == []
    assert (middle["worker_name"], middle["evaluations"][0]["verdict"],
            middle["evaluations"][0]["notes"]) == ("李阿姨", "not_satisfied", "迟到")
    assert oldest["evaluations"][0]["overall"] == 5
    summary = body["summary"]
    assert (summary["orders"], summary["evaluations"], summary["mean_overall"]) == (3, 2, 3.5)
    assert {w["name"] for w in summary["workers"]} == {"张阿姨", "李阿姨"}
    paged = api_as("dispatcher").get(
        f"/api/v1/customers/{customer}/service-history?per_page=2&page=2").get_json()
    assert (paged["total"], paged["pages"], [o["number"] for o in paged["items"]]) == (
        3, 2, [orders[0]["number"]])
    bad = api_as("dispatcher").get(f"/api/v1/customers/{customer}/service-history?page=0")
    assert bad.status_code == 422 and "page" in bad.get_json()["fields"]
    assert api_as("trainer").get(
        f"/api/v1/customers/{customer}/service-history").status_code == 403
    assert api_as("dispatcher").get(
        "/api/v1/customers/999999/service-history").status_code == 404


def test_a_closed_file_shows_no_history_anywhere_and_the_refusal_is_recorded(app, api_as):
    customer, orders, _ = _history_of(app, api_as, level="confidential")
    resp = api_as("dispatcher").get(f"/api/v1/customers/{customer}/service-history")
    assert resp.status_code == 403 and resp.get_json()["code"] == "grant_required"
    assert "迟到" not in resp.get_data(as_text=True)
    # a supervisor opens a 机密 file (the matrix) and sees the history
    assert api_as("supervisor").get(
        f"/api/v1/customers/{customer}/service-history").status_code == 200
    trail = api_as("supervisor").get(
        f"/api/v1/audit?entity_type=customer&entity_id={customer}").get_json()["items"]
    assert any(e["action"] == "read_denied" for e in trail)


def test_finance_sees_the_history_of_a_secret_file_and_the_read_is_recorded(app, api_as):
    customer, orders, _ = _history_of(app, api_as, level="secret")
    resp = api_as("finance").get(f"/api/v1/customers/{customer}/service-history")
    assert resp.status_code == 200 and resp.get_json()["summary"]["orders"] == 3
    trail = api_as("supervisor").get(
        f"/api/v1/audit?entity_type=customer&entity_id={customer}").get_json()["items"]
    assert any(e["action"] == "read" for e in trail)


def test_the_file_page_lists_her_service_history(app, api_as, web_as):
    customer, orders, _ = _history_of(app, api_as)
    page = web_as("dispatcher").get(f"/customers/{customer}").get_data(as_text=True)
    assert 'id="service-history"' in page and "服务记录" in page
    for o in orders:
        assert o["number"] in page
    assert "张阿姨" in page and "很细心" in page and "迟到" in page and "平均 3.5 / 5" in page
    en = web_as("supervisor")
    with en.session_transaction() as sess:
        sess["lang"] = "en"
    english = en.get(f"/customers/{customer}").get_data(as_text=True)
    assert "Service history" in english


def test_a_closed_file_page_shows_none_of_her_history(app, api_as, web_as):
    customer, orders, _ = _history_of(app, api_as, level="top_secret")
    resp = web_as("dispatcher").get(f"/customers/{customer}")
    page = resp.get_data(as_text=True)
    assert resp.status_code == 403
    assert "service-history" not in page and "张阿姨" not in page
    assert all(o["number"] not in page for o in orders)
