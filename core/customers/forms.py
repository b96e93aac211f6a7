"""The customer pages' forms: posted fields → the API's input shape, and errors back.

Pages load the very schemas the API loads; this module only renames. A form's flat
fields (``address_district``) become the schema's nested ones (``addresses[0].district``),
and a schema's error keys (``addresses.0.district``) go back next to the form's field.
"""
from __future__ import annotations

from marshmallow import ValidationError

from ..errors import DomainError, flatten_fields
from ..messages import bilingual

CUSTOMER_FIELDS = ("name", "mobile", "confidentiality", "lead_source", "household_notes")
EDIT_FIELDS = CUSTOMER_FIELDS + ("status", "deactivation_reason", "deactivation_note")
ADDRESS_FIELDS = ("label", "district", "detail", "latitude", "longitude")
_OPTIONAL_CHOICES = ("lead_source", "deactivation_reason")


def _blank_to_none(values: dict) -> dict:
    return {k: (None if k in _OPTIONAL_CHOICES and v == "" else v) for k, v in values.items()}


def create_input(form) -> dict:
    """A create form → :class:`CustomerCreateSchema` input (one inline address, if typed)."""
    data = _blank_to_none({f: form.get(f, "") for f in CUSTOMER_FIELDS})
    address = {f: form.get(f"address_{f}", "").strip() for f in ("label", "district", "detail")}
    if address["district"] or address["detail"]:
        data["addresses"] = [address]
    return data


def edit_input(form) -> dict:
    """An edit form → :class:`CustomerUpdateSchema` input (every field, plus the version)."""
    data = _blank_to_none({f: form.get(f, "") for f in EDIT_FIELDS})
    data["version"] = form.get("version", "")
    if data.get("mobile") and "*" in data["mobile"]:  # shown masked: left as it is
        data.pop("mobile")
    return data


def address_input(form) -> dict:
    """An address form → :class:`CustomerAddressInSchema` input (blank coordinates → none)."""
    data = {f: form.get(f, "") for f in ADDRESS_FIELDS}
    for f in ("latitude", "longitude"):
        data[f] = data[f].strip() or None
    data["is_default"] = bool(form.get("is_default"))
    return data


def errors_of(exc: Exception, address_prefix: str = "address_") -> dict:
    """``{form field: [{"zh","en"}]}`` for a schema's or a rule's refusal.

    Messages that belong to no form field are kept under ``_form``.
    """
    if isinstance(exc, ValidationError):
        fields = flatten_fields(exc.messages)
    elif isinstance(exc, DomainError):
        fields = dict(exc.fields or {}) or {"_form": [bilingual(exc.message)]}
    else:  # pragma: no cover - only the two kinds above are caught by the pages
        raise exc
    out: dict[str, list] = {}
    for key, messages in fields.items():
        name = key.replace("addresses.0.", address_prefix)
        if name in ("addresses", "_schema", "version"):
            name = "_form"
        out.setdefault(name, []).extend(messages)
    return out
