"""Order pages: the new-order form rendered from each line's schema (with a quote that
also works without JavaScript), the list with filters, the order page and its actions."""
from __future__ import annotations

import re

import pytest

from core.forms import describe_schema
from core.plugins import intake_schema
from tests.conftest import csrf_from

from .conftest import advance, fetch
from .helpers import LINES, day, intake


def _form_data(line: str, raw: dict, prefix: str = "intake") -> dict:
    """A raw intake as the form would post it (``intake.address.district`` …)."""
    data: dict = {}
    for key, value in raw.items():
        name = f"{prefix}.{key}"
        if isinstance(value, dict):
            data.update(_form_data(line, value, name))
        elif isinstance(value, bool):
            if value:
                data[name] = "on"
        else:
            data[name] = value if isinstance(value, list) else str(value)
    return data


def _names(specs, prefix="intake"):
    for spec in specs:
        name = f"{prefix}.{spec['name']}"
        if spec["widget"] == "group":
            yield from _names(spec["fields"], name)
        else:
            yield spec, name


@pytest.mark.parametrize("line", LINES)
def test_the_new_order_form_of_each_line_is_rendered_from_its_schema(app, web_as, line):
    desk = web_as("dispatcher")
    html = desk.get(f"/orders/new/{line}").get_data(as_text=True)
    with app.app_context():
        specs = describe_schema(intake_schema(line))
    for spec, name in _names(specs):
        assert f'name="{name}"' in html, name
        assert spec["label_zh"] in html
        if spec.get("unit"):
            assert f'<span class="unit">{spec["unit"]}</span>' in html
        for choice in spec.get("choices", []):
            assert f'value="{choice["value"]}"' in html and choice["zh"] in html
        if spec.get("depends_on"):
            assert re.search(rf'data-field="{re.escape(name)}" data-depends-on=', html)
    assert 'name="action" value="quote"' in html and "orders.js" in html


def test_the_form_speaks_english_when_the_person_switched(app, web_as):
    desk = web_as("dispatcher")
    desk.get("/lang/en")
    html = desk.get("/orders/new/maternity_nurse").get_data(as_text=True)
    assert "Expected delivery date" in html and "预产期" not in html


def test_without_javascript_the_quote_button_shows_the_quote(web_as, customer_id):
    desk = web_as("dispatcher")
    token = csrf_from(desk, "/orders/new/cleaning")
    data = {"csrf_token": token, "customer_id": customer_id, "action": "quote",
            **_form_data("cleaning", intake("cleaning"))}
    resp = desk.post("/orders/new/cleaning", data=data)
    html = resp.get_data(as_text=True)
    assert resp.status_code == 200 and "¥1,560.00" in html
    assert 'value="120"' in html  # what was typed stays in the form
    bad = {**data, "intake.floor_area": "-3"}
    resp = desk.post("/orders/new/cleaning", data=bad)
    html = resp.get_data(as_text=True)
    assert resp.status_code == 422 and 'data-field="intake.floor_area"' in html
    assert "has-error" in html


def test_saving_the_form_creates_the_order_and_shows_its_page(web_as, customer_id, api_as):
    desk = web_as("dispatcher")
    token = csrf_from(desk, "/orders/new/child_massage")
    data = {"csrf_token": token, "customer_id": customer_id, "action": "save",
            **_form_data("child_massage", intake("child_massage"))}
    resp = desk.post("/orders/new/child_massage", data=data)
    assert resp.status_code == 302
    page = desk.get(resp.headers["Location"]).get_data(as_text=True)
    order = api_as("finance").get("/api/v1/orders").get_json()["items"][0]
    assert order["intake"]["needs"] == ["food_stagnation", "sleep"]
    assert order["number"] in page and "咨询" in page


def test_a_form_without_customer_or_with_a_bad_intake_saves_nothing(web_as, api_as):
    desk = web_as("dispatcher")
    token = csrf_from(desk, "/orders/new/nanny")
    data = {"csrf_token": token, "action": "save", **_form_data("nanny", intake("nanny"))}
    assert desk.post("/orders/new/nanny", data=data).status_code == 422
    assert api_as("finance").get("/api/v1/orders").get_json()["total"] == 0


def test_the_live_quote_endpoint_needs_the_csrf_header_and_returns_a_fragment(web_as):
    desk = web_as("dispatcher")
    token = csrf_from(desk, "/orders/new/maternity_nurse")
    data = _form_data("maternity_nurse", intake("maternity_nurse", grade="silver"))
    assert desk.post("/orders/quote-preview/maternity_nurse", data=data).status_code == 400
    resp = desk.post("/orders/quote-preview/maternity_nurse", data=data,
                     headers={"X-CSRFToken": token})
    html = resp.get_data(as_text=True)
    assert resp.status_code == 200 and "<html" not in html
    assert "¥8,840.00" in html  # 银牌 26 天 × ¥340.00
    resp = desk.post("/orders/quote-preview/maternity_nurse",
                     data={**data, "intake.grade": ""}, headers={"X-CSRFToken": token})
    assert resp.status_code == 422 and 'data-field="intake.grade"' in resp.get_data(as_text=True)
    assert desk.post("/orders/quote-preview/gardening", data=data,
                     headers={"X-CSRFToken": token}).status_code == 404


