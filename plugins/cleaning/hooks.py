"""Hook implementations of the cleaning (保洁) line: adapters only."""
from core import CredentialKind, ServiceLine, hookimpl

from . import CODE, NAME_EN, NAME_ZH

CLEANING_TRAINING = CredentialKind("cleaning_training", "保洁培训合格证", "Cleaning training certificate",
                                   expires=False)


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
