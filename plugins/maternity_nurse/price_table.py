"""The maternity nurse price table (月嫂价目表): its shape, and the default shipped as
``price_table.json``: a daily rate per grade, a daily surcharge for twins, and the
standard terms in days the company offers (others are possible, and noted)."""
from __future__ import annotations

from marshmallow import fields
from marshmallow.validate import Length, Range

from core import Money, PriceTableSchema, check_table, covers, load_table, positive

from .schemas import GRADES, MAX_TERM_DAYS


class MaternityNursePriceTableSchema(PriceTableSchema):
    """A maternity nurse price table as a company may edit it."""

    daily_rates = fields.Dict(keys=fields.String(), values=Money(validate=positive),
                              required=True, validate=covers(GRADES))
    twins_daily_surcharge = Money(required=True)
    standard_terms = fields.List(
        fields.Integer(strict=True, validate=Range(1, MAX_TERM_DAYS)), required=True,
        validate=Length(min=1))


def default_table() -> dict:
    """A fresh copy of the default table shipped with the plugin."""
    return load_table(__package__)


def validated(table: object) -> dict:
    """The table loaded (Decimals) if well-formed; raises ``core.Invalid`` otherwise."""
    return check_table(MaternityNursePriceTableSchema(), table)
