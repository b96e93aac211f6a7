"""The elderly care (养老护理) service line: one object that answers everything core asks.

A line subclasses ``core.ServiceLine``, sets its code, names, credentials, intake schema
and price-table schema, and overrides what it does differently from the defaults
(see docs/plugins.md): here the default price table, the quote and the order policy.
"""
from core import CredentialKind, OrderPolicy, ServiceLine

from . import CODE, NAME_EN, NAME_ZH, pricing, surveys
from .price_table import ElderlyCarePriceTableSchema, default_table
from .schemas import ElderlyCareIntakeSchema

ELDERLY_CARE = CredentialKind("elderly_care", "养老护理员证", "Elderly-care certificate")


class ElderlyCareLine(ServiceLine):
    """A carer needs the health certificate and the 养老护理员证."""

    code = CODE
    name_zh = NAME_ZH
    name_en = NAME_EN
    description_zh = "居家照护老人，住家或按小时。"
    description_en = "Care of elderly people at home, live-in or by the hour."
    required_credentials = ("health_certificate", "elderly_care")
    credential_kinds = (ELDERLY_CARE,)
    job_words = ("养老护理员", "护工")

    intake_schema = ElderlyCareIntakeSchema
    price_table_schema = ElderlyCarePriceTableSchema
    questionnaire = surveys.QUESTIONNAIRE

    default_price_table = staticmethod(default_table)  # the table in price_table.json
    quote = staticmethod(pricing.quote)

    def order_policy(self, price_table: dict) -> OrderPolicy:
        """Live-in care starts with an interview and a three-party contract."""
        return OrderPolicy(needs_interview=True, needs_contract=True)
