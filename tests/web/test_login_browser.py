import pytest

from tests.conftest import PASSWORD, browser_login, make_user

pytestmark = pytest.mark.browser


def test_login_in_browser_reaches_home_and_wrong_password_is_refused(page, app):
    make_user(app, "dispatcher", "wang")
    page.goto("/")
    assert "/login" in page.url
    page.fill("#username", "wang")
    page.fill("#password", "wrong-password")
    page.click("button[type=submit]")
    assert page.locator(".flash.error").is_visible()
    refusal = page.locator(".flash.error").inner_text()
    assert "用户名或密码错误" in refusal and not any(c.isascii() and c.isalpha() for c in refusal)
    page.fill("#password", PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_url(lambda url: "/login" not in url)
    assert page.locator("h1").inner_text() == "工作台"


def test_language_switch_shows_english(page, app):
    browser_login(page, app)
    page.click("a.lang")
    assert page.locator(".brand").inner_text() == "Jiazheng dispatch desk"
