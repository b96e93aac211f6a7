"""Bad input is a 4xx in the one error envelope, never a 500 (issue #16, "Bad input →
4xx"): 64-bit overflow in path, query and body; audit time filters with dates and naive
times; deep or broken JSON; huge pages; impossible dates; invisible names; oversized
bodies and lists; LIKE wildcards."""
from __future__ import annotations

import datetime as dt
import json

import pytest

from core.audit.service import record
from core.extensions import db
from core.timeutil import SHANGHAI

from ..orders.helpers import intake, make_customer

HUGE = "9" * 30  # far beyond 64 bits


def _envelope(resp, status: int) -> dict:
    assert resp.status_code == status, (resp.status_code, resp.get_data(as_text=True)[:300])
    body = resp.get_json()
    assert body["status"] == status and set(body["message"]) == {"zh", "en"}
    return body


def _field(resp, name: str, status: int = 422) -> dict:
    body = _envelope(resp, status)
    assert name in body.get("fields", {}), body
    message = body["fields"][name][0]
    assert message["zh"] and message["en"] and message["zh"] != message["en"]
    return message


# ------------------------------------------------------------------------ 64-bit overflow

@pytest.mark.parametrize("path", [f"/api/v1/orders/{HUGE}", f"/api/v1/customers/{HUGE}",
                                  f"/api/v1/workers/{2 ** 63}",
                                  f"/api/v1/orders/{HUGE}/candidates"])
def test_ids_beyond_64_bits_in_api_paths_are_404_in_the_envelope(api_as, path):
    _envelope(api_as("supervisor").get(path), 404)


@pytest.mark.parametrize("path", [f"/orders/{HUGE}", f"/customers/{HUGE}",
                                  f"/workers/{HUGE}"])
def test_ids_beyond_64_bits_in_page_paths_are_404_pages(web_as, path):
    assert web_as("supervisor").get(path).status_code == 404


def test_numbers_beyond_64_bits_in_query_and_body_name_their_field(api_as):
    boss = api_as("supervisor")
    _field(boss.get(f"/api/v1/audit?entity_id={HUGE}"), "entity_id")
    _field(boss.get(f"/api/v1/orders?dispatcher_id={HUGE}"), "dispatcher_id")
    resp = boss.post("/api/v1/orders", json={"service_line": "cleaning",
                                             "customer_id": int(HUGE),
                                             "intake": intake("cleaning")})
    _field(resp, "customer_id")


def test_numbers_beyond_64_bits_in_page_queries_are_ignored_not_500(web_as):
    boss = web_as("supervisor")
    # the audit page names a bad filter (and still shows the unfiltered trail)
    resp = boss.get(f"/audit/?entity_id={HUGE}")
    assert resp.status_code == 400 and "entity_id" in resp.get_data(as_text=True)
    assert boss.get(f"/orders/new/cleaning?customer_id={HUGE}").status_code == 200
    assert boss.get(f"/orders/?dispatcher_id={HUGE}").status_code == 200


# ------------------------------------------------------------------ paging: one helper

def test_a_huge_page_is_refused_by_the_api_and_empty_on_pages(api_as, web_as):
    for url in ("/api/v1/orders", "/api/v1/customers", "/api/v1/workers", "/api/v1/audit",
                "/api/v1/partners"):
        _field(api_as("supervisor").get(f"{url}?page={HUGE}"), "page")
        _field(api_as("supervisor").get(f"{url}?page=100001"), "page")
    boss = web_as("supervisor")
    for url in ("/orders/", "/audit/", "/partners/", "/trainees/", "/followups/"):
        assert boss.get(f"{url}?page={HUGE}").status_code == 200, url


# ---------------------------------------------------------------- audit since / until

def test_audit_since_until_take_dates_as_shanghai_days_and_naive_times_as_shanghai(
        app, api_as):
    boss = api_as("supervisor")
    with app.app_context():
        # 23:30 in Shanghai on 3 December = 15:30 UTC
        at = dt.datetime(2026, 12, 3, 23, 30, tzinfo=SHANGHAI)
        event = record("update", "probe", 1, "late evening")
        event.at = at.astimezone(dt.timezone.utc)
        db.session.commit()

    def ids(query: str) -> list:
        resp = boss.get(f"/api/v1/audit?entity_type=probe&{query}")
        assert resp.status_code == 200, resp.get_json()
        return [e["summary"] for e in resp.get_json()["items"]]

    assert ids("since=2026-12-03&until=2026-12-03") == ["late evening"]
    assert ids("since=2026-12-04") == []
    assert ids("until=2026-12-02") == []
    assert ids("since=2026-12-03T23:00:00") == ["late evening"]   # naive = Shanghai
    assert ids("since=2026-12-03T23:45:00") == []
    assert ids("since=2026-12-03T15:00:00%2B00:00&until=2026-12-03T16:00:00Z") == [
        "late evening"]
    _field(boss.get("/api/v1/audit?since=yesterday"), "since")
    _field(boss.get("/api/v1/audit?until=9999-12-31"), "until")


# ------------------------------------------------------------------ broken JSON → 400

def test_json_nested_5000_deep_is_400_not_500(api_as):
    body = "[" * 5000 + "]" * 5000
    resp = api_as("dispatcher").post("/api/v1/customers", data=body,
                                     content_type="application/json")
    _envelope(resp, 400)
    deep = '{"name": ' + "[" * 100 + "]" * 100 + "}"
    _envelope(api_as("dispatcher").post("/api/v1/customers", data=deep,
                                        content_type="application/json"), 400)


