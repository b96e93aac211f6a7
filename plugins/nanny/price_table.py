"""The nanny price table (育婴师价目表): its shape, and the default shipped as
``price_table.json``: a monthly price per arrangement (day shift, live-in) and grade,
an hourly rate per grade, and the days a month hourly work is priced on by default."""
from __future__ import annotations

from marshmallow import fields
from marshmallow.validate import Range

from core import Money, PriceTableSchema, check_table, covers, load_table, positive

from .schemas import GRADES, MONTHLY_ARRANGEMENTS


def _by_grade() -> fields.Dict:
    return fields.Dict(keys=fields.String(), values=Money(validate=positive), required=True,
                       validate=covers(GRADES))


class NannyPriceTableSchema(PriceTableSchema):
    """A nanny price table as a company may edit it."""

    monthly_rates = fields.Dict(keys=fields.String(), values=_by_grade(), required=True,
                                validate=covers(MONTHLY_ARRANGEMENTS))
    hourly_rates = _by_grade()
    hourly_days_per_month = fields.Integer(required=True, strict=True, validate=Range(1, 31))


def default_table() -> dict:
    """A fresh copy of the default table shipped with the plugin."""
    return load_table(__package__)


def validated(table: object) -> dict:
    """The table loaded (Decimals) if well-formed; raises ``core.Invalid`` otherwise."""
    return check_table(NannyPriceTableSchema(), table)
