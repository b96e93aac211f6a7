"""Customer pages: forms validated by the API's schemas, search, conflicts, confidentiality."""
import re

from core.customers.models import Customer
from core.extensions import db
from tests.conftest import csrf_from


def _field_errors(html: str, field: str) -> list[str]:
    return re.findall(rf'class="field-error" data-field="{field}">([^<]*)', html)


def _version_on(html: str) -> str:
    return re.search(r'name="version" value="(\d+)"', html).group(1)


def test_create_with_bad_phone_shows_the_error_next_to_it_and_keeps_the_input(web_as, app):
    web = web_as("dispatcher")
    token = csrf_from(web, "/customers/new")
    resp = web.post("/customers/new", data={
        "csrf_token": token, "name": "王小明", "mobile": "12345", "confidentiality": "normal",
        "household_notes": "家有老人", "address_district": "朝阳区", "address_detail": "望京 1 号"})
    assert resp.status_code == 422
    html = resp.get_data(as_text=True)
    assert "不是有效的中国大陆手机号" in _field_errors(html, "mobile")[0]
    assert _field_errors(html, "name") == []
    assert 'value="王小明"' in html and 'value="12345"' in html
    assert 'value="望京 1 号"' in html and "家有老人" in html
    with app.app_context():
        assert db.session.query(Customer).count() == 0


def test_create_then_find_by_name_and_by_phone_digits_on_the_list(web_as):
    web = web_as("dispatcher")
    token = csrf_from(web, "/customers/new")
    resp = web.post("/customers/new", data={
        "csrf_token": token, "name": "刘美丽", "mobile": "139 8765 4321",
        "confidentiality": "normal", "lead_source": "xiaohongshu",
        "address_label": "家", "address_district": "海淀区", "address_detail": "学院路 5 号"})
    assert resp.status_code == 302
    detail = web.get(resp.headers["Location"]).get_data(as_text=True)
    assert "刘美丽" in detail and "学院路 5 号" in detail and "13987654321" in detail
    for query in ("美丽", "654"):
        listing = web.get("/customers/", query_string={"q": query}).get_data(as_text=True)
        assert "刘美丽" in listing, query
    listing = web.get("/customers/", query_string={"q": "无此人"}).get_data(as_text=True)
    assert "刘美丽" not in listing


def test_duplicate_mobile_on_the_form_is_shown_next_to_the_mobile_field(web_as, add_customer):
    add_customer("甲", mobile="13500000001")
    web = web_as("dispatcher")
    resp = web.post("/customers/new", data={
        "csrf_token": csrf_from(web, "/customers/new"), "name": "乙", "mobile": "13500000001",
        "confidentiality": "normal"})
    assert resp.status_code == 409
    assert "已有客户使用此手机号" in _field_errors(resp.get_data(as_text=True), "mobile")[0]


def test_form_without_csrf_token_is_refused(web_as):
    resp = web_as("dispatcher").post("/customers/new", data={
        "name": "甲", "mobile": "13500000001", "confidentiality": "normal"})
    assert resp.status_code == 400


def test_edit_saves_with_the_version_it_read(web_as, add_customer):
    customer = add_customer("钱多多")
    web = web_as("dispatcher")
    url = f"/customers/{customer['id']}/edit"
    html = web.get(url).get_data(as_text=True)
    resp = web.post(url, data={
        "csrf_token": csrf_from(web, url), "version": _version_on(html), "name": "钱多多",
        "mobile": customer["mobile"], "confidentiality": "normal", "status": "active",
        "household_notes": "周末不在家"})
    assert resp.status_code == 302
    assert "周末不在家" in web.get(f"/customers/{customer['id']}").get_data(as_text=True)


def test_edit_after_someone_else_changed_the_record_says_reload_and_keeps_input(
        web_as, api_as, add_customer):
    customer = add_customer("孙悟空")
    web = web_as("dispatcher")
    url = f"/customers/{customer['id']}/edit"
    html = web.get(url).get_data(as_text=True)
    version, token = _version_on(html), csrf_from(web, url)
    assert api_as("supervisor").patch(f"/api/v1/customers/{customer['id']}", json={
        "version": 1, "household_notes": "别人先改了"}).status_code == 200
    resp = web.post(url, data={
        "csrf_token": token, "version": version, "name": "孙大圣", "mobile": customer["mobile"],
        "confidentiality": "normal", "status": "active", "household_notes": "我的修改"})
    assert resp.status_code == 409
    html = resp.get_data(as_text=True)
    assert "有人在您打开之后修改了这份客户资料" in html and "刷新" in html
    assert 'value="孙大圣"' in html and "我的修改" in html
    kept = api_as("supervisor").get(f"/api/v1/customers/{customer['id']}").get_json()
    assert kept["name"] == "孙悟空" and kept["household_notes"] == "别人先改了"


