"""Price tables (价目表): what every service line's table shares, and how one is checked.

A service line ships its default table as a JSON data file in its package; core will
keep a company's edited copy. Every table is plain JSON (money as ``"35.00"`` strings)
and has at least ``currency`` (``"CNY"``) and ``floor_ratio``: the lowest share of the
list price a dispatcher may agree without a supervisor's approval (``"0.90"`` = down to
90 %; ``"1.00"`` = no discount without approval).
"""
from __future__ import annotations

import json
from decimal import Decimal
from importlib import resources

from marshmallow import RAISE, Schema, ValidationError, fields
from marshmallow.validate import OneOf, Range

from .errors import Invalid, flatten_fields
from .messages import Msg
from .money import Rate, quantize

_MALFORMED = Msg("The price table is malformed.", "价目表格式有误。")


class PriceTableSchema(Schema):
    """Base of every line's price-table schema: unknown keys are refused."""

    class Meta:
        unknown = RAISE

    currency = fields.String(required=True, validate=OneOf(["CNY"]))
    floor_ratio = Rate(required=True, validate=Range(max=Decimal(1), error=Msg(
        "Must be at most 1.", "不能大于 1。")))
    #: lines that sign a contract: the standard worker's salary and 定金 as shares of the
    #: agreed price (the contract form is pre-filled with them)
    worker_salary_share = Rate(validate=Range(max=Decimal(1), error=Msg(
        "Must be at most 1.", "不能大于 1。")))
    deposit_share = Rate(validate=Range(max=Decimal(1), error=Msg(
        "Must be at most 1.", "不能大于 1。")))


def covers(choices):
    """A validator for a table entry keyed by choice (kind → rate): every value of
    ``choices`` ((value, zh, en) triples) has an entry and no other key appears."""
    wanted = [value for value, _zh, _en in choices]

    def validate(mapping: dict) -> None:
        missing = [v for v in wanted if v not in mapping]
        extra = [k for k in mapping if k not in wanted]
        if missing:
            raise ValidationError(Msg("Missing entries: {0}.", "缺少条目：{0}。").format(
                ", ".join(missing)))
        if extra:
            raise ValidationError(Msg("Unknown entries: {0}.", "不认识的条目：{0}。").format(
                ", ".join(map(str, extra))))

    return validate


def load_table(package: str, resource: str = "price_table.json") -> dict:
    """A fresh copy of the price table shipped as ``resource`` in ``package``."""
    text = resources.files(package).joinpath(resource).read_text(encoding="utf-8")
    return json.loads(text)


def check_table(schema: Schema, table: object) -> dict:
    """Load ``table`` with ``schema``; raise :class:`core.errors.Invalid` naming every
    malformed entry (``area_bands.0.rates.deep``) if it is not a valid table."""
    if not isinstance(table, dict):
        raise Invalid(_MALFORMED, fields={"_schema": [
            {"zh": "价目表必须是一个对象。", "en": "A price table must be an object."}]})
    try:
        return schema.load(table)
    except ValidationError as err:
        raise Invalid(_MALFORMED, fields=flatten_fields(err.messages)) from None


def table_floor(total: Decimal, floor_ratio: Decimal,
                minimum: Decimal = Decimal("0.00")) -> Decimal:
    """The lowest total a dispatcher may agree without approval: ``total × floor_ratio``,
    never below ``minimum`` (e.g. a minimum charge) nor above the total itself."""
    return min(total, max(quantize(total * floor_ratio), minimum))
