"""The nanny / infant-care (育婴师) service line: one object that answers everything core
asks."""
from decimal import Decimal

from core import CredentialKind, OrderPolicy, ServiceLine

from . import CODE, NAME_EN, NAME_ZH, followups, pricing, surveys
from .price_table import NannyPriceTableSchema, default_table
from .schemas import NannyIntakeSchema

INFANT_CARE = CredentialKind("infant_care", "育婴师证", "Infant-care certificate")

#: the amounts a 育婴师 contract is not signed without (more than ¥0)
CONTRACT_AMOUNTS = ("service_fee", "worker_salary", "deposit")


class NannyLine(ServiceLine):
    """A nanny needs the health certificate, platform certification and the 育婴师
    certificate; she takes whole days (30 when the intake names no term)."""

    code = CODE
    name_zh = NAME_ZH
    name_en = NAME_EN
    description_zh = "按小时或住家照护婴幼儿。"
    description_en = "Infant and toddler care, hourly or live-in."
    required_credentials = ("health_certificate", "platform_certification", "infant_care")
    credential_kinds = (INFANT_CARE,)
    job_words = ("育婴师", "育儿嫂", "保姆")

    intake_schema = NannyIntakeSchema
    price_table_schema = NannyPriceTableSchema
    default_term_days = 30
    followup_rules = followups.RULES
    questionnaire = surveys.QUESTIONNAIRE

    default_price_table = staticmethod(default_table)  # the table in price_table.json
    quote = staticmethod(pricing.quote)

    def order_policy(self, price_table: dict) -> OrderPolicy:
        """育婴师: her willingness is recorded before her profile goes to the customer,
        then interview and a three-party contract."""
        return OrderPolicy(
            needs_interview=True, needs_contract=True, sends_profile=True,
            profile_needs_willingness=True, contract_amounts=CONTRACT_AMOUNTS,
            worker_salary_share=Decimal(price_table.get("worker_salary_share", "0.85")),
            deposit_share=Decimal(price_table.get("deposit_share", "0.20")))
