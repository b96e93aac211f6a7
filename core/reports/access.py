"""Who sees which figures: supervisors and quality reviewers see everyone's; a dispatcher
sees her own KPIs and the PK board (scores and ranks, never others' details)."""
from __future__ import annotations

from ..access import current_principal
from ..errors import Forbidden
from ..messages import Msg

#: roles that open the KPI pages and API (admin implied)
VIEW_ROLES = ("supervisor", "quality", "dispatcher")
#: roles that see every dispatcher's figures and set the company's weights
ALL_ROLES = ("admin", "supervisor", "quality")
MANAGE_ROLES = ("supervisor",)

OWN_ONLY = Msg("A dispatcher sees her own figures only.", "客服专员只能查看自己的指标。")


def sees_everyone() -> bool:
    """Whether the person may see every dispatcher's figures."""
    user = current_principal()
    return user is not None and user.role in ALL_ROLES


def own_dispatcher(dispatcher_id: int | None) -> int | None:
    """The dispatcher filter the person may use: a dispatcher is held to herself (403
    when she asks for someone else)."""
    if sees_everyone():
        return dispatcher_id
    user = current_principal()
    if dispatcher_id is not None and dispatcher_id != user.id:
        raise Forbidden(OWN_ONLY)
    return user.id
