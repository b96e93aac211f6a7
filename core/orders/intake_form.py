"""Between a line's intake schema and an HTML form: read a posted form into a raw intake,
and an intake back into form values — driven only by :func:`core.forms.describe_schema`,
so a new plugin gets a working form without writing a template.

Form inputs are named ``intake.<field>`` (``intake.address.district`` for a nested
group), which is also how the service names a bad field in its 422 errors.
"""
from __future__ import annotations

from typing import Any

from werkzeug.datastructures import MultiDict

from ..forms import FieldSpec

PREFIX = "intake"


def _shown(spec: FieldSpec, raw: dict) -> bool:
    """A field that depends on another is sent only when that one has a listed value."""
    rule = spec.get("depends_on")
    if not rule:
        return True
    value = raw.get(rule["field"])
    return str(value) in {str(v) for v in rule.get("values", [])}


def from_form(specs: list[FieldSpec], form: MultiDict, prefix: str = PREFIX) -> dict:
    """The raw intake a posted form describes (empty inputs left out, so the schema's
    defaults and "required" rules apply)."""
    raw: dict[str, Any] = {}
    for spec in specs:
        name = f"{prefix}.{spec['name']}"
        widget = spec.get("widget")
        if widget == "group":
            group = from_form(spec.get("fields", []), form, name)
            if group or spec.get("required"):
                raw[spec["name"]] = group
        elif widget == "checkbox":
            raw[spec["name"]] = form.get(name) in ("on", "true", "1", "yes")
        elif spec.get("many"):
            values = [v for v in form.getlist(name) if v != ""]
            if values:
                raw[spec["name"]] = values
        else:
            value = (form.get(name) or "").strip()
            if value != "":
                raw[spec["name"]] = value
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
