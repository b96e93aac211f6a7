"""Home-page tiles of the orders area: open orders, unpaid orders, exceptions to decide."""
from __future__ import annotations

import sqlalchemy as sa

from ..extensions import db
from .models import FINAL_STATES, Order
from .queries import paid_total
from .records import OrderApproval

READ_ROLES = ("admin", "dispatcher", "supervisor", "finance")


def dashboard_tiles(role: str | None = None) -> list[dict]:
    """Tiles for the home page, for roles that read orders (pass the viewer's role)."""
    from flask import url_for
    from flask_babel import gettext as _

    if role is not None and role not in READ_ROLES:
        return []
    open_orders = db.session.scalar(sa.select(sa.func.count(Order.id)).where(
        Order.state.not_in(FINAL_STATES))) or 0
    unpaid = db.session.scalar(sa.select(sa.func.count(Order.id)).where(
        Order.state != "cancelled", Order.agreed_price.is_not(None),
        Order.agreed_price > paid_total())) or 0
    tiles = [
        {"label": _("进行中的订单"), "value": open_orders, "tone": "",
         "href": url_for("orders.index")},
        {"label": _("未付清的订单"), "value": unpaid, "tone": "warn" if unpaid else "",
         "href": url_for("orders.index", unpaid=1)},
    ]
    if role in (None, "admin", "supervisor"):
        pending = db.session.scalar(sa.select(sa.func.count(OrderApproval.id)).where(
            OrderApproval.status == "pending")) or 0
        tiles.append({"label": _("待审批的特批"), "value": pending,
                      "tone": "bad" if pending else "",
                      "href": url_for("orders.approvals_queue")})
    return tiles
