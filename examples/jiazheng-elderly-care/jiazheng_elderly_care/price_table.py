"""The elderly care price table (养老护理价目表): its shape, and the default shipped as
``price_table.json``: a day rate per care level for live-in care, an hourly rate and the
fewest hours a visit is charged."""
from __future__ import annotations

from marshmallow import fields
from marshmallow.validate import Range

from core import Money, PriceTableSchema, check_table, covers, load_table, positive

from .schemas import CARE_LEVELS


class ElderlyCarePriceTableSchema(PriceTableSchema):
    """An elderly care price table as a company may edit it."""

    day_rates = fields.Dict(keys=fields.String(), values=Money(validate=positive),
                            required=True, validate=covers(CARE_LEVELS))
    hour_rate = Money(required=True, validate=positive)
    minimum_hours = fields.Integer(required=True, strict=True, validate=Range(1, 8))


def default_table() -> dict:
    """A fresh copy of the default table shipped with the plugin."""
    return load_table(__package__)


def validated(table: object) -> dict:
    """The table loaded (Decimals) if well-formed; raises ``core.Invalid`` otherwise."""
    return check_table(ElderlyCarePriceTableSchema(), table)
