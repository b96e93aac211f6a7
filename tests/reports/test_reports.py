"""The monthly report: its deadline on the working calendar, stored and regenerated with
the same figures, equal to the KPI API's, PDF (CJK text extractable) and XLSX with charts;
the hourly job announces it; the 25th's task; the pages in both languages."""
from __future__ import annotations

import datetime as dt
import io

import pytest
import sqlalchemy as sa
from openpyxl import load_workbook
from pypdf import PdfReader

from core.extensions import db
from core.followups.models import OutboxMessage
from core.reports import jobs, monthly
from core.reports.calendar import plan_deadline, report_deadline
from core.reports.models import MonthlyReport, SupervisorTask
from core.reports.periods import month_of
from tests.conftest import ApiClient, csrf_from, login_session, token_for

from .world import build


@pytest.fixture
def world(app):
    return build(app)


def _as(app, username):
    return ApiClient(app, token_for(app, username))


def test_the_22nd_on_a_sunday_moves_to_friday_the_20th():
    assert report_deadline(month_of(dt.date(2026, 10, 1))) == dt.date(2026, 11, 20)


def test_the_22nd_inside_the_spring_festival_moves_to_the_last_working_day_before():
    # 2026 春节: 2-15…2-23 off, Saturday 2-14 a make-up working day (调休)
    assert report_deadline(month_of(dt.date(2026, 1, 1))) == dt.date(2026, 2, 14)


def test_a_working_22nd_stays_and_the_plan_is_due_on_the_25th():
    assert report_deadline(month_of(dt.date(2026, 9, 1))) == dt.date(2026, 10, 22)
    assert plan_deadline(month_of(dt.date(2026, 12, 1))) == dt.date(2026, 12, 25)


def test_report_figures_equal_the_kpi_api_and_regenerating_gives_the_same(app, world):
    sup = _as(app, "zhuguan")
    first = sup.post("/api/v1/reports/monthly", json={"month": "2026-10"})
    assert first.status_code == 200, first.get_json()
    again = sup.post("/api/v1/reports/monthly", json={"month": "2026-10"}).get_json()
    assert again["digest"] == first.get_json()["digest"] and again["generations"] == 2
    assert again["figures"] == first.get_json()["figures"]
    assert again["deadline"] == "2026-11-20"
    desk = sup.get("/api/v1/reports/kpis?month=2026-10&by=desk").get_json()["rows"][0]
    kpi_rows = {r[0]: r[2] for r in again["figures"]["sections"][0]["rows"]}
    assert kpi_rows["下单准确率"] == f"{desk['figures']['entry_accuracy']['value']:.1f}%"
    assert kpi_rows["回访及时率"] == f"{desk['figures']['followup_on_time']['value']:.1f}%"
    assert kpi_rows["异常上报及时率"] == "33.3%" and kpi_rows["质检得分"] == "72.5"
    with app.app_context():
        assert db.session.scalar(sa.select(sa.func.count()).select_from(MonthlyReport)) == 1


def test_a_report_for_a_month_not_yet_ended_is_refused(app, world):
    sup = _as(app, "zhuguan")
    this_month = dt.date.today().strftime("%Y-%m")
    resp = sup.post("/api/v1/reports/monthly", json={"month": this_month})
    assert resp.status_code == 422 and "month" in resp.get_json()["fields"]
    resp = sup.post("/api/v1/reports/monthly", json={"month": "2026/10"})
    assert resp.status_code == 422 and "month" in resp.get_json()["fields"]
    with app.app_context():
        assert db.session.scalar(sa.select(sa.func.count()).select_from(MonthlyReport)) == 0
    assert _as(app, "wangfang").post("/api/v1/reports/monthly",
                                     json={"month": "2026-10"}).status_code == 403


def _text(reader: PdfReader) -> str:
    """The PDF's text without the spacing extraction puts between CJK glyphs."""
    text = "".join(p.extract_text() for p in reader.pages)
    return "".join(ch for ch in text if ch not in " \n\x00")


def _web(app, user_id, lang="zh"):
    client = app.test_client()
    login_session(client, user_id)
    if lang == "en":
        client.get("/lang/en")
    return client


