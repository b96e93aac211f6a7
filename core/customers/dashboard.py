"""The customers' tiles on the home page (see :mod:`core.web.dashboard`).

Apart from :mod:`core.customers.service` because they count the file duties of
:mod:`core.customers.checks`, which itself builds on the service.
"""
from __future__ import annotations

import datetime as dt

import sqlalchemy as sa

from ..access import current_principal
from ..extensions import db
from ..timeutil import utcnow
from . import checks, disclosure
from .models import Customer


def dashboard_tiles(role: str | None = None) -> list[dict]:
    """Tiles for the home page: active customers and customers new in the last 7 days.

    Empty for a role that may not read customers (pass the viewer's role).
    """
    from flask import url_for
    from flask_babel import gettext as _

    if role is not None and role != "admin" and role not in disclosure.READ_ROLES:
        return []
    active = db.session.scalar(sa.select(sa.func.count(Customer.id)).where(
        Customer.status == "active")) or 0
    recent = db.session.scalar(sa.select(sa.func.count(Customer.id)).where(
        Customer.created_at >= utcnow() - dt.timedelta(days=7))) or 0
    tiles = []
    user = current_principal()
    if user is not None and role in ("supervisor", "admin"):
        from .grants import pending_count

        waiting = pending_count(user)
        tiles.append({"label": _("待审批的档案查阅申请"), "value": waiting,
                      "tone": "warn" if waiting else "", "id": "tile-access-requests",
                      "href": url_for("customers.access_requests", state="pending")})
        from .models_access import Destruction

        proposals = db.session.scalar(sa.select(sa.func.count(Destruction.id)).where(
            Destruction.state == "proposed")) or 0
        tiles.append({"label": _("待审批的档案销毁申请"), "value": proposals,
                      "tone": "warn" if proposals else "", "id": "destructions",
                      "href": url_for("customers.destructions")})
    if role in ("dispatcher", "supervisor", "admin"):
        due = checks.open_duty_count()
        tiles.append({"label": _("未完成的档案核定任务"), "value": due,
                      "tone": "warn" if due else "", "id": "file-duties",
                      "href": url_for("customers.file_duties", state="open")})
    return tiles + [
        {"label": _("有效客户"), "value": active, "tone": "",
         "href": url_for("customers.index", status="active")},
        {"label": _("近 7 天新客户"), "value": recent, "tone": "",
         "href": url_for("customers.index", sort="-created_at")},
    ]
