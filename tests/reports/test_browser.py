"""In a real browser: a supervisor opens the KPI dashboard, filters a month and a
dispatcher, downloads the monthly report's PDF; its text holds the month's figures."""
from __future__ import annotations

import os
from pathlib import Path

import pytest
from pypdf import PdfReader

from .world import PASSWORD, build

pytestmark = pytest.mark.browser
SHOTS = Path(os.environ.get("JIAZHENG_SCREENSHOTS", "/tmp/jiazheng-screenshots"))


def _login(page, username):
    page.goto("/login")
    page.fill("#username", username)
    page.fill("#password", PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_url(lambda url: "/login" not in url)


def test_supervisor_filters_the_dashboard_and_downloads_the_pdf(page, app, tmp_path):
    world = build(app)
    _login(page, "zhuguan")
    page.click("text=绩效与报表")
    page.fill('input[name="month"]', "2026-10")
    page.select_option('select[name="dispatcher_id"]', str(world["A"]))
    page.click("#kpi-filters button[type=submit]")
    page.wait_for_url(lambda url: "dispatcher_id=" in url)
    tile = page.locator('[data-kpi="entry_accuracy"]')
    assert "33.3%" in tile.inner_text()                       # 王芳: 1 of 3 accurate
    assert "准确订单" in tile.get_attribute("title")          # the formula as tooltip
    assert "王芳" in page.locator("#kpi-table").inner_text()
    assert "李娜" not in page.locator("#kpi-table").inner_text()
    assert page.locator("#pk-board tr").count() == 3           # header + both on the board
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / "reports-dashboard-zh.png"), full_page=True)
    # rendering the PDF subsets the CJK font: seconds on a loaded 2-core machine
    with page.expect_download(timeout=90_000) as info:
        page.click("#download-pdf", timeout=90_000)
    pdf = tmp_path / "report.pdf"
    info.value.save_as(pdf)
    text = "".join(ch for p in PdfReader(pdf).pages for ch in p.extract_text()
                   if ch not in " \n\x00")
    assert "2026年10月服务质量分析报告" in text
    for figure in ("50.0%", "66.7%", "33.3%", "72.5", "59.3", "46.8"):
        assert figure in text, figure
    page.click("a.lang")
    page.wait_for_selector("text=KPIs & reports")
    assert "Order-entry accuracy" in page.inner_text("body")
    page.screenshot(path=str(SHOTS / "reports-dashboard-en.png"), full_page=True)


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_weekly_workload_tasks_and_complaint_pages_in_the_browser(page, app, lang):
    import datetime as dt

    from core.extensions import db
    from core.reports import monthly

    world = build(app)
    with app.app_context():
        monthly.ensure_plan_task(dt.date(2026, 11, 25))
        db.session.commit()
    _login(page, "zhuguan")
    if lang == "en":
        page.click("a.lang")
        page.wait_for_selector("text=KPIs & reports")
    SHOTS.mkdir(parents=True, exist_ok=True)
    pages = {"weekly": ("/reports/followups-weekly?to=2026-10-13", ("回访周报", "Weekly")),
             "workload": ("/reports/workload?from=2026-10-01&to=2026-10-31&by=week",
                          ("工作量统计", "Workload")),
             "tasks": ("/reports/tasks", ("下月计划与预算", "plan and budget")),
             "complaints": ("/reports/complaints?month=2026-10", ("投诉报告", "Complaint report"))}
    for name, (url, words) in pages.items():
        page.goto(url)
        body = page.inner_text("body")
        assert words[0 if lang == "zh" else 1] in body, (name, body[:300])
        page.screenshot(path=str(SHOTS / f"reports-{name}-{lang}.png"), full_page=True)
    assert world["A"]
