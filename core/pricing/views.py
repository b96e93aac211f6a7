"""Price-table pages: every line's table; an admin edits one as JSON."""
import json

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from marshmallow import fields

from ..access import current_principal, roles
from ..errors import Conflict, Invalid
from ..messages import bilingual
from ..plugins import service_lines
from ..webforms import parse_form
from . import service

bp = Blueprint("pricing", __name__, url_prefix="/pricing")


@bp.get("/")
@roles("dispatcher", "supervisor", "finance")
def index():
    """The service lines with the version of their price tables."""
    tables = [service.table_info(code) for code in service_lines()]
    return render_template("pricing/index.html", tables=tables)


@bp.get("/<line>")
@roles("dispatcher", "supervisor", "finance")
def show(line):
    """One line's current table (editable by an admin) and its saved versions."""
    info = service.table_info(line)
    text = json.dumps(info["table"], ensure_ascii=False, indent=2)
    return render_template("pricing/show.html", info=info, text=text, errors=None,
                           history=service.history(line))


#: the edit form: the table as JSON text (loaded by the view, refused on ``table``) and
#: the version it was edited from
_TABLE_FORM = {"table": fields.String(load_default=""),
               "version": fields.Integer(load_default=None)}


@bp.post("/<line>")
@roles()
def save(line):
    """Save the admin's edited table; malformed JSON or entries are shown, not saved."""
    service.known_line(line)
    text = request.form.get("table", "")  # shown again as typed when refused
    status = 422
    try:
        form = parse_form(_TABLE_FORM)
        try:
            table = json.loads(form["table"])
        except ValueError as exc:
            raise Invalid(fields={"table": [{"zh": f"不是有效的 JSON：{exc}",
                                             "en": f"Not valid JSON: {exc}"}]}) from None
        service.save_table(line, table,
                           form["version"] if form["version"] is not None else -1,
                           current_principal().id)
    except Invalid as exc:
        errors = exc.fields or {"table": [bilingual(exc.message)]}
    except Conflict as exc:
        status = 409
        errors = {"table": [bilingual(exc.message)]}
    else:
        flash(_("价目表已保存"))
        return redirect(url_for("pricing.show", line=line))
    info = service.table_info(line)
    return render_template("pricing/show.html", info=info, text=text, errors=errors,
                           history=service.history(line)), status
