"""The child massage (小儿推拿) service line: one object that answers everything core asks."""
from core import CredentialKind, ServiceLine, SessionPackage

from . import CODE, NAME_EN, NAME_ZH, followups, pricing, surveys
from .price_table import ChildMassagePriceTableSchema, default_table
from .schemas import ChildMassageIntakeSchema

CHILD_MASSAGE = CredentialKind("child_massage", "小儿推拿证", "Child massage certificate")


class ChildMassageLine(ServiceLine):
    """A child-massage therapist needs the health certificate and the 小儿推拿 certificate;
    orders are sold in sessions of an hour, need no interview and no contract."""

    code = CODE
    name_zh = NAME_ZH
    name_en = NAME_EN
    description_zh = "单次或套餐，上门或到店。"
    description_en = "Single sessions or packages, at home or at the company."
    required_credentials = ("health_certificate", "child_massage")
    credential_kinds = (CHILD_MASSAGE,)
    job_words = ("小儿推拿", "推拿")

    intake_schema = ChildMassageIntakeSchema
    price_table_schema = ChildMassagePriceTableSchema
    slot_hours = 1
    followup_rules = followups.RULES
    questionnaire = surveys.QUESTIONNAIRE

    default_price_table = staticmethod(default_table)  # the table in price_table.json
    quote = staticmethod(pricing.quote)

    def session_package(self, intake: dict) -> SessionPackage:
        """A single session, or the package of N sessions the customer bought (套餐)."""
        sessions = intake.get("package_sessions") if intake.get("purchase") == "package" else 1
        return SessionPackage(sessions=sessions or 1, place=intake.get("place"))
