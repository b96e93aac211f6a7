"""Value types exchanged between core and plugins (plugins may import these)."""
from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True)
class CredentialKind:
    """A kind of credential a worker can hold, e.g. the health certificate (健康证).

    ``expires``: whether certificates of this kind carry an expiry date.
    """

    code: str
    name_zh: str
    name_en: str
    expires: bool = True


@dataclass(frozen=True)
class ServiceLine:
    """A service line (业务线) a plugin owns: cleaning, maternity nurse, …

    ``required_credentials``: codes of the credential kinds a worker must hold, valid,
    to be sent on an order of this line. ``credential_kinds``: kinds this line
    introduces (skill certificates); core already knows ``health_certificate`` and
    ``platform_certification``.
    """

    code: str
    name_zh: str
    name_en: str
    required_credentials: tuple[str, ...] = ()
    credential_kinds: tuple[CredentialKind, ...] = field(default_factory=tuple)
    description_zh: str = ""
    description_en: str = ""


#: Credentials core knows without any plugin.
HEALTH_CERTIFICATE = CredentialKind("health_certificate", "健康证", "Health certificate")
PLATFORM_CERTIFICATION = CredentialKind(
    "platform_certification", "58到家认证", "Platform certification (58到家)", expires=True)
CORE_CREDENTIAL_KINDS = (HEALTH_CERTIFICATE, PLATFORM_CERTIFICATION)
