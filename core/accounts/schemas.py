"""Accounts API schemas."""
from marshmallow import RAISE, Schema, fields, validate

from ..access import ROLES
from ..messages import Msg


class LoginSchema(Schema):
    class Meta:
        unknown = RAISE

    username = fields.String(required=True, validate=validate.Length(min=1, max=64))
    password = fields.String(required=True, load_only=True,
                             validate=validate.Length(min=1, max=256))


class UserSchema(Schema):
    id = fields.Integer(dump_only=True)
    username = fields.String()
    display_name = fields.String()
    role = fields.String()
    active = fields.Boolean()
    platform_export = fields.Boolean(metadata={
        "description": "May export trainees' full ID numbers for the platform (58到家)."})
    created_at = fields.DateTime(dump_only=True)
    last_login_at = fields.DateTime(dump_only=True, allow_none=True)


class UserCreateSchema(Schema):
    class Meta:
        unknown = RAISE

    username = fields.String(required=True, validate=validate.Regexp(
        r"^[A-Za-z0-9_.-]{2,64}$", error=Msg("Use 2–64 letters, digits, '.', '_' or '-'.",
                                             "用户名须为 2–64 位字母、数字或 . _ -。")))
    display_name = fields.String(load_default=None, validate=validate.Length(max=64))
    role = fields.String(required=True, validate=validate.OneOf(ROLES))
    password = fields.String(required=True, load_only=True,
                             validate=validate.Length(min=8, max=256))


class UserUpdateSchema(Schema):
    class Meta:
        unknown = RAISE

    display_name = fields.String(validate=validate.Length(min=1, max=64))
    role = fields.String(validate=validate.OneOf(ROLES))
    active = fields.Boolean()
    platform_export = fields.Boolean(metadata={
        "description": "Grant or withdraw the permission to export trainees' full ID "
                       "numbers for the platform (58到家); only for trainer, dispatcher, "
                       "supervisor and admin accounts."})
    password = fields.String(load_only=True, validate=validate.Length(min=8, max=256))


class TokenSchema(Schema):
    token = fields.String(metadata={"description": "Send as 'Authorization: Bearer <token>'."})
    expires_at = fields.DateTime()
    user = fields.Nested(UserSchema)


class TokenInfoSchema(Schema):
    id = fields.Integer()
    user_id = fields.Integer()
    created_at = fields.DateTime()
    expires_at = fields.DateTime()
    revoked_at = fields.DateTime(allow_none=True)
    last_used_at = fields.DateTime(allow_none=True)
