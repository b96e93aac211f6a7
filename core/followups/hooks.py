"""Core's own hook implementations for follow-ups, registered with every app's plugin
manager like a plugin (``core.app.CORE_LISTENERS``) but never listed or disabled.

Listening to the ``handle_order_state_change`` broadcast keeps the orders area free of any
knowledge of follow-ups: an order entering service plans them, a finished one plans
the 下户 call, a cancelled one cancels what is pending — all inside the order's own
transaction, so the facts and the plan commit together.
"""
from __future__ import annotations

from ..hookspecs import hookimpl


@hookimpl
def handle_order_state_change(order_id: int, service_line: str, from_state: str,
                              to_state: str) -> None:
    """Re-plan the order's follow-ups (回访) after its state changed."""
    from . import service

    service.order_state_changed(order_id, service_line, from_state, to_state)


@hookimpl
def handle_order_period_change(order_id: int, service_line: str, previous_start,
                               previous_end, start_date, end_date) -> None:
    """The order's 上户/下户 moved: re-plan the follow-ups from the new dates."""
    from . import service

    service.order_period_changed(order_id, previous_start != start_date,
                                 previous_end != end_date)


@hookimpl
def register_notification_channels():
    """The built-in in-app channel (站内通知)."""
    from .outbox import IN_APP

    return [IN_APP]
