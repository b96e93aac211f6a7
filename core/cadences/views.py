"""Follow-up cadence pages: every line's cadence; an admin edits one rule by rule."""
from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _

from ..access import current_principal, roles
from ..errors import Conflict, Invalid
from ..followups.rules import ANCHOR_LABELS, KIND_LABELS, OUTCOME_LABELS
from ..inputs import int64
from ..messages import bilingual
from ..plugins import service_lines
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


def _overrides(line: str) -> tuple[dict, dict]:
    """The changes the form makes to the plugin's rules (only what differs), and the
    fields that are not numbers."""
    out, errors = {}, {}
    for rule in service.info(line)["plugin_rules"]:
        code = rule["code"]
        patch = {}
        after = request.form.get(f"{code}-after", rule["after"] or "") or None
        if after != rule["after"]:
            patch["after"] = after
        text = request.form.get(f"{code}-offset")
        unit = request.form.get(f"{code}-unit") or ("days" if rule["days"] is not None
                                                     else "hours")
        unit = "hours" if unit == "hours" else "days"
        try:
            offset = rule[unit] if text is None else int(text.strip())
        except ValueError:
            errors[f"rules.{code}.{unit}"] = [{"zh": "请填写整数。", "en": "Give a whole number."}]
        else:
            if offset != rule[unit]:
                patch[unit] = offset
        at = request.form.get(f"{code}-at", rule["at"]).strip()
        if at != rule["at"]:
            patch["at"] = at
        kind = request.form.get(f"{code}-kind", rule["kind"])
        if kind != rule["kind"]:
            patch["kind"] = kind
        if patch:
            out[code] = patch
    return out, errors


@bp.post("/<line>")
@roles()
def save(line):
    """Save the admin's cadence as a new version; bad entries are shown, nothing saved."""
    service.known_line(line)
    version = request.form.get("version", type=int64)
    version = version if version is not None else -1
    resetting = request.form.get("action") == "reset"
    overrides, errors = ({}, {}) if resetting else _overrides(line)
    status = 422
    if not errors:
        try:
            if resetting:
                service.reset(line, version, current_principal().id)
                flash(_("已恢复为插件的回访规则"))
            else:
                service.save(line, overrides, version, current_principal().id)
                flash(_("回访节奏已保存"))
            return redirect(url_for("cadences.show", line=line))
        except Invalid as exc:
            errors = exc.fields or {"rules": [bilingual(exc.message)]}
        except Conflict as exc:
            status, errors = 409, {"rules": [bilingual(exc.message)]}
    return _page(line, errors=errors, form=request.form, status=status)
