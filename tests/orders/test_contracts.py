"""The three-party contract (三方合同): drafting, signing (parties copied in), terms
outside policy needing approval, and replacing the worker mid-term (换人)."""
from __future__ import annotations

from core.extensions import db

from .conftest import advance, assign, fetch, move, signed_contract
from .helpers import day


def _interviewing(desk, new_order, worker_for, line="maternity_nurse"):
    order = advance(desk, advance(desk, new_order(line), "quoted"), "matching")
    return advance(desk, assign(desk, order, worker_for(line)), "interview")


def test_signing_copies_the_three_parties_and_later_edits_do_not_change_it(
        app, desk, new_order, worker_for):
    from core.customers.models import Customer

    order = _interviewing(desk, new_order, worker_for)
    contract = signed_contract(desk, order, day(10), day(35), service_fee="1200.00",
                               worker_salary="11700.00", deposit="2000.00",
                               final_payment="10900.00")
    assert contract["status"] == "signed" and contract["term_days"] == 26
    assert contract["number"] == f"HT{order['number'][2:]}-1"
    with app.app_context():
        customer = db.session.get(Customer, order["customer_id"])
        customer.name = "改名后"
        db.session.commit()
        from core.orders.records import OrderContract

        stored = db.session.get(OrderContract, contract["id"])
        assert stored.customer_party["name"] == "李女士"
        assert stored.worker_party["id_number"] and stored.company_party["name"]


def test_a_line_without_contracts_refuses_one(desk, new_order, worker_for):
    order = advance(desk, advance(desk, new_order("cleaning"), "quoted"), "matching")
    order = assign(desk, order, worker_for("cleaning"))
    resp = desk.post(f"/api/v1/orders/{order['id']}/contracts",
                     json={"start_date": day(1).isoformat(), "end_date": day(2).isoformat()})
    assert resp.status_code == 409 and resp.get_json()["code"] == "no_contract"


def test_a_contract_needs_a_worker_and_a_term_that_ends_after_it_starts(desk, new_order):
    order = advance(desk, advance(desk, new_order("nanny"), "quoted"), "matching")
    url = f"/api/v1/orders/{order['id']}/contracts"
    resp = desk.post(url, json={"start_date": day(5).isoformat(), "end_date": day(1).isoformat()})
    assert resp.status_code == 422 and "end_date" in resp.get_json()["fields"]
    resp = desk.post(url, json={"start_date": day(1).isoformat(), "end_date": day(30).isoformat()})
    assert resp.status_code == 409 and resp.get_json()["code"] == "no_worker"


def test_a_term_outside_the_standard_ones_needs_a_supervisors_approval(
        desk, api_as, new_order, worker_for):
    order = _interviewing(desk, new_order, worker_for)
    url = f"/api/v1/orders/{order['id']}/contracts"
    body = {"start_date": day(10).isoformat(), "end_date": day(39).isoformat(),  # 30 days
            "service_fee": "9000.00", "worker_salary": "7000.00", "deposit": "2000.00"}
    resp = desk.post(url, json=body)
    assert resp.status_code == 422 and "term_reason" in resp.get_json()["fields"]
    assert desk.get(url).get_json() == []  # nothing half-saved
    resp = desk.post(url, json={**body, "term_reason": "客户只需要 30 天"})
    assert resp.status_code == 201
    contract = resp.get_json()
    desk.post(f"{url}/{contract['id']}/sign", json={"signed_on": day(0).isoformat()})
    resp = move(desk, fetch(desk, order), "contracted")
    assert resp.status_code == 409 and "特批" in resp.get_json()["message"]["zh"]
    pending = api_as("supervisor").get("/api/v1/approvals?status=pending").get_json()
    assert [(a["kind"], a["detail"]["term_days"]) for a in pending["items"]] == [
        ("term_outside_policy", 30)]
    resp = api_as("supervisor").post(f"/api/v1/approvals/{pending['items'][0]['id']}/approve",
                                     json={"note": "同意"})
    assert resp.status_code == 200
    assert advance(desk, fetch(desk, order), "contracted")["state"] == "contracted"


def test_a_standard_term_edited_into_the_price_table_needs_no_approval(
        desk, api_as, new_order, worker_for):
    admin = api_as("admin")
    table = admin.get("/api/v1/price-tables/maternity_nurse").get_json()
    table["table"]["standard_terms"] = [26, 30, 42]
    assert admin.put("/api/v1/price-tables/maternity_nurse",
                     json={"table": table["table"], "version": 0}).status_code == 200
    order = _interviewing(desk, new_order, worker_for)
    signed_contract(desk, order, day(10), day(39))
    assert advance(desk, fetch(desk, order), "contracted")["state"] == "contracted"


