"""Price-table API schemas."""
from marshmallow import RAISE, Schema, fields, validate


class PriceTableOutSchema(Schema):
    """A line's current price table (money as strings) and its version."""

    service_line = fields.String()
    table = fields.Dict(metadata={"description": "The table as the line's plugin defines it; "
                                                 "money as strings such as \"35.00\"."})
    version = fields.Integer(metadata={"description": "0 while the plugin's default is used."})
    is_default = fields.Boolean()
    updated_by = fields.Function(lambda info: info["updated_by"].display_name
                                 if info.get("updated_by") else None)
    updated_at = fields.DateTime(allow_none=True)


class PriceTableInSchema(Schema):
    """An edited table and the version it was edited from."""

    class Meta:
        unknown = RAISE

    table = fields.Dict(required=True)
    version = fields.Integer(required=True, validate=validate.Range(min=0), metadata={
        "description": "The version you read (0 for the default); a stale one gives 409."})


class PriceTableVersionSchema(Schema):
    """One saved version of a price table."""

    version = fields.Integer()
    table = fields.Dict()
    saved_by = fields.Function(lambda v: v.saved_by.display_name if v.saved_by else None)
    saved_at = fields.DateTime()
