"""The reports as documents: a title and sections, each a table with an optional bar
chart. One shape, rendered three ways — the page (SVG), the PDF and the XLSX — so the
three always show the same figures."""
from __future__ import annotations

import datetime as dt

import sqlalchemy as sa

from ..extensions import db
from ..followups.models import FollowUp, FollowUpOutcome
from ..orders.models import Order
from ..quality.models import QualityCheck
from . import service
from .compute import DESK, Scope
from .kpis import BY_CODE, KPIS
from .periods import Period, shift_month
from .sqlfuncs import local_date

#: KPIs shown per dispatcher in the monthly report (the rest on the desk table)
DISPATCHER_COLUMNS = ("satisfaction_rate", "followup_on_time", "entry_accuracy",
                      "exception_timeliness", "quality_score", "dispatch_hours", "calls_made",
                      "orders_taken")


def _col(zh: str, en: str) -> dict:
    return {"zh": zh, "en": en}


def _fmt(value, unit: str) -> str:
    if value is None:
        return "—"
    if unit == "%":
        return f"{value:.1f}%"
    if unit == "n":
        return f"{int(value)}"
    return f"{value:g}"


def monthly(period: Period) -> dict:
    """The monthly service-quality report (月度服务质量分析报告) of ``period``."""
    desk = service.figures(Scope(period, "desk")).get(DESK, {})
    table = service.table(Scope(period, "dispatcher"))
    lines = service.table(Scope(period, "line"))
    board = service.pk_board(period)
    trend = service.trend(period, 6)
    kpi_rows = [[k.zh, k.en, _fmt(desk[k.code].value if k.code in desk else None, k.unit),
                 k.formula_zh]
                for k in KPIS if service.available(k.code)]
    per = [[r["label"]] + [_fmt(r["figures"].get(c, {}).get("value"), BY_CODE[c].unit)
                           for c in DISPATCHER_COLUMNS] for r in table["rows"]]
    per_line = [[r["label"], r["label_en"]] + [
        _fmt(r["figures"].get(c, {}).get("value"), BY_CODE[c].unit)
        for c in ("satisfaction_rate", "entry_accuracy", "dispatch_hours", "orders_taken")]
        for r in lines["rows"]]
    checks = dict(db.session.execute(
        sa.select(QualityCheck.state, sa.func.count()).where(QualityCheck.month == period.first)
        .group_by(QualityCheck.state)).all())
    trend_codes = ("satisfaction_rate", "followup_on_time", "entry_accuracy")
    return {
        "kind": "monthly", "title_zh": f"{period.first:%Y年%m月}服务质量分析报告",
        "title_en": f"Service-quality report, {period.first:%B %Y}", "period": period.key,
        "sections": [
            {"title_zh": "全部门指标", "title_en": "The desk's KPIs",
             "columns": [_col("指标", "KPI"), _col("英文", "English"), _col("数值", "Value"),
                         _col("计算方法", "Formula")],
             "rows": kpi_rows,
             "chart": {"labels": [k.zh for k in KPIS if k.unit == "%" and k.code in desk],
                       "series": [{"name_zh": "本月", "name_en": "This month",
                                   "values": [desk[k.code].value or 0 for k in KPIS
                                              if k.unit == "%" and k.code in desk]}],
                       "max": 100}},
            {"title_zh": "客服个人指标", "title_en": "Per dispatcher",
             "columns": [_col("客服", "Dispatcher")] + [
                 _col(BY_CODE[c].zh, BY_CODE[c].en) for c in DISPATCHER_COLUMNS],
             "rows": per, "chart": None},
            {"title_zh": "PK 榜", "title_en": "PK board",
             "columns": [_col("名次", "Rank"), _col("客服", "Dispatcher"),
                         _col("综合得分", "Weighted score")],
             "rows": [[r["rank"] or "—", r["name"], _fmt(r["score"], "score")]
                      for r in board["rows"]],
             "chart": {"labels": [r["name"] for r in board["rows"]],
                       "series": [{"name_zh": "综合得分", "name_en": "Score",
                                   "values": [r["score"] or 0 for r in board["rows"]]}],
                       "max": 100},
             "note_zh": "权重：" + "，".join(f"{BY_CODE[c].zh} {w}%"
                                          for c, w in board["weights"].items()),
             "note_en": "Weights: " + ", ".join(f"{BY_CODE[c].en} {w}%"
                                               for c, w in board["weights"].items())},
            {"title_zh": "服务线", "title_en": "Per service line",
             "columns": [_col("服务线", "Line"), _col("英文", "English")] + [
                 _col(BY_CODE[c].zh, BY_CODE[c].en) for c in
                 ("satisfaction_rate", "entry_accuracy", "dispatch_hours", "orders_taken")],
             "rows": per_line, "chart": None},
            {"title_zh": "近 6 个月趋势", "title_en": "Trend, last 6 months",
             "columns": [_col("月份", "Month")] + [_col(BY_CODE[c].zh, BY_CODE[c].en)
                                                   for c in trend_codes],
             "rows": [[p["period"]] + [_fmt(p["figures"].get(c, {}).get("value"), "%")
                                       for c in trend_codes] for p in trend["points"]],
             "chart": {"labels": [p["period"] for p in trend["points"]],
                       "series": [{"name_zh": BY_CODE[c].zh, "name_en": BY_CODE[c].en,
                                   "values": [p["figures"].get(c, {}).get("value") or 0
                                              for p in trend["points"]]}
                                  for c in trend_codes], "max": 100}},
            {"title_zh": "质检", "title_en": "Quality checks",
             "columns": [_col("状态", "State"), _col("数量", "Count")],
             "rows": [[s, int(n)] for s, n in sorted(checks.items())], "chart": None},
        ]}


