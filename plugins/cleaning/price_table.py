"""The cleaning price table (保洁价目表): its shape, and the default shipped as
``price_table.json``.

A rate per m² for each kind of cleaning, by area band (the first band whose ``up_to``
covers the area applies to the whole area, never less than the top price of a smaller
band, so the price never falls as the area grows); a factor per dirt level; a discount factor
per frequency (``"0.95"`` = 9.5折); a minimum charge per visit.
"""
from __future__ import annotations

from marshmallow import RAISE, Schema, ValidationError, fields, validates_schema
from marshmallow.validate import Length, Range

from core import Money, Msg, PriceTableSchema, Rate, check_table, covers, load_table, positive

from .schemas import DIRT_LEVELS, FREQUENCIES, KINDS, MAX_AREA


class AreaBandSchema(Schema):
    """Rates per m² of every kind of cleaning for areas up to ``up_to`` m²."""

    class Meta:
        unknown = RAISE

    up_to = Rate(required=True)
    rates = fields.Dict(keys=fields.String(), values=Money(validate=positive), required=True,
                        validate=covers(KINDS))


class CleaningPriceTableSchema(PriceTableSchema):
    """A cleaning price table as a company may edit it."""

    area_bands = fields.List(fields.Nested(AreaBandSchema), required=True,
                             validate=Length(min=1))
    dirt_factors = fields.Dict(keys=fields.String(), values=Rate(), required=True,
                               validate=covers(DIRT_LEVELS))
    frequency_discounts = fields.Dict(
        keys=fields.String(), required=True, validate=covers(FREQUENCIES),
        values=Rate(validate=Range(max=1, error=Msg("A discount factor is at most 1.",
                                                    "折扣系数不能大于 1。"))))
    minimum_per_visit = Money(required=True)

    @validates_schema(skip_on_field_errors=True)
    def _bands_cover_every_area(self, data: dict, **kwargs) -> None:
        """Bands rise strictly and the last one covers the largest area an intake allows."""
        limits = [band["up_to"] for band in data["area_bands"]]
        if any(a >= b for a, b in zip(limits, limits[1:], strict=False)):
            raise ValidationError(Msg("Area bands must rise strictly.",
                                      "面积档位必须从小到大排列且不重复。"), "area_bands")
        if limits[-1] < MAX_AREA:
            raise ValidationError(Msg("The last area band must reach {0} m².",
                                      "最后一个面积档位须覆盖到 {0} 平方米。").format(MAX_AREA),
                                  "area_bands")


def default_table() -> dict:
    """A fresh copy of the default table shipped with the plugin."""
    return load_table(__package__)


def validated(table: object) -> dict:
    """The table loaded (Decimals) if well-formed; raises ``core.Invalid`` otherwise."""
    return check_table(CleaningPriceTableSchema(), table)
