"""In a real browser: a dispatcher opens a customer file, fixing a mistyped phone number."""
import re

import pytest

from tests.conftest import browser_login

pytestmark = pytest.mark.browser


def test_create_customer_fix_bad_phone_then_find_by_search(page, app):
    browser_login(page, app, "dispatcher")
    page.goto("/customers/")
    page.click("a[href='/customers/new']")
    page.fill("#f-name", "欧阳娜娜")
    page.fill("#f-mobile", "1381234")
    page.fill("#f-address_district", "朝阳区")
    page.fill("#f-address_detail", "望京西园 3 区 12 号楼")
    page.click("button[type=submit].primary")

    error = page.locator(".field-error[data-field=mobile]")
    assert error.is_visible()
    assert "手机号" in error.inner_text()
    assert page.input_value("#f-name") == "欧阳娜娜"
    assert page.input_value("#f-address_detail") == "望京西园 3 区 12 号楼"

    page.fill("#f-mobile", "138 1234 5678")
    page.click("button[type=submit].primary")
    page.wait_for_url(re.compile(r"/customers/\d+$"))
    assert "欧阳娜娜" in page.locator("h1").inner_text()
    assert page.locator(".field-error").count() == 0

    page.goto("/customers/")
    page.fill("input[name=q]", "5678")
    page.click("form.filters button[type=submit]")
    row = page.locator("table.list tbody tr", has_text="欧阳娜娜")
    assert row.count() == 1
    assert "13812345678" in row.inner_text()
    assert "望京" not in row.inner_text() and "朝阳区" in row.inner_text()
