"""What matching needs to know about one order (订单画像), read once per request."""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from ..customers.models import CustomerAddress
from ..errors import Conflict
from ..extensions import db
from ..plugins import service_line
from ..workers.credentials import HEALTH
from .periods import NO_PERIOD, Period, order_period


@dataclass(frozen=True)
class OrderContext:
    """The order as matching sees it: line, customer, period, required credentials
    (健康证 first), grade asked, the customer's preferences and location."""

    order_id: int
    service_line: str
    customer_id: int
    period: Period
    required_kinds: tuple[str, ...]
    grade_asked: str | None = None
    preferences: dict = field(default_factory=dict)
    district: str | None = None
    latitude: float | None = None
    longitude: float | None = None
    intake: dict = field(default_factory=dict)
    now: dt.datetime | None = None


def required_kinds(line_code: str) -> tuple[str, ...]:
    """Credential kinds a worker must hold valid for the whole period on this line."""
    line = service_line(line_code)
    kinds = [HEALTH]
    for kind in (line.required_credentials if line else ()):
        if kind not in kinds:
            kinds.append(kind)
    return tuple(kinds)


def order_context(order, now: dt.datetime) -> OrderContext:
    """The matching context of an order (409 when it has no service date yet)."""
    period = order_period(order)
    if period is None:
        raise Conflict(NO_PERIOD, code="no_service_period")
    intake = order.intake or {}
    address = db.session.get(CustomerAddress, order.address_id) if order.address_id else None
    district = (address.district if address else None) or \
        (intake.get("address") or {}).get("district")
    prefs = dict(intake.get("requirements") or {})
    return OrderContext(
        order_id=order.id, service_line=order.service_line, customer_id=order.customer_id,
        period=period, required_kinds=required_kinds(order.service_line),
        grade_asked=intake.get("grade"), preferences=prefs, district=district,
        latitude=address.latitude if address else None,
        longitude=address.longitude if address else None, intake=intake, now=now)
