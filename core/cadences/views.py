"""Follow-up cadence pages: every line's cadence; an admin edits one rule by rule."""
from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from marshmallow import Schema, fields

from ..access import current_principal, roles
from ..errors import Conflict, Invalid
from ..followups.rules import ANCHOR_LABELS, KIND_LABELS, OUTCOME_LABELS
from ..messages import Msg, bilingual
from ..plugins import service_lines
from ..webforms import parse_form
from . import service

bp = Blueprint("cadences", __name__, url_prefix="/followup-cadences")


@bp.get("/")
@roles("dispatcher", "supervisor")
def index():
    """The service lines with the version of their follow-up cadence."""
    return render_template("cadences/index.html",
                           cadences=[service.info(code) for code in service_lines()])


def _page(line: str, errors=None, form=None, status: int = 200):
    info = service.info(line)
    return render_template("cadences/show.html", info=info, errors=errors, form=form,
                           history=service.history(line), anchors=ANCHOR_LABELS,
                           kinds=KIND_LABELS, outcomes=OUTCOME_LABELS,
                           channels=service.CHANNELS,
                           titles={r["code"]: r for r in info["rules"]}), status


@bp.get("/<line>")
@roles("dispatcher", "supervisor")
def show(line):
    """One line's rules as planned (editable by an admin) and the saved versions."""
    return _page(line)


_WHOLE = Msg("Give a whole number.", "请填写整数。")


def _posted(line: str) -> tuple[dict, dict]:
    """The posted form: ``version`` and ``action``, and per rule of the line (inputs
    named ``<code>-after/-unit/-at/-kind/-offset``, known only from the line's rules)
    the changes it makes to the plugin's rules (only what differs). An offset that is
    not a whole number is refused on ``rules.<code>.<days|hours>``."""
    rules = service.info(line)["plugin_rules"]
    form = parse_form(Schema.from_dict({
        "version": fields.Integer(load_default=None), "action": fields.String(load_default=""),
        **{f"{r['code']}-{part}": fields.String() for r in rules
           for part in ("after", "at", "kind")},
        **{f"{r['code']}-unit": fields.String(load_default=None) for r in rules}})())
    if form["action"] == "reset":
        return form, {}
    units = {r["code"]: "hours" if (form[f"{r['code']}-unit"] or (
        "days" if r["days"] is not None else "hours")) == "hours" else "days" for r in rules}
    try:
        offsets = parse_form({f"{code}-offset": fields.Integer(
            load_default=None, error_messages={"invalid": _WHOLE}) for code in units})
    except Invalid as exc:
        raise Invalid(fields={f"rules.{name.rsplit('-', 1)[0]}.{units[name.rsplit('-', 1)[0]]}":
                              msgs for name, msgs in (exc.fields or {}).items()}) from None
    out = {}
    for rule in rules:
        code, unit = rule["code"], units[rule["code"]]
        patch = {}
        after = form.get(f"{code}-after", rule["after"] or "") or None
        if after != rule["after"]:
            patch["after"] = after
        offset = offsets[f"{code}-offset"]
        if offset is not None and offset != rule[unit]:
            patch[unit] = offset
        for part in ("at", "kind"):
            value = form.get(f"{code}-{part}", rule[part])
            if value != rule[part]:
                patch[part] = value
        if patch:
            out[code] = patch
    return form, out


@bp.post("/<line>")
@roles()
def save(line):
    """Save the admin's cadence as a new version; bad entries are shown, nothing saved."""
    service.known_line(line)
    try:
        form, overrides = _posted(line)
        version = form["version"] if form["version"] is not None else -1
        if form["action"] == "reset":
            service.reset(line, version, current_principal().id)
            flash(_("已恢复为插件的回访规则"))
        else:
            service.save(line, overrides, version, current_principal().id)
            flash(_("回访节奏已保存"))
        return redirect(url_for("cadences.show", line=line))
    except Invalid as exc:
        status, errors = 422, exc.fields or {"rules": [bilingual(exc.message)]}
    except Conflict as exc:
        status, errors = 409, {"rules": [bilingual(exc.message)]}
    return _page(line, errors=errors, form=request.form, status=status)  # as typed
