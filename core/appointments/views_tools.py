"""The tool-kit inventory page (工具包与库存): items with their stock counts, the kits and
their items; forms to add an item, recount (盘点) or retire one, make or retire a kit.
Finance may look; dispatchers and supervisors change it (same blueprint as
:mod:`core.appointments.views`)."""
from __future__ import annotations

from flask import flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from marshmallow import ValidationError, fields

from ..access import current_principal, roles
from ..errors import DomainError, flatten_fields
from ..inputs import load as load_checked
from ..orders.views import errors_of
from ..webforms import parse_form
from . import tools
from .blueprint import bp
from .schemas import (
    ToolCountSchema,
    ToolItemCreateSchema,
    ToolItemUpdateSchema,
    ToolKitCreateSchema,
    ToolKitUpdateSchema,
)
from .views import READERS, WRITERS


def _page(errors=None, form=None, status: int = 200, posted: str = ""):
    """The page; after a refusal, ``posted`` says which form (``item``: add an item,
    ``kit``: make a kit, ``row``: a row's recount or a kit's switch) gets back what was
    typed and the reasons beside its fields (a row's go in the banner)."""
    items = tools.search_items(per_page=200)["items"]
    return render_template("appointments/tool_kits.html", items=items,
                           kits=tools.list_kits(None), errors=errors or {},
                           form=form or {}, posted=posted), status


def _done(action, message: str, posted: str):
    """Run ``action()``; a refusal shows the page with the reason beside the fields of
    the form that was ``posted``."""
    try:
        action()  # reads the form, then one step of the tools service
    except ValidationError as exc:  # refused before the step: nothing written
        return _page(flatten_fields(exc.messages), request.form.to_dict(), 422, posted)
    except DomainError as exc:  # the step rolled back when it refused
        return _page(errors_of(exc), request.form.to_dict(), exc.status, posted)
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
    return _done(lambda: tools.create_item(parse_form(ToolItemCreateSchema()), _me()),
                 _("已添加工具"), "item")


@bp.post("/tool-kits/items/<int:item_id>")
@roles(*WRITERS)
def update_item(item_id):
    """Recount (盘点) an item, or retire / restore it."""
    def action():
        changes = parse_form(ToolItemUpdateSchema(only=("version", "stock", "active")))
        tools.update_item(tools.get_item(item_id), changes.pop("version"), changes, _me())

    return _done(action, _("已保存"), "row")


@bp.post("/tool-kits")
@roles(*WRITERS)
def add_kit():
    """Make a kit from the counts typed beside each item."""
    def action():
        # one box per item, each bounded as the API's count; a blank box is "none of it"
        quantity = ToolCountSchema().fields["quantity"]
        counts = {f"qty_{item_id}": fields.Integer(validate=quantity.validators)
                  for item_id in tools.item_ids()}
        form = ToolKitCreateSchema.from_dict(counts)
        data = parse_form(form(exclude=("items",)))
        data["items"] = [{"item_id": int(key[4:]), "quantity": data.pop(key)}
                         for key in counts if key in data]
        tools.create_kit(load_checked(ToolKitCreateSchema(), data), _me())

    return _done(action, _("已添加工具包"), "kit")


@bp.post("/tool-kits/<int:kit_id>/active")
@roles(*WRITERS)
def set_kit_active(kit_id):
    """Retire a kit, or offer it again."""
    def action():
        changes = parse_form(ToolKitUpdateSchema(only=("version", "active")))
        tools.update_kit(tools.get_kit(kit_id), changes.pop("version"), changes, _me())

    return _done(action, _("已保存"), "row")