def test_replacing_the_worker_mid_term_makes_a_new_contract_version(
        app, desk, new_order, worker_for):
    order = _interviewing(desk, new_order, worker_for)
    first = signed_contract(desk, order, day(10), day(35), service_fee="1200.00",
                            worker_salary="11700.00", deposit="2000.00")
    order = advance(desk, fetch(desk, order), "contracted")
    order = advance(desk, order, "in_service", start_date=day(10).isoformat())
    new_worker = worker_for("maternity_nurse")
    url = f"/api/v1/orders/{order['id']}/worker"
    resp = desk.post(url, json={"worker_id": new_worker, "version": order["version"]})
    assert resp.status_code == 422 and "reason" in resp.get_json()["fields"]
    resp = desk.post(url, json={"worker_id": new_worker, "version": order["version"],
                                "reason": "客户要求换人", "change_date": day(40).isoformat()})
    assert resp.status_code == 422 and "change_date" in resp.get_json()["fields"]
    order = assign(desk, order, new_worker, reason="客户要求换人",
                   change_date=day(20).isoformat(), worker_salary="12000.00")
    assert order["worker_id"] == new_worker and order["state"] == "in_service"
    versions = desk.get(f"/api/v1/orders/{order['id']}/contracts").get_json()
    old, new = versions
    assert old["id"] == first["id"] and old["status"] == "replaced"
    assert old["replaced_on"] == day(20).isoformat() and old["days_served"] == 10
    assert old["replacement_reason"] == "客户要求换人"
    assert new["version"] == 2 and new["status"] == "draft" and new["replaces_id"] == old["id"]
    assert (new["start_date"], new["end_date"]) == (day(20).isoformat(), old["end_date"])
    assert new["worker_id"] == new_worker and new["worker_salary"] == "12000.00"
    assert new["service_fee"] == old["service_fee"] and new["number"].endswith("-2")
    sign_url = f"/api/v1/orders/{order['id']}/contracts/{new['id']}/sign"
    # a 月嫂 takes over only with her own service agreement (服务协议) signed
    resp = desk.post(sign_url, json={"signed_on": day(0).isoformat()})
    assert resp.status_code == 409 and resp.get_json()["code"] == "agreement_not_signed"
    assert resp.get_json()["next_step"]["code"] == "sign_agreement"
    agreements = f"/api/v1/orders/{order['id']}/service-agreements"
    drafted = desk.post(agreements, json={})
    assert drafted.status_code == 201 and drafted.get_json()["worker_id"] == new_worker
    assert desk.post(f"{agreements}/{drafted.get_json()['id']}/sign",
                     json={"signed_on": day(0).isoformat()}).status_code == 200
    resp = desk.post(sign_url, json={"signed_on": day(0).isoformat()})
    assert resp.status_code == 200, resp.get_json()
    events = desk.get(f"/api/v1/orders/{order['id']}/events").get_json()
    replaced = next(e for e in events if e["kind"] == "worker_replaced")
    assert replaced["data"]["contract"] == new["number"] and replaced["note"] == "客户要求换人"


def test_only_a_draft_for_the_current_worker_can_be_signed(desk, new_order, worker_for):
    order = _interviewing(desk, new_order, worker_for)
    contract = signed_contract(desk, order, day(10), day(35))
    resp = desk.post(f"/api/v1/orders/{order['id']}/contracts/{contract['id']}/sign",
                     json={"signed_on": day(0).isoformat()})
    assert resp.status_code == 409 and resp.get_json()["code"] == "contract_not_draft"
    resp = desk.post(f"/api/v1/orders/{order['id']}/contracts",
                     json={"start_date": day(1).isoformat(), "end_date": day(26).isoformat()})
    assert resp.status_code == 409 and resp.get_json()["code"] == "contract_signed"


def test_the_printable_contract_shows_amounts_in_capital_numerals(
        desk, new_order, worker_for, web_as):
    order = _interviewing(desk, new_order, worker_for)
    contract = signed_contract(desk, order, day(10), day(35), service_fee="12345.60",
                               deposit="2000.00")
    page = web_as("dispatcher").get(
        f"/orders/{order['id']}/contracts/{contract['id']}/print")
    html = page.get_data(as_text=True)
    assert page.status_code == 200
    assert "壹万贰仟叁佰肆拾伍元陆角整" in html and "贰仟元整" in html
    assert contract["number"] in html and "共 26 天" in html
    assert web_as("finance", "fin-print").get(
        f"/orders/{order['id']}/contracts/{contract['id']}/print").status_code == 403
