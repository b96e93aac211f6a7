"""The tool-kit inventory page (工具包与库存): items with their stock counts, the kits and
their items; forms to add an item, recount (盘点) or retire one, make or retire a kit.
Finance may look; dispatchers and supervisors change it (same blueprint as
:mod:`core.appointments.views`)."""
from __future__ import annotations

from flask import flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from marshmallow import ValidationError

from ..access import current_principal, roles
from ..errors import DomainError, Invalid, flatten_fields
from ..extensions import db
from ..inputs import load as load_checked
from ..orders.views import _int, errors_of
from . import tools
from .schemas import ToolItemCreateSchema, ToolKitCreateSchema
from .views import READERS, WRITERS, bp


def _page(errors=None, form=None, status: int = 200):
    items = tools.search_items(per_page=200)["items"]
    return render_template("appointments/tool_kits.html", items=items,
                           kits=tools.list_kits(None), errors=errors or {},
                           form=form or {}), status


def _done(action, message: str):
    """Run ``action()``; a refusal shows the page with the reason beside the fields."""
    try:
        action()
    except ValidationError as exc:
        db.session.rollback()
        return _page(flatten_fields(exc.messages), request.form.to_dict(), 422)
    except DomainError as exc:
        db.session.rollback()
        return _page(errors_of(exc), request.form.to_dict(), exc.status)
    flash(message)
    return redirect(url_for("appointments.tool_kits"))


def _me() -> int:
    return current_principal().id


@bp.get("/tool-kits")
@roles(*READERS)
def tool_kits():
    """Items in stock and the tool kits."""
    return _page()


@bp.post("/tool-kits/items")
@roles(*WRITERS)
def add_item():
    """Add an item with its count on the shelf."""
    form = {k: request.form.get(k, "").strip() for k in ("name", "unit", "stock", "note")
            if request.form.get(k, "").strip()}
    return _done(lambda: tools.create_item(load_checked(ToolItemCreateSchema(), form), _me()),
                 _("已添加工具"))


@bp.post("/tool-kits/items/<int:item_id>")
@roles(*WRITERS)
def update_item(item_id):
    """Recount (盘点) an item, or retire / restore it."""
    def action():
        changes = {}
        if request.form.get("stock", "").strip():
            stock = _int(request.form["stock"].strip())
            if stock is None or stock < 0:
                raise Invalid(fields={"stock": [{"zh": "库存须为不小于 0 的整数。",
                                                 "en": "Stock is a whole number, 0 or more."}]})
            changes["stock"] = stock
        if request.form.get("active") in ("0", "1"):
            changes["active"] = request.form["active"] == "1"
        tools.update_item(tools.get_item(item_id), _int(request.form.get("version")), changes,
                          _me())

    return _done(action, _("已保存"))


@bp.post("/tool-kits")
@roles(*WRITERS)
def add_kit():
    """Make a kit from the counts typed beside each item."""
    def action():
        lines = [{"item_id": _int(key[4:]), "quantity": _int(value.strip())}
                 for key, value in request.form.items()
                 if key.startswith("qty_") and key[4:].isdigit() and value.strip()]
        data = {"name": request.form.get("name", "").strip(),
                "note": request.form.get("note", "").strip(), "items": lines}
        tools.create_kit(load_checked(ToolKitCreateSchema(), data), _me())

    return _done(action, _("已添加工具包"))


@bp.post("/tool-kits/<int:kit_id>/active")
@roles(*WRITERS)
def set_kit_active(kit_id):
    """Retire a kit, or offer it again."""
    return _done(lambda: tools.update_kit(
        tools.get_kit(kit_id), _int(request.form.get("version")),
        {"active": request.form.get("active") == "1"}, _me()), _("已保存"))
