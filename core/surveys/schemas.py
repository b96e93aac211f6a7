"""Survey API schemas (marshmallow 4; input schemas refuse unknown fields)."""
from __future__ import annotations

from marshmallow import RAISE, Schema, fields, validate

from ..pagination import PageArgsSchema, page_schema
from .results import GROUPS

#: a month between 1900-01 and 2100-12, like every date (core/inputs.py)
MONTH = r"^(19[0-9]{2}|20[0-9]{2}|2100)-(0[1-9]|1[0-2])$"


class StrictSchema(Schema):
    """Input schema: unknown fields are refused."""

    class Meta:
        unknown = RAISE


class ChoiceSchema(Schema):
    value = fields.String()
    zh = fields.String()
    en = fields.String()


class QuestionSchema(Schema):
    code = fields.String()
    kind = fields.String(metadata={"description": "stars (1–5), choice or text"})
    label_zh = fields.String()
    label_en = fields.String()
    choices = fields.List(fields.Nested(ChoiceSchema))
    required = fields.Boolean()
    overall = fields.Boolean()


class QuestionnaireSchema(Schema):
    service_line = fields.String()
    complaint_category = fields.String()
    questions = fields.List(fields.Nested(QuestionSchema))


class SurveySchema(Schema):
    """A survey as the desk sees it: nothing of the customer beyond her id."""

    id = fields.Integer()
    service_line = fields.String()
    order_id = fields.Integer(allow_none=True)
    order_number = fields.String(allow_none=True)
    customer_id = fields.Integer()
    worker_id = fields.Integer(allow_none=True)
    dispatcher_id = fields.Integer(allow_none=True)
    moment = fields.String()
    channel = fields.String(metadata={"description": "link (by the customer) or call"})
    created_at = fields.DateTime()
    expires_at = fields.DateTime()
    answered_at = fields.DateTime(allow_none=True)
    answers = fields.Dict(allow_none=True)
    score = fields.Integer(allow_none=True)
    dissatisfied = fields.Boolean(allow_none=True)
    complaint_id = fields.Integer(allow_none=True)
    complaint_number = fields.String(allow_none=True)
    followup_id = fields.Integer(allow_none=True)


class SurveyCreatedSchema(SurveySchema):
    link = fields.String(allow_none=True, metadata={
        "description": "The personal link (channel link), shown once; its secret is not "
                       "stored."})


SurveyPageSchema = page_schema(SurveySchema, "SurveyPage")


class SurveyQuerySchema(PageArgsSchema):
    """Filters; sort by created_at (default, newest first), answered_at or score."""

    answered = fields.Boolean(load_default=None)
    dissatisfied = fields.Boolean(load_default=None)
    order_id = fields.Integer(load_default=None)
    worker_id = fields.Integer(load_default=None)
    customer_id = fields.Integer(load_default=None)
    service_line = fields.String(load_default=None, validate=validate.Length(max=32))
    moment = fields.String(load_default=None, validate=validate.Length(max=40))


class SurveyInSchema(StrictSchema):
    """A dispatcher's survey for an order: ``link`` sends the personal link to the
    customer now; ``call`` opens it to be filled in during a call."""

    order_id = fields.Integer(required=True)
    channel = fields.String(load_default="link", validate=validate.OneOf(("link", "call")))


class AnswersInSchema(StrictSchema):
    """The answers, by question code: stars 1–5, a choice's value, or text."""

    answers = fields.Dict(keys=fields.String(validate=validate.Length(max=40)),
                          required=True)


class PublicSurveySchema(Schema):
    """What the public page shows: her given name (surname masked), the service and the
    questions — nothing else."""

    name = fields.String()
    service_zh = fields.String()
    service_en = fields.String()
    expires_at = fields.DateTime()
    questionnaire = fields.Nested(QuestionnaireSchema)


class ThanksSchema(Schema):
    answered = fields.Boolean()
    dissatisfied = fields.Boolean()


class ResultsQuerySchema(Schema):
    by = fields.String(load_default="month", validate=validate.OneOf(GROUPS))
    month = fields.String(load_default=None, validate=validate.Regexp(MONTH, error=(
        "Give the month as YYYY-MM, between 1900 and 2100. / "
        "月份格式为 YYYY-MM，须在 1900 年至 2100 年之间。")))
    service_line = fields.String(load_default=None, validate=validate.Length(max=32))
    worker_id = fields.Integer(load_default=None)
    dispatcher_id = fields.Integer(load_default=None)


class FiguresSchema(Schema):
    answered = fields.Integer()
    mean_score = fields.Float(allow_none=True)
    csat = fields.Float(allow_none=True, metadata={
        "description": "% of overall scores of 4 or 5"})
    dissatisfied_rate = fields.Float(allow_none=True, metadata={
        "description": "% of answered surveys with a dissatisfied answer"})
    dissatisfied = fields.Integer()


class GroupSchema(FiguresSchema):
    key = fields.String()
    label = fields.String()
    label_en = fields.String(metadata={"description": "The label in English (a service "
                                                      "line's English name)."})


class TextAnswerSchema(Schema):
    survey_id = fields.Integer()
    question = fields.String()
    text = fields.String()
    score = fields.Integer()
    dissatisfied = fields.Boolean()
    service_line = fields.String()
    month = fields.String()
    order_number = fields.String(allow_none=True)
    complaint_id = fields.Integer(allow_none=True)


class ResultsSchema(Schema):
    by = fields.String()
    groups = fields.List(fields.Nested(GroupSchema))
    total = fields.Nested(FiguresSchema)
    texts = fields.List(fields.Nested(TextAnswerSchema))
