"""In a real browser: a dispatcher takes one order of each service line through the web
form rendered from the line's schema, watching the live quote follow her typing."""
from __future__ import annotations

import re

import pytest

from tests.conftest import browser_login

from .helpers import LINES, intake, make_customer

pytestmark = pytest.mark.browser

#: one field per line whose change must change the price, and its new value
CHANGE = {"cleaning": ("intake.floor_area", "80"),
          "child_massage": ("intake.place", "company"),
          "maternity_nurse": ("intake.grade", "silver"),
          "nanny": ("intake.grade", "senior")}


def _fill(page, raw: dict, prefix: str = "intake") -> None:
    """Type a raw intake into the form as a person would, field by field."""
    for key, value in raw.items():
        name = f"{prefix}.{key}"
        if isinstance(value, dict):
            _fill(page, value, name)
            continue
        field = page.locator(f"[name='{name}']")
        if isinstance(value, list):
            for item in value:
                page.check(f"input[name='{name}'][value='{item}']")
        elif isinstance(value, bool):
            page.set_checked(f"input[name='{name}']", value)
        elif field.evaluate("el => el.tagName") == "SELECT":
            page.select_option(f"select[name='{name}']", str(value))
        else:
            field.fill(str(value)[:5] if field.get_attribute("type") == "time" else str(value))


def _total(page) -> str:
    return page.locator("#quote-box .quote-total").inner_text()


def test_one_order_of_each_line_through_the_web_form_with_a_live_quote(page, app):
    customer_id = make_customer(app, name="陈女士")
    browser_login(page, app, "dispatcher")
    numbers = []
    for line in LINES:
        page.goto("/orders/new")
        page.click(f"a.tile[data-line='{line}']")
        page.wait_for_url(re.compile(rf"/orders/new/{line}$"))
        page.select_option("#f-customer_id", str(customer_id))
        _fill(page, intake(line))
        page.wait_for_selector("#quote-box .quote-total")
        first = _total(page)
        assert first.startswith("¥"), line
        name, value = CHANGE[line]
        updates = page.locator("#quote-box").get_attribute("data-updates")
        if page.locator(f"select[name='{name}']").count():
            page.select_option(f"select[name='{name}']", value)
        else:
            page.fill(f"[name='{name}']", value)
        page.wait_for_function(
            "([before, updates]) => { const box = document.querySelector('#quote-box');"
            " const t = box.querySelector('.quote-total');"
            " return box.getAttribute('data-updates') !== updates"
            " && t && t.innerText !== before; }",
            arg=[first, updates])
        changed = _total(page)
        assert changed != first, line
        page.click("button[name=action][value=save]")
        page.wait_for_url(re.compile(r"/orders/\d+$"))
        heading = page.locator("h1").inner_text()
        number = re.search(r"JZ\d{8}-\d{4}", heading).group(0)
        assert page.locator("#order-state").get_attribute("data-state") == "enquiry"
        assert page.locator(".quote-total").inner_text() == changed
        numbers.append(number)
    page.goto("/orders/")
    listed = page.locator("tr[data-order]").evaluate_all(
        "rows => rows.map(r => r.getAttribute('data-order'))")
    assert sorted(listed) == sorted(numbers) and len(set(numbers)) == 4


def test_a_stale_move_in_the_browser_tells_the_person_to_reload(page, app, new_order, desk):
    order = new_order("cleaning")
    browser_login(page, app, "dispatcher", "b-desk-2")
    page.goto(f"/orders/{order['id']}")
    desk.patch(f"/api/v1/orders/{order['id']}", json={"version": order["version"],
                                                      "note": "同事改过"})
    page.click("form.to-quoted button[type=submit]")
    alert = page.locator("#order-alert")
    assert "请刷新页面" in alert.inner_text()
    page.click("#order-alert a.reload")
    page.click("form.to-quoted button[type=submit]")
    assert page.locator("#order-state").get_attribute("data-state") == "quoted"