def test_the_order_list_filters_by_line_state_and_unpaid(web_as, new_order, desk):
    cleaning = advance(desk, new_order("cleaning"), "quoted")
    nanny = new_order("nanny")
    page = web_as("finance")

    def numbers(query):
        html = page.get(f"/orders/?{query}").get_data(as_text=True)
        return re.findall(r'data-order="([^"]+)"', html)

    assert numbers("") == [nanny["number"], cleaning["number"]]
    assert numbers("service_line=nanny") == [nanny["number"]]
    assert numbers("state=quoted") == [cleaning["number"]]
    assert numbers("unpaid=1") == [cleaning["number"]]
    assert numbers(f"created_from={day(1).isoformat()}") == []
    assert numbers("sort=number") == [cleaning["number"], nanny["number"]]
    assert numbers(f"q={nanny['number']}") == [nanny["number"]]
    assert web_as("trainer", "t1").get("/orders/").status_code == 403


def test_a_move_from_a_stale_page_is_409_and_asks_to_reload(web_as, new_order, desk):
    order = new_order("cleaning")
    browser = web_as("dispatcher", "desk-two")
    page = browser.get(f"/orders/{order['id']}").get_data(as_text=True)
    version = re.search(r'name="version" value="(\d+)"', page).group(1)
    token = csrf_from(browser, f"/orders/{order['id']}")
    desk.patch(f"/api/v1/orders/{order['id']}", json={"version": order["version"],
                                                      "note": "同事先改了"})
    resp = browser.post(f"/orders/{order['id']}/transition",
                        data={"csrf_token": token, "version": version, "to": "quoted"})
    html = resp.get_data(as_text=True)
    assert resp.status_code == 409
    assert "该订单已被他人修改，请刷新页面后重试。" in html and 'class="reload"' in html
    assert fetch(desk, order)["state"] == "enquiry"
    fresh = re.search(r'name="version" value="(\d+)"', html).group(1)
    resp = browser.post(f"/orders/{order['id']}/transition",
                        data={"csrf_token": token, "version": fresh, "to": "quoted"})
    assert resp.status_code == 302 and fetch(desk, order)["state"] == "quoted"


def test_finance_confirms_a_payment_on_the_order_page(web_as, new_order):
    order = new_order("cleaning")
    desk = web_as("dispatcher", "desk-pay")
    token = csrf_from(desk, f"/orders/{order['id']}")
    resp = desk.post(f"/orders/{order['id']}/payments",
                     data={"csrf_token": token, "amount": "300.00", "method": "cash"})
    assert resp.status_code == 302
    finance = web_as("finance", "fin-1")
    page = finance.get(f"/orders/{order['id']}").get_data(as_text=True)
    payment_id = re.search(r'data-payment="(\d+)"', page).group(1)
    assert "确认收款" in page
    token = csrf_from(finance, f"/orders/{order['id']}")
    assert finance.post(f"/orders/payments/{payment_id}/confirm",
                        data={"csrf_token": token}).status_code == 302
    page = finance.get(f"/orders/{order['id']}").get_data(as_text=True)
    assert re.search(r'id="paid-confirmed">¥300.00<', page)


def test_a_supervisor_approves_from_the_queue(web_as, desk, customer_id):
    order = desk.post("/api/v1/orders", json={
        "service_line": "cleaning", "customer_id": customer_id, "intake": intake("cleaning"),
        "agreed_price": "900.00", "price_reason": "员工亲属"}).get_json()
    boss = web_as("supervisor", "boss")
    queue = boss.get("/orders/approvals").get_data(as_text=True)
    approval_id = re.search(r'data-approval="(\d+)"', queue).group(1)
    assert "员工亲属" in queue
    token = csrf_from(boss, "/orders/approvals")
    resp = boss.post(f"/orders/approvals/{approval_id}/decide",
                     data={"csrf_token": token, "decision": "approve", "back": "queue"})
    assert resp.status_code == 302 and resp.headers["Location"].endswith("/orders/approvals")
    page = boss.get(f"/orders/{order['id']}").get_data(as_text=True)
    assert 'data-status="approved"' in page


def test_the_order_page_shows_history_with_who_and_the_next_moves(web_as, new_order, desk):
    order = advance(desk, new_order("maternity_nurse"), "quoted")
    html = web_as("supervisor", "sup-2").get(f"/orders/{order['id']}").get_data(as_text=True)
    assert 'data-kind="created"' in html and 'data-kind="transition"' in html
    assert "dispatcher user" in html and f'href="/customers/{order["customer_id"]}"' in html
    assert 'class="transition to-matching"' in html and 'class="transition to-cancelled"' in html
    assert "三方合同" in html


def test_the_home_page_counts_open_unpaid_orders_and_exceptions_to_decide(
        web_as, desk, customer_id, new_order):
    new_order("cleaning")
    desk.post("/api/v1/orders", json={
        "service_line": "cleaning", "customer_id": customer_id, "intake": intake("cleaning"),
        "agreed_price": "900.00", "price_reason": "老客户"})
    home = web_as("supervisor", "boss-home").get("/").get_data(as_text=True)
    tiles = {label: int(num) for num, label in re.findall(
        r'<span class="num">(\d+)</span><span class="label">([^<]+)<', home)}
    assert tiles["进行中的订单"] == 2 and tiles["未付清的订单"] == 1
    assert tiles["待审批的特批"] == 1
    assert "待审批的特批" not in web_as("dispatcher", "d-home").get("/").get_data(as_text=True)
    assert "进行中的订单" not in web_as("trainer", "t-home").get("/").get_data(as_text=True)
