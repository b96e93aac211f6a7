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


def valid_on(kind: str, last_day) -> sa.Exists:
    """She holds a counting credential of ``kind`` (58到家 once certified) valid through
    ``last_day``."""
    cond = [WorkerCredential.worker_id == Worker.id, WorkerCredential.kind == kind,
            sa.or_(WorkerCredential.expires_on.is_(None),
                   WorkerCredential.expires_on >= last_day)]
    if kind == PLATFORM:
        cond.append(WorkerCredential.certification_status == "certified")
    return sa.exists().where(*cond)


def _credential(kind: str):
    def clause(ctx):
        return valid_on(kind, ctx.period.last_day)
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


def credential_refusal(order, worker):
    """The credential rule for a worker named for one of the order's steps (assignment,
    interview, session, visit) — the candidate list's ``credential:<kind>`` rules: every
    kind the order's line requires (健康证 first) held (a 58到家 certification once
    certified) and valid through the order's service period (to its last day; today when
    the order has none yet). A ``Conflict`` (409) when she fails it, else None:
    ``worker_health_missing`` / ``worker_health_expired`` for the 健康证,
    ``worker_credential_missing`` / ``worker_credential_expired`` for another kind."""
    from ..errors import Conflict
    from ..plugins import credential_kinds
    from ..timeutil import business_today
    from ..workers.credentials import HEALTH, kind_state
    from .context import required_kinds
    from .periods import order_period

    period = order_period(order)
    today = business_today()
    through = max(today, period.last_day if period else today)
    names = credential_kinds()
    for kind in required_kinds(order.service_line):
        state = kind_state(worker, kind, today)
        known = names.get(kind)
        en, zh = _KIND_NAMES.get(kind, (known.name_en, known.name_zh) if known else (kind, kind))
        what = "health" if kind == HEALTH else "credential"
        if state.credential_id is None:
            return Conflict(Msg("{name} holds no {what_en}; she cannot be sent.",
                                "{name} 没有{what_zh}，不能派出。").format(
                name=worker.name, what_en=en, what_zh=zh), code=f"worker_{what}_missing")
        if state.expires_on is not None and state.expires_on < through:
            return Conflict(Msg("{name}'s {what_en} expired on {day} (it must be valid "
                                "through {through}); she cannot be sent.",
                                "{name} 的{what_zh}已于 {day} 到期（须有效至 {through}），"
                                "不能派出。").format(
                name=worker.name, what_en=en, what_zh=zh, day=state.expires_on.isoformat(),
                through=through.isoformat()), code=f"worker_{what}_expired")
    return None


def hard_rule_refusal(order, worker):
    """The candidate list's hard rules for a worker named directly for one of the order's
    steps, beyond her line and status (checked by the caller): not on the customer's "do
    not send" list (409 ``worker_do_not_send``), and :func:`credential_refusal`. Her
    time (the ``free`` rule) is the booking's to refuse (409 ``double_booking``).
    Returns the ``Conflict`` or None."""
    from ..errors import Conflict
    from ..extensions import db

    excluded = db.session.scalar(sa.select(CustomerExcludedWorker.worker_id).where(
        CustomerExcludedWorker.worker_id == worker.id,
        CustomerExcludedWorker.customer_id == order.customer_id).limit(1))
    if excluded is not None:
        return Conflict(Msg("The customer asked not to send {name} again.",
                            "客户要求不再派{name}。").format(name=worker.name),
                        code="worker_do_not_send")
    return credential_refusal(order, worker)