def weekly_followups(week: Period) -> dict:
    """The weekly follow-up summary (每周回访汇总): per service line, the follow-ups due in
    the week, done on time, done late, still open; the customers' verdicts."""
    on_time = sa.and_(FollowUp.state == "done",
                      local_date(FollowUp.completed_at) <= local_date(FollowUp.due_at))
    late = sa.and_(FollowUp.state == "done",
                   local_date(FollowUp.completed_at) > local_date(FollowUp.due_at))

    def n(cond):
        return sa.func.sum(sa.case((cond, 1), else_=0))

    rows = db.session.execute(
        sa.select(FollowUp.service_line, sa.func.count(), n(on_time), n(late),
                  n(FollowUp.state == "pending"), n(FollowUp.outcome == "satisfied"),
                  n(FollowUp.outcome == "not_satisfied"))
        .where(FollowUp.state.in_(("pending", "done")), FollowUp.due_at >= week.start,
               FollowUp.due_at < week.end)
        .group_by(FollowUp.service_line).order_by(FollowUp.service_line)).all()
    names = service.labels("line", [r[0] for r in rows])
    body = [[names.get(r[0], r[0])] + [int(v or 0) for v in r[1:]] for r in rows]
    return {"kind": "followups_weekly",
            "title_zh": f"回访周报 {week.first.isoformat()} 至 {week.last.isoformat()}",
            "title_en": f"Weekly follow-up summary {week.first} to {week.last}",
            "period": week.key,
            "sections": [{"title_zh": "按服务线", "title_en": "By service line",
                          "columns": [_col("服务线", "Line"), _col("应回访", "Due"),
                                      _col("按时完成", "On time"), _col("逾期完成", "Late"),
                                      _col("未完成", "Open"), _col("满意", "Satisfied"),
                                      _col("不满意", "Not satisfied")],
                          "rows": body,
                          "chart": {"labels": [r[0] for r in body], "series": [
                              {"name_zh": "按时完成", "name_en": "On time",
                               "values": [r[2] for r in body]},
                              {"name_zh": "逾期完成", "name_en": "Late",
                               "values": [r[3] for r in body]},
                              {"name_zh": "未完成", "name_en": "Open",
                               "values": [r[4] for r in body]}]}}]}


