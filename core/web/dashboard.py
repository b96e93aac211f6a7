"""Figures for the home page: each area contributes tiles for the roles that use it."""
from __future__ import annotations

import importlib
import inspect

from ..access import current_principal

#: modules offering ``dashboard_tiles()`` (optionally taking ``role``), in display order
TILE_SOURCES = ("core.followups.service", "core.orders.dashboard", "core.customers.dashboard",
                "core.workers.service", "core.trainees.board", "core.trainees.handover")


def summary() -> dict:
    """Tiles ({label, value, href, tone}) for the person looking at the home page."""
    user = current_principal()
    role = user.role if user else None
    tiles: list[dict] = []
    for name in TILE_SOURCES:
        try:
            module = importlib.import_module(name)
        except ModuleNotFoundError:
            continue
        source = getattr(module, "dashboard_tiles", None)
        if source is None:
            continue
        if "role" in inspect.signature(source).parameters:
            tiles.extend(source(role=role))
        else:
            tiles.extend(source())
    return {"tiles": tiles}
