"""Partner API schemas (marshmallow 4; input schemas refuse unknown fields)."""
from __future__ import annotations

from marshmallow import (
    RAISE,
    Schema,
    ValidationError,
    fields,
    post_load,
    validate,
    validates,
)

from ..identity import check_phone
from ..pagination import PageArgsSchema, page_schema
from .models import COOPERATION_STATES, PARTNER_KINDS


class ContactSchema(Schema):
    id = fields.Integer(dump_only=True)
    name = fields.String(required=True, validate=validate.Length(min=1, max=64))
    title = fields.String(load_default="", validate=validate.Length(max=64))
    phone = fields.String(load_default="", validate=validate.Length(max=32))
    wechat = fields.String(load_default="", validate=validate.Length(max=64))
    notes = fields.String(load_default="", validate=validate.Length(max=255))

    @validates("phone")
    def _phone(self, value, **_):
        if value:
            try:
                check_phone(value)
            except ValueError as exc:
                raise ValidationError(exc.args[0]) from None

    @post_load
    def _normalised_phone(self, data, **_):
        if data.get("phone"):
            data["phone"] = check_phone(data["phone"])
        return data


class ContactInSchema(ContactSchema):
    class Meta:
        unknown = RAISE


class ContactUpdateSchema(ContactInSchema):
    name = fields.String(validate=validate.Length(min=1, max=64))
    title = fields.String(validate=validate.Length(max=64))
    phone = fields.String(validate=validate.Length(max=32))
    wechat = fields.String(validate=validate.Length(max=64))
    notes = fields.String(validate=validate.Length(max=255))


class NoteSchema(Schema):
    id = fields.Integer(dump_only=True)
    at = fields.DateTime(dump_only=True)
    author = fields.Function(lambda n: n.author.display_name if n.author else None,
                             dump_only=True)
    text = fields.String(required=True, validate=validate.Length(min=1, max=4000))


class NoteInSchema(NoteSchema):
    class Meta:
        unknown = RAISE


class PartnerSchema(Schema):
    id = fields.Integer(dump_only=True)
    name = fields.String()
    kind = fields.String(metadata={"enum": list(PARTNER_KINDS)})
    kind_label = fields.Function(lambda p: {"zh": PARTNER_KINDS[p.kind][0],
                                            "en": PARTNER_KINDS[p.kind][1]})
    cooperation = fields.String(metadata={"enum": list(COOPERATION_STATES)})
    address = fields.String()
    notes = fields.String()
    active = fields.Boolean()
    version = fields.Integer()
    created_at = fields.DateTime()
    updated_at = fields.DateTime()


class PartnerDetailSchema(PartnerSchema):
    contacts = fields.List(fields.Nested(ContactSchema))
    liaison_notes = fields.List(fields.Nested(NoteSchema))


class PartnerCreateSchema(Schema):
    class Meta:
        unknown = RAISE

    name = fields.String(required=True, validate=validate.Length(min=1, max=120))
    kind = fields.String(required=True, validate=validate.OneOf(list(PARTNER_KINDS)))
    cooperation = fields.String(load_default="agreed",
                                validate=validate.OneOf(list(COOPERATION_STATES)))
    address = fields.String(load_default="", validate=validate.Length(max=255))
    notes = fields.String(load_default="", validate=validate.Length(max=4000))
    contacts = fields.List(fields.Nested(ContactInSchema), load_default=list)


class PartnerUpdateSchema(Schema):
    class Meta:
        unknown = RAISE

    version = fields.Integer(required=True, metadata={
        "description": "The version you read; a stale one is refused with 409."})
    name = fields.String(validate=validate.Length(min=1, max=120))
    kind = fields.String(validate=validate.OneOf(list(PARTNER_KINDS)))
    cooperation = fields.String(validate=validate.OneOf(list(COOPERATION_STATES)))
    address = fields.String(validate=validate.Length(max=255))
    notes = fields.String(validate=validate.Length(max=4000))
    active = fields.Boolean()


class PartnerQuerySchema(PageArgsSchema):
    kind = fields.String(load_default=None, validate=validate.OneOf(list(PARTNER_KINDS)))
    active = fields.Boolean(load_default=None)


PartnerPageSchema = page_schema(PartnerSchema, "PartnerPage")
