"""Reports API schemas (marshmallow 4; query arguments refuse unknown fields)."""
from __future__ import annotations

from marshmallow import RAISE, Schema, fields, validate

from .compute import DIMENSIONS

_MONTH = {"description": "A month as YYYY-MM; default the current month."}


class RKpiQuerySchema(Schema):
    class Meta:
        unknown = RAISE

    month = fields.String(load_default=None, metadata=_MONTH)
    by = fields.String(load_default="dispatcher", validate=validate.OneOf(DIMENSIONS))
    dispatcher_id = fields.Integer(load_default=None, validate=validate.Range(min=1))
    service_line = fields.String(load_default=None, validate=validate.Length(max=32))


class RTrendQuerySchema(Schema):
    class Meta:
        unknown = RAISE

    month = fields.String(load_default=None, metadata=_MONTH)
    months = fields.Integer(load_default=6)
    dispatcher_id = fields.Integer(load_default=None, validate=validate.Range(min=1))
    service_line = fields.String(load_default=None, validate=validate.Length(max=32))


class RPkQuerySchema(Schema):
    class Meta:
        unknown = RAISE

    month = fields.String(load_default=None, metadata=_MONTH)
    service_line = fields.String(load_default=None, validate=validate.Length(max=32))


class KpiDefinitionSchema(Schema):
    code = fields.String()
    zh = fields.String()
    en = fields.String()
    formula_zh = fields.String()
    formula_en = fields.String()
    unit = fields.String()
    higher_is_better = fields.Boolean()
    pk = fields.Boolean()
    requires = fields.String(allow_none=True)
    available = fields.Boolean()


class RFigureSchema(Schema):
    value = fields.Float(allow_none=True)
    numerator = fields.Float(allow_none=True)
    denominator = fields.Integer(allow_none=True)


class KpiRowSchema(Schema):
    key = fields.String()
    label = fields.String()
    label_en = fields.String()
    figures = fields.Dict(keys=fields.String(), values=fields.Nested(RFigureSchema))


class KpiTableSchema(Schema):
    period = fields.String()
    first = fields.Date()
    last = fields.Date()
    by = fields.String()
    dispatcher_id = fields.Integer(allow_none=True)
    service_line = fields.String(allow_none=True)
    kpis = fields.List(fields.Nested(KpiDefinitionSchema))
    rows = fields.List(fields.Nested(KpiRowSchema))


class RTrendPointSchema(Schema):
    period = fields.String()
    figures = fields.Dict(keys=fields.String(), values=fields.Nested(RFigureSchema))


class RTrendSchema(Schema):
    dispatcher_id = fields.Integer(allow_none=True)
    service_line = fields.String(allow_none=True)
    kpis = fields.List(fields.Nested(KpiDefinitionSchema))
    points = fields.List(fields.Nested(RTrendPointSchema))


class PkRowSchema(Schema):
    rank = fields.Integer(allow_none=True)
    dispatcher_id = fields.Integer()
    name = fields.String()
    score = fields.Float(allow_none=True)
    parts = fields.Dict(keys=fields.String(), values=fields.Float())


class PkBoardSchema(Schema):
    period = fields.String()
    weights = fields.Dict(keys=fields.String(), values=fields.Integer())
    rows = fields.List(fields.Nested(PkRowSchema))


class RWeightsSchema(Schema):
    class Meta:
        unknown = RAISE

    weights = fields.Dict(keys=fields.String(), values=fields.Integer(), required=True)


class RDefinitionsSchema(Schema):
    kpis = fields.List(fields.Nested(KpiDefinitionSchema))


class RReportQuerySchema(Schema):
    class Meta:
        unknown = RAISE

    month = fields.String(required=True, metadata={"description": "YYYY-MM, an ended month"})


class RReportGenerateSchema(RReportQuerySchema):
    pass


class MonthlyReportSchema(Schema):
    month = fields.String()
    generated_at = fields.DateTime()
    generations = fields.Integer()
    digest = fields.String()
    announced_at = fields.DateTime(allow_none=True)
    deadline = fields.Date()
    figures = fields.Dict()


class RSpanQuerySchema(Schema):
    class Meta:
        unknown = RAISE

    date_from = fields.Date(load_default=None, data_key="from")
    date_to = fields.Date(load_default=None, data_key="to")
    by = fields.String(load_default="day", validate=validate.OneOf(("day", "week")))


class RSummarySchema(Schema):
    """A report's figures: title, period, sections of tables and charts."""

    title_zh = fields.String()
    title_en = fields.String()
    period = fields.String()
    sections = fields.List(fields.Dict())
