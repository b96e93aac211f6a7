"""Hook implementations of the nanny / infant-care (育婴师) line: adapters only."""
from decimal import Decimal

from core import CredentialKind, OrderPolicy, ServiceLine, hookimpl

from . import CODE, NAME_EN, NAME_ZH, followups, pricing, surveys
from .price_table import default_table, validated
from .schemas import NannyIntakeSchema

INFANT_CARE = CredentialKind("infant_care", "育婴师证", "Infant-care certificate")


@hookimpl
def register_service_lines():
    """A nanny needs the health certificate, platform certification and the 育婴师 certificate."""
    return [ServiceLine(
        code=CODE, name_zh=NAME_ZH, name_en=NAME_EN,
        required_credentials=("health_certificate", "platform_certification", "infant_care"),
        credential_kinds=(INFANT_CARE,),
        description_zh="按小时或住家照护婴幼儿。",
        description_en="Infant and toddler care, hourly or live-in.",
    )]


@hookimpl
def get_intake_schema(service_line):
    """The nanny intake: child, arrangement, grade, start, requirements."""
    return NannyIntakeSchema if service_line == CODE else None


@hookimpl
def get_price_table(service_line):
    """The default price table (price_table.json)."""
    return default_table() if service_line == CODE else None


@hookimpl
def validate_price_table(service_line, table):
    """True for a well-formed table of this line; raises core.Invalid otherwise."""
    if service_line != CODE:
        return None
    validated(table)
    return True


@hookimpl
def get_quote(service_line, intake, price_table):
    """The quote of a loaded intake of this line."""
    if service_line != CODE:
        return None
    return pricing.quote(intake, validated(price_table))


@hookimpl
def get_order_policy(service_line, price_table):
    """育婴师: her willingness is recorded before her profile goes to the customer, then
    interview and a three-party contract."""
    if service_line != CODE:
        return None
    return OrderPolicy(needs_interview=True, needs_contract=True, sends_profile=True,
                       profile_needs_willingness=True, contract_amounts=CONTRACT_AMOUNTS,
                       worker_salary_share=Decimal(price_table.get("worker_salary_share", "0.85")),
                       deposit_share=Decimal(price_table.get("deposit_share", "0.20")))


#: the amounts a 育婴师 contract is not signed without (more than ¥0)
CONTRACT_AMOUNTS = ("service_fee", "worker_salary", "deposit")


@hookimpl
def get_followup_rules(service_line):
    """The follow-up rules (回访规则) of this line (followups.py)."""
    return followups.RULES if service_line == CODE else None


@hookimpl
def get_survey_questionnaire(service_line):
    """The satisfaction questionnaire (满意度调查问卷) of this line (surveys.py)."""
    return surveys.QUESTIONNAIRE if service_line == CODE else None
