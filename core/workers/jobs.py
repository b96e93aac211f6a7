"""Background work of the workers area (rq jobs; ids carried, effects idempotent)."""
from __future__ import annotations

import datetime as dt
import logging

import redis

from ..timeutil import SHANGHAI, business_today

log = logging.getLogger(__name__)

#: local time (Asia/Shanghai) at which the daily credential check runs
DAILY_CHECK_AT = dt.time(0, 30)


def credential_check_job() -> dict:
    """Daily: take workers whose health certificate (健康证) expired off dispatch, then arm
    tomorrow's run. Safe to run twice: a second run finds nothing left to change."""
    from .service import suspend_expired_health

    suspended = suspend_expired_health(business_today())
    arm_daily_check()
    log.info("daily credential check: %d worker(s) taken off dispatch", len(suspended))
    return {"suspended": len(suspended)}


def next_run(now: dt.datetime | None = None) -> dt.datetime:
    """The next DAILY_CHECK_AT in Shanghai, as an aware datetime."""
    now = (now or dt.datetime.now(SHANGHAI)).astimezone(SHANGHAI)
    at = dt.datetime.combine(now.date(), DAILY_CHECK_AT, tzinfo=SHANGHAI)
    return at if at > now else at + dt.timedelta(days=1)


def arm_daily_check() -> bool:
    """Schedule the next daily check (one per day: the job id names the day)."""
    from ..queue import queue

    when = next_run()
    try:
        queue().enqueue_at(when, credential_check_job,
                           job_id=f"workers-credential-check-{when:%Y%m%d}", result_ttl=3600)
        return True
    except (redis.RedisError, OSError):
        log.warning("redis unreachable; the daily credential check is not armed")
        return False
