"""In a real browser: a worker whose health certificate has expired is flagged on her page
and in the list filtered by expired health certificates."""
import datetime as dt

import pytest

from core.extensions import db
from core.timeutil import business_today
from core.workers import credentials, service
from tests.conftest import browser_login

from .conftest import worker_data

pytestmark = pytest.mark.browser


def test_expired_health_certificate_is_flagged_on_her_page_and_in_the_filtered_list(page, app):
    today = business_today()
    with app.app_context():
        worker = service.create_worker(worker_data(name="孙秀兰"))
        credentials.add_credential(worker, {
            "kind": "health_certificate", "number": "HC-2024-001",
            "issued_on": today - dt.timedelta(days=400),
            "expires_on": today - dt.timedelta(days=3)})
        fine = service.create_worker(worker_data(name="周玉梅", mobile="13900000000"))
        credentials.add_credential(fine, {
            "kind": "health_certificate", "number": "HC-2025-002",
            "issued_on": today - dt.timedelta(days=10),
            "expires_on": today + dt.timedelta(days=355)})
        db.session.commit()
        worker_id = worker.id

    browser_login(page, app, "dispatcher")
    page.goto(f"/workers/{worker_id}")
    badge = page.locator('.required-credentials [data-kind="health_certificate"] .state-expired')
    assert badge.is_visible()
    assert badge.inner_text() == "已过期"
    assert page.locator(".not-dispatchable").is_visible()

    page.goto("/workers/")
    page.select_option("select[name=health_state]", "expired")
    page.click(".filters button[type=submit]")
    page.wait_for_url(lambda url: "health_state=expired" in url)
    rows = page.locator("tr.worker-row")
    assert rows.count() == 1
    assert "孙秀兰" in rows.first.inner_text()
    flag = rows.first.locator(".health .state-expired")
    assert flag.is_visible() and flag.inner_text() == "已过期"
