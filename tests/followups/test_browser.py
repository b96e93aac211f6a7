"""In a real browser: the dispatcher opens her queue, reads the script, and records an
outcome with one click; a double click still records it once."""
from __future__ import annotations

import pytest
import sqlalchemy as sa

from core.extensions import db
from core.followups.models import FollowUpOutcome
from tests.conftest import browser_login

from .helpers import followups, make_order, move

pytestmark = pytest.mark.browser


def test_one_click_records_satisfied_once_and_plans_day5(page, app):
    from core.accounts.models import User

    browser_login(page, app, "dispatcher", "fu-browser")
    with app.app_context():
        desk = db.session.scalar(sa.select(User.id).where(User.username == "fu-browser"))
    order = make_order(app, "nanny", dispatcher_id=desk)
    move(app, order, "in_service", start_date="2026-01-05")
    day3 = followups(app, order)["day3"]
    page.goto("/followups/")
    row = page.locator(f'tr[data-followup="{day3.id}"]')
    assert "fu-overdue" in row.get_attribute("class")
    assert "整体满意吗" in row.locator(".fu-script").inner_text()
    row.locator('button[data-outcome="satisfied"]').dblclick()
    page.wait_for_selector(".flash")
    with app.app_context():
        assert db.session.scalar(sa.select(sa.func.count(FollowUpOutcome.id))) == 1
    assert followups(app, order)["day3"].outcome == "satisfied"
    assert "day5" in followups(app, order)
