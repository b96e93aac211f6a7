"""In a real browser: the desk proposes destroying a file on its page; a supervisor sees
it pending, approves; a second approver (an admin) refuses another and approves this one,
which destroys it. The desk re-checks a file from the list of files due this quarter."""
import os
import re

import pytest

from tests.conftest import browser_login

pytestmark = pytest.mark.browser
SHOTS = os.environ.get("JIAZHENG_SHOTS")  # a directory: screenshots for review


def _shot(page, name):
    if SHOTS:
        page.screenshot(path=os.path.join(SHOTS, f"{name}.png"), full_page=True)


def _context(browser, live_server, app, role):
    context = browser.new_context(base_url=live_server, locale="zh-CN")
    page = context.new_page()
    page.set_default_timeout(10_000)
    browser_login(page, app, role)
    return context, page


def test_propose_approve_refuse_destroy_in_the_browser(page, browser, live_server, app,
                                                       file_at):
    gone, kept = file_at("normal", name="冯要删"), file_at("normal", name="褚留存")
    browser_login(page, app, "dispatcher")
    for f in (kept, gone):
        page.goto(f"/customers/{f['id']}")
        page.select_option("#f-destruction-reason", "customer_request")
        page.fill("#f-destruction-note", "客户来电要求删除个人信息")
        page.click("#destruction-form button[type=submit]")
        page.wait_for_url(re.compile(rf"/customers/{f['id']}"))
        assert "待审批" in page.locator("#destruction-state").inner_text()
    _shot(page, "destruction-proposed-zh")

    ctx, boss = _context(browser, live_server, app, "supervisor")
    assert boss.locator("#tile-destructions .num").inner_text() == "2"
    boss.goto("/customers/destructions")
    assert boss.locator("#destructions tr[data-state=proposed]").count() == 2
    _shot(boss, "destructions-zh")
    row = boss.locator("#destructions tr", has_text="冯要删")
    row.locator("button.approve").click()
    boss.wait_for_url(re.compile(r"/customers/destructions"))
    assert "1 / 2" in boss.locator("#destructions tr", has_text="冯要删").inner_text()
    # approved once: no second approve button for her
    assert boss.locator("#destructions tr", has_text="冯要删").locator(
        "button.approve").count() == 0
    boss.goto("/lang/en")
    boss.goto("/customers/destructions")
    assert "Proposed" in boss.locator("#destructions").inner_text()
    _shot(boss, "destructions-en")
    ctx.close()

    ctx, admin = _context(browser, live_server, app, "admin")
    admin.goto("/customers/destructions")
    row = admin.locator("#destructions tr", has_text="褚留存")
    row.locator("input[name=note]").fill("客户仍有未结账款")
    row.locator("button.refuse").click()
    admin.wait_for_url(re.compile(r"/customers/destructions"))
    admin.locator("#destructions tr", has_text="冯要删").locator("button.approve").click()
    admin.wait_for_url(re.compile(r"/customers/destructions"))
    assert admin.locator("#destructions tr[data-state=proposed]").count() == 0
    admin.goto("/customers/destructions?state=")
    text = admin.locator("#destructions").inner_text()
    assert "已销毁" in text and "已否决" in text and "客户仍有未结账款" in text
    assert "冯要删" not in text and "褚留存" in text
    _shot(admin, "destructions-all-zh")
    ctx.close()

    page.goto(f"/customers/{gone['id']}")
    assert "冯要删" not in page.content() and gone["mobile"] not in page.content()
    page.goto(f"/customers/{kept['id']}")
    assert page.locator("#destruction-form").is_visible()


def test_recheck_a_file_from_the_quarters_list(page, app, file_at):
    f = file_at("secret", name="卫核定")
    browser_login(page, app, "dispatcher")
    page.goto("/customers/file-duties")
    assert page.locator("#file-duties tr[data-kind=quarterly]").count() == 1
    _shot(page, "file-duties-zh")
    page.click("#unchecked-link")
    row = page.locator(f"#unchecked tr[data-customer='{f['id']}']")
    assert "从未核定" in row.inner_text()
    _shot(page, "unchecked-zh")
    row.locator("button.primary").click()
    page.wait_for_url(re.compile(r"/customers/unchecked"))
    assert page.locator(f"#unchecked tr[data-customer='{f['id']}']").count() == 0
    page.goto(f"/customers/{f['id']}")
    assert "从未核定" not in page.locator("#last-checked").inner_text()
    page.goto("/lang/en")
    page.goto("/customers/file-duties")
    _shot(page, "file-duties-en")
    page.goto("/customers/unchecked")
    _shot(page, "unchecked-en")
