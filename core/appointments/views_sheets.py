"""The list of service sheets (上户表) not yet handed back: finished 保洁 visits whose
sheet the worker has not returned to the desk, oldest first, with filters and paging
(same blueprint as :mod:`core.appointments.views`). No customer details are shown: the
order number leads to the order, where the access matrix applies."""
from __future__ import annotations

import sqlalchemy as sa
from flask import render_template, request
from marshmallow import ValidationError

from ..access import roles
from ..accounts.models import User
from ..errors import DomainError, error_body, flatten_fields
from ..extensions import db
from ..inputs import load as load_checked
from . import visits
from .blueprint import bp
from .schemas import SheetQuerySchema
from .views import READERS

_EMPTY = {"items": [], "total": 0, "page": 1, "per_page": 20, "pages": 1}


def _errors(exc: Exception) -> dict:
    if isinstance(exc, ValidationError):
        return flatten_fields(exc.messages)
    return error_body(exc.status, exc.message, code=exc.code, fields=exc.fields).get(
        "fields", {})


@bp.get("/sheets")
@roles(*READERS)
def sheets_outstanding():
    """Service sheets not yet returned; filters: worker, dispatcher, finish dates, order
    number (``q``); sorting and pages."""
    raw = {k: request.args[k].strip() for k in request.args if request.args[k].strip()}
    errors, result = {}, None
    try:
        result = visits.sheets_outstanding(**load_checked(SheetQuerySchema(), raw))
    except (ValidationError, DomainError) as exc:
        errors = _errors(exc)
    dispatchers = list(db.session.scalars(sa.select(User).where(
        User.role.in_(("dispatcher", "supervisor")), User.active.is_(True))
        .order_by(User.display_name)))
    return render_template("appointments/sheets.html", page=result or _EMPTY,
                           args=request.args, errors=errors, dispatchers=dispatchers,
                           workers=visits.sheet_owing_workers()), (
        422 if errors else 200)
