"""In a real browser: a dispatcher records a follow-up as "not satisfied", turns it into a
complaint with one click, works it (contact, resolution with its call-back time) and
closes it with the complaint call-back; the desk shows it with its clock colour.
Screenshots of the desk and the complaint page in both languages go to
``tests/complaints/screenshots/`` (not committed) for a person to look at."""
from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
import sqlalchemy as sa

from core.complaints.models import Complaint
from core.extensions import db
from core.timeutil import SHANGHAI, utcnow
from tests.conftest import browser_login
from tests.followups.helpers import followups, make_order, move

pytestmark = pytest.mark.browser
SHOTS = Path(__file__).parent / "screenshots"


def shoot(page, name: str) -> None:
    SHOTS.mkdir(exist_ok=True)
    page.screenshot(path=str(SHOTS / f"{name}.png"), full_page=True)


def test_a_not_satisfied_follow_up_becomes_a_complaint_worked_and_closed(page, app):
    from core.accounts.models import User

    browser_login(page, app, "dispatcher", "ts-browser")
    with app.app_context():
        desk = db.session.scalar(sa.select(User.id).where(User.username == "ts-browser"))
    order = make_order(app, "nanny", dispatcher_id=desk)
    move(app, order, "in_service", start_date="2026-01-05")
    day3 = followups(app, order)["day3"]
    page.goto("/followups/")
    row = page.locator(f'tr[data-followup="{day3.id}"]')
    row.locator("details.fu-more > summary", has_text="不满意").click()
    row.locator('input[name="reason"]').fill("阿姨做饭不卫生")
    row.locator('button[data-outcome="not_satisfied"]').click()
    page.wait_for_selector(".flash")
    page.goto("/followups/?bucket=done")
    page.locator(f'button[data-to-complaint="{day3.id}"]').click()
    page.wait_for_url("**/complaints/*")
    assert "阿姨做饭不卫生" in page.inner_text("body")
    with app.app_context():
        c = db.session.scalar(sa.select(Complaint))
        assert (c.followup_id, c.order_id, c.channel) == (day3.id, order, "followup")
    # work it: the customer is contacted, a redo is agreed with a call-back tomorrow
    page.select_option("#form-action select[name=kind]", "contact")
    page.fill("#form-action textarea[name=note]", "已安抚客户，答应更换做饭方式")
    page.click("#form-action button[type=submit]")
    page.wait_for_selector(".flash")
    callback = (utcnow() + dt.timedelta(days=1)).astimezone(SHANGHAI)
    page.select_option("#form-resolution select[name=kind]", "redo")
    page.fill("#form-resolution input[name=callback_at]", callback.strftime("%Y-%m-%dT%H:%M"))
    page.fill("#form-resolution textarea[name=note]", "免费重做一次深度清洁")
    page.click("#form-resolution button[type=submit]")
    page.wait_for_selector('li[data-resolution="redo"]')
    shoot(page, "complaint-zh")
    page.goto("/complaints/")
    assert page.locator(f'tr[data-complaint="{c.id}"]').count() == 1
    shoot(page, "desk-zh")
    page.goto(f"/complaints/{c.id}")
    page.check('#form-callback input[value="satisfied"]')
    page.click("#form-callback button[type=submit]")
    page.wait_for_selector('dd[data-state="closed"]')
    kinds = page.locator("ol.ts-timeline li").evaluate_all(
        "els => els.map(e => e.dataset.action)")
    assert kinds == ["closing_callback", "resolution", "contact", "intake"]
    with app.app_context():
        c = db.session.get(Complaint, c.id)
        assert c.state == "closed" and c.verdict == "satisfied"
    page.goto(f"/complaints/{c.id}")
    page.click("a.lang")
    page.goto(f"/complaints/{c.id}")
    assert "Closing call-back" in page.inner_text("body")
    shoot(page, "complaint-en")
    page.goto("/complaints/?state=closed")
    shoot(page, "desk-en")


def test_the_desk_filters_red_complaints_by_chip(page, app):
    from core.complaints import service
    from tests.orders.helpers import make_customer

    browser_login(page, app, "dispatcher", "ts-desk")
    customer = make_customer(app)
    with app.app_context():
        late = service.open_complaint(customer_id=customer, channel="phone", category="quality",
                                      level="general", summary="逾期未处理", actor_id=None,
                                      received_at=utcnow() - dt.timedelta(days=10)).complaint.id
    other = make_customer(app, mobile="13655556666")
    with app.app_context():
        fresh = service.open_complaint(customer_id=other, channel="wechat", category="billing",
                                       level="moderate", summary="收费疑问",
                                       actor_id=None).complaint.id
    page.goto("/complaints/")
    assert "ts-red" in page.locator(f'tr[data-complaint="{late}"]').get_attribute("class")
    assert "ts-ok" in page.locator(f'tr[data-complaint="{fresh}"]').get_attribute("class")
    page.click('nav.ts-chips a:has-text("超时")')
    page.wait_for_url("**clock=red**")
    rows = page.locator("tr[data-complaint]")
    assert rows.count() == 1 and rows.first.get_attribute("data-complaint") == str(late)
