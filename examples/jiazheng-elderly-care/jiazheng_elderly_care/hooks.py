"""Hook implementations of the elderly care (养老护理) line: adapters only."""
from core import CredentialKind, OrderPolicy, ServiceLine, hookimpl

from . import CODE, NAME_EN, NAME_ZH, pricing, surveys
from .price_table import default_table, validated
from .schemas import ElderlyCareIntakeSchema

ELDERLY_CARE = CredentialKind("elderly_care", "养老护理员证", "Elderly-care certificate")


@hookimpl
def register_service_lines():
    """A carer needs the health certificate and the 养老护理员证."""
    return [ServiceLine(
        code=CODE, name_zh=NAME_ZH, name_en=NAME_EN,
        required_credentials=("health_certificate", "elderly_care"),
        credential_kinds=(ELDERLY_CARE,),
        description_zh="居家照护老人，住家或按小时。",
        description_en="Care of elderly people at home, live-in or by the hour.",
    )]


@hookimpl
def get_intake_schema(service_line):
    """The elderly care intake: the elder's care level, live-in or hourly, how long."""
    return ElderlyCareIntakeSchema if service_line == CODE else None


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
    """Live-in care starts with an interview and a three-party contract."""
    if service_line != CODE:
        return None
    return OrderPolicy(needs_interview=True, needs_contract=True)


@hookimpl
def get_survey_questionnaire(service_line):
    """The satisfaction questionnaire (满意度调查问卷) of this line (surveys.py)."""
    return surveys.QUESTIONNAIRE if service_line == CODE else None
