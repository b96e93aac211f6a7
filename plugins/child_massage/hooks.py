"""Hook implementations of the child massage (小儿推拿) line: adapters only."""
from core import CredentialKind, ServiceLine, hookimpl

from . import CODE, NAME_EN, NAME_ZH

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
