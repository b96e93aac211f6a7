"""The child massage price table (小儿推拿价目表): its shape, and the default shipped as
``price_table.json``: the single-session price, the packages (sessions at a package
price) and the surcharge per session at the customer's home (上门费)."""
from __future__ import annotations

from marshmallow import RAISE, Schema, ValidationError, fields, validates_schema
from marshmallow.validate import Length, Range

from core import Money, Msg, PriceTableSchema, check_table, load_table, positive


class PackageSchema(Schema):
    """A package: ``sessions`` sessions for ``price``."""

    class Meta:
        unknown = RAISE

    sessions = fields.Integer(required=True, strict=True, validate=Range(2, 100))
    price = Money(required=True, validate=positive)


class ChildMassagePriceTableSchema(PriceTableSchema):
    """A child massage price table as a company may edit it."""

    single_session = Money(required=True, validate=positive)
    packages = fields.List(fields.Nested(PackageSchema), required=True, validate=Length(max=10))
    home_visit_surcharge = Money(required=True)

    @validates_schema(skip_on_field_errors=True)
    def _distinct_packages(self, data: dict, **kwargs) -> None:
        """Two packages of the same size would make the price ambiguous."""
        sizes = [p["sessions"] for p in data["packages"]]
        if len(sizes) != len(set(sizes)):
            raise ValidationError(Msg("Two packages have the same number of sessions.",
                                      "有两个套餐的次数相同。"), "packages")


def default_table() -> dict:
    """A fresh copy of the default table shipped with the plugin."""
    return load_table(__package__)


def validated(table: object) -> dict:
    """The table loaded (Decimals) if well-formed; raises ``core.Invalid`` otherwise."""
    return check_table(ChildMassagePriceTableSchema(), table)