def test_pdf_has_the_months_figures_in_chinese_and_the_xlsx_its_charts(app, world):
    client = _web(app, world["supervisor"])
    resp = client.get("/reports/monthly/2026-10.pdf")
    assert resp.status_code == 200 and resp.mimetype == "application/pdf"
    reader = PdfReader(io.BytesIO(resp.data))
    text = _text(reader)
    assert "2026年10月服务质量分析报告" in text
    assert "下单准确率" in text and "50.0%" in text and "33.3%" in text
    assert "李娜" in text and "59.3" in text  # the PK board
    fonts = str(reader.pages[0]["/Resources"]["/Font"].get_object())
    assert "Noto" in str([reader.pages[0]["/Resources"]["/Font"][f].get_object()["/BaseFont"]
                          for f in reader.pages[0]["/Resources"]["/Font"]]), fonts
    resp = client.get("/reports/monthly/2026-10.xlsx")
    assert resp.status_code == 200
    wb = load_workbook(io.BytesIO(resp.data))
    assert any(ws._charts for ws in wb.worksheets)
    assert client.get("/reports/monthly/2999-10.pdf").status_code == 422


def test_the_hourly_job_generates_on_the_deadline_and_announces_once(app, world):
    with app.app_context():
        # a first run catches up a missed report of the month before last (August) …
        assert jobs.run(dt.date(2026, 10, 21))["reports"] == ["2026-08"]
        assert jobs.run(dt.date(2026, 10, 21))["reports"] == []      # … September's not due
        assert jobs.run(dt.date(2026, 10, 22))["reports"] == ["2026-09"]
        assert jobs.run(dt.date(2026, 11, 19))["reports"] == []      # before the 20th
        assert jobs.run(dt.date(2026, 11, 20))["reports"] == ["2026-10"]
        assert jobs.run(dt.date(2026, 11, 21))["reports"] == []      # stored already
        sent = db.session.scalars(sa.select(OutboxMessage).where(
            OutboxMessage.dedupe_key.like("monthly-report:2026-10%"))).all()
        assert {m.recipient_id for m in sent} == {world["supervisor"]}
        report = monthly.stored(month_of(dt.date(2026, 10, 1)))
        assert report.generated_by_id is None and report.announced_at is not None


def test_the_plan_task_opens_on_the_25th_once(app, world):
    with app.app_context():
        assert jobs.run(dt.date(2026, 12, 24))["task"] is None
        task_id = jobs.run(dt.date(2026, 12, 25))["task"]
        assert jobs.run(dt.date(2026, 12, 26))["task"] == task_id
        task = db.session.get(SupervisorTask, task_id)
        assert (task.month, task.due_on, task.state) == (dt.date(2027, 1, 1),
                                                        dt.date(2026, 12, 25), "pending")
    client = _web(app, world["supervisor"])
    page = client.get("/reports/tasks").get_data(as_text=True)
    assert "2027-01" in page
    token = csrf_from(client, "/reports/tasks")
    assert client.post(f"/reports/tasks/{task_id}/done",
                       data={"csrf_token": token}).status_code == 302
    with app.app_context():
        assert db.session.get(SupervisorTask, task_id).state == "done"


@pytest.mark.parametrize("lang, words", [("zh", ("绩效与报表", "PK 榜", "下单准确率")),
                                         ("en", ("KPIs & reports", "PK board",
                                                 "Order-entry accuracy"))])
def test_dashboard_in_both_languages_with_formula_tooltips(app, world, lang, words):
    page = _web(app, world["supervisor"], lang).get("/reports/?month=2026-10").get_data(
        as_text=True)
    for word in words:
        assert word in page
    assert "准确订单 ÷ 当月新建订单" in page or "accurate orders ÷ orders created" in page
    assert "<svg" in page and "王芳" in page


def test_a_dispatchers_dashboard_shows_her_figures_and_the_board(app, world):
    client = _web(app, world["A"])
    page = client.get("/reports/?month=2026-10").get_data(as_text=True)
    assert "PK" in page and "李娜" in page  # on the board
    assert "下载 PDF" not in page
    assert client.get(f"/reports/?month=2026-10&dispatcher_id={world['B']}").status_code == 403
    assert client.get("/reports/monthly/2026-10.pdf").status_code == 403


def test_weekly_summary_and_workload_pages_and_downloads(app, world):
    client = _web(app, world["supervisor"])
    page = client.get("/reports/followups-weekly?to=2026-10-13").get_data(as_text=True)
    assert "回访周报 2026-10-12 至 2026-10-18" in page
    resp = client.get("/reports/workload?from=2026-10-01&to=2026-10-31&by=week&format=pdf")
    assert "王芳" in _text(PdfReader(io.BytesIO(resp.data)))
    assert client.get("/reports/workload?from=2026-10-31&to=2026-10-01").status_code == 422
    api = _as(app, "zhuguan").get("/api/v1/reports/workload?from=2026-10-01&to=2026-10-31")
    rows = api.get_json()["sections"][0]["rows"]
    assert sum(r[2] for r in rows) == 4 and sum(r[3] for r in rows) == 6
