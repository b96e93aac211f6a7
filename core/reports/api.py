"""Reports API (/api/v1/reports): KPI tables, trends, the PK board and its weights, the
monthly service-quality report and the summaries."""
from __future__ import annotations

from flask_smorest import Blueprint

from ..access import current_principal, roles
from . import documents, monthly, service
from .access import MANAGE_ROLES, VIEW_ROLES, own_dispatcher, sees_everyone
from .compute import Scope
from .periods import parse_month, parse_span, week_of
from .schemas import (
    KpiTableSchema,
    MonthlyReportSchema,
    PkBoardSchema,
    RDefinitionsSchema,
    RKpiQuerySchema,
    RPkQuerySchema,
    RReportGenerateSchema,
    RReportQuerySchema,
    RSpanQuerySchema,
    RSummarySchema,
    RTrendQuerySchema,
    RTrendSchema,
    RWeightsSchema,
)

blp = Blueprint("reports_api", __name__, url_prefix="/api/v1/reports",
                description="KPIs (绩效指标), the PK board and reports (报表)")


@blp.route("/kpi-definitions")
@roles(*VIEW_ROLES)
@blp.response(200, RDefinitionsSchema)
def kpi_definitions():
    """Every KPI with its formula in words (Chinese and English)."""
    return {"kpis": service.definitions()}


@blp.route("/kpis")
@roles(*VIEW_ROLES)
@blp.arguments(RKpiQuerySchema, location="query")
@blp.response(200, KpiTableSchema)
def kpis(args):
    """The KPIs of a month, per dispatcher, per service line or for the whole desk
    (a dispatcher gets her own figures only)."""
    scope = Scope(parse_month(args["month"]), args["by"],
                  own_dispatcher(args["dispatcher_id"]), args["service_line"])
    return service.table(scope)


@blp.route("/kpis/trend")
@roles(*VIEW_ROLES)
@blp.arguments(RTrendQuerySchema, location="query")
@blp.response(200, RTrendSchema)
def kpi_trend(args):
    """Each KPI month by month up to ``month`` (default 6 months)."""
    return service.trend(parse_month(args["month"]), args["months"],
                         dispatcher_id=own_dispatcher(args["dispatcher_id"]),
                         service_line=args["service_line"])


@blp.route("/pk")
@roles(*VIEW_ROLES)
@blp.arguments(RPkQuerySchema, location="query")
@blp.response(200, PkBoardSchema)
def pk_board(args):
    """The PK board (PK榜): dispatchers ranked on the company-weighted score (a
    dispatcher sees everyone's score and rank, and the parts of her own only)."""
    board = service.pk_board(parse_month(args["month"]), args["service_line"])
    if not sees_everyone():
        me = current_principal().id
        for row in board["rows"]:
            if row["dispatcher_id"] != me:
                row["parts"] = {}
    return board


@blp.route("/pk-weights")
@roles(*VIEW_ROLES)
@blp.response(200, RWeightsSchema)
def get_weights():
    """The company's PK weights (percent per KPI, summing to 100)."""
    return {"weights": service.weights()}


@blp.route("/pk-weights", methods=["PUT"])
@roles(*MANAGE_ROLES)
@blp.arguments(RWeightsSchema)
@blp.response(200, RWeightsSchema)
def put_weights(data):
    """Set the PK weights; they must be PK KPIs summing to 100 %."""
    result = service.set_weights(data["weights"])
    return {"weights": result}


def _report_out(report) -> dict:
    from .calendar import report_deadline
    from .periods import month_of

    return {"month": f"{report.month:%Y-%m}", "generated_at": report.generated_at,
            "generations": report.generations, "digest": report.digest,
            "announced_at": report.announced_at,
            "deadline": report_deadline(month_of(report.month)), "figures": report.figures}


@blp.route("/monthly")
@roles("supervisor", "quality")
@blp.arguments(RReportQuerySchema, location="query")
@blp.response(200, MonthlyReportSchema)
def get_monthly(args):
    """The stored monthly service-quality report of an ended month (404 until made)."""
    return _report_out(monthly.require_stored(parse_month(args["month"],
                                                          must_have_ended=True)))


@blp.route("/monthly", methods=["POST"])
@roles("supervisor")
@blp.arguments(RReportGenerateSchema)
@blp.response(200, MonthlyReportSchema)
def generate_monthly(data):
    """Generate (or regenerate) an ended month's report; the same data gives the same
    figures and digest."""
    report = monthly.generate_by_request(parse_month(data["month"], must_have_ended=True))
    return _report_out(report)


@blp.route("/followups-weekly")
@roles("supervisor", "quality")
@blp.arguments(RSpanQuerySchema, location="query")
@blp.response(200, RSummarySchema)
def followups_weekly(args):
    """The weekly follow-up summary of the Monday–Sunday week containing ``to``."""
    span = parse_span(args["date_to"], args["date_to"])
    return documents.weekly_followups(week_of(span.last))


@blp.route("/workload")
@roles(*VIEW_ROLES)
@blp.arguments(RSpanQuerySchema, location="query")
@blp.response(200, RSummarySchema)
def workload(args):
    """Calls made and orders taken per day (or week) and person (a dispatcher: her own)."""
    span = parse_span(args["date_from"], args["date_to"])
    return documents.workload(span, args["by"], own_dispatcher(None))
