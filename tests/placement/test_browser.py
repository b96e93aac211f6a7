"""In a real browser: the printable profile card of a nurse (photo slot, age, hometown,
credentials with their states; no ID number, no phone) reached from the order page, and
the list of service sheets not yet returned with its worker filter."""
from __future__ import annotations

import pytest

from core.extensions import db
from tests.appointments.helpers import ago, in_service, matching
from tests.conftest import browser_login

pytestmark = pytest.mark.browser


def test_the_profile_card_prints_from_the_order_page_without_id_or_phone(
        page, app, desk, new_order, worker_for):
    from core.workers.models import Worker

    nurse = worker_for("maternity_nurse")
    order = matching(desk, new_order("maternity_nurse"), nurse)
    with app.app_context():
        w = db.session.get(Worker, nurse)
        name, id_number, mobile = w.name, w.id_number, w.mobile
    browser_login(page, app, "dispatcher")
    page.goto(f"/orders/{order['id']}#placement")
    with page.expect_popup() as popup:
        page.click(f"#placement a:has-text('{name}')")
    card = popup.value
    card.wait_for_selector("main.profile-card")
    assert card.locator("#card-name").inner_text() == name
    assert "安徽六安" in card.locator("#card-hometown").inner_text()
    assert card.locator(".card-credentials tr[data-kind='health_certificate'] [data-state]"
                        ).get_attribute("data-state") == "valid"  # a sendable worker
    body = card.locator("body").inner_text()
    assert id_number not in body and mobile not in body
    assert card.locator("button[data-print]").is_visible()
    # the print stylesheet hides the page's controls
    card.emulate_media(media="print")
    assert not card.locator("p.no-print").is_visible()


def test_the_sheets_not_returned_list_filters_by_worker(page, app, desk, new_order,
                                                        worker_for):
    rows = []
    for _ in range(2):
        worker = worker_for("cleaning")
        order = in_service(desk, new_order("cleaning"), worker)
        visit = desk.post(f"/api/v1/orders/{order['id']}/visits/plan").get_json()[0]
        base = f"/api/v1/orders/{order['id']}/visits/{visit['id']}"
        desk.post(f"{base}/start", json={"started_at": ago(hours=4)})
        desk.post(f"{base}/finish", json={"finished_at": ago(hours=1)})
        rows.append((worker, order["number"], visit["id"]))
    browser_login(page, app, "dispatcher")
    page.goto("/appointments/sheets")
    assert page.locator("tr.sheet-row").count() == 2
    page.select_option("select[name='worker_id']", str(rows[1][0]))
    page.click("form.filters button[type=submit]")
    page.wait_for_url(lambda url: "worker_id=" in url)
    assert page.locator("tr.sheet-row").count() == 1
    assert rows[1][1] in page.locator("tr.sheet-row").inner_text()
    page.click(f"tr.sheet-row a:has-text('{rows[1][1]}')")
    page.wait_for_url(lambda url: "/orders/" in url)
    assert page.locator("#visits .sheet-missing").count() == 1
