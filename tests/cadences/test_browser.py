"""In a real browser: an admin counts day 5 from the day-3 call, sees a bad offset named,
saves, and resets to the plugin's rules."""
from __future__ import annotations

import pytest

from tests.conftest import browser_login

pytestmark = pytest.mark.browser


def test_an_admin_sets_day5_after_the_day3_call_and_resets_it(page, app, api_as):
    browser_login(page, app, "admin", "cadence-admin")
    page.goto("/followup-cadences/")
    page.click("text=月嫂")
    page.select_option('select[name="day5-after"]', "day3")
    page.fill('input[name="day5-offset"]', "0")
    page.click('button[value="save"]')
    error = page.locator('.field-error[data-field="rules.day5.days"]')
    assert "1 到 3660" in error.inner_text()
    page.fill('input[name="day5-offset"]', "5")
    page.click('button[value="save"]')
    page.wait_for_selector(".flash")
    assert "回访节奏已保存" in page.locator(".flash").first.inner_text()
    assert "已修改" in page.locator('tr[data-rule="day5"]').inner_text()
    cadence = api_as("dispatcher").get("/api/v1/followup-cadences/maternity_nurse").get_json()
    assert (cadence["version"], cadence["overrides"]) == (1, {"day5": {"after": "day3"}})
    page.click('button[value="reset"]')
    page.wait_for_selector("text=已恢复为插件的回访规则")
    assert page.locator('select[name="day5-after"]').input_value() == ""
    cadence = api_as("dispatcher").get("/api/v1/followup-cadences/maternity_nurse").get_json()
    assert (cadence["version"], cadence["source"]) == (2, "plugin")
