"""Hook implementations of the cleaning (保洁) line: adapters only."""
from core import CredentialKind, OrderPolicy, ServiceLine, hookimpl

from . import CODE, NAME_EN, NAME_ZH, followups, pricing, surveys, visits
from .price_table import default_table, validated
from .schemas import CleaningIntakeSchema

CLEANING_TRAINING = CredentialKind("cleaning_training", "保洁培训合格证",
                                   "Cleaning training certificate", expires=False)


@hookimpl
def register_service_lines():
    """Cleaning needs a valid health certificate and the platform certification."""
    return [ServiceLine(
        code=CODE, name_zh=NAME_ZH, name_en=NAME_EN,
        required_credentials=("health_certificate", "platform_certification"),
        credential_kinds=(CLEANING_TRAINING,),
        description_zh="日常保洁、开荒保洁、深度保洁，单次或周期上门。",
        description_en="Routine, post-renovation and deep cleaning, one-off or recurring visits.",
    )]


@hookimpl
def get_intake_schema(service_line):
    """The cleaning intake: area, kind, dirt, frequency, address and date."""
    return CleaningIntakeSchema if service_line == CODE else None


@hookimpl
def get_price_table(service_line):
    """The default cleaning price table (price_table.json)."""
    return default_table() if service_line == CODE else None


@hookimpl
def validate_price_table(service_line, table):
    """True for a well-formed cleaning table; raises core.Invalid otherwise."""
    if service_line != CODE:
        return None
    validated(table)
    return True


@hookimpl
def get_quote(service_line, intake, price_table):
    """The cleaning quote of a loaded intake."""
    if service_line != CODE:
        return None
    return pricing.quote(intake, validated(price_table))


@hookimpl
def get_order_policy(service_line, price_table):
    """Cleaning orders: no interview, no contract; visits are dispatched directly."""
    return OrderPolicy() if service_line == CODE else None


@hookimpl
def plan_visits(service_line, intake):
    """The visits (上门) of a cleaning order: one, or one per week/fortnight/month."""
    return visits.plan(intake) if service_line == CODE else None


@hookimpl
def get_followup_rules(service_line):
    """The follow-up rules (回访规则) of this line (followups.py)."""
    return followups.RULES if service_line == CODE else None


@hookimpl
def get_survey_questionnaire(service_line):
    """The satisfaction questionnaire (满意度调查问卷) of this line (surveys.py)."""
    return surveys.QUESTIONNAIRE if service_line == CODE else None
