"""The cleaning (保洁) service line: one object that answers everything core asks."""
from core import CredentialKind, Msg, ServiceLine

from . import CODE, NAME_EN, NAME_ZH, followups, pricing, surveys, visits
from .price_table import CleaningPriceTableSchema, default_table
from .schemas import CleaningIntakeSchema

CLEANING_TRAINING = CredentialKind("cleaning_training", "保洁培训合格证",
                                   "Cleaning training certificate", expires=False)


class CleaningLine(ServiceLine):
    """Cleaning needs a valid health certificate and the platform certification; its
    orders are served in visits of four hours (for matching) and need no interview."""

    code = CODE
    name_zh = NAME_ZH
    name_en = NAME_EN
    description_zh = "日常保洁、开荒保洁、深度保洁，单次或周期上门。"
    description_en = "Routine, post-renovation and deep cleaning, one-off or recurring visits."
    required_credentials = ("health_certificate", "platform_certification")
    credential_kinds = (CLEANING_TRAINING,)
    job_words = ("保洁", "家务保洁", "开荒保洁", "钟点工")
    service_sheet_title = Msg("Cleaning service sheet", "保洁服务上户表")

    intake_schema = CleaningIntakeSchema
    price_table_schema = CleaningPriceTableSchema
    slot_hours = 4
    followup_rules = followups.RULES
    questionnaire = surveys.QUESTIONNAIRE

    default_price_table = staticmethod(default_table)  # the table in price_table.json
    quote = staticmethod(pricing.quote)

    def plan_visits(self, intake: dict):
        """The visits (上门) of a cleaning order: one, or one per week/fortnight/month."""
        return visits.plan(intake)
