"""Browser: import the sample sheet through the page, then move a trainee along the board."""
import pytest

from core.extensions import db
from core.timeutil import business_today
from tests.conftest import browser_login
from tests.trainees.helpers import SAMPLE_XLSX

pytestmark = pytest.mark.browser


def _exam_batch_today(app) -> None:
    from core.partners.models import Partner
    from core.trainees.models import ExamBatch

    with app.app_context():
        hospital = Partner(name="市体检中心", kind="exam_hospital")
        db.session.add(hospital)
        db.session.flush()
        db.session.add(ExamBatch(exam_date=business_today(), hospital_id=hospital.id))
        db.session.commit()


def test_import_sample_sheet_then_move_a_trainee_through_the_board(page, app):
    browser_login(page, app, "trainer")
    page.click("nav.mainnav >> text=学员")
    page.set_input_files("#sheet-file", str(SAMPLE_XLSX))
    page.click("form[enctype] button[type=submit]")
    assert page.locator('[data-count="new"]').inner_text() == "26"
    assert page.locator('[data-count="duplicate"]').inner_text() == "1"
    assert page.locator('[data-count="invalid"]').inner_text() == "3"
    assert page.locator('tr[data-status="invalid"]').count() == 3
    assert "身份证号校验位不正确" in page.locator("#preview-rows").inner_text()
    page.click("#confirm-import")
    assert "已导入 26 名新学员" in page.locator(".flash").inner_text()
    assert page.locator("#trainees tbody tr").count() == 20  # first page of 26

    _exam_batch_today(app)
    page.click("text=进度看板")
    registered = page.locator('section[data-stage="registered"]')
    assert registered.locator("[data-count]").inner_text() == "26"
    registered.locator("a", has_text="王秀英").click()

    page.check("#f-details")
    page.check("#f-idcard")
    page.click("#book-form button[type=submit]")
    assert page.locator("#stage").get_attribute("data-stage") == "exam_booked"

    page.click("#attendance-form button[value='1']")
    assert page.locator("#stage").get_attribute("data-stage") == "examined"

    page.fill("#f-number", "JK-2026-1120")
    page.fill("#f-issued", business_today().isoformat())
    page.fill("#f-expires", business_today().replace(year=business_today().year + 1).isoformat())
    page.click("#certificate-form button[type=submit]")
    assert page.locator("#stage").get_attribute("data-stage") == "health_certified"
    assert page.locator("#not-handed").is_visible()

    page.click("text=进度看板")
    assert page.locator('section[data-stage="registered"] [data-count]').inner_text() == "25"
    column = page.locator('section[data-stage="health_certified"]')
    assert column.locator("[data-count]").inner_text() == "1"
    assert "王秀英" in column.inner_text()
    stuck = page.locator("#stuck").inner_text()
    assert "王秀英" in stuck and "健康证已领回，未发放" in stuck
