"""The customer pages' forms: the API's schemas shaped for what a browser posts, and
errors back.

Pages load the very schemas the API loads (through :func:`core.webforms.parse_form`);
this module only adapts them to the forms. The create form's inline address is typed as
flat fields (``address_district``) and loaded as the schema's nested one
(``addresses[0].district``); the edit form posts a blank choice for "none" and shows the
mobile masked to those who may not see it whole. A schema's error keys
(``addresses.0.district``) go back next to the form's field.
"""
from __future__ import annotations

from marshmallow import ValidationError, pre_load

from ..errors import DomainError, flatten_fields
from ..messages import bilingual
from .schemas import CustomerCreateSchema, CustomerUpdateSchema, Text

ADDRESS_FIELDS = ("label", "district", "detail")
_OPTIONAL_CHOICES = ("lead_source", "deactivation_reason")


class CustomerCreateForm(CustomerCreateSchema):
    """:class:`CustomerCreateSchema` with one inline address typed as ``address_label``,
    ``address_district`` and ``address_detail`` (taken when a district or a street is
    typed; loaded, and refused, by the API's address schema)."""

    address_label = Text()
    address_district = Text()
    address_detail = Text()

    @pre_load
    def _inline_address(self, data, **kwargs):
        data = dict(data)
        address = {f: data.pop(f"address_{f}", "") for f in ADDRESS_FIELDS}
        if address["district"] or address["detail"]:
            data["addresses"] = [address]
        return data


class CustomerEditForm(CustomerUpdateSchema):
    """:class:`CustomerUpdateSchema` as the edit form posts it: a blank lead source or
    deactivation reason is none, and a mobile shown masked (``138****5678``) is left as
    it is."""

    @pre_load
    def _as_posted(self, data, **kwargs):
        data = dict(data)
        for field in _OPTIONAL_CHOICES:
            if data.get(field) == "":
                data[field] = None
        if "*" in (data.get("mobile") or ""):
            data.pop("mobile")
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
