"""Hard rules (硬性条件) of matching, each an SQL condition on a worker, so the
candidate list filters in the database and "why not her?" asks each rule separately.

Core's rules: she does the line; her status allows work (空闲); every credential the
line requires (健康证 first) is valid for the WHOLE service period (a 58到家
certification counts once certified); no booking in force overlaps the period; she is
not on the customer's "do not send" list. Blacklisted workers fail the status rule.
Plugins add rules (:class:`core.types.MatchingRule`) checked on the worker's row.
"""
from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import sqlalchemy as sa

from ..messages import Msg
from ..workers.credentials import PLATFORM
from ..workers.models import Worker, WorkerCredential, WorkerServiceLine
from .context import OrderContext
from .models import Assignment, CustomerExcludedWorker

#: statuses in which a worker may be sent (状态允许派单)
WORKING_STATUSES = ("available",)


@dataclass(frozen=True)
class SqlRule:
    """A core hard rule: ``code``, what failing it means (``Msg``), its SQL condition."""

    code: str
    message: Msg
    clause: Callable[[OrderContext], sa.ColumnElement]


def _does_line(ctx):
    return sa.exists().where(WorkerServiceLine.worker_id == Worker.id,
                             WorkerServiceLine.service_line == ctx.service_line)


def _status(ctx):
    return Worker.status.in_(WORKING_STATUSES)


def _credential(kind: str):
    def clause(ctx):
        cond = [WorkerCredential.worker_id == Worker.id, WorkerCredential.kind == kind,
                sa.or_(WorkerCredential.expires_on.is_(None),
                       WorkerCredential.expires_on >= ctx.period.last_day)]
        if kind == PLATFORM:
            cond.append(WorkerCredential.certification_status == "certified")
        return sa.exists().where(*cond)
    return clause


#: written into the SQL, not bound: SQLite uses the partial index on active bookings
#: (``ix_assignments_active_ends``) fully only when it can see the value
_ACTIVE = sa.literal_column("'active'")


def _in_force_then(ctx: OrderContext) -> list:
    return [Assignment.state == _ACTIVE,
            Assignment.ends_at > ctx.period.starts_at, Assignment.starts_at < ctx.period.ends_at,
            sa.or_(Assignment.expires_at.is_(None), Assignment.expires_at > ctx.now),
            Assignment.order_id != ctx.order_id]


def busy(ctx: OrderContext, worker_id) -> sa.Exists:
    """She (``worker_id``: a column or value) has a booking in force overlapping the
    order's period (other than the order's own)."""
    return sa.exists().where(Assignment.worker_id == worker_id, *_in_force_then(ctx))


def busy_workers(ctx: OrderContext) -> sa.Select:
    """Every worker with a booking in force overlapping the order's period — one scan
    of the bookings that end after it starts (``ix_assignments_active_ends``)."""
    return sa.select(Assignment.worker_id).where(*_in_force_then(ctx))


def excluded_by_customer(ctx: OrderContext, worker_id) -> sa.Exists:
    """She is on the order's customer's "do not send" list."""
    return sa.exists().where(CustomerExcludedWorker.worker_id == worker_id,
                             CustomerExcludedWorker.customer_id == ctx.customer_id)


def _free(ctx):
    return ~busy(ctx, Worker.id)


def _not_excluded(ctx):
    return ~excluded_by_customer(ctx, Worker.id)


_KIND_NAMES = {"health_certificate": ("health certificate", "健康证"),
               "platform_certification": ("58 Daojia certification", "58到家认证")}


def core_rules(ctx: OrderContext) -> list[SqlRule]:
    """Core's hard rules for this order, cheapest first."""
    rules = [
        SqlRule("service_line", Msg("She does not do this service line.", "她不做该业务线。"),
                _does_line),
        SqlRule("status", Msg("Her status does not allow work (on leave, inactive or "
                              "blacklisted).", "她当前状态不能派单（请假、停用或黑名单）。"),
                _status),
        SqlRule("do_not_send", Msg("The customer asked not to send her again.",
                                   "客户要求不再派她。"), _not_excluded),
    ]
    for kind in ctx.required_kinds:
        en, zh = _KIND_NAMES.get(kind, (kind, kind))
        rules.append(SqlRule(
            f"credential:{kind}",
            Msg("Her {what} is missing or not valid through {day} (the whole period).",
                "她的{zh}缺失或不能覆盖整个服务期（至 {day}）。").format(
                what=en, zh=zh, day=ctx.period.last_day.isoformat()),
            _credential(kind)))
    rules.append(SqlRule("free", Msg("She is already booked in this period.",
                                     "她在这个时段已有安排。"), _free))
    return rules


def health_refusal(order, worker):
    """The hard rule on her 健康证 for a worker named for one of the order's steps
    (assignment, interview, session, visit): a ``Conflict`` (409 ``worker_health_expired``)
    when the health certificate she holds has expired or does not cover the order's
    service period (to its last day; today when the order has none yet); else None.
    The candidate list applies the same rule in SQL (``credential:health_certificate``)."""
    from ..errors import Conflict
    from ..timeutil import business_today
    from ..workers.credentials import HEALTH, kind_state
    from .periods import order_period

    state = kind_state(worker, HEALTH)
    if state.expires_on is None:  # none held (the candidate list never offers her) or no expiry
        return None
    period = order_period(order)
    through = max(business_today(), period.last_day if period else business_today())
    if state.expires_on >= through:
        return None
    return Conflict(Msg("{name}'s health certificate expired on {day} (it must be valid "
                        "through {through}); she cannot be sent.",
                        "{name} 的健康证已于 {day} 到期（须有效至 {through}），不能派出。").format(
        name=worker.name, day=state.expires_on.isoformat(), through=through.isoformat()),
        code="worker_health_expired")
