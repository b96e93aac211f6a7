"""The new-order form's customer picker: a few characters of a name or phone find the
customer server-side; it never confirms a hidden digit (same rules as the customer
search); a new customer made from it comes back to the form chosen."""
import re

import pytest
from playwright.sync_api import expect

from tests.conftest import browser_login, csrf_from


def _picked(client, q):
    resp = client.get("/orders/customer-picker", query_string={"q": q})
    assert resp.status_code == 200
    return resp.get_json()["items"]


def test_the_picker_finds_by_name_or_phone_and_confirms_no_hidden_digit(web_as, file_at):
    normal = file_at("normal", name="陈美玲", mobile="13766667777")
    secret = file_at("secret", name="李四", mobile="13811112222")
    closed = file_at("confidential", name="周五", mobile="13833334444")
    top = file_at("top_secret", name="王小红", mobile="13855556666")
    desk = web_as("dispatcher")
    assert [c["id"] for c in _picked(desk, "美玲")] == [normal["id"]]
    assert _picked(desk, "美玲")[0]["mobile"] == "13766667777"
    assert [c["id"] for c in _picked(desk, "66667")] == [normal["id"]]  # full: any digits
    assert _picked(desk, "13811112222") == [] and _picked(desk, "811112") == []
    assert [c["id"] for c in _picked(desk, "2222")] == [secret["id"]]
    assert _picked(desk, "2222")[0]["mobile"] == "138****2222"
    assert _picked(desk, "13833334444") == [] and _picked(desk, "4444") == []
    assert [(c["id"], c["mobile"]) for c in _picked(desk, "周五")] == [(closed["id"], None)]
    assert _picked(desk, "小红") == [] and [c["id"] for c in _picked(desk, "5566")] == []
    assert _picked(desk, "王") == []  # one character answers nothing
    assert top["id"] not in [c["id"] for c in _picked(desk, "王小")]
    assert web_as("trainer").get("/orders/customer-picker?q=美玲").status_code == 403


def test_the_picker_and_the_search_ignore_latin_case_newest_first(web_as, api_as, file_at):
    """Names with Latin letters match whatever their case, on SQLite (where LIKE does the
    folding) as on PostgreSQL (ILIKE); the newest file comes first."""
    older = file_at("normal", name="Lily王", mobile="13700002222")
    newer = file_at("normal", name="LILY陈", mobile="13700003333")
    desk = web_as("dispatcher")
    assert [c["id"] for c in _picked(desk, "lily")] == [newer["id"], older["id"]]
    assert [c["id"] for c in _picked(desk, "Ly王")] == [older["id"]]
    found = api_as("dispatcher").get("/api/v1/customers", query_string={"q": "lIlY"})
    assert {c["id"] for c in found.get_json()["items"]} == {older["id"], newer["id"]}


def test_without_javascript_the_form_reloads_with_the_match_chosen(web_as, file_at):
    normal = file_at("normal", name="陈美玲", mobile="13766667777")
    file_at("normal", name="林小雨", mobile="13700001111")
    html = web_as("dispatcher").get("/orders/new/cleaning?customer_q=美玲").get_data(
        as_text=True)
    select = re.search(r'<select id="f-customer_id".*?</select>', html, re.S).group(0)
    assert f'value="{normal["id"]}" selected' in select and "林小雨" not in select


def test_a_customer_created_from_the_picker_comes_back_chosen(web_as):
    desk = web_as("dispatcher")
    url = "/customers/new?next=/orders/new/cleaning&q=13912340000"
    form = desk.get(url).get_data(as_text=True)
    assert 'value="13912340000"' in form
    resp = desk.post(url, data={"csrf_token": csrf_from(desk, url), "name": "赵六",
                                "mobile": "13912340000", "confidentiality": "normal",
                                "addresses-0-district": "朝阳区", "addresses-0-detail": "x"})
    assert resp.status_code == 302, resp.get_data(as_text=True)[:500]
    assert re.fullmatch(r".*/orders/new/cleaning\?customer_id=\d+", resp.headers["Location"])
    outside = desk.get("/customers/new?next=https://evil.example/").get_data(as_text=True)
    assert "evil.example" not in outside


@pytest.mark.browser
def test_typing_in_the_picker_fills_the_customer_list(page, app, file_at):
    normal = file_at("normal", name="陈美玲", mobile="13766667777")
    browser_login(page, app, "dispatcher", "picker")
    page.goto("/orders/new/cleaning")
    page.fill("#f-customer_q", "6666")
    expect(page.locator("#f-customer_id")).to_have_value(str(normal["id"]))
    assert "陈美玲" in page.locator("#f-customer_id option:checked").inner_text()
    page.fill("#f-customer_q", "13766")
    expect(page.locator("#new-customer")).to_have_attribute("href", re.compile(r"q=13766$"))
