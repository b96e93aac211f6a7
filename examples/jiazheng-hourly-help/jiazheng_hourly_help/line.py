"""The 钟点工 (Hourly help) service line: one object that answers everything core asks.

What a line leaves out takes core's documented default (docs/plugins.md, "The service
line object"): no interview or contract, core's default questionnaire.
"""
import datetime as dt

from core import MatchingRule, Msg, ServiceLine, VisitSlot

from . import CODE, NAME_EN, NAME_ZH, followups, pricing
from .price_table import HourlyHelpPriceTableSchema, default_table
from .schemas import HourlyHelpIntakeSchema

#: worker grades (core's 等级) that may be sent when a senior (金牌) worker is booked
SENIOR_GRADES = ("gold", "platinum", "diamond", "crown")

SENIOR_NEEDS_GOLD = MatchingRule(
    "senior_needs_gold",
    Msg("A senior booking needs a gold-grade worker or above.",
        "金牌阿姨订单需派金牌及以上等级的阿姨。"),
    lambda intake, w: intake.get("grade") != "senior" or w["grade"] in SENIOR_GRADES,
    where=lambda intake, p: p.grade.in_(SENIOR_GRADES) if intake.get("grade") == "senior"
    else None)


class HourlyHelpLine(ServiceLine):
    """钟点工: one visit of the hours asked for, priced by the hour by worker grade; a
    worker needs a valid health certificate and the platform certification."""

    code = CODE
    name_zh = NAME_ZH
    name_en = NAME_EN
    description_zh = "按小时上门做家务，至少 2 小时，按阿姨等级计价。"
    description_en = "Housework by the hour, 2 hours at least, priced by the worker's grade."
    required_credentials = ("health_certificate", "platform_certification")

    intake_schema = HourlyHelpIntakeSchema
    price_table_schema = HourlyHelpPriceTableSchema
    followup_rules = followups.RULES
    matching_rules = (SENIOR_NEEDS_GOLD,)

    default_price_table = staticmethod(default_table)  # the table in price_table.json
    quote = staticmethod(pricing.quote)

    def slot_hours_for(self, intake: dict) -> float:
        """A worker is booked for the hours the customer asked for."""
        return float(intake.get("hours") or 2)

    def plan_visits(self, intake: dict) -> list[VisitSlot]:
        """One visit (上门), on the preferred day and time, of the hours asked for."""
        starts = dt.datetime.combine(intake["preferred_date"], intake["preferred_time"])
        return [VisitSlot(starts_at=starts, ends_at=starts + dt.timedelta(hours=intake["hours"]),
                          tasks=(intake["notes"],) if intake.get("notes") else ())]
