"""The maternity nurse (月嫂) service line: one object that answers everything core asks."""
from decimal import Decimal

from core import CredentialKind, OrderPolicy, ServiceLine

from . import CODE, NAME_EN, NAME_ZH, followups, pricing, surveys
from .agreement import AGREEMENT
from .matching import TWINS_PART, TWINS_RULE
from .price_table import MaternityNursePriceTableSchema, default_table
from .schemas import STANDARD_TERM_DAYS, MaternityNurseIntakeSchema

MATERNITY_CARE = CredentialKind("maternity_care", "母婴护理证", "Maternity care certificate")

#: the amounts a 月嫂 contract is not signed without (more than ¥0)
CONTRACT_AMOUNTS = ("service_fee", "worker_salary", "deposit")


class MaternityNurseLine(ServiceLine):
    """A maternity nurse needs the health certificate, platform certification and
    母婴护理证; she lives in for the term (26 days when the intake names none)."""

    code = CODE
    name_zh = NAME_ZH
    name_en = NAME_EN
    description_zh = "产妇与新生儿护理，通常 26 天，住家。"
    description_en = "Care of mother and newborn, usually 26 days, live-in."
    required_credentials = ("health_certificate", "platform_certification", "maternity_care")
    credential_kinds = (MATERNITY_CARE,)
    job_words = ("月嫂", "母婴护理", "母婴护理师")

    intake_schema = MaternityNurseIntakeSchema
    price_table_schema = MaternityNursePriceTableSchema
    default_term_days = STANDARD_TERM_DAYS
    followup_rules = followups.RULES
    questionnaire = surveys.QUESTIONNAIRE
    #: twins (双胞胎) need a nurse with experience, and more experience counts more
    matching_rules = (TWINS_RULE,)
    score_parts = (TWINS_PART,)

    default_price_table = staticmethod(default_table)  # the table in price_table.json
    quote = staticmethod(pricing.quote)

    def order_policy(self, price_table: dict) -> OrderPolicy:
        """月嫂: interview, then a three-party contract; standard terms from the table."""
        return OrderPolicy(
            needs_interview=True, needs_contract=True, term_field="term_days",
            standard_term_days=tuple(price_table.get("standard_terms", ())),
            sends_profile=True, service_agreement=AGREEMENT,
            contract_amounts=CONTRACT_AMOUNTS,
            worker_salary_share=Decimal(price_table.get("worker_salary_share", "0.80")),
            deposit_share=Decimal(price_table.get("deposit_share", "0.30")))
