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


def test_dispatcher_computes_a_batch_plan_compares_and_confirms(page, app, matching_order,
                                                               qualified):
    from tests.orders.helpers import day

    first, second = matching_order(), matching_order(preferred_time="10:00")
    qualified(name="周阿姨"), qualified(name="吴阿姨")
    browser_login(page, app, "dispatcher")
    page.goto(f"/matching/plan?date={day(10).isoformat()}")
    page.click("#plan-form button[name=go]")
    expect(page.locator("#plan-optimal tbody tr")).to_have_count(2)
    expect(page.locator("#plan-greedy tbody tr")).to_have_count(2)
    expect(page.locator("#plan-gap")).to_be_visible()
    page.click("#plan-apply button")
    page.goto(f"/orders/{first['id']}")
    expect(page.locator("#order-worker")).not_to_have_text("—")
    page.goto(f"/orders/{second['id']}")
    expect(page.locator("#order-worker")).not_to_have_text("—")
