"""Background work of matching (rq): interview holds lapse by themselves."""
from __future__ import annotations

import logging

log = logging.getLogger(__name__)

#: how often expired interview holds are lapsed
LAPSE_INTERVAL_SECONDS = 300


def lapse_holds_job() -> dict:
    """Lapse the interview holds past their expiry, then arm the next run."""
    from .booking import lapse_holds

    lapsed = lapse_holds()
    arm_lapse_holds()
    if lapsed:
        log.info("lapsed %d interview hold(s)", lapsed)
    return {"lapsed": lapsed}


def arm_lapse_holds(delay: int = LAPSE_INTERVAL_SECONDS) -> bool:
    """Schedule the next run in the next ``delay``-second slot (once, however often
    it is armed)."""
    from ..queue import arm_in_slot

    return arm_in_slot(lapse_holds_job, "matching-lapse-holds", delay)
