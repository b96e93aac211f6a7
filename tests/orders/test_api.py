"""Orders API: quote preview, taking and changing orders, the list with its filters."""
from __future__ import annotations

import datetime as dt

from core.extensions import db

from .conftest import advance, assign, signed_contract
from .helpers import LINES, day, intake, make_customer


def test_quote_preview_prices_each_line_without_saving(desk):
    for line in LINES:
        resp = desk.post("/api/v1/quotes/preview",
                         json={"service_line": line, "intake": intake(line)})
        quote = resp.get_json()
        assert resp.status_code == 200, quote
        assert quote["service_line"] == line and quote["lines"]
        assert quote["total"] == f"{sum(float(li['amount']) for li in quote['lines']):.2f}"
    assert desk.get("/api/v1/orders").get_json()["total"] == 0


def test_quote_preview_of_an_unknown_line_is_404(desk):
    resp = desk.post("/api/v1/quotes/preview", json={"service_line": "gardening", "intake": {}})
    assert resp.status_code == 404
    assert resp.get_json()["message"]["zh"] == "没有业务线 'gardening'。"


def test_quote_preview_of_a_bad_intake_is_422_naming_each_field_in_both_languages(desk):
    resp = desk.post("/api/v1/quotes/preview", json={
        "service_line": "cleaning", "intake": intake("cleaning", floor_area="-5", kind="x")})
    body = resp.get_json()
    assert resp.status_code == 422
    assert set(body["fields"]) >= {"intake.floor_area", "intake.kind"}
    area = body["fields"]["intake.floor_area"][0]
    assert "面积" in area["zh"] and "area" in area["en"]
    resp = desk.post("/api/v1/quotes/preview", json={
        "service_line": "maternity_nurse",
        "intake": intake("maternity_nurse", actual_birth_date=day(5).isoformat())})
    assert resp.status_code == 422 and "intake.actual_birth_date" in resp.get_json()["fields"]


def test_quote_preview_is_for_people_who_take_orders(api_as):
    body = {"service_line": "cleaning", "intake": intake("cleaning")}
    assert api_as("finance").post("/api/v1/quotes/preview", json=body).status_code == 403
    assert api_as("supervisor").post("/api/v1/quotes/preview", json=body).status_code == 200


def test_orders_are_numbered_by_business_date_in_sequence(new_order):
    first, second = new_order("cleaning"), new_order("nanny")
    prefix = f"JZ{day(0):%Y%m%d}-"
    assert (first["number"], second["number"]) == (prefix + "0001", prefix + "0002")


def test_a_new_order_keeps_the_quote_snapshot_and_the_address(new_order):
    order = new_order("cleaning")
    assert order["state"] == "enquiry" and order["quote_total"] == order["quote"]["total"]
    assert order["quote"]["price_table_version"] == 0 and order["quote"]["lines"]
    assert order["address_text"] == "鼓楼区 中山北路 1 号 2 栋 301 室"  # the intake's
    nanny = new_order("nanny")
    assert nanny["address_text"] == "鼓楼区 中山路 1 号 301"  # the customer's default
    assert nanny["intake"]["start_date"] == day(10).isoformat()


def test_bad_input_saves_nothing(desk, app, customer_id):
    cases = [({"service_line": "gardening", "customer_id": customer_id}, 404),
             ({"service_line": "cleaning", "customer_id": 9999}, 422),
             ({"service_line": "cleaning", "customer_id": customer_id,
               "intake": intake("cleaning", floor_area="0")}, 422),
             ({"service_line": "cleaning", "customer_id": customer_id, "colour": "red"}, 422),
             ({"service_line": "cleaning", "customer_id": customer_id,
               "agreed_price": "100.00"}, 422)]
    for body, status in cases:
        assert desk.post("/api/v1/orders", json=body).status_code == status, body
    assert desk.get("/api/v1/orders").get_json()["total"] == 0


def test_a_deactivated_customer_cannot_order(app, desk):
    from core.customers.models import Customer

    cid = make_customer(app, name="王先生")
    with app.app_context():
        customer = db.session.get(Customer, cid)
        customer.status, customer.deactivation_reason = "inactive", "moved"
        db.session.commit()
    resp = desk.post("/api/v1/orders", json={"service_line": "cleaning", "customer_id": cid})
    assert resp.status_code == 409 and resp.get_json()["code"] == "customer_inactive"


