"""Hypothesis strategies of the plugin author's kit: raw intakes generated from an intake
schema's fields (needs ``hypothesis``, a test dependency).

``intakes(MyIntakeSchema)`` draws raw intakes (plain JSON-like dicts, as a form posts them)
field by field from what the schema declares, and keeps those ``MyIntakeSchema().load``
accepts (its cross-field rules refuse the rest). What each field draws:

========================  ======================================================================
field                     values
========================  ======================================================================
``String`` + ``OneOf``    one of the choices
``String``                short text within its ``Length``
``Integer``               integers within its ``Range`` (a bound left open: 0 and +1000), its
                          two ends often
``Decimal`` / ``Float``   numbers to the fen within its ``Range`` (as strings for
                          ``Decimal``), its two ends often
``Boolean``               ``True`` / ``False``
``Date`` / ``Time``       ISO dates of 2030–2031 / times ``HH:MM``
``List``                  lists of its inner field within its ``Length`` (OneOf: no repeats)
``Nested``                a dict of the nested schema's fields, drawn the same way
========================  ======================================================================

A required field is always drawn, an optional one sometimes left out. A field of another
type is taken from ``fallback`` (e.g. a sample intake) when given there, left out when
optional, and otherwise refused with :class:`UnsupportedField`.
"""
from __future__ import annotations

import copy
import datetime as dt
from decimal import Decimal

from hypothesis import strategies as st
from marshmallow import Schema, ValidationError, fields
from marshmallow.validate import Length, OneOf, Range

#: the bound of a number field whose ``Range`` leaves one side open
OPEN_LOW, OPEN_SPAN = 0, 1000
FIRST_DAY, LAST_DAY = dt.date(2030, 1, 1), dt.date(2031, 12, 31)
MAX_TEXT = 20


class UnsupportedField(TypeError):
    """A required intake field of a type the builder cannot draw (give a fallback)."""


def _validator(field: fields.Field, kind: type):
    return next((v for v in field.validators if isinstance(v, kind)), None)


def _bounds(field: fields.Field) -> tuple[object, object, bool, bool]:
    """(low, high, exclude low, exclude high) of a number field's ``Range``."""
    rng = _validator(field, Range)
    low = rng.min if rng is not None and rng.min is not None else None
    high = rng.max if rng is not None and rng.max is not None else None
    low_open = rng is not None and low is not None and not rng.min_inclusive
    high_open = rng is not None and high is not None and not rng.max_inclusive
    if low is None:
        low = OPEN_LOW if high is None else min(OPEN_LOW, high)
    if high is None:
        high = low + OPEN_SPAN
    return low, high, low_open, high_open


def _with_ends(low: object, high: object, between: st.SearchStrategy) -> st.SearchStrategy:
    """``between``, with its two ends drawn often: prices go wrong at the extremes."""
    return st.one_of(st.sampled_from([low, high]), between)


def _integers(field: fields.Integer) -> st.SearchStrategy[int]:
    low, high, low_open, high_open = _bounds(field)
    low, high = int(low) + low_open, int(high) - high_open
    return _with_ends(low, high, st.integers(low, high))


def _decimals(field: fields.Number) -> st.SearchStrategy:
    low, high, low_open, high_open = _bounds(field)
    fen = Decimal("0.01")
    low = Decimal(str(low)) + (fen if low_open else 0)
    high = Decimal(str(high)) - (fen if high_open else 0)
    amounts = _with_ends(low.quantize(fen), high.quantize(fen), st.decimals(
        low, high, places=2, allow_nan=False, allow_infinity=False))
    return amounts.map(str) if isinstance(field, fields.Decimal) else amounts.map(float)


def _strings(field: fields.String) -> st.SearchStrategy[str]:
    choice = _validator(field, OneOf)
    if choice is not None:
        return st.sampled_from(list(choice.choices))
    length = _validator(field, Length)
    low = (length.equal or length.min or 0) if length is not None else 0
    high = (length.equal or length.max or MAX_TEXT) if length is not None else MAX_TEXT
    return st.text(st.characters(codec="utf-8", categories=("L", "N")),
                   min_size=low, max_size=max(low, min(high, MAX_TEXT)))


def _lists(field: fields.List) -> st.SearchStrategy[list]:
    length = _validator(field, Length)
    low = (length.equal or length.min or 0) if length is not None else 0
    high = (length.equal or length.max) if length is not None else None
    inner = field.inner
    choice = _validator(inner, OneOf) if isinstance(inner, fields.String) else None
    if choice is not None:
        high = min(high or len(choice.choices), len(choice.choices))
    return st.lists(value_of(inner, None), min_size=low, max_size=high or low + 3,
                    unique=choice is not None)


def value_of(field: fields.Field, fallback: object) -> st.SearchStrategy | None:
    """The values of one field, or None when the builder cannot draw them."""
    if isinstance(field, fields.Nested):
        schema = field.schema
        return _dicts(schema, fallback if isinstance(fallback, dict) else None)
    if isinstance(field, fields.List):
        return _lists(field)
    if isinstance(field, fields.Boolean):
        return st.booleans()
    if isinstance(field, fields.Integer):
        return _integers(field)
    if isinstance(field, (fields.Decimal, fields.Float)):
        return _decimals(field)
    if isinstance(field, fields.DateTime):
        return None
    if isinstance(field, fields.Date):
        return st.dates(FIRST_DAY, LAST_DAY).map(dt.date.isoformat)
    if isinstance(field, fields.Time):
        return st.times().map(lambda t: t.strftime("%H:%M"))
    if isinstance(field, fields.String):
        return _strings(field)
    return None


def _dicts(schema: Schema, fallback: dict | None) -> st.SearchStrategy[dict]:
    required, optional = {}, {}
    for name, field in schema.load_fields.items():
        key = field.data_key or name
        given = (fallback or {}).get(key)
        values = value_of(field, given)
        if values is None and given is not None:
            values = st.just(copy.deepcopy(given))
        if values is None:
            if field.required:
                raise UnsupportedField(
                    f"intake field {key!r} ({type(field).__name__}): core.testing cannot "
                    "draw its values; give it in the sample intake")
            continue
        (required if field.required else optional)[key] = values
    return st.fixed_dictionaries(required, optional=optional)


def intakes(schema_class: type[Schema], fallback: dict | None = None) -> st.SearchStrategy[dict]:
    """Raw intakes drawn from ``schema_class``'s fields that ``schema_class().load``
    accepts; fields the builder cannot draw come from ``fallback`` (a raw intake)."""
    def accepted(raw: dict) -> bool:
        try:
            schema_class().load(copy.deepcopy(raw))
        except ValidationError:
            return False
        return True

    return _dicts(schema_class(), fallback).filter(accepted)
