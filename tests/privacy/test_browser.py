"""In a real browser: a dispatcher asks for a 机密 file, a supervisor approves, the
dispatcher reads it, the grant expires and the file is closed again."""
import os
import re

import pytest

from tests.conftest import browser_login

pytestmark = pytest.mark.browser
SHOTS = os.environ.get("JIAZHENG_SHOTS")  # a directory: screenshots for review


def _shot(page, name):
    if SHOTS:
        page.screenshot(path=os.path.join(SHOTS, f"{name}.png"), full_page=True)


def test_ask_approve_read_then_the_grant_expires(page, browser, live_server, app, file_at,
                                                 clock):
    file = file_at("confidential", name="钱八妹")
    browser_login(page, app, "dispatcher")
    page.goto(f"/customers/{file['id']}")
    assert "须经客服主管批准" in page.locator("#closed-note").inner_text()
    assert "望京街" not in page.content()
    page.fill("#f-reason", "客户来电，核对服务地址")
    page.fill("#f-hours", "2")
    _shot(page, "closed-zh")
    page.click("#ask-form button[type=submit]")
    page.wait_for_url(re.compile(rf"/customers/{file['id']}$"))
    assert page.locator("#my-requests tr[data-state=pending]").count() == 1

    context = browser.new_context(base_url=live_server, locale="zh-CN")
    boss = context.new_page()
    boss.set_default_timeout(10_000)
    browser_login(boss, app, "supervisor")
    assert "待审批的档案查阅申请" in boss.content()
    boss.goto("/customers/access-requests?state=pending")
    row = boss.locator("#access-requests tr[data-state=pending]")
    assert "客户来电，核对服务地址" in row.inner_text()
    _shot(boss, "queue-zh")
    boss.goto("/lang/en")
    boss.goto("/customers/access-requests?state=pending")
    _shot(boss, "queue-en")
    row.locator("button.primary").click()
    boss.wait_for_url(re.compile(r"/customers/access-requests"))
    context.close()

    page.goto(f"/customers/{file['id']}")
    assert "望京街 8 号 3-1201" in page.content()
    assert page.locator("#customer-mobile").inner_text().startswith(file["mobile"])
    _shot(page, "granted-zh")
    clock(2.01)
    page.goto(f"/customers/{file['id']}")
    assert page.locator("#closed-note").is_visible() and "望京街" not in page.content()
    assert page.locator("#my-requests tr[data-state=expired]").count() == 1
    page.goto("/lang/en")
    page.goto(f"/customers/{file['id']}")
    _shot(page, "closed-en")
