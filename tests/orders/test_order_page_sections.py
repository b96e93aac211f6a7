"""The order page a dispatcher reads: the intake answers at the top, what comes next (and
the step offered) for a new order, candidates while matching, and after service starts
换人 as one action instead of a candidate table."""
import re

import pytest

from tests.appointments.conftest import customer_id, desk, new_order, worker_for  # noqa: F401
from tests.appointments.helpers import in_service, matching
from tests.conftest import browser_login


def test_intake_answers_come_first_and_a_new_order_says_what_is_next(
        app, web_as, new_order):  # noqa: F811
    order = new_order("cleaning")
    html = web_as("dispatcher").get(f"/orders/{order['id']}").get_data(as_text=True)
    assert html.index('id="next-step"') < html.index('id="intake"') < html.index("订单信息")
    step = re.search(r'id="next-step".*?</section>', html, re.S).group(0)
    assert "下一步" in step and "报价" in step and 'data-next="quoted"' in step
    intake = re.search(r'id="intake".*?</section>', html, re.S).group(0)
    assert 'data-intake="floor_area"' in intake and "㎡" in intake


def test_candidates_while_matching_and_one_replace_action_in_service(
        app, web_as, desk, new_order, worker_for):  # noqa: F811
    waiting = matching(desk, new_order("cleaning"))
    worker_for("cleaning")
    client = web_as("dispatcher")
    html = client.get(f"/orders/{waiting['id']}").get_data(as_text=True)
    assert 'id="candidates"' in html and 'id="replace-worker"' not in html

    served = in_service(desk, new_order("cleaning"), worker_for("cleaning"))
    html = client.get(f"/orders/{served['id']}").get_data(as_text=True)
    assert 'id="candidates"' not in html
    replace = re.search(r'<details id="replace-worker".*?</details>', html, re.S).group(0)
    assert "换人" in replace and 'name="reason"' in replace
    asked = client.get(f"/orders/{served['id']}?replace=1").get_data(as_text=True)
    assert 'id="candidates"' in asked


@pytest.mark.browser
def test_a_new_order_offers_its_next_step_in_the_browser(page, app, new_order):  # noqa: F811
    order = new_order("cleaning")
    browser_login(page, app, "dispatcher", "next-step")
    page.goto(f"/orders/{order['id']}")
    page.click('#next-step button[data-next="quoted"]')
    page.wait_for_selector('#order-state[data-state="quoted"]')
    assert page.locator("#next-step").get_attribute("data-state") == "quoted"
    assert page.locator('#next-step button[data-next="matching"]').is_visible()
    page.goto("/lang/en")
    page.goto(f"/orders/{order['id']}")
    assert page.locator("#next-step p").inner_text().startswith("Next:")
