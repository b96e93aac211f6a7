"""Report pages: the KPI dashboard with the PK board and trend, the monthly report's
downloads (PDF, XLSX), the weekly follow-up summary, the workload figures, the
supervisors' tasks."""
from __future__ import annotations

import datetime as dt

import sqlalchemy as sa
from flask import Blueprint, Response, abort, redirect, render_template, request, url_for
from marshmallow import fields, validate

from ..access import current_principal, roles
from ..accounts.models import User
from ..extensions import db
from ..plugins import service_lines
from ..webforms import parse_form
from . import documents, monthly, render, service
from .access import VIEW_ROLES, own_dispatcher, sees_everyone
from .calendar import report_deadline
from .compute import DESK, Scope
from .kpis import BY_CODE, KPIS
from .periods import parse_month, parse_span, shift_month, week_of
from .schemas import RReportGenerateSchema

bp = Blueprint("reports", __name__, url_prefix="/reports")
REPORT_ROLES = ("supervisor", "quality")
MIME = {"pdf": "application/pdf",
        "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"}


def _int(name: str) -> int | None:
    value = request.args.get(name, "")
    return int(value) if value.isdigit() else None


def _lang() -> str:
    from ..i18n import select_locale

    return select_locale()


def _download(doc: dict, fmt: str, name: str) -> Response:
    if fmt not in MIME:
        abort(404)
    body = render.to_pdf(doc, _lang()) if fmt == "pdf" else render.to_xlsx(doc, _lang())
    return Response(body, mimetype=MIME[fmt], headers={
        "Content-Disposition": f'attachment; filename="{name}.{fmt}"'})


@bp.get("/")
@roles(*VIEW_ROLES)
def dashboard():
    """The KPI dashboard: the desk (or one dispatcher / line) in a month, everyone's
    figures, the PK board and the six-month trend; each KPI's formula as its tooltip."""
    period = parse_month(request.args.get("month") or None)
    dispatcher_id = own_dispatcher(_int("dispatcher_id"))
    line = request.args.get("service_line") or None
    if line and line not in service_lines():
        line = None
    desk = service.figures(Scope(period, "desk", dispatcher_id, line)).get(DESK, {})
    table = service.table(Scope(period, "dispatcher", dispatcher_id, line))
    board = service.pk_board(period, line)
    trend = service.trend(period, 6, dispatcher_id=dispatcher_id, service_line=line)
    trend_chart = {"labels": [p["period"] for p in trend["points"]], "max": 100,
                   "series": [{"name_zh": BY_CODE[c].zh, "name_en": BY_CODE[c].en,
                               "values": [p["figures"].get(c, {}).get("value") or 0
                                          for p in trend["points"]]}
                              for c in ("satisfaction_rate", "followup_on_time",
                                        "entry_accuracy")]}
    dispatchers = list(db.session.scalars(sa.select(User).where(
        User.role == "dispatcher", User.active.is_(True)).order_by(User.display_name))) \
        if sees_everyone() else []
    last_month = shift_month(period, -1) if not period.ended() else period
    return render_template(
        "reports/dashboard.html", period=period, desk=desk, table=table, board=board,
        kpis=[k for k in KPIS if service.available(k.code)], by_code=BY_CODE,
        trend_svg=render.svg_chart(trend_chart, _lang()), dispatchers=dispatchers,
        dispatcher_id=dispatcher_id, line=line, lines=service_lines(),
        sees_everyone=sees_everyone(), report_month=last_month,
        stored=monthly.stored(last_month), deadline=report_deadline(last_month),
        unavailable=[k for k in KPIS if not service.available(k.code)])


@bp.post("/monthly")
@roles("supervisor")
def generate():
    """Generate (or regenerate) an ended month's report from the dashboard."""
    period = parse_month(parse_form(RReportGenerateSchema())["month"], must_have_ended=True)
    monthly.generate_by_request(period)
    return redirect(url_for("reports.dashboard", month=period.key))


@bp.get("/monthly/<month>.<fmt>")
@roles(*REPORT_ROLES)
def monthly_download(month: str, fmt: str):
    """The month's report as PDF or XLSX: the stored figures when generated, else
    computed now (an ended month only)."""
    period = parse_month(month, must_have_ended=True)
    report = monthly.stored(period)
    doc = report.figures if report is not None else documents.monthly(period)
    return _download(doc, fmt, f"service-quality-{period.key}")


def _document_page(doc: dict, endpoint: str, **links) -> str:
    lang = _lang()
    charts = [render.svg_chart(s["chart"], lang) if s.get("chart") else ""
              for s in doc["sections"]]
    return render_template("reports/document.html", doc=doc, charts=charts,
                           endpoint=endpoint, links=links, args=request.args)


@bp.get("/complaints")
@roles(*REPORT_ROLES)
def complaints_monthly():
    """The monthly complaint report (月度投诉报告) of an ended month (default: last
    month), as a page with charts or ``&format=pdf|xlsx``."""
    text = request.args.get("month") or shift_month(parse_month(None), -1).key
    period = parse_month(text, must_have_ended=True)
    doc = documents.complaints_monthly(period)
    fmt = request.args.get("format")
    if fmt:
        return _download(doc, fmt, f"complaints-{period.key}")
    return _document_page(doc, "reports.complaints_monthly", month=period.key)


@bp.get("/followups-weekly")
@roles(*REPORT_ROLES)
def followups_weekly():
    """The weekly follow-up summary (回访周报) of the week containing ``to``."""
    day = _date("to")
    span = parse_span(day, day)
    doc = documents.weekly_followups(week_of(span.last))
    fmt = request.args.get("format")
    if fmt:
        return _download(doc, fmt, f"followups-week-{week_of(span.last).first}")
    return _document_page(doc, "reports.followups_weekly")


@bp.get("/workload")
@roles(*VIEW_ROLES)
def workload():
    """Daily or weekly workload (工作量统计) of a span of days."""
    span = parse_span(_date("from"), _date("to"))
    by = request.args.get("by") if request.args.get("by") in ("day", "week") else "day"
    doc = documents.workload(span, by, own_dispatcher(None))
    fmt = request.args.get("format")
    if fmt:
        return _download(doc, fmt, f"workload-{span.first}-{span.last}")
    return _document_page(doc, "reports.workload")


def _date(name: str) -> dt.date | None:
    from ..errors import Invalid

    value = request.args.get(name) or ""
    if not value:
        return None
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        raise Invalid(fields={name: [{"en": "Give a date as YYYY-MM-DD.",
                                      "zh": "日期格式应为 YYYY-MM-DD。"}]}) from None


@bp.get("/tasks")
@roles("supervisor")
def tasks():
    """The supervisors' tasks (the 25th's plan and budget)."""
    return render_template("reports/tasks.html", tasks=monthly.open_tasks(),
                           principal=current_principal())


@bp.post("/tasks/<int:task_id>/done")
@roles("supervisor")
def task_done(task_id: int):
    """Mark a supervisor's task done."""
    monthly.complete_task(task_id, parse_form({"note": fields.String(
        load_default="", validate=validate.Length(max=2000))})["note"])
    return redirect(url_for("reports.tasks"))
