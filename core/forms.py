"""Intake forms: the base of every intake schema and the form description core renders.

A service line's intake schema (see ``get_intake_schema`` in :mod:`core.hookspecs`)
says how each field is presented through its ``metadata``; :func:`describe_schema`
turns any such schema into a list of plain :class:`FieldSpec` dicts, enough to render a
web form with no template of the plugin's own.
"""
from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any, TypedDict

from marshmallow import RAISE, Schema, fields, missing
from marshmallow.validate import Length, OneOf, Range

WIDGETS = ("text", "textarea", "number", "date", "datetime", "time", "select", "checkbox",
           "group")


class IntakeSchema(Schema):
    """Base of every intake schema: unknown fields are refused.

    ``today`` (optional, the business date): when given, rules relative to today are
    checked too (a preferred date in the past, a birth date in the future); without it
    the schema stays a pure function of its input. ``allow_past``: the order is entered
    after the fact (the customer called on the 2nd, the desk types it on the 4th, with a
    reason): "not in the past" rules use :meth:`in_past`, which then lets it through.
    """

    class Meta:
        unknown = RAISE

    def __init__(self, *, today: dt.date | None = None, allow_past: bool = False, **kwargs):
        super().__init__(**kwargs)
        self.today = today
        #: an order entered after the fact (补录, with a reason core keeps): dates already
        #: past are accepted — check them with :meth:`in_past`
        self.allow_past = allow_past

    def in_past(self, day: dt.date | None) -> bool:
        """Whether ``day`` is before today and so refused for a new enquiry (False
        without ``today``, and for an order entered after the fact)."""
        return (self.today is not None and day is not None and day < self.today
                and not self.allow_past)


class FieldSpec(TypedDict, total=False):
    """How to present one intake field; keys other than name/widget/required are optional."""

    name: str
    widget: str
    required: bool
    many: bool
    label_zh: str | None
    label_en: str | None
    help_zh: str | None
    help_en: str | None
    unit: str | None
    choices: list[dict]
    default: Any
    min: Any
    max: Any
    min_exclusive: bool
    max_exclusive: bool
    max_length: int
    order: int
    depends_on: dict
    fields: list["FieldSpec"]


def one_of(choices) -> OneOf:
    """A validator accepting the values of ``choices`` ((value, zh, en) triples)."""
    return OneOf([value for value, _zh, _en in choices])


def _widget(field: fields.Field, meta: dict) -> str:
    if meta.get("widget"):
        return meta["widget"]
    if meta.get("choices"):
        return "select"
    if isinstance(field, fields.Nested):
        return "group"
    for kind, widget in ((fields.Boolean, "checkbox"), (fields.DateTime, "datetime"),
                         (fields.Date, "date"), (fields.Time, "time"),
                         (fields.Number, "number")):
        if isinstance(field, kind):
            return widget
    return "text"


def _plain(value: Any) -> Any:
    if isinstance(value, (dt.date, dt.time)):
        return value.isoformat()
    if isinstance(value, Decimal):
        return str(value)
    return value


def _limits(field: fields.Field, spec: FieldSpec) -> None:
    for validator in field.validators:
        if isinstance(validator, Range):
            if validator.min is not None:
                spec["min"] = _plain(validator.min)
                if not validator.min_inclusive:
                    spec["min_exclusive"] = True
            if validator.max is not None:
                spec["max"] = _plain(validator.max)
                if not validator.max_inclusive:
                    spec["max_exclusive"] = True
        elif isinstance(validator, Length) and validator.max is not None:
            spec["max_length"] = validator.max


def _describe_field(name: str, field: fields.Field, position: int) -> FieldSpec:
    inner = field.inner if isinstance(field, fields.List) else field
    meta = {**inner.metadata, **field.metadata}
    spec: FieldSpec = {
        "name": name,
        "widget": _widget(inner, meta),
        "required": field.required,
        "many": isinstance(field, fields.List),
        "order": meta.get("order", 1000 + position),
    }
    for key in ("label_zh", "label_en", "help_zh", "help_en", "unit"):
        spec[key] = meta.get(key)
    if meta.get("choices"):
        spec["choices"] = [{"value": v, "zh": zh, "en": en} for v, zh, en in meta["choices"]]
    if meta.get("depends_on"):
        spec["depends_on"] = dict(meta["depends_on"])
    default = field.load_default
    if default is not None and not callable(default) and default is not missing:
        spec["default"] = _plain(default)
    _limits(inner, spec)
    if isinstance(inner, fields.Nested):
        spec["fields"] = describe_schema(inner.schema)
    return spec


def describe_schema(schema: type[Schema] | Schema) -> list[FieldSpec]:
    """The form description of an intake schema: one :class:`FieldSpec` per field,
    ordered by ``metadata["order"]`` (then declaration order); nested schemas are
    described in ``fields``. Pure: plain JSON-serialisable data."""
    instance = schema() if isinstance(schema, type) else schema
    specs = [_describe_field(name, field, i)
             for i, (name, field) in enumerate(instance.load_fields.items())]
    return sorted(specs, key=lambda spec: spec["order"])
