"""In a real browser on a phone-sized viewport (390×844): the customer opens her link,
answers with stars and choices, and sends it; the answer is in the database and a second
visit says it was answered. The dispatcher's results page shows the chart. Screenshots
(zh, en) go to ``tests/surveys/screenshots/`` (not committed) for a person to look at."""
from __future__ import annotations

from pathlib import Path

import pytest

from core.complaints.models import Survey
from core.extensions import db
from tests.conftest import browser_login

from .helpers import link_survey, make_customer, make_order

pytestmark = pytest.mark.browser
SHOTS = Path(__file__).parent / "screenshots"


def shoot(page, name: str) -> None:
    SHOTS.mkdir(exist_ok=True)
    page.screenshot(path=str(SHOTS / f"{name}.png"), full_page=True)


def test_a_customer_answers_her_survey_on_a_phone(browser, live_server, app, api_as):
    desk = api_as("dispatcher")
    customer = make_customer(app, name="王小红", mobile="13912340003")
    survey_id, token = link_survey(desk, make_order(app, customer_id=customer))
    context = browser.new_context(base_url=live_server, viewport={"width": 390, "height": 844},
                                  device_scale_factor=2, is_mobile=True, has_touch=True,
                                  locale="zh-CN")
    page = context.new_page()
    page.set_default_timeout(10_000)
    try:
        page.goto(f"/s/{token}?lang=en")
        shoot(page, "survey-phone-en")
        page.goto(f"/s/{token}")
        assert page.locator("h1").inner_text() == "满意度调查"
        assert "*小红" in page.locator("header").inner_text()
        assert "王" not in page.content()
        # nothing wider than the phone: no sideways scrolling
        assert page.evaluate("document.documentElement.scrollWidth") <= 390
        page.locator("button.send").click()  # nothing chosen: the page says what is missing
        assert page.locator("#q-overall .field-error").inner_text() == "请回答这个问题。"
        page.locator('label[for="a-overall-4"]').tap()
        page.locator('label[for="a-child-5"]').tap()
        page.locator('label[for="a-safety-no"]').tap()
        page.locator('label[for="a-again-yes"]').tap()
        page.fill("#a-comment", "阿姨很耐心")
        box = page.locator("button.send").bounding_box()
        assert box["width"] >= 300 and box["height"] >= 44  # a thumb-sized button
        shoot(page, "survey-phone-zh")
        page.locator("button.send").tap()
        page.wait_for_selector("text=谢谢！")
        with app.app_context():
            s = db.session.get(Survey, survey_id)
            assert s.score == 4 and s.answers["comment"] == "阿姨很耐心"
            assert s.dissatisfied is False and s.channel == "link"
        page.goto(f"/s/{token}")
        assert "已提交" in page.content()
    finally:
        context.close()


def test_the_results_page_shows_the_chart(page, app, api_as):
    desk = api_as("dispatcher")
    for stars in (5, 2):
        _sid, token = link_survey(desk, make_order(app))
        answers = {"overall": stars, "child": 4, "safety": "no",
                   "again": "yes" if stars > 3 else "no"}
        assert desk.client.post(f"/api/v1/surveys/public/{token}",
                                json={"answers": answers}).status_code == 200
    browser_login(page, app, "supervisor", "sv-browser")
    page.goto("/surveys/?by=line")
    assert page.locator("svg.sv-chart rect").count() == 2
    shoot(page, "results-zh")
    page.goto("/lang/en")
    page.goto("/surveys/?by=line")
    assert "Dissatisfied rate" in page.content()
    assert page.locator("svg.sv-chart text", has_text="Nanny").count() == 1
    assert "育婴师" not in page.content()
    shoot(page, "results-en")
