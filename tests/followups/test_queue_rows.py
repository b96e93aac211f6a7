"""The queue's rows say whom to call: the JZ number, the customer's name and (to roles
that may see it, per docs/privacy.md) the phone, the line and the script; today's tab is
the default and, when empty, says when the next calls are due."""
from __future__ import annotations

import datetime as dt
import re

import pytest
import sqlalchemy as sa

from core.extensions import db
from core.timeutil import business_today
from tests.conftest import browser_login, login_session

from .helpers import followups, make_order, move, user


def _customer_of(app, order_id, **change):
    from core.orders.models import Order

    with app.app_context():
        order = db.session.get(Order, order_id)
        for key, value in change.items():
            setattr(order.customer, key, value)
        db.session.commit()
        return order.number, order.customer.name, order.customer.mobile


def _row(html: str, followup_id: int) -> str:
    return re.search(rf'<tr[^>]*data-followup="{followup_id}".*?</tr>', html, re.S).group(0)


@pytest.mark.parametrize("level,name_shown,phone", [
    ("normal", "full", "full"), ("secret", "full", "masked"),
    ("confidential", "full", None), ("top_secret", "partial", None)])
def test_a_row_shows_number_name_and_the_phone_the_role_may_see(app, level, name_shown, phone):
    desk = user(app, "dispatcher")
    order = make_order(app, "nanny", dispatcher_id=desk)
    move(app, order, "in_service", start_date="2026-01-05")
    day3 = followups(app, order)["day3"]
    number, name, mobile = _customer_of(app, order, name="王小红", confidentiality=level)
    client = app.test_client()
    login_session(client, desk)
    html = client.get("/followups/").get_data(as_text=True)  # today's tab: overdue on top
    row = _row(html, day3.id)
    assert number in row and ("保姆" in row or "育婴师" in row)
    assert ("王小红" if name_shown == "full" else "王**") in row
    if name_shown == "partial":
        assert "王小红" not in row
    assert 'class="fu-script"' in row and "整体满意吗" in row
    if phone == "full":
        assert f'href="tel:{mobile}"' in row
    elif phone == "masked":
        assert f"{mobile[:3]}****{mobile[-4:]}" in row and mobile not in html
    else:
        # the order number holds today's date, which a mobile's last four digits may equal
        assert mobile not in html and mobile[-4:] not in row.replace(number, "")
        assert "档案保密" in row


def test_todays_tab_when_empty_says_when_the_next_calls_are_due(app):
    desk = user(app, "dispatcher")
    order = make_order(app, "nanny", dispatcher_id=desk)
    start = business_today() + dt.timedelta(days=5)
    move(app, order, "in_service", start_date=start.isoformat())
    first = min(f.due_at for f in followups(app, order).values())
    client = app.test_client()
    login_session(client, desk)
    html = client.get("/followups/").get_data(as_text=True)
    empty = re.search(r'id="fu-empty".*?</td>', html, re.S).group(0)
    from core.timeutil import SHANGHAI

    assert "今天没有要打的回访电话" in empty
    assert first.astimezone(SHANGHAI).date().isoformat() in empty
    assert "bucket=upcoming" in empty
    other = app.test_client()
    login_session(other, user(app, "dispatcher"))
    assert "之后也还没有排定的回访" in other.get("/followups/").get_data(as_text=True)


@pytest.mark.browser
def test_the_dispatcher_opens_her_queue_on_today_and_can_dial(page, app):
    from core.accounts.models import User

    browser_login(page, app, "dispatcher", "fu-queue")
    with app.app_context():
        desk = db.session.scalar(sa.select(User.id).where(User.username == "fu-queue"))
    order = make_order(app, "nanny", dispatcher_id=desk)
    move(app, order, "in_service", start_date="2026-01-05")
    number, name, mobile = _customer_of(app, order)
    page.goto("/followups/")
    assert page.locator(".fu-tabs a.on").get_attribute("data-bucket") == "today"
    row = page.locator("#fu-queue tbody tr").first
    assert row.locator(".fu-order").inner_text() == number
    assert row.locator(".fu-name").inner_text() == name
    assert row.locator("a.fu-phone").get_attribute("href") == f"tel:{mobile}"
    assert row.locator(".fu-script").is_visible()
    page.goto("/lang/en")
    page.goto("/followups/")
    assert page.locator("#fu-queue thead").inner_text().split("\t")[2].strip() == "Customer"
