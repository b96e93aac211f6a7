"""Background work of matching (rq): interview holds lapse by themselves."""
from __future__ import annotations

import datetime as dt
import logging
import time

import redis

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
    """Schedule the next run in the next ``delay``-second slot (the job id names the
    slot, so arming it from many places schedules it once)."""
    from ..queue import queue

    slot = (int(time.time()) // delay + 1) * delay
    try:
        queue().enqueue_at(dt.datetime.fromtimestamp(slot, dt.timezone.utc), lapse_holds_job,
                           job_id=f"matching-lapse-holds-{slot}", result_ttl=300)
        return True
    except (redis.RedisError, OSError):
        log.warning("redis unreachable; lapsing interview holds is not armed")
        return False
