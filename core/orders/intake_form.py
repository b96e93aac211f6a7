"""Between a line's intake schema and an HTML form: the form's inputs as an argument map
for :func:`core.webforms.parse_form` and what it loads as a raw intake, and an intake
back into form values — driven only by :func:`core.forms.describe_schema`,
so a new plugin gets a working form without writing a template.

Form inputs are named ``intake.<field>`` (``intake.address.district`` for a nested
group), which is also how the service names a bad field in its 422 errors.
"""
from __future__ import annotations

from typing import Any

from marshmallow import fields

from ..forms import FieldSpec

PREFIX = "intake"


def _shown(spec: FieldSpec, raw: dict) -> bool:
    """A field that depends on another is sent only when that one has a listed value."""
    rule = spec.get("depends_on")
    if not rule:
        return True
    value = raw.get(rule["field"])
    return str(value) in {str(v) for v in rule.get("values", [])}


def form_fields(specs: list[FieldSpec], prefix: str = PREFIX) -> dict[str, fields.Field]:
    """The form's inputs as an argument map for :func:`core.webforms.parse_form`, each
    named as posted (``intake.address.district``): text as typed (the line's schema
    loads and refuses it, naming the same field), a checkbox as true/false, a multiple
    choice as its list. Loaded, the values nest by the dots of their names."""
    out: dict[str, fields.Field] = {}
    for spec in specs:
        name = f"{prefix}.{spec['name']}"
        if spec.get("widget") == "group":
            out.update(form_fields(spec.get("fields", []), name))
        elif spec.get("widget") == "checkbox":
            out[name] = fields.Boolean(load_default=False)
        elif spec.get("many"):
            out[name] = fields.List(fields.String(), load_default=list)
        else:
            out[name] = fields.String(load_default=None)
    return out


def from_values(specs: list[FieldSpec], values: dict | None) -> dict:
    """The raw intake of the values :func:`form_fields` loaded (the part under
    ``intake``): empty inputs left out, so the schema's defaults and "required" rules
    apply; a field shown only with another's value is left out without it."""
    raw: dict[str, Any] = {}
    values = values or {}
    for spec in specs:
        key, widget = spec["name"], spec.get("widget")
        value = values.get(key)
        if widget == "group":
            group = from_values(spec.get("fields", []), value)
            if group or spec.get("required"):
                raw[key] = group
        elif widget == "checkbox":
            raw[key] = bool(value)
        elif value not in (None, "", []):
            raw[key] = value
    return {key: value for key, value in raw.items()
            if _shown(next(s for s in specs if s["name"] == key), raw)}


def to_values(specs: list[FieldSpec], intake: dict | None, prefix: str = PREFIX) -> dict:
    """Form values (``{"intake.address.district": ...}``) of a stored or raw intake; a
    field missing from it shows the schema's default."""
    values: dict[str, Any] = {}
    intake = intake or {}
    for spec in specs:
        name = f"{prefix}.{spec['name']}"
        if spec.get("widget") == "group":
            values.update(to_values(spec.get("fields", []), intake.get(spec["name"]) or {},
                                    name))
            continue
        value = intake.get(spec["name"], spec.get("default"))
        if spec.get("widget") == "time" and isinstance(value, str) and len(value) == 8:
            value = value[:5]  # 09:00:00 → 09:00 for <input type=time>
        values[name] = value
    return values
