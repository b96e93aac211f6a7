"""The 钟点工 price table (价目表): its shape, and the default shipped as
``price_table.json``: a rate per hour for each worker grade, and the fewest hours a
visit is charged."""
from __future__ import annotations

from marshmallow import fields
from marshmallow.validate import Range

from core import Money, PriceTableSchema, check_table, covers, load_table, positive

from .schemas import GRADES, MAX_HOURS


class HourlyHelpPriceTableSchema(PriceTableSchema):
    """A 钟点工 price table as a company may edit it."""

    hour_rates = fields.Dict(keys=fields.String(), values=Money(validate=positive),
                             required=True, validate=covers(GRADES))
    minimum_hours = fields.Integer(required=True, strict=True, validate=Range(1, MAX_HOURS))


def default_table() -> dict:
    """A fresh copy of the default table shipped with the plugin."""
    return load_table(__package__)


def validated(table: object) -> dict:
    """The table loaded (Decimals) if well-formed; raises ``core.Invalid`` otherwise."""
    return check_table(HourlyHelpPriceTableSchema(), table)