def workload(span: Period, by: str = "day", dispatcher_id: int | None = None) -> dict:
    """Daily or weekly workload (工作量统计): calls made (follow-up outcomes recorded) and
    orders taken, per day (or week) and per person."""
    day_calls = local_date(FollowUpOutcome.recorded_at)
    day_orders = local_date(Order.created_at)
    calls_stmt = (sa.select(day_calls, FollowUpOutcome.recorded_by_id, sa.func.count())
                  .where(FollowUpOutcome.recorded_at >= span.start,
                         FollowUpOutcome.recorded_at < span.end,
                         FollowUpOutcome.recorded_by_id.is_not(None))
                  .group_by(day_calls, FollowUpOutcome.recorded_by_id))
    orders_stmt = (sa.select(day_orders, Order.dispatcher_id, sa.func.count())
                   .where(Order.created_at >= span.start, Order.created_at < span.end)
                   .group_by(day_orders, Order.dispatcher_id))
    if dispatcher_id is not None:
        calls_stmt = calls_stmt.where(FollowUpOutcome.recorded_by_id == dispatcher_id)
        orders_stmt = orders_stmt.where(Order.dispatcher_id == dispatcher_id)
    cells: dict[tuple, list[int]] = {}
    for day, who, count in db.session.execute(calls_stmt):
        cells.setdefault((_bucket(day, by), who), [0, 0])[0] += int(count)
    for day, who, count in db.session.execute(orders_stmt):
        cells.setdefault((_bucket(day, by), who), [0, 0])[1] += int(count)
    names = service.labels("dispatcher", list({w for _, w in cells}))
    rows = [[b, names.get(w, f"#{w}"), c, o] for (b, w), (c, o) in sorted(
        cells.items(), key=lambda kv: (kv[0][0], names.get(kv[0][1], "")))]
    buckets = sorted({r[0] for r in rows})
    return {"kind": "workload",
            "title_zh": f"工作量统计（{'按日' if by == 'day' else '按周'}）"
                        f"{span.first} 至 {span.last}",
            "title_en": f"Workload by {by}, {span.first} to {span.last}", "period": span.key,
            "sections": [{"title_zh": "明细", "title_en": "Detail",
                          "columns": [_col("日期" if by == "day" else "周（周一）",
                                           "Day" if by == "day" else "Week (Monday)"),
                                      _col("客服", "Dispatcher"), _col("回访通话", "Calls"),
                                      _col("新建订单", "Orders")],
                          "rows": rows,
                          "chart": {"labels": buckets, "series": [
                              {"name_zh": "回访通话", "name_en": "Calls",
                               "values": [sum(r[2] for r in rows if r[0] == b)
                                          for b in buckets]},
                              {"name_zh": "新建订单", "name_en": "Orders",
                               "values": [sum(r[3] for r in rows if r[0] == b)
                                          for b in buckets]}]}}]}


def _bucket(day, by: str) -> str:
    if isinstance(day, str):
        day = dt.date.fromisoformat(day)
    if by == "week":
        day = day - dt.timedelta(days=day.weekday())
    return day.isoformat()


def previous_month(period: Period) -> Period:
    """The month before ``period``."""
    return shift_month(period, -1)


CHANNEL_LABELS = {"phone": ("电话", "Phone"), "wechat": ("微信", "WeChat"),
                  "in_person": ("当面", "In person"), "followup": ("回访转投诉", "Follow-up"),
                  "survey": ("满意度调查", "Survey")}
#: the complaint KPIs shown per owner and for the desk
COMPLAINT_CODES = ("complaint_first_contact_hours", "complaint_first_contact_in_sla",
                   "complaint_solution_hours", "complaint_solution_in_sla")


