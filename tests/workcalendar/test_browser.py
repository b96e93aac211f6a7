"""In a real browser: the admin sees next year's missing schedule on her home page, enters
it on the calendar page, a mistake is refused in place, and the warning goes away."""
from __future__ import annotations

import os

import pytest

from tests.conftest import browser_login

pytestmark = pytest.mark.browser

SHOTS = os.environ.get("JIAZHENG_SCREENSHOTS")


def _shot(page, name: str) -> None:
    if SHOTS:
        page.screenshot(path=os.path.join(SHOTS, name), full_page=True)


def test_admin_enters_2027_from_the_home_page_warning(page, app):
    browser_login(page, app, "admin", "cal-browser")
    page.goto("/")
    warning = page.locator("#calendar-missing")
    assert "2027" in warning.inner_text()
    _shot(page, "calendar-home-zh.png")
    warning.locator("a").click()
    page.wait_for_url("**/calendar/2027")
    page.fill("#days_off", "2027-01-01 元旦\n2027-02-06 春节\n2027-02-07 春节\n2027-02-08 春节")
    page.fill("#make_up_days", "2027-02-15")  # a Monday: refused
    page.click(".calendar-form button[type=submit]")
    assert "周六或周日" in page.locator(".calendar-form .error").inner_text()
    assert page.input_value("#days_off").startswith("2027-01-01 元旦")
    page.fill("#make_up_days", "2027-02-14")
    page.fill("#note", "国办发明电〔2026〕测试号")
    page.click(".calendar-form button[type=submit]")
    page.wait_for_selector(".flash")
    assert "已保存第 1 版" in page.locator(".flash").first.inner_text()
    assert page.locator("#make-up-days").inner_text() == "2027-02-14"
    assert page.locator("#days-off tbody tr").count() == 4
    _shot(page, "calendar-year-zh.png")
    page.goto("/lang/en")
    page.goto("/calendar/2027")
    assert "Spring Festival" in page.locator("#days-off").inner_text()
    _shot(page, "calendar-year-en.png")
    page.goto("/calendar/")
    _shot(page, "calendar-index-en.png")
    page.goto("/")
    assert page.locator("#calendar-missing").count() == 0
