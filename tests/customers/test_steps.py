"""The customer pages' writes are service steps (#11): a refused step has written nothing
when the page is shown again, and a form value the schema refuses is a 422 naming the
field (in Chinese and in English), never a 500."""
import re

import sqlalchemy as sa

from core.audit.models import AuditEvent
from core.customers import service
from core.customers.models import Customer, CustomerAddress
from core.errors import Conflict
from core.extensions import db
from tests.conftest import csrf_from


def _field_errors(html: str, field: str) -> list[str]:
    return re.findall(rf'class="field-error" data-field="{field}">([^<]*)', html)


def _committed(app, stmt):
    """What another connection sees: only what was committed."""
    with app.app_context(), db.engine.connect() as conn:
        return conn.execute(stmt).all()


def _audit_actions(app, customer_id: int) -> list[str]:
    return [r.action for r in _committed(app, sa.select(AuditEvent.action).where(
        AuditEvent.entity_type == "customer", AuditEvent.entity_id == customer_id))]


def test_an_edit_refused_after_the_row_was_written_leaves_the_file_as_it_was(
        web_as, app, add_customer, monkeypatch):
    """The step flushes the changed file, then is refused (here: while recording it):
    the 409 page shows what was typed, and the database holds the file as it was —
    no changed name, no new version, no audit row of the change."""
    customer = add_customer("钱多多")
    web = web_as("dispatcher")
    url = f"/customers/{customer['id']}/edit"
    token = csrf_from(web, url)
    real_record = service.record

    def refuse_the_change(action, *args, **kwargs):
        if action == "update":
            # the changed row has reached the database inside the step by now
            assert db.session.get(Customer, customer["id"]).name == "钱少少"
            raise Conflict("refused late", code="late")
        return real_record(action, *args, **kwargs)

    monkeypatch.setattr(service, "record", refuse_the_change)
    resp = web.post(url, data={
        "csrf_token": token, "version": "1", "name": "钱少少", "mobile": customer["mobile"],
        "confidentiality": "normal", "status": "active", "household_notes": "改了一半"})
    assert resp.status_code == 409
    html = resp.get_data(as_text=True)
    assert 'value="钱少少"' in html and "改了一半" in html
    [(name, notes, version)] = _committed(app, sa.select(
        Customer.name, Customer.household_notes, Customer.version).where(
        Customer.id == customer["id"]))
    assert (name, notes, version) == ("钱多多", "", 1)
    assert "update" not in _audit_actions(app, customer["id"])


def test_an_address_refused_after_it_was_written_is_not_saved_by_the_page_shown_again(
        web_as, app, add_customer, monkeypatch):
    """The page shown again after a refusal reads the file, and reading a secret file
    commits a recorded read: the refused step must already have undone its writes (the
    new address, the old default unflagged), or that commit would save them."""
    customer = add_customer("赵秘密", confidentiality="secret",
                            addresses=[{"district": "东城区", "detail": "一号"}])
    web = web_as("dispatcher")
    page = f"/customers/{customer['id']}"
    token = csrf_from(web, page)
    reads_before = _audit_actions(app, customer["id"]).count("read")
    real_record = service.record

    def refuse_the_address(action, *args, **kwargs):
        if action == "update":
            raise Conflict("refused late", code="late")
        return real_record(action, *args, **kwargs)

    monkeypatch.setattr(service, "record", refuse_the_address)
    resp = web.post(f"{page}/addresses", data={
        "csrf_token": token, "district": "西城区", "detail": "二号", "is_default": "1"})
    assert resp.status_code == 409
    assert 'value="二号"' in resp.get_data(as_text=True)
    rows = dict(_committed(app, sa.select(CustomerAddress.detail, CustomerAddress.is_default)
                           .where(CustomerAddress.customer_id == customer["id"])))
    assert rows == {"一号": True}
    assert _audit_actions(app, customer["id"]).count("read") == reads_before + 1


def test_a_stale_make_default_changes_no_address(web_as, app, add_customer):
    """Making an address the default from an old version: refused (409, flashed), and
    neither address has been touched."""
    customer = add_customer("孙二", addresses=[
        {"district": "东城区", "detail": "一号", "is_default": True},
        {"district": "西城区", "detail": "二号"}])
    second = next(a for a in customer["addresses"] if not a["is_default"])
    web = web_as("dispatcher")
    page = f"/customers/{customer['id']}"
    token = csrf_from(web, page)
    resp = web.post(f"{page}/addresses/{second['id']}/default",
                    data={"csrf_token": token, "version": "7"}, follow_redirects=True)
    assert resp.status_code == 200
    assert "此记录已被他人修改" in resp.get_data(as_text=True)
    rows = dict(_committed(app, sa.select(CustomerAddress.detail, CustomerAddress.is_default)
                           .where(CustomerAddress.customer_id == customer["id"])))
    assert rows == {"一号": True, "二号": False}
    assert _audit_actions(app, customer["id"]) == ["create"]


