"""Hook implementations of the maternity nurse (月嫂) line: adapters only."""
from decimal import Decimal

from core import CredentialKind, OrderPolicy, ServiceLine, hookimpl

from . import CODE, NAME_EN, NAME_ZH, followups, pricing, surveys
from .agreement import AGREEMENT
from .price_table import default_table, validated
from .schemas import MaternityNurseIntakeSchema

MATERNITY_CARE = CredentialKind("maternity_care", "母婴护理证", "Maternity care certificate")


@hookimpl
def register_service_lines():
    """A maternity nurse needs the health certificate, platform certification and 母婴护理证."""
    return [ServiceLine(
        code=CODE, name_zh=NAME_ZH, name_en=NAME_EN,
        required_credentials=("health_certificate", "platform_certification", "maternity_care"),
        credential_kinds=(MATERNITY_CARE,),
        description_zh="产妇与新生儿护理，通常 26 天，住家。",
        description_en="Care of mother and newborn, usually 26 days, live-in.",
    )]


@hookimpl
def get_intake_schema(service_line):
    """The maternity nurse intake: due date, term, grade, twins."""
    return MaternityNurseIntakeSchema if service_line == CODE else None


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
    """月嫂: interview, then a three-party contract; standard terms from the price table."""
    if service_line != CODE:
        return None
    return OrderPolicy(needs_interview=True, needs_contract=True, term_field="term_days",
                       standard_term_days=tuple(price_table.get("standard_terms", ())),
                       sends_profile=True, service_agreement=AGREEMENT,
                       contract_amounts=CONTRACT_AMOUNTS,
                       worker_salary_share=Decimal(price_table.get("worker_salary_share", "0.80")),
                       deposit_share=Decimal(price_table.get("deposit_share", "0.30")))


#: the amounts a 月嫂 contract is not signed without (more than ¥0)
CONTRACT_AMOUNTS = ("service_fee", "worker_salary", "deposit")


@hookimpl
def get_followup_rules(service_line):
    """The follow-up rules (回访规则) of this line (followups.py)."""
    return followups.RULES if service_line == CODE else None


@hookimpl
def register_matching_rules(service_line):
    """Twins (双胞胎) need a nurse with experience."""
    from .matching import TWINS_RULE

    return [TWINS_RULE] if service_line == CODE else None


@hookimpl
def register_score_parts(service_line):
    """More experience counts more for twins (双胎经验)."""
    from .matching import TWINS_PART

    return [TWINS_PART] if service_line == CODE else None


@hookimpl
def get_survey_questionnaire(service_line):
    """The satisfaction questionnaire (满意度调查问卷) of this line (surveys.py)."""
    return surveys.QUESTIONNAIRE if service_line == CODE else None
