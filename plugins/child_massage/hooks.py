"""Hook implementations of the child massage (小儿推拿) line: adapters only."""
from core import CredentialKind, OrderPolicy, ServiceLine, SessionPackage, hookimpl

from . import CODE, NAME_EN, NAME_ZH, followups, pricing, surveys
from .price_table import default_table, validated
from .schemas import ChildMassageIntakeSchema

CHILD_MASSAGE = CredentialKind("child_massage", "小儿推拿证", "Child massage certificate")


@hookimpl
def register_service_lines():
    """A child-massage therapist needs the health certificate and the 小儿推拿 certificate."""
    return [ServiceLine(
        code=CODE, name_zh=NAME_ZH, name_en=NAME_EN,
        required_credentials=("health_certificate", "child_massage"),
        credential_kinds=(CHILD_MASSAGE,),
        description_zh="单次或套餐，上门或到店。",
        description_en="Single sessions or packages, at home or at the company.",
    )]


@hookimpl
def get_intake_schema(service_line):
    """The child massage intake: age, needs, purchase, place."""
    return ChildMassageIntakeSchema if service_line == CODE else None


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
    """Child massage orders: no interview, no contract."""
    return OrderPolicy() if service_line == CODE else None


@hookimpl
def get_session_package(service_line, intake):
    """A single session, or the package of N sessions the customer bought (套餐)."""
    if service_line != CODE:
        return None
    sessions = intake.get("package_sessions") if intake.get("purchase") == "package" else 1
    return SessionPackage(sessions=sessions or 1, place=intake.get("place"))


@hookimpl
def get_followup_rules(service_line):
    """The follow-up rules (回访规则) of this line (followups.py)."""
    return followups.RULES if service_line == CODE else None


@hookimpl
def get_survey_questionnaire(service_line):
    """The satisfaction questionnaire (满意度调查问卷) of this line (surveys.py)."""
    return surveys.QUESTIONNAIRE if service_line == CODE else None