def test_a_lone_surrogate_is_400_and_nothing_is_written(api_as):
    desk = api_as("dispatcher")
    raw = ('{"name": "\\ud800", "mobile": "13900000001", "lead_source": "referral", '
           '"addresses": [{"district": "鼓楼区", "detail": "1 号"}]}')
    _envelope(desk.post("/api/v1/customers", data=raw, content_type="application/json"), 400)
    assert desk.get("/api/v1/customers").get_json()["total"] == 0


# ---------------------------------------------------------------- impossible dates

@pytest.mark.parametrize("line,field,value", [
    ("maternity_nurse", "expected_delivery_date", "0001-01-01"),
    ("nanny", "start_date", "9999-12-31"),
    ("nanny", "start_date", "2100-01-01"),
    ("cleaning", "preferred_date", "2200-01-01"),
])
def test_orders_with_impossible_dates_are_refused_naming_the_field(app, api_as, line,
                                                                   field, value):
    desk = api_as("dispatcher")
    customer_id = make_customer(app)
    raw = intake(line)
    raw[field] = value
    resp = desk.post("/api/v1/orders", json={"service_line": line,
                                             "customer_id": customer_id, "intake": raw})
    _field(resp, f"intake.{field}")
    assert desk.get("/api/v1/orders").get_json()["total"] == 0


@pytest.mark.parametrize("when", ["0001-01-01T10:00:00+08:00", "9999-12-31T10:00:00+08:00",
                                  "2020-01-01T10:00:00+08:00"])
def test_payments_dated_outside_their_window_are_refused(app, api_as, when):
    desk = api_as("dispatcher")
    customer_id = make_customer(app)
    order = desk.post("/api/v1/orders", json={"service_line": "cleaning",
                                              "customer_id": customer_id,
                                              "intake": intake("cleaning")}).get_json()
    resp = desk.post(f"/api/v1/orders/{order['id']}/payments",
                     json={"amount": "10.00", "method": "cash", "collected_at": when})
    _field(resp, "collected_at")
    assert desk.get(f"/api/v1/orders/{order['id']}").get_json()["paid_unconfirmed"] == "0.00"


# ---------------------------------------------------------------- invisible characters

def test_names_of_only_zero_width_characters_are_refused(api_as):
    desk = api_as("dispatcher")
    resp = desk.post("/api/v1/customers", json={
        "name": "\u200b\u200c\u200d\ufeff", "mobile": "13900000002", "lead_source": "referral",
        "addresses": [{"district": "鼓楼区", "detail": "1 号"}]})
    _field(resp, "name")


def test_right_to_left_overrides_are_stripped_from_names_and_addresses(api_as):
    desk = api_as("dispatcher")
    resp = desk.post("/api/v1/customers", json={
        "name": "李\u202e丽\u202c", "mobile": "13900000003", "lead_source": "referral",
        "addresses": [{"district": "鼓楼区", "detail": "中山路\u2067 1 号\u2069"}]})
    assert resp.status_code == 201, resp.get_json()
    body = resp.get_json()
    assert body["name"] == "李丽"
    assert body["addresses"][0]["detail"] == "中山路 1 号"


def test_invisible_names_typed_into_the_customer_form_are_refused(web_as):
    from ..conftest import csrf_from

    desk = web_as("dispatcher")
    token = csrf_from(desk, "/customers/new")
    resp = desk.post("/customers/new", data={
        "csrf_token": token, "name": "\u200b\u200b", "mobile": "13900000004",
        "lead_source": "referral", "confidentiality": "normal",
        "address-0-district": "鼓楼区", "address-0-detail": "1 号"})
    assert resp.status_code == 422
    assert "不可见" in resp.get_data(as_text=True)


# -------------------------------------------------------------- request and list sizes

def test_a_json_body_over_the_cap_is_413_in_the_envelope(app, api_as):
    contacts = [{"name": f"联系人{i}", "phone": "13900000000"} for i in range(100_000)]
    resp = api_as("dispatcher").post("/api/v1/partners", json={
        "name": "大医院", "kind": "exam_hospital", "contacts": contacts})
    _envelope(resp, 413)
    assert api_as("dispatcher").get("/api/v1/partners").get_json()["total"] == 0


def test_a_list_over_its_cap_is_422_naming_the_list(api_as):
    contacts = [{"name": f"联系人{i}"} for i in range(501)]
    resp = api_as("dispatcher").post("/api/v1/partners", json={
        "name": "大医院", "kind": "exam_hospital", "contacts": contacts})
    _field(resp, "contacts")
    assert api_as("dispatcher").get("/api/v1/partners").get_json()["total"] == 0


# ------------------------------------------------------------------------- LIKE escaping

def test_percent_and_underscore_in_search_boxes_match_only_themselves(app, api_as):
    desk = api_as("dispatcher")
    customer_id = make_customer(app, name="王芳")
    resp = desk.post("/api/v1/orders", json={"service_line": "cleaning",
                                             "customer_id": customer_id,
                                             "intake": intake("cleaning")})
    assert resp.status_code == 201
    for url in ("/api/v1/orders", "/api/v1/customers", "/api/v1/workers",
                "/api/v1/partners", "/api/v1/trainees"):
        for q in ("%", "_", "%25"):
            found = desk.get(url, query_string={"q": q})
            assert found.status_code == 200, (url, found.get_json())
            assert found.get_json()["total"] == 0, (url, q)
    assert desk.get("/api/v1/orders", query_string={"q": "王"}).get_json()["total"] == 1


def test_json_helpers_still_accept_ordinary_nesting(api_as):
    """The depth cap leaves real records alone (a customer with addresses)."""
    desk = api_as("dispatcher")
    resp = desk.post("/api/v1/customers", data=json.dumps({
        "name": "张三", "mobile": "13900000005", "lead_source": "referral",
        "addresses": [{"district": "鼓楼区", "detail": "1 号"}]}),
        content_type="application/json")
    assert resp.status_code == 201, resp.get_json()
