"""Figures for the dispatcher's home page."""
from __future__ import annotations


def summary() -> dict:
    """Counts shown on the home page; areas add theirs as they exist."""
    from ..followups.service import dashboard_tiles

    return {"tiles": [*dashboard_tiles()]}
