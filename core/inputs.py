"""Bounds every piece of input must keep, checked in one place after a schema loaded it.

A schema says what a field is; these rules say what no field anywhere may be, so a
value the database or the date arithmetic cannot hold is refused with a 422 naming the
field instead of failing later with a 500:

- integers fit in 64 bits (ids, counts, quantities);
- decimals (money) stay below 100,000,000 (一亿) yuan;
- dates and times lie between 1900-01-01 and 2100-12-31 (business dates have narrower
  windows of their own, see :func:`check_business_date`);
- lists hold at most :data:`MAX_LIST_ITEMS` items;
- text loses zero-width and bidirectional-control characters (U+200B…U+200F,
  U+202A…U+202E, U+2060…U+2069, U+FEFF): they hide or reverse what other people
  read; text made only of them is refused.

It runs for every API operation (:class:`BoundedParser`, the argument parser of every
flask-smorest blueprint, plugins' included), for the intake of every service line and
for the web forms (:func:`load`).
"""
from __future__ import annotations

import datetime as dt
import json
import re
from decimal import Decimal

from flask.json.provider import DefaultJSONProvider
from flask_smorest.arguments import ArgumentsMixin
from marshmallow import Schema, ValidationError
from webargs.flaskparser import FlaskParser
from werkzeug.exceptions import BadRequest
from werkzeug.routing import IntegerConverter

from .errors import Invalid
from .messages import Msg, bilingual

INT64_MIN, INT64_MAX = -(2 ** 63), 2 ** 63 - 1
MAX_DECIMAL = Decimal("100000000")
EARLIEST, LATEST = dt.date(1900, 1, 1), dt.date(2100, 12, 31)
MAX_LIST_ITEMS = 500
#: keys whose text is taken exactly as typed (a password is never rewritten)
VERBATIM = frozenset({"password", "current_password", "new_password"})

INVISIBLE = re.compile("[\u200b-\u200f\u202a-\u202e\u2060-\u2069\ufeff]")
_SURROGATE = re.compile("[\ud800-\udfff]")


def _error(path: str, en: str, zh: str) -> dict[str, list[Msg]]:
    return {path or "_schema": [Msg(en, zh)]}


def clean(value, path: str = "", errors: dict | None = None):
    """``value`` with invisible characters stripped from its text; what breaks a bound
    is added to ``errors`` under its dotted path."""
    errors = {} if errors is None else errors
    if isinstance(value, bool) or value is None:
        return value
    if isinstance(value, int):
        if not INT64_MIN <= value <= INT64_MAX:
            errors.update(_error(path, "The number is too large.", "数值过大。"))
    elif isinstance(value, Decimal):
        if value.is_finite() and abs(value) >= MAX_DECIMAL:
            errors.update(_error(path, "The amount must be below 100,000,000.",
                                 "金额须小于一亿。"))
    elif isinstance(value, (dt.date, dt.datetime)):
        day = value.date() if isinstance(value, dt.datetime) else value
        if not EARLIEST <= day <= LATEST:
            errors.update(_error(path, "The date must lie between 1900 and 2100.",
                                 "日期须在 1900 年至 2100 年之间。"))
    elif isinstance(value, str):
        if _SURROGATE.search(value):
            errors.update(_error(path, "The text holds an invalid character.",
                                 "文本含有无效字符。"))
            return value
        if path.rsplit(".", 1)[-1] in VERBATIM:
            return value
        stripped = INVISIBLE.sub("", value)
        if value.strip() and not stripped.strip():
            errors.update(_error(path, "Enter visible characters, not only invisible ones.",
                                 "请输入可见的文字，不能只有不可见字符。"))
        return stripped
    elif isinstance(value, dict):
        return {k: clean(v, f"{path}.{k}" if path else str(k), errors)
                for k, v in value.items()}
    elif isinstance(value, (list, tuple)):
        if len(value) > MAX_LIST_ITEMS:
            errors.update(_error(path, f"At most {MAX_LIST_ITEMS} items.",
                                 f"最多 {MAX_LIST_ITEMS} 项。"))
            return value
        cleaned = [clean(v, f"{path}.{i}" if path else str(i), errors)
                   for i, v in enumerate(value)]
        return type(value)(cleaned) if isinstance(value, tuple) else cleaned
    return value


def checked(value):
    """``value`` cleaned, or :class:`~core.errors.Invalid` (422) naming each field at fault."""
    errors: dict = {}
    result = clean(value, "", errors)
    if errors:
        raise Invalid(fields={k: [bilingual(m) for m in v] for k, v in errors.items()})
    return result


def load(schema: Schema, data, **kwargs):
    """``schema.load(data)`` held to the same bounds as the API (for web forms); a value
    beyond them is a marshmallow ValidationError naming the field, like any other."""
    errors: dict = {}
    result = clean(schema.load(data, **kwargs), "", errors)
    if errors:
        raise ValidationError(errors)
    return result


