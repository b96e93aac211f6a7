"""In a real browser: the dispatcher moves an order's 上户 date on its page; the facts, the
follow-up timeline and the history follow — and a move into the worker's busy days is
refused on the page with the clashing order named."""
from __future__ import annotations

import re

import pytest

from tests.conftest import browser_login

from .helpers import day
from .test_period import _in_service

pytestmark = pytest.mark.browser


def _show_period(page):
    """The date section is folded (closed <details>) on the order page: open it."""
    if not page.locator("#fold-period").evaluate("d => d.open"):
        page.click("#fold-period > summary")


def _move(page, start, reason):
    _show_period(page)
    page.fill("#f-period-start", start)
    page.fill("#f-period-reason", reason)
    page.click("#period button[type=submit]")


def test_moving_the_start_date_on_the_order_page(page, app, api_as, tmp_path):
    from tests.orders.helpers import make_customer, make_worker

    desk = api_as("dispatcher")
    customer = make_customer(app, name="周女士")
    worker = make_worker(app, ("maternity_nurse",), name="王阿姨")
    order = _in_service(desk, customer, worker)                 # day 10 … 35
    other = _in_service(desk, customer, worker, start=50)       # day 50 … 75
    browser_login(page, app, "dispatcher")
    page.goto(f"/orders/{order['id']}")
    day3 = page.locator("#followup-timeline li[data-rule='day3'] strong")
    assert day3.inner_text().startswith(day(13).isoformat())

    _move(page, day(12).isoformat(), "产妇推迟出院")
    page.wait_for_url(re.compile(rf"/orders/{order['id']}$"))
    assert page.locator(".flash").first.inner_text().strip() == "服务日期已调整"
    assert day(12).isoformat() in page.locator("dl.facts:not(.intake-facts)").first.inner_text()
    assert day3.inner_text().startswith(day(15).isoformat())
    entry = page.locator("#history li[data-kind='period_moved']")
    assert entry.count() == 1 and "产妇推迟出院" in entry.inner_text()
    _show_period(page)
    page.locator("#period").screenshot(path=str(tmp_path / "period-zh.png"))
    page.goto("/lang/en")
    page.goto(f"/orders/{order['id']}#period")  # the anchor opens the folded section
    assert "Move the service dates" in page.locator("#period").inner_text()
    page.locator("#period").screenshot(path=str(tmp_path / "period-en.png"))
    page.locator("#history").screenshot(path=str(tmp_path / "history-en.png"))
    page.goto("/lang/zh")
    page.goto(f"/orders/{order['id']}")

    _move(page, day(40).isoformat(), "客户改期")
    alert = page.locator("#order-alert")
    alert.wait_for()
    assert other["number"] in alert.inner_text() and "已有安排" in alert.inner_text()
    page.goto(f"/orders/{order['id']}")
    assert day(12).isoformat() in page.locator("dl.facts:not(.intake-facts)").first.inner_text()
    assert page.locator("#history li[data-kind='period_moved']").count() == 1


def test_a_supervisor_corrects_a_finished_orders_end_date_on_its_page(page, app, api_as,
                                                                      tmp_path):
    import os

    from tests.orders.helpers import make_customer, make_worker

    from .conftest import advance

    shots = os.environ.get("JIAZHENG_SCREENSHOTS") or str(tmp_path)
    desk = api_as("dispatcher")
    order = _in_service(desk, make_customer(app, name="吴女士"),
                        make_worker(app, ("maternity_nurse",), name="陈阿姨"), start=-3)
    order = advance(desk, order, "finished", end_date=day(0).isoformat())
    browser_login(page, app, "supervisor")
    page.goto(f"/orders/{order['id']}#period")  # the anchor opens the folded section
    section = page.locator("#period")
    assert "更正服务日期" in section.inner_text()
    page.fill("#f-period-end", day(-1).isoformat())
    page.click("#period button[type=submit]")  # the reason is required: the browser asks
    assert page.locator("#f-period-reason").evaluate("e => !e.validity.valid")
    page.fill("#f-period-reason", "下户日期录错")
    page.click("#period button[type=submit]")
    page.wait_for_url(re.compile(rf"/orders/{order['id']}$"))
    assert day(-1).isoformat() in page.locator("dl.facts:not(.intake-facts)").first.inner_text()
    entry = page.locator("#history li[data-kind='period_corrected']")
    assert entry.count() == 1 and "下户日期录错" in entry.inner_text()
    _show_period(page)
    page.locator("#period").screenshot(path=os.path.join(shots, "period-correct-zh.png"))
    page.goto("/lang/en")
    page.goto(f"/orders/{order['id']}#period")
    assert "Correct the service dates" in page.locator("#period").inner_text()
    assert "Service dates corrected" in page.locator("#history").inner_text()
    page.locator("#period").screenshot(path=os.path.join(shots, "period-correct-en.png"))
    page.locator("#history").screenshot(path=os.path.join(shots, "history-correct-en.png"))
