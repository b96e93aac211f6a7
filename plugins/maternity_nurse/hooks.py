"""Hook implementations of the maternity nurse (月嫂) line: adapters only."""
from core import CredentialKind, ServiceLine, hookimpl

from . import CODE, NAME_EN, NAME_ZH

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
