"""In a real browser: the dispatcher sees the ranked candidates with their score parts on
the order page, asks "why not her?", holds one and assigns another."""
from __future__ import annotations

import pytest
from playwright.sync_api import expect

from tests.conftest import browser_login

pytestmark = pytest.mark.browser


def test_dispatcher_ranks_asks_why_not_holds_and_assigns(page, app, matching_order,
                                                         qualified, worker_for):
    order = matching_order()
    first, second = qualified(name="钱阿姨"), qualified(name="孙阿姨")
    worker_for(name="李阿姨")  # no credentials
    browser_login(page, app, "dispatcher")
    page.goto(f"/orders/{order['id']}")
    rows = page.locator("#candidates tbody tr[data-worker]")
    assert rows.count() == 2
    assert page.locator("#candidates thead th").filter(has_text="评价").count() == 1
    page.fill("#why-not-form input[name=why]", "李阿姨")
    page.click("#why-not-form button")
    expect(page.locator("#why-not")).to_contain_text("健康证")
    page.click(f"#candidates tr[data-worker='{second}'] button[value=hold]")
    expect(page.locator("table.bookings tr[data-state=active]")).to_have_count(1)
    page.click(f"#candidates tr[data-worker='{first}'] button[value=assignment]")
    expect(page.locator("#order-worker")).to_have_text("钱阿姨")
    expect(page.locator("table.bookings tr[data-state=active]")).to_have_count(2)
