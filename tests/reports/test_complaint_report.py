"""The monthly complaint report (月度投诉报告): page with charts, XLSX with charts, PDF in
Chinese; its figures are the KPI API's; a month not yet ended is refused; a dispatcher
does not open it."""
from __future__ import annotations

import datetime as dt
import io

import pytest
from openpyxl import load_workbook
from pypdf import PdfReader

from core.extensions import db
from tests.conftest import ApiClient, login_session, token_for

from .world import build, sh


@pytest.fixture
def world(app):
    ids = build(app)
    from core.complaints.models import Complaint, ComplaintClock

    with app.app_context():
        # owner, order, category, channel, received, first contact, resolved, in SLA
        rows = ((ids["A"], ids["orders"][0], "attitude", "phone", sh(10, 2, 9), sh(10, 2, 10),
                 sh(10, 3, 9), True),                                  # 1 h, 24 h
                (ids["A"], None, "attitude", "wechat", sh(10, 4, 9), sh(10, 4, 12),
                 sh(10, 9, 9), False),                                 # 3 h, 120 h
                (ids["B"], ids["orders"][3], "punctuality", "phone", sh(10, 8, 9),
                 sh(10, 8, 11), None, None),                           # 2 h, open
                (ids["B"], None, "billing", "phone", sh(9, 8, 9), sh(9, 8, 10),
                 sh(9, 9, 9), True))                                   # September
        for n, (owner, order, cat, channel, rec, contact, res, ok) in enumerate(rows):
            c = Complaint(number=f"M{n}", customer_id=1, channel=channel, order_id=order,
                          category_code=cat, level_code="general", summary="投诉",
                          state="resolved" if res else "open", owner_id=owner,
                          received_at=rec, first_contact_at=contact, resolved_at=res)
            db.session.add(c)
            db.session.flush()
            db.session.add(ComplaintClock(complaint_id=c.id, kind="first_contact",
                                          target_minutes=120, met_at=contact,
                                          breached_at=contact if n == 1 else None))
            if res:
                db.session.add(ComplaintClock(complaint_id=c.id, kind="solution",
                                              target_minutes=2880, met_at=res,
                                              breached_at=None if ok else res))
        db.session.commit()
    return ids


def _web(app, user_id, lang="zh"):
    client = app.test_client()
    login_session(client, user_id)
    if lang == "en":
        client.get("/lang/en")
    return client


def _text(data: bytes) -> str:
    reader = PdfReader(io.BytesIO(data))
    return "".join(ch for p in reader.pages for ch in p.extract_text() if ch not in " \n\x00")


def test_the_complaint_report_page_pdf_and_xlsx_hold_the_kpi_apis_figures(app, world):
    desk = ApiClient(app, token_for(app, "zhuguan")).get(
        "/api/v1/reports/kpis?month=2026-10&by=desk").get_json()["rows"][0]["figures"]
    assert desk["complaint_first_contact_hours"]["value"] == 2.0      # median of 1, 3, 2
    assert desk["complaint_solution_in_sla"]["value"] == 50.0         # 1 of 2
    client = _web(app, world["supervisor"])
    page = client.get("/reports/complaints?month=2026-10").get_data(as_text=True)
    assert "2026年10月投诉报告" in page and "<svg" in page
    assert "阿姨服务态度" in page and "（无订单）" in page
    text = _text(client.get("/reports/complaints?month=2026-10&format=pdf").data)
    assert "2026年10月投诉报告" in text
    # received 3, resolved 2, open 1; the KPI API's median and SLA share
    for figure in ("当月受理Receivedinthemonth3", "当月解决Resolvedinthemonth2",
                   "Openatmonthend(receivedinit)1", "50.0%", "66.7%"):
        assert figure in text, figure
    assert f"{desk['complaint_first_contact_in_sla']['value']:.1f}%" in text
    wb = load_workbook(io.BytesIO(
        client.get("/reports/complaints?month=2026-10&format=xlsx").data))
    assert any(ws._charts for ws in wb.worksheets)
    cells = [c.value for ws in wb.worksheets for row in ws.iter_rows() for c in row]
    assert "阿姨服务态度" in cells
    en = _web(app, world["supervisor"], "en").get("/reports/complaints?month=2026-10")
    assert "Complaint report, October 2026" in en.get_data(as_text=True)


def test_the_complaint_report_refuses_a_month_not_yet_ended_and_dispatchers(app, world):
    client = _web(app, world["supervisor"])
    this_month = dt.date.today().strftime("%Y-%m")
    assert client.get(f"/reports/complaints?month={this_month}").status_code == 422
    assert client.get("/reports/complaints?month=2026-13").status_code == 422
    assert _web(app, world["A"]).get("/reports/complaints?month=2026-10").status_code == 403
