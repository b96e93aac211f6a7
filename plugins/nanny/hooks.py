"""Hook implementations of the nanny / infant-care (育婴师) line: adapters only."""
from core import CredentialKind, OrderPolicy, ServiceLine, hookimpl

from . import CODE, NAME_EN, NAME_ZH, followups, pricing
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
    """育婴师: interview, then a three-party contract."""
    return OrderPolicy(needs_interview=True, needs_contract=True) if service_line == CODE else None


@hookimpl
def get_followup_rules(service_line):
    """The follow-up rules (回访规则) of this line (followups.py)."""
    return followups.RULES if service_line == CODE else None