def check_business_date(day: dt.date | None, field: str, *, before_days: int,
                        after_days: int, today: dt.date) -> None:
    """Refuse a business date outside ``today - before_days … today + after_days``."""
    if day is None:
        return
    if isinstance(day, dt.datetime):
        day = day.date()
    low, high = today - dt.timedelta(days=before_days), today + dt.timedelta(days=after_days)
    if not low <= day <= high:
        message = Msg(f"The date must lie between {low.isoformat()} and {high.isoformat()}.",
                      f"日期须在 {low.isoformat()} 至 {high.isoformat()} 之间。")
        raise Invalid(fields={field: [bilingual(message)]})


class BoundedParser(FlaskParser):
    """webargs' Flask parser, then :func:`checked` on what the schema loaded."""

    def parse(self, argmap, req=None, *args, **kwargs):
        """Parse and load as webargs does; refuse values beyond the bounds (422)."""
        return checked(super().parse(argmap, req, *args, **kwargs))

    def _raw_load_json(self, req):
        """The JSON body as webargs reads it, refused (400) when nested too deeply or
        holding a lone surrogate, like a body that is not JSON at all."""
        try:
            value = super()._raw_load_json(req)
            _refuse_deep_or_broken(value)
        except (RecursionError, ValueError) as exc:
            if isinstance(exc, json.JSONDecodeError):
                raise
            raise BadRequest("malformed JSON") from None
        return value


def install() -> None:
    """Make :class:`BoundedParser` the parser of every flask-smorest blueprint (core's
    and plugins'); called before any blueprint module is imported."""
    if not isinstance(ArgumentsMixin.ARGUMENTS_PARSER, BoundedParser):
        ArgumentsMixin.ARGUMENTS_PARSER = BoundedParser()


#: the most digits a number in a URL may have: every such number fits in 64 bits
MAX_PATH_DIGITS = 18


class BoundedIntConverter(IntegerConverter):
    """``<int:…>`` in a URL: a number beyond 64 bits matches no route (404), instead of
    reaching the database and overflowing (500).

    The bound is in the pattern (at most :data:`MAX_PATH_DIGITS` digits), not only in
    the conversion: werkzeug decides "405 Method Not Allowed" from the patterns, so a
    huge id on a path that takes GET and POST by two routes answered 405 instead of 404.
    """

    def __init__(self, url_map, fixed_digits: int = 0, min: int | None = None,  # noqa: A002
                 max: int | None = None, signed: bool = False) -> None:  # noqa: A002
        super().__init__(url_map, fixed_digits=fixed_digits, min=min,
                         max=10 ** MAX_PATH_DIGITS - 1 if max is None else max, signed=signed)
        if not fixed_digits:
            self.regex = ("-?" if signed else "") + rf"\d{{1,{MAX_PATH_DIGITS}}}"


def install_converter(app, api) -> None:
    """Route every ``<int:…>`` of the app through :class:`BoundedIntConverter` and say
    its bound in the OpenAPI document; called before any blueprint is registered."""
    from flask_smorest.spec.plugins import integerconverter2paramschema

    app.url_map.converters["int"] = BoundedIntConverter
    api.register_converter(BoundedIntConverter, integerconverter2paramschema)


#: JSON bodies nest at most this deep (a person's record is a few levels)
MAX_JSON_DEPTH = 32


def _refuse_deep_or_broken(value) -> None:
    """Raise ValueError for a document nested beyond MAX_JSON_DEPTH or holding a lone
    surrogate (``"\\ud800"``), which no database can store; iterative, so depth is no
    danger here."""
    stack = [(value, 1)]
    while stack:
        item, depth = stack.pop()
        if depth > MAX_JSON_DEPTH:
            raise ValueError(f"JSON nested deeper than {MAX_JSON_DEPTH} levels")
        if isinstance(item, str):
            if _SURROGATE.search(item):
                raise ValueError("JSON text holds a lone surrogate")
        elif isinstance(item, dict):
            stack.extend((k, depth) for k in item)
            stack.extend((v, depth + 1) for v in item.values())
        elif isinstance(item, list):
            stack.extend((v, depth + 1) for v in item)


class StrictJSONProvider(DefaultJSONProvider):
    """Flask's JSON, refusing bodies nested too deeply or holding lone surrogates: the
    request then fails as malformed JSON does (400 in the error envelope)."""

    def loads(self, s, **kwargs):
        """Parse JSON; too deep, or a lone surrogate, is a ValueError (→ 400)."""
        try:
            value = super().loads(s, **kwargs)
        except RecursionError:
            raise ValueError("JSON nested too deeply") from None
        _refuse_deep_or_broken(value)
        return value


def int64(text: str) -> int:
    """``int(text)`` within 64 bits, else ValueError — for ``request.args.get(name,
    type=int64)``, which then gives None as for any other non-number."""
    value = int(text)
    if not INT64_MIN <= value <= INT64_MAX:
        raise ValueError("beyond 64 bits")
    return value
