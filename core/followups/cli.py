"""``jiazheng followups …``: run the sweep now, keep it running every 30 s, re-plan.

The sweep must run periodically for reminders to go out. Either run
``jiazheng followups cron`` beside the workers (rq's cron scheduler: it keeps the
schedule in its own memory, so a flushed Redis cannot lose it; every 30 s by default),
or rely on the
self-arming chain that ``jiazheng followups arm`` (and the queue page) starts.
"""
from __future__ import annotations

import json

import click
from flask import current_app
from flask.cli import with_appcontext


@click.group("followups")
def followups_group() -> None:
    """Follow-ups (回访): sweep, cron, re-plan."""


@followups_group.command("sweep")
@with_appcontext
def sweep_command() -> None:
    """Queue every follow-up that is due and not yet handled (once, now)."""
    from .jobs import sweep

    click.echo(json.dumps(sweep()))


@followups_group.command("arm")
@with_appcontext
def arm_command() -> None:
    """Schedule the next sweep; each sweep then schedules the one after."""
    from .jobs import arm_sweep

    click.echo("armed" if arm_sweep() else "redis unreachable")


@followups_group.command("cron")
@click.option("--interval", default=30, show_default=True, help="Seconds between sweeps.")
@with_appcontext
def cron_command(interval: int) -> None:
    """Run rq's cron scheduler that queues the sweep every ``interval`` seconds; it waits
    out a Redis outage (retrying every few seconds) instead of exiting."""
    import time

    import redis
    from rq.cron import CronScheduler

    from ..queue import QUEUE_NAME, redis_url
    from .jobs import sweep

    url = redis_url(current_app)
    while True:
        scheduler = CronScheduler(connection=redis.Redis.from_url(url))
        scheduler.register(sweep, QUEUE_NAME, interval=interval, result_ttl=300)
        try:
            scheduler.start()
            return  # stopped by a signal
        except (redis.ConnectionError, redis.TimeoutError, OSError):
            click.echo("redis unreachable; the follow-up cron retries in 3 s", err=True)
            time.sleep(3)


@followups_group.command("replan")
@with_appcontext
def replan_command() -> None:
    """Re-plan every order in service (after changing rules or upgrading the holiday
    calendar, chinese-calendar, for a newly announced year)."""
    from .service import replan_all

    click.echo(f"re-planned {replan_all()} orders")