def test_changing_the_intake_requotes_and_is_audited(desk, api_as, new_order):
    order = new_order("cleaning")
    resp = desk.patch(f"/api/v1/orders/{order['id']}", json={
        "version": order["version"], "intake": intake("cleaning", floor_area="50",
                                                      kind="routine", dirt_level="normal")})
    changed = resp.get_json()
    assert resp.status_code == 200, changed
    assert changed["quote_total"] != order["quote_total"]
    assert changed["version"] == order["version"] + 1
    audit = api_as("supervisor").get(
        f"/api/v1/audit?entity_type=order&entity_id={order['id']}").get_json()["items"]
    assert {a["action"] for a in audit} == {"create", "update"}
    update = next(a for a in audit if a["action"] == "update")
    assert update["changes"]["quote_total"] == [order["quote_total"], changed["quote_total"]]


def test_terms_are_fixed_once_contracted(desk, new_order, worker_for):
    order = advance(desk, advance(desk, new_order("nanny"), "quoted"), "matching")
    order = advance(desk, assign(desk, order, worker_for("nanny")), "interview")
    signed_contract(desk, order, day(10), day(40))
    order = advance(desk, desk.get(f"/api/v1/orders/{order['id']}").get_json(), "contracted")
    resp = desk.patch(f"/api/v1/orders/{order['id']}",
                      json={"version": order["version"], "agreed_price": "1.00"})
    assert resp.status_code == 409 and resp.get_json()["code"] == "order_terms_fixed"
    resp = desk.patch(f"/api/v1/orders/{order['id']}",
                      json={"version": order["version"], "note": "钥匙在门卫"})
    assert resp.status_code == 200


def test_list_filters_by_line_state_dispatcher_date_and_search(app, desk, api_as, new_order):
    other = make_customer(app, name="赵阿姨家", mobile="13911112222")
    cleaning = new_order("cleaning")
    nanny = advance(desk, new_order("nanny"), "quoted")
    supervisor = api_as("supervisor")
    theirs = supervisor.post("/api/v1/orders", json={
        "service_line": "cleaning", "customer_id": other,
        "intake": intake("cleaning")}).get_json()

    def ids(query):
        resp = api_as("finance").get(f"/api/v1/orders?{query}")
        assert resp.status_code == 200, resp.get_json()
        return [o["id"] for o in resp.get_json()["items"]]

    assert set(ids("service_line=cleaning")) == {cleaning["id"], theirs["id"]}
    assert ids("state=quoted") == [nanny["id"]]
    assert ids(f"dispatcher_id={theirs['dispatcher_id']}") == [theirs["id"]]
    assert ids("q=赵阿姨") == [theirs["id"]]
    assert ids("q=2222") == [theirs["id"]]  # the shown last 4 digits of the masked mobile
    assert ids("q=13911112222") == []  # orders show the mobile masked: no search on the rest
    assert ids(f"q={nanny['number']}") == [nanny["id"]]
    today = day(0).isoformat()
    assert len(ids(f"created_from={today}&created_to={today}")) == 3
    tomorrow = (day(0) + dt.timedelta(days=1)).isoformat()
    assert ids(f"created_from={tomorrow}") == []
    assert ids("") == [theirs["id"], nanny["id"], cleaning["id"]]  # newest first
    assert ids("sort=number") == [cleaning["id"], nanny["id"], theirs["id"]]
    page = api_as("finance").get("/api/v1/orders?per_page=2&page=2").get_json()
    assert (page["total"], page["pages"], len(page["items"])) == (3, 2, 1)
    assert api_as("finance").get("/api/v1/orders?sort=colour").status_code == 422
    assert api_as("trainer").get("/api/v1/orders").status_code == 403


def test_the_openapi_document_describes_the_orders_api(anon):
    spec = anon.get("/api/openapi.json").get_json()
    for path in ("/api/v1/quotes/preview", "/api/v1/orders", "/api/v1/orders/{order_id}",
                 "/api/v1/orders/{order_id}/transitions", "/api/v1/orders/{order_id}/worker",
                 "/api/v1/orders/{order_id}/contracts", "/api/v1/orders/{order_id}/payments",
                 "/api/v1/payments/{payment_id}/confirm", "/api/v1/approvals",
                 "/api/v1/approvals/{approval_id}/approve", "/api/v1/price-tables/{line}"):
        assert path in spec["paths"], path
    assert "TransitionSchema" in spec["components"]["schemas"] or any(
        "Transition" in name for name in spec["components"]["schemas"])


def test_the_list_says_which_moves_each_order_may_make(desk, new_order, api_as):
    new_order("nanny")
    item = api_as("finance").get("/api/v1/orders").get_json()["items"][0]
    assert item["next_states"] == ["quoted", "cancelled"]
