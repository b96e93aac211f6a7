"""Hook implementations of the nanny / infant-care (育婴师) line: adapters only."""
from core import CredentialKind, ServiceLine, hookimpl

from . import CODE, NAME_EN, NAME_ZH

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
