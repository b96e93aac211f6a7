"""Core's own hook implementations for matching: a cancelled order, or an interview
that failed (面试未通过 → back to matching), frees the workers' time it booked."""
from __future__ import annotations

from ..hookspecs import hookimpl


@hookimpl
def handle_order_state_change(order_id: int, service_line: str, from_state: str,
                              to_state: str) -> None:
    """Release the order's bookings (释放档期) when it no longer needs them."""
    if to_state != "cancelled" and not (from_state == "interview" and to_state == "matching"):
        return
    from ..extensions import db
    from ..orders.models import Order
    from .booking import release_order

    order = db.session.get(Order, order_id)
    if order is not None:
        release_order(order, None, f"order {to_state}")


@hookimpl
def handle_order_period_change(order_id: int, service_line: str, previous_start,
                               previous_end, start_date, end_date) -> None:
    """The order's 上户/下户 moved: her booking moves with it (409 if she is busy then)."""
    from ..extensions import db
    from ..orders.models import Order
    from .booking import follow_period

    order = db.session.get(Order, order_id)
    if order is not None:
        follow_period(order)
