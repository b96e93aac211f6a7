"""Audit API schemas."""
from marshmallow import Schema, fields

from ..pagination import PageArgsSchema, page_schema


class AuditEventSchema(Schema):
    id = fields.Integer()
    at = fields.DateTime()
    actor_id = fields.Integer(allow_none=True)
    actor = fields.Function(lambda e: e.actor.display_name if e.actor else None)
    action = fields.String()
    entity_type = fields.String()
    entity_id = fields.Integer(allow_none=True)
    summary = fields.String()
    changes = fields.Dict(allow_none=True)


class AuditQuerySchema(PageArgsSchema):
    entity_type = fields.String(load_default=None)
    entity_id = fields.Integer(load_default=None)
    actor_id = fields.Integer(load_default=None)
    action = fields.String(load_default=None)
    since = fields.DateTime(load_default=None)
    until = fields.DateTime(load_default=None)


AuditPageSchema = page_schema(AuditEventSchema, "AuditPage")
