"""The KPIs (绩效指标), defined once: code, labels, formula (zh/en), unit, direction.

The docs (``docs/reports.md``), the pages' tooltips, the API's definitions endpoint and
the reports all read this table; :mod:`core.reports.compute` holds each one's SQL.
"""
from __future__ import annotations

from dataclasses import asdict, dataclass


@dataclass(frozen=True)
class Kpi:
    """One KPI: what it is called, how it is computed (in words), how it reads."""

    code: str
    zh: str
    en: str
    formula_zh: str
    formula_en: str
    #: ``%`` (a rate 0–100), ``h`` (hours), ``score`` (0–100 or 1–5), ``n`` (a count)
    unit: str
    #: whether more is better (the PK board ranks on it only when it is a % or a score)
    higher_is_better: bool = True
    #: may carry a weight on the PK board (rates and scores, 0–100)
    pk: bool = False
    #: needs an area that may be missing (e.g. ``complaints``)
    requires: str | None = None

    def as_dict(self) -> dict:
        """JSON-ready (API, templates)."""
        return asdict(self)


KPIS: tuple[Kpi, ...] = (
    Kpi("satisfaction_rate", "客户满意率", "Customer satisfaction",
        "满意的回访 ÷（满意 + 不满意的回访），按回访完成时间计入当月，归属订单的客服",
        "satisfied follow-ups ÷ (satisfied + not-satisfied follow-ups), counted in the month "
        "the follow-up was completed, credited to the order's dispatcher", "%", pk=True),
    Kpi("service_score", "服务评分", "End-of-service score",
        "当月新增阿姨评价（下户满意度回访等）的总体评分平均值（1–5 分）",
        "mean overall score (1–5) of the workers' evaluations recorded in the month "
        "(end-of-service satisfaction calls and others)", "score"),
    Kpi("followup_on_time", "回访及时率", "On-time follow-up",
        "应回访日（业务日期）在当月且已过去的回访中，在应回访日当天或之前完成的 ÷ "
        "全部（已取消的不计），"
        "归属回访负责人",
        "follow-ups whose due day (business date) is in the month and past, done on or before "
        "their due day ÷ all of them (cancelled ones left out), credited to the assignee",
        "%", pk=True),
    Kpi("entry_accuracy", "下单准确率", "Order-entry accuracy",
        "准确订单 ÷ 当月新建订单。不准确：报价后又改了需求/价格/地址（改单、重新报价），"
        "或取消后 7 天内"
        "同一客户改下了另一服务线的订单（下错服务线）；质检员的判定优先",
        "accurate orders ÷ orders created in the month. Not accurate: intake, price or "
        "address changed after the quote (corrected, re-quoted), or cancelled and the same "
        "customer ordered another service line within 7 days (wrong line); a reviewer's "
        "marking wins", "%", pk=True),
    Kpi("exception_timeliness", "异常上报及时率", "Exception-report timeliness",
        "当月立案的调解（客户不满意的异常）中，在立案后规定时限（默认 24 小时）内写下原因和"
        "处理的 ÷ "
        "时限已到的全部调解，归属订单的客服",
        "mediation cases (the customer not satisfied) opened in the month whose cause and "
        "actions were written down within the policy time (24 hours by default) ÷ all those "
        "whose time is up, credited to the order's dispatcher", "%", pk=True),
    Kpi("complaint_first_contact_hours", "投诉首次联系时长", "Complaint first contact",
        "当月受理的投诉，从受理到首次联系客户的小时数中位数，归属投诉负责人",
        "median hours from a complaint's receipt to the first contact with the customer, "
        "for complaints received in the month", "h", higher_is_better=False,
        requires="complaints"),
    Kpi("complaint_first_contact_in_sla", "投诉首次联系达标率", "Complaint first contact in SLA",
        "当月受理的投诉中，在承诺时限内首次联系客户的 ÷ 全部",
        "complaints received in the month first contacted within the promised time ÷ all",
        "%", requires="complaints"),
    Kpi("complaint_solution_hours", "投诉解决时长", "Complaint solution time",
        "当月结案的投诉，从受理到解决的小时数中位数",
        "median hours from receipt to solution, for complaints solved in the month", "h",
        higher_is_better=False, requires="complaints"),
    Kpi("complaint_solution_in_sla", "投诉解决达标率", "Complaint solved in SLA",
        "当月结案的投诉中，在时限内解决的 ÷ 全部",
        "complaints solved in the month within their time limit ÷ all", "%",
        requires="complaints"),
    Kpi("quality_score", "质检得分", "Quality-check score",
        "当月工作被抽检并已评分的质检单的最终得分平均值（0–100，申诉改判后以改判为准）",
        "mean final score (0–100, after any appeal) of the scored quality checks of the "
        "month's work", "score", pk=True),
    Kpi("dispatch_hours", "派单时长", "Dispatch time",
        "首次指派阿姨在当月的订单，从建单（咨询）到首次指派阿姨的小时数中位数",
        "median hours from an order's creation (enquiry) to its first worker assignment, for "
        "orders first assigned in the month", "h", higher_is_better=False),
    Kpi("calls_made", "回访通话量", "Calls made",
        "当月记录的回访结果条数（每次拨打，含未接通）", "follow-up outcomes recorded in the month "
        "(every attempt, unreachable ones too)", "n"),
    Kpi("orders_taken", "接单量", "Orders taken",
        "当月新建的订单数", "orders created in the month", "n"),
)

BY_CODE = {k.code: k for k in KPIS}
PK_CODES = tuple(k.code for k in KPIS if k.pk)

#: the company's default PK weights (000: 下单准确率 20 %, 异常上报及时率 30 %)
DEFAULT_PK_WEIGHTS = {"entry_accuracy": 20, "exception_timeliness": 30,
                      "satisfaction_rate": 20, "followup_on_time": 20, "quality_score": 10}