def complaints_monthly(period: Period) -> dict:
    """The monthly complaint report (月度投诉报告): the month's complaints by category,
    level, channel and service line, the desk's and each owner's complaint KPIs (the
    same figures as the KPI API), and six months of received/resolved counts. Every
    figure is an SQL aggregate (``ix_complaints_received`` finds the month)."""
    from ..complaints import policy
    from ..complaints.models import Complaint

    received = sa.and_(Complaint.received_at >= period.start, Complaint.received_at < period.end)
    resolved = sa.and_(Complaint.resolved_at >= period.start, Complaint.resolved_at < period.end)

    def n(cond):
        return sa.func.sum(sa.case((cond, 1), else_=0))

    def by(col):
        return db.session.execute(
            sa.select(col, sa.func.count(), n(Complaint.resolved_at.is_not(None)),
                      n(Complaint.reopened > 0))
            .where(received).group_by(col).order_by(sa.func.count().desc(), col)).all()

    cats = {code: (zh, en) for code, zh, en in policy.DEFAULT_CATEGORIES}
    cats.update({c.code: (c.name_zh, c.name_en) for c in policy.categories(ensure=False)})
    levels = {row[0]: (row[1], row[2]) for row in policy.DEFAULT_LEVELS}
    levels.update({lv.code: (lv.name_zh, lv.name_en) for lv in policy.levels(ensure=False)})
    total_received = db.session.scalar(sa.select(sa.func.count()).where(received)) or 0
    total_resolved = db.session.scalar(sa.select(sa.func.count()).where(resolved)) or 0
    still_open = db.session.scalar(sa.select(sa.func.count()).where(
        received, sa.or_(Complaint.resolved_at.is_(None),
                         Complaint.resolved_at >= period.end))) or 0
    desk = service.figures(Scope(period, "desk"), COMPLAINT_CODES).get(DESK, {})
    owners = service.table(Scope(period, "dispatcher"))
    line = sa.func.coalesce(Order.service_line, sa.literal_column("''"))
    lines = db.session.execute(
        sa.select(line, sa.func.count())
        .select_from(sa.outerjoin(Complaint, Order, Complaint.order_id == Order.id))
        .where(received).group_by(line).order_by(sa.func.count().desc(), line)).all()
    line_names = service.labels("line", [k for k, _ in lines if k])

    def table(rows, labels):
        body = [[labels.get(k, (k, k))[0], labels.get(k, (k, k))[1], int(c), int(r or 0),
                 int(o or 0)] for k, c, r, o in rows]
        return body, {"labels": [b[0] for b in body], "series": [
            {"name_zh": "受理", "name_en": "Received", "values": [b[2] for b in body]},
            {"name_zh": "已解决", "name_en": "Resolved", "values": [b[3] for b in body]}]}

    cat_rows, cat_chart = table(by(Complaint.category_code), cats)
    level_rows, _ = table(by(Complaint.level_code), levels)
    channel_rows, channel_chart = table(by(Complaint.channel), CHANNEL_LABELS)
    trend = []
    for back in range(5, -1, -1):
        month = shift_month(period, -back)
        trend.append([month.key,
                      db.session.scalar(sa.select(sa.func.count()).where(
                          Complaint.received_at >= month.start,
                          Complaint.received_at < month.end)) or 0,
                      db.session.scalar(sa.select(sa.func.count()).where(
                          Complaint.resolved_at >= month.start,
                          Complaint.resolved_at < month.end)) or 0])
    cols = [_col("类别", "Category"), _col("英文", "English"), _col("受理", "Received"),
            _col("已解决", "Resolved"), _col("重新打开", "Reopened")]
    per_owner = [[r["label"]] + [_fmt(r["figures"].get(c, {}).get("value"), BY_CODE[c].unit)
                                 for c in COMPLAINT_CODES]
                 for r in owners["rows"]
                 if any(r["figures"].get(c) for c in COMPLAINT_CODES)]
    return {
        "kind": "complaints_monthly",
        "title_zh": f"{period.first:%Y年%m月}投诉报告",
        "title_en": f"Complaint report, {period.first:%B %Y}", "period": period.key,
        "sections": [
            {"title_zh": "概况", "title_en": "Overview",
             "columns": [_col("项目", "Item"), _col("英文", "English"), _col("数值", "Value")],
             "rows": [["当月受理", "Received in the month", str(total_received)],
                      ["当月解决", "Resolved in the month", str(total_resolved)],
                      ["月末未解决（当月受理）", "Open at month end (received in it)",
                       str(still_open)]] + [
                         [BY_CODE[c].zh, BY_CODE[c].en,
                          _fmt(desk[c].value if c in desk else None, BY_CODE[c].unit)]
                         for c in COMPLAINT_CODES],
             "chart": None},
            {"title_zh": "按投诉类别", "title_en": "By category", "columns": cols,
             "rows": cat_rows, "chart": cat_chart},
            {"title_zh": "按投诉等级", "title_en": "By level",
             "columns": [_col("等级", "Level")] + cols[1:], "rows": level_rows, "chart": None},
            {"title_zh": "按渠道", "title_en": "By channel",
             "columns": [_col("渠道", "Channel")] + cols[1:], "rows": channel_rows,
             "chart": channel_chart},
            {"title_zh": "按服务线", "title_en": "By service line",
             "columns": [_col("服务线", "Line"), _col("受理", "Received")],
             "rows": [[line_names.get(k, k) if k else "（无订单）", int(c)] for k, c in lines],
             "chart": None},
            {"title_zh": "负责人时效", "title_en": "Per owner",
             "columns": [_col("负责人", "Owner")] + [_col(BY_CODE[c].zh, BY_CODE[c].en)
                                                    for c in COMPLAINT_CODES],
             "rows": per_owner, "chart": None},
            {"title_zh": "近 6 个月", "title_en": "Last 6 months",
             "columns": [_col("月份", "Month"), _col("受理", "Received"),
                         _col("已解决", "Resolved")],
             "rows": trend,
             "chart": {"labels": [t[0] for t in trend], "series": [
                 {"name_zh": "受理", "name_en": "Received", "values": [t[1] for t in trend]},
                 {"name_zh": "已解决", "name_en": "Resolved", "values": [t[2] for t in trend]}]}},
        ]}