def test_edit_deactivate_without_reason_shows_the_error_on_that_field(web_as, add_customer):
    customer = add_customer("周一")
    web = web_as("dispatcher")
    url = f"/customers/{customer['id']}/edit"
    resp = web.post(url, data={
        "csrf_token": csrf_from(web, url), "version": "1", "name": "周一",
        "mobile": customer["mobile"], "confidentiality": "normal", "status": "inactive",
        "deactivation_reason": ""})
    assert resp.status_code == 422
    assert _field_errors(resp.get_data(as_text=True), "deactivation_reason")


def test_add_address_on_the_customer_page_and_refuse_a_blank_district(web_as, add_customer):
    customer = add_customer("吴二")
    web = web_as("dispatcher")
    page = f"/customers/{customer['id']}"
    token = csrf_from(web, page)
    bad = web.post(f"{page}/addresses", data={"csrf_token": token, "district": "",
                                              "detail": "长安街 1 号", "latitude": ""})
    assert bad.status_code == 422
    html = bad.get_data(as_text=True)
    assert _field_errors(html, "district") and 'value="长安街 1 号"' in html
    ok = web.post(f"{page}/addresses", data={"csrf_token": token, "district": "东城区",
                                             "detail": "长安街 1 号", "label": "公司"})
    assert ok.status_code == 302
    assert "长安街 1 号" in web.get(page).get_data(as_text=True)


def test_finance_list_page_masks_mobiles_and_offers_no_new_button(web_as, add_customer):
    add_customer("郑三", mobile="13811112222")
    html = web_as("finance").get("/customers/").get_data(as_text=True)
    assert "138****2222" in html and "13811112222" not in html
    assert "/customers/new" not in html


def test_trainer_may_not_open_the_customer_pages(web_as):
    assert web_as("trainer").get("/customers/").status_code == 403


def test_top_secret_page_is_refused_to_a_dispatcher_and_listed_with_partial_name(
        web_as, add_customer):
    customer = add_customer("王小明", confidentiality="top_secret")
    web = web_as("dispatcher")
    refused = web.get(f"/customers/{customer['id']}")
    assert refused.status_code == 403
    assert "主管" in refused.get_data(as_text=True)
    listing = web.get("/customers/").get_data(as_text=True)
    assert "王**" in listing and "王小明" not in listing


def test_confidential_page_read_is_recorded_and_shown_in_the_supervisors_history(
        web_as, add_customer):
    customer = add_customer("赵四", confidentiality="secret")
    assert web_as("dispatcher").get(f"/customers/{customer['id']}").status_code == 200
    html = web_as("supervisor").get(f"/customers/{customer['id']}").get_data(as_text=True)
    assert html.count('data-action="read"') == 2
    assert 'data-action="create"' in html


def test_list_filters_and_sort_links_work_from_the_page(web_as, add_customer):
    add_customer("甲", confidentiality="secret")
    add_customer("乙")
    web = web_as("supervisor")
    html = web.get("/customers/", query_string={"confidentiality": "secret", "status": ""}
                   ).get_data(as_text=True)
    assert "甲" in html and "乙" not in html
    html = web.get("/customers/", query_string={"sort": "bogus"}).get_data(as_text=True)
    assert 'data-field="sort"' in html


def test_pages_speak_english_when_switched(web_as):
    web = web_as("dispatcher")
    web.get("/lang/en")
    html = web.get("/customers/new").get_data(as_text=True)
    assert "New customer" in html and "Household notes" in html


def test_dashboard_tiles_count_active_and_recent_customers_and_hide_from_trainers(
        app, api_as, add_customer):
    from core.customers.dashboard import dashboard_tiles

    add_customer("甲")
    gone = add_customer("乙")
    api_as("supervisor").patch(f"/api/v1/customers/{gone['id']}", json={
        "version": 1, "status": "inactive", "deactivation_reason": "deceased"})
    with app.test_request_context():
        tiles = dashboard_tiles("dispatcher")
        assert [t["value"] for t in tiles] == [0, 1, 2]  # no file duty opened yet
        assert tiles[0]["id"] == "file-duties"
        assert tiles[1]["href"] == "/customers/?status=active"
        assert dashboard_tiles("trainer") == []


def test_every_string_on_the_customer_pages_has_an_english_translation():
    from pathlib import Path

    from babel.messages.pofile import read_po

    root = Path(__file__).resolve().parents[2] / "core"
    used = set()
    for path in [*(root / "templates" / "customers").glob("*.html"),
                 *(root / "customers").glob("*.py")]:
        used |= set(re.findall(r"""_\(\s*["']([^"']+)["']\s*\)""", path.read_text("utf-8")))
    with (root / "translations" / "en" / "LC_MESSAGES" / "customers.po").open("rb") as fh:
        translated = {m.id for m in read_po(fh) if m.id and m.string}
    assert used and used - translated == set()
