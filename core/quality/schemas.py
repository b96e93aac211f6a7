"""Quality-check API schemas (marshmallow 4; input schemas refuse unknown fields)."""
from __future__ import annotations

from marshmallow import RAISE, Schema, fields, validate

from ..pagination import PageArgsSchema, page_schema
from .models import APPEAL_OUTCOMES, KINDS, STATES

_KIND = fields.String(required=True, validate=validate.OneOf(KINDS),
                      metadata={"enum": list(KINDS)})


class QStandardItemSchema(Schema):
    id = fields.Integer(dump_only=True)
    position = fields.Integer(dump_only=True)
    title_zh = fields.String(required=True, validate=validate.Length(min=1, max=120))
    title_en = fields.String(load_default="", validate=validate.Length(max=160))
    description = fields.String(load_default="", validate=validate.Length(max=2000))
    weight = fields.Integer(required=True, validate=validate.Range(min=1, max=100))
    max_score = fields.Integer(load_default=10, validate=validate.Range(min=1, max=100))


class QStandardItemInSchema(QStandardItemSchema):
    class Meta:
        unknown = RAISE


class QStandardSchema(Schema):
    id = fields.Integer()
    kind = fields.String()
    version = fields.Integer()
    active = fields.Boolean()
    note = fields.String()
    created_at = fields.DateTime()
    items = fields.List(fields.Nested(QStandardItemSchema))


class QStandardInSchema(Schema):
    class Meta:
        unknown = RAISE

    kind = _KIND
    note = fields.String(load_default="", validate=validate.Length(max=255))
    items = fields.List(fields.Nested(QStandardItemInSchema), required=True)


class QStandardQuerySchema(Schema):
    class Meta:
        unknown = RAISE

    kind = fields.String(load_default=None, validate=validate.OneOf(KINDS))
    include_retired = fields.Boolean(load_default=False)


class QStandardListSchema(Schema):
    items = fields.List(fields.Nested(QStandardSchema))


class QSampleInSchema(Schema):
    class Meta:
        unknown = RAISE

    month = fields.String(required=True, metadata={"description": "YYYY-MM"})
    kind = _KIND
    per_dispatcher = fields.Integer(required=True, validate=validate.Range(min=1, max=200))
    reviewer_id = fields.Integer(load_default=None)
    seed = fields.Integer(load_default=None, validate=validate.Range(min=0, max=2**62))
    dispatcher_ids = fields.List(fields.Integer(), load_default=None)


class QSampleSchema(Schema):
    id = fields.Integer()
    month = fields.Date()
    kind = fields.String()
    per_dispatcher = fields.Integer()
    seed = fields.Integer()
    standard_id = fields.Integer()
    reviewer_id = fields.Integer()
    reviewer = fields.Function(lambda s: s.reviewer.display_name)
    dispatcher_ids = fields.List(fields.Integer(), allow_none=True)
    created_at = fields.DateTime()


class QSampleQuerySchema(PageArgsSchema):
    class Meta:
        unknown = RAISE

    kind = fields.String(load_default=None, validate=validate.OneOf(KINDS))
    month = fields.String(load_default=None)


QSamplePageSchema = page_schema(QSampleSchema, "QualitySamplePage")


class QRedrawSchema(Schema):
    seed = fields.Integer()
    record_ids = fields.List(fields.Integer())
    stored_record_ids = fields.List(fields.Integer())
    same = fields.Boolean()


class QItemScoreSchema(Schema):
    item_id = fields.Integer()
    phase = fields.String()
    score = fields.Integer()
    comment = fields.String()


class QItemScoreInSchema(Schema):
    class Meta:
        unknown = RAISE

    item_id = fields.Integer(required=True)
    score = fields.Integer(required=True)
    comment = fields.String(load_default="", validate=validate.Length(max=500))


class QCheckSchema(Schema):
    id = fields.Integer()
    sample_id = fields.Integer(allow_none=True)
    kind = fields.String()
    record_id = fields.Integer()
    month = fields.Date()
    dispatcher_id = fields.Integer()
    dispatcher = fields.Function(lambda c: c.dispatcher.display_name)
    service_line = fields.String()
    reviewer_id = fields.Integer()
    reviewer = fields.Function(lambda c: c.reviewer.display_name)
    standard_id = fields.Integer()
    state = fields.String(metadata={"enum": list(STATES)})
    score = fields.Decimal(as_string=True, allow_none=True)
    review_score = fields.Decimal(as_string=True, allow_none=True)
    entry_accurate = fields.Boolean(allow_none=True)
    comment = fields.String()
    scored_at = fields.DateTime(allow_none=True)
    appeal_reason = fields.String()
    appealed_at = fields.DateTime(allow_none=True)
    appeal_outcome = fields.String(allow_none=True)
    decision_note = fields.String()
    decided_at = fields.DateTime(allow_none=True)
    version = fields.Integer()
    scores = fields.List(fields.Nested(QItemScoreSchema))


class QCheckDetailSchema(QCheckSchema):
    standard = fields.Nested(QStandardSchema)


QCheckPageSchema = page_schema(QCheckSchema, "QualityCheckPage")


class QCheckQuerySchema(PageArgsSchema):
    class Meta:
        unknown = RAISE

    month = fields.String(load_default=None)
    kind = fields.String(load_default=None, validate=validate.OneOf(KINDS))
    state = fields.String(load_default=None, validate=validate.OneOf(STATES))
    dispatcher_id = fields.Integer(load_default=None)
    reviewer_id = fields.Integer(load_default=None)
    sample_id = fields.Integer(load_default=None)


class QCheckInSchema(Schema):
    class Meta:
        unknown = RAISE

    kind = _KIND
    record_id = fields.Integer(required=True)
    reviewer_id = fields.Integer(load_default=None)


class QScoreInSchema(Schema):
    class Meta:
        unknown = RAISE

    version = fields.Integer(required=True)
    scores = fields.List(fields.Nested(QItemScoreInSchema), required=True)
    comment = fields.String(load_default="", validate=validate.Length(max=4000))
    entry_accurate = fields.Boolean(load_default=None, allow_none=True)


class QAppealInSchema(Schema):
    class Meta:
        unknown = RAISE

    version = fields.Integer(required=True)
    reason = fields.String(required=True, validate=validate.Length(min=1, max=4000))


class QDecisionInSchema(Schema):
    class Meta:
        unknown = RAISE

    version = fields.Integer(required=True)
    outcome = fields.String(required=True, validate=validate.OneOf(APPEAL_OUTCOMES))
    note = fields.String(load_default="", validate=validate.Length(max=4000))
    scores = fields.List(fields.Nested(QItemScoreInSchema), load_default=None)
