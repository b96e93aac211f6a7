"""Figures for the home page: each area contributes tiles for the roles that use it."""
from __future__ import annotations

from collections.abc import Callable

from ..access import current_principal
from ..customers.dashboard import dashboard_tiles as customer_tiles
from ..followups.queries import dashboard_tiles as followup_tiles
from ..orders.dashboard import dashboard_tiles as order_tiles
from ..trainees.handover import dashboard_tiles as handover_tiles
from ..workers.service import dashboard_tiles as worker_tiles

#: each area's tiles for a role (``None``: not signed in), in display order
TILE_SOURCES: tuple[Callable[[str | None], list[dict]], ...] = (
    lambda role: followup_tiles(),  # the follow-up queue's counts are the same for every role
    order_tiles, customer_tiles, worker_tiles, handover_tiles)


def summary() -> dict:
    """Tiles ({label, value, href, tone}) for the person looking at the home page."""
    user = current_principal()
    role = user.role if user else None
    return {"tiles": [tile for source in TILE_SOURCES for tile in source(role)]}