def test_a_refused_access_request_writes_nothing(web_as, app, add_customer):
    """Asking for longer than the policy allows: the closed page again (422) with the
    hours field named, and no request, no audit row of one."""
    customer = add_customer("机密客户", confidentiality="confidential")
    web = web_as("dispatcher")
    page = f"/customers/{customer['id']}"
    assert web.get(page).status_code == 403
    token = csrf_from(web, "/customers/")
    resp = web.post(f"{page}/access-requests", data={
        "csrf_token": token, "reason": "回访核对", "hours": "100000"})
    assert resp.status_code == 422
    html = resp.get_data(as_text=True)
    assert _field_errors(html, "hours") and 'value="回访核对"' in html
    from core.customers.models_access import AccessRequest

    assert _committed(app, sa.select(AccessRequest.id)) == []
    assert "grant_request" not in _audit_actions(app, customer["id"])


def test_a_coordinate_that_is_not_a_number_is_a_422_naming_it_in_both_languages(
        web_as, app, add_customer):
    customer = add_customer("吴三")
    web = web_as("dispatcher")
    page = f"/customers/{customer['id']}"
    token = csrf_from(web, page)
    form = {"csrf_token": token, "district": "东城区", "detail": "长安街 2 号",
            "latitude": "北纬", "longitude": "116.4"}
    resp = web.post(f"{page}/addresses", data=form)
    assert resp.status_code == 422
    zh = _field_errors(resp.get_data(as_text=True), "latitude")
    assert zh and re.search(r"[\u4e00-\u9fff]", zh[0])
    web.get("/lang/en")
    resp = web.post(f"{page}/addresses", data=form)
    assert resp.status_code == 422
    en = _field_errors(resp.get_data(as_text=True), "latitude")
    assert en and en != zh and re.search(r"[A-Za-z]", en[0])
    assert _committed(app, sa.select(CustomerAddress.id).where(
        CustomerAddress.customer_id == customer["id"])) == []


def test_the_edit_page_refuses_an_unknown_status_as_the_api_does(web_as, api_as,
                                                                 add_customer):
    customer = add_customer("郑四")
    web = web_as("dispatcher")
    url = f"/customers/{customer['id']}/edit"
    form = {"version": "1", "name": "郑四", "mobile": customer["mobile"],
            "confidentiality": "normal", "status": "gone"}
    resp = web.post(url, data={"csrf_token": csrf_from(web, url), **form})
    assert resp.status_code == 422
    page_error = _field_errors(resp.get_data(as_text=True), "status")
    api = api_as("dispatcher").patch(f"/api/v1/customers/{customer['id']}",
                                     json={**form, "version": 1})
    assert api.status_code == 422
    assert page_error == [api.get_json()["fields"]["status"][0]["zh"]]


def test_the_edit_page_keeps_a_masked_mobile_and_clears_a_blank_lead_source(
        web_as, api_as, add_customer):
    customer = add_customer("冯五", lead_source="douyin")
    web = web_as("dispatcher")
    url = f"/customers/{customer['id']}/edit"
    resp = web.post(url, data={
        "csrf_token": csrf_from(web, url), "version": "1", "name": "冯五",
        "mobile": "139****0000", "confidentiality": "normal", "status": "active",
        "lead_source": "", "deactivation_reason": ""})
    assert resp.status_code == 302
    kept = api_as("supervisor").get(f"/api/v1/customers/{customer['id']}").get_json()
    assert kept["mobile"] == customer["mobile"] and kept["lead_source"] is None


def test_a_make_default_without_a_version_number_is_refused_not_a_500(web_as, add_customer):
    customer = add_customer("陈六", addresses=[
        {"district": "东城区", "detail": "一号"}, {"district": "西城区", "detail": "二号"}])
    second = next(a for a in customer["addresses"] if not a["is_default"])
    web = web_as("dispatcher")
    page = f"/customers/{customer['id']}"
    resp = web.post(f"{page}/addresses/{second['id']}/default",
                    data={"csrf_token": csrf_from(web, page), "version": "abc"})
    assert resp.status_code == 302
    with web.session_transaction() as session:
        flashes = session.get("_flashes", [])
    assert flashes and all(kind == "error" for kind, _ in flashes)
