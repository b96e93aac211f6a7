"""Schemas of the placing steps: willingness, profile cards and their sendings, the
service-agreement versions and agreements."""
from __future__ import annotations

from marshmallow import Schema, fields, validate

from ..messages import Msg
from ..orders.schemas import StrictSchema
from .models import CHANNELS


def _user(attr: str):
    return fields.Function(lambda r: getattr(r, attr).display_name if getattr(r, attr)
                           else None)


class WillingnessInSchema(StrictSchema):
    """Her answer when told of the order: ``willing``, and a ``note`` (required when
    she is not willing); ``worker_id`` defaults to the order's worker."""

    worker_id = fields.Integer(load_default=None)
    willing = fields.Boolean(required=True)
    note = fields.String(load_default="", validate=validate.Length(max=255))


class WillingnessSchema(Schema):
    id = fields.Integer()
    order_id = fields.Integer()
    worker_id = fields.Integer()
    worker_name = fields.Function(lambda r: r.worker.name)
    willing = fields.Boolean()
    note = fields.String()
    recorded_at = fields.DateTime()
    recorded_by = _user("recorded_by")


class CredentialStateSchema(Schema):
    kind = fields.String()
    state = fields.String(metadata={"description": "valid / expiring / expired / missing"})
    label_zh = fields.String()
    label_en = fields.String()
    expires_on = fields.Date(allow_none=True)


class LineNameSchema(Schema):
    code = fields.String()
    name_zh = fields.String()
    name_en = fields.String()


class RatingSchema(Schema):
    count = fields.Integer()
    overall = fields.Float(allow_none=True)
    satisfied = fields.Integer()
    not_satisfied = fields.Integer()


class WillingViewSchema(Schema):
    willing = fields.Boolean()
    note = fields.String()
    recorded_at = fields.DateTime()


class ProfileCardSchema(Schema):
    """Her profile card (个人资料) as the customer sees it: no ID number, no mobile."""

    worker_id = fields.Integer()
    name = fields.String()
    has_photo = fields.Boolean()
    sex = fields.String()
    age = fields.Integer()
    hometown = fields.String()
    dialect = fields.String()
    years_experience = fields.Integer()
    grade = fields.String()
    service_lines = fields.List(fields.Nested(LineNameSchema))
    credentials = fields.List(fields.Nested(CredentialStateSchema))
    rating = fields.Nested(RatingSchema)
    order_number = fields.String()
    service_line = fields.String()
    willingness = fields.Nested(WillingViewSchema, allow_none=True)
    needs_willingness = fields.Boolean()


class SendingInSchema(StrictSchema):
    """Her profile card went to the customer: how (``channel``), when (default now)."""

    worker_id = fields.Integer(load_default=None)
    channel = fields.String(required=True, validate=validate.OneOf(CHANNELS, error=Msg(
        "Choose how it was sent: " + ", ".join(CHANNELS) + ".",
        "请选择发送方式：" + "、".join(CHANNELS) + "。")))
    sent_at = fields.AwareDateTime(load_default=None)
    note = fields.String(load_default="", validate=validate.Length(max=255))


class SendingSchema(Schema):
    id = fields.Integer()
    order_id = fields.Integer()
    worker_id = fields.Integer()
    worker_name = fields.Function(lambda r: r.worker.name)
    channel = fields.String()
    sent_at = fields.DateTime()
    sent_by = _user("sent_by")
    note = fields.String()


class TemplateInSchema(StrictSchema):
    """A new version of a line's agreement text (plain text, one paragraph a line;
    ``{worker}``, ``{order}``, ``{company}`` are filled in when printed)."""

    title_zh = fields.String(required=True, validate=validate.Length(min=1, max=120))
    title_en = fields.String(required=True, validate=validate.Length(min=1, max=160))
    body_zh = fields.String(required=True, validate=validate.Length(min=1, max=20_000))
    body_en = fields.String(required=True, validate=validate.Length(min=1, max=20_000))
    note = fields.String(load_default="", validate=validate.Length(max=255))


class TemplateSchema(Schema):
    id = fields.Integer()
    service_line = fields.String()
    version = fields.Integer()
    title_zh = fields.String()
    title_en = fields.String()
    body_zh = fields.String()
    body_en = fields.String()
    note = fields.String()
    created_at = fields.DateTime()


class AgreementSchema(Schema):
    id = fields.Integer()
    order_id = fields.Integer()
    worker_id = fields.Integer()
    worker_name = fields.Function(lambda r: r.worker.name)
    template_version = fields.Function(lambda r: r.template.version)
    title_zh = fields.Function(lambda r: r.template.title_zh)
    status = fields.String()
    signed_on = fields.Date(allow_none=True)
    void_reason = fields.String()
    created_at = fields.DateTime()


class AgreementSignSchema(StrictSchema):
    """The date she signed the printed agreement."""

    signed_on = fields.Date(required=True)
