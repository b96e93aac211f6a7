"""Workers API schemas — also what the web forms are validated with."""
from __future__ import annotations

from flask_smorest.fields import Upload
from marshmallow import (
    RAISE,
    Schema,
    ValidationError,
    fields,
    post_dump,
    post_load,
    pre_dump,
    validate,
    validates_schema,
)

from ..access import current_principal
from ..identity import check_mobile
from ..messages import Msg
from ..pagination import PageArgsSchema, page_schema
from ..plugins import credential_kinds, service_lines
from ..privacy import mask_id_number, mask_mobile
from . import credentials, service
from .credentials import KIND_STATES, PLATFORM
from .models import BLACKLIST_REASONS, CERTIFICATION_STATUSES, GRADES, STATUSES


class Trimmed(fields.String):
    """A string with surrounding spaces removed."""

    def _deserialize(self, value, attr, data, **kwargs):
        return super()._deserialize(value, attr, data, **kwargs).strip()


class IdNumberField(Trimmed):
    """A resident ID number (居民身份证号), checked with its check digit and normalised."""

    def _deserialize(self, value, attr, data, **kwargs):
        try:
            return service.read_id_number(super()._deserialize(value, attr, data, **kwargs))
        except ValueError as exc:
            raise ValidationError(exc.args[0]) from None


class MobileField(Trimmed):
    """A mainland mobile number, normalised to 11 digits."""

    def _deserialize(self, value, attr, data, **kwargs):
        try:
            return check_mobile(super()._deserialize(value, attr, data, **kwargs))
        except ValueError as exc:
            raise ValidationError(exc.args[0]) from None


def _lines_known(codes) -> None:
    unknown = [c for c in codes if c not in service_lines()]
    if unknown:
        raise ValidationError(service.UNKNOWN_LINE.format(", ".join(unknown)))


def _kind_known(code) -> None:
    if code not in credential_kinds():
        raise ValidationError(credentials.KIND_UNKNOWN)


def _lines_field(**kw):
    return fields.List(fields.String(), validate=_lines_known, metadata={
        "description": "Codes of service lines she can do (GET /api/v1/service-lines)."}, **kw)


# ----------------------------------------------------------------------------- input


class WorkerCreateSchema(Schema):
    """A new worker. Birth date and sex are read from the ID number."""

    class Meta:
        unknown = RAISE

    name = Trimmed(required=True, validate=validate.Length(min=1, max=64))
    id_number = IdNumberField(required=True, metadata={"description": "18-character 身份证号"})
    mobile = MobileField(required=True)
    hometown = Trimmed(required=True, validate=validate.Length(min=1, max=64),
                       metadata={"description": "Native place (籍贯)"})
    dialect = Trimmed(load_default=None, validate=validate.Length(max=32))
    service_lines = _lines_field(load_default=list)
    years_experience = fields.Integer(load_default=0, validate=validate.Range(min=0, max=60))
    grade = fields.String(load_default="junior", validate=validate.OneOf(GRADES))

    @post_load
    def _blank_dialect(self, data, **kwargs):
        if "dialect" in data and not data["dialect"]:
            data["dialect"] = None
        return data


class WorkerUpdateSchema(WorkerCreateSchema):
    """Changes to a worker; send only what changes, plus the ``version`` you read."""

    name = Trimmed(validate=validate.Length(min=1, max=64))
    id_number = IdNumberField()
    mobile = MobileField()
    hometown = Trimmed(validate=validate.Length(min=1, max=64))
    dialect = Trimmed(allow_none=True, validate=validate.Length(max=32))
    service_lines = _lines_field()
    years_experience = fields.Integer(validate=validate.Range(min=0, max=60))
    grade = fields.String(validate=validate.OneOf(GRADES))
    version = fields.Integer(required=True, metadata={
        "description": "The version you read; a stale one is refused with 409."})


class StatusChangeSchema(Schema):
    """A change of status; blacklisting needs reason_type and reason, leaving it a reason."""

    class Meta:
        unknown = RAISE

    status = fields.String(required=True, validate=validate.OneOf(STATUSES))
    reason_type = fields.String(load_default=None, validate=validate.OneOf(BLACKLIST_REASONS))
    reason = Trimmed(load_default=None, validate=validate.Length(max=500))
    version = fields.Integer(load_default=None)


class CredentialCreateSchema(Schema):
    """A credential she holds; ``expires_on`` is needed when the kind expires."""

    class Meta:
        unknown = RAISE

    kind = fields.String(required=True, validate=_kind_known, metadata={
        "description": "Credential kind code (GET /api/v1/credential-kinds)."})
    number = Trimmed(load_default=None, validate=validate.Length(max=64))
    issued_on = fields.Date(load_default=None)
    expires_on = fields.Date(load_default=None)
    certification_status = fields.String(
        load_default=None, validate=validate.OneOf(CERTIFICATION_STATUSES),
        metadata={"description": "Only for platform_certification (default pending)."})

    @validates_schema(skip_on_field_errors=True)
    def _rules(self, data, **kwargs):
        values = dict(data)
        if values.get("kind") == PLATFORM and values.get("certification_status") is None:
            values["certification_status"] = "pending"
        errors = credentials.check_rules(values)
        if errors:
            raise ValidationError(errors)


class CredentialUpdateSchema(Schema):
    """Corrections to a credential, plus the ``version`` you read."""

    class Meta:
        unknown = RAISE

    number = Trimmed(allow_none=True, validate=validate.Length(max=64))
    issued_on = fields.Date(allow_none=True)
    expires_on = fields.Date(allow_none=True)
    certification_status = fields.String(allow_none=True,
                                         validate=validate.OneOf(CERTIFICATION_STATUSES))
    version = fields.Integer(required=True)


class VersionSchema(Schema):
    """The version you read (optional; when sent, a stale one is refused with 409)."""

    class Meta:
        unknown = RAISE

    version = fields.Integer(load_default=None)


class PhotoUploadSchema(Schema):
    """A JPEG or PNG photo of at most 2 MB, as multipart field ``photo``."""

    class Meta:
        unknown = RAISE

    photo = Upload(required=True)


class PhotoSchema(Schema):
    """A stored photo, base64-encoded."""

    content_type = fields.String(metadata={"description": "image/jpeg or image/png"})
    size = fields.Integer(metadata={"description": "bytes"})
    data = fields.String(metadata={"description": "base64 of the image"})


class WorkerQuerySchema(PageArgsSchema):
    """List filters. Sort by name, years_experience, grade or created_at (``-`` descending)."""

    status = fields.List(fields.String(validate=validate.OneOf(STATUSES)), load_default=None)
    grade = fields.String(load_default=None, validate=validate.OneOf(GRADES))
    service_line = fields.String(load_default=None)
    hometown = fields.String(load_default=None)
    health_state = fields.String(load_default=None, validate=validate.OneOf(KIND_STATES),
                                 metadata={"description": "State of the health certificate."})
    credential_kind = fields.String(load_default=None)
    credential_state = fields.String(load_default=None, validate=validate.OneOf(KIND_STATES))

    @validates_schema(skip_on_field_errors=True)
    def _pairs(self, data, **kwargs):
        errors = {}
        if data.get("service_line") and data["service_line"] not in service_lines():
            errors["service_line"] = [service.UNKNOWN_LINE.format(data["service_line"])]
        kind, state = data.get("credential_kind"), data.get("credential_state")
        if kind and kind not in credential_kinds():
            errors["credential_kind"] = [credentials.KIND_UNKNOWN]
        if bool(kind) != bool(state):
            errors["credential_state" if kind else "credential_kind"] = [Msg(
                "credential_kind and credential_state go together.",
                "证书类型与证书状态需同时选择。")]
        if errors:
            raise ValidationError(errors)


# ---------------------------------------------------------------------------- output


class KindStateSchema(Schema):
    """Her state for one required credential kind."""

    kind = fields.String()
    state = fields.String(metadata={"description": "valid, expiring, expired or missing"})
    expires_on = fields.Date(allow_none=True)
    credential_id = fields.Integer(allow_none=True)


class CredentialSchema(Schema):
    """A credential with its computed state."""

    id = fields.Integer()
    worker_id = fields.Integer()
    kind = fields.String()
    number = fields.String(allow_none=True)
    issued_on = fields.Date(allow_none=True)
    expires_on = fields.Date(allow_none=True)
    certification_status = fields.String(allow_none=True)
    state = fields.Function(credentials.credential_state, metadata={
        "description": "valid, expiring, expired; pending/failed for an uncertified 58到家"})
    verified_by_id = fields.Integer(allow_none=True)
    verified_at = fields.DateTime(allow_none=True)
    version = fields.Integer()
    created_at = fields.DateTime()
    updated_at = fields.DateTime()


class StatusHistorySchema(Schema):
    """One past change of status."""

    from_status = fields.String()
    to_status = fields.String()
    reason_type = fields.String(allow_none=True)
    reason = fields.String(allow_none=True)
    at = fields.DateTime()
    actor_id = fields.Integer(allow_none=True)


class _View:
    """A worker plus what is computed for showing her (credential states)."""

    def __init__(self, worker):
        self._worker = worker
        self.required_credentials = credentials.kind_states(worker)
        self.health_state = self.required_credentials[0].state
        self.health_expires_on = self.required_credentials[0].expires_on

    def __getattr__(self, name):
        return getattr(self._worker, name)


class WorkerSchema(Schema):
    """A worker as a list shows her: ID number always masked (lists do not need it);
    mobile masked for finance."""

    #: whether this schema shows the full ID number to the roles that may see it
    full_id = False

    id = fields.Integer()
    name = fields.String()
    id_number = fields.String()
    id_number_masked = fields.Boolean(dump_default=False)
    birth_date = fields.Date()
    sex = fields.String(metadata={"description": "F or M, from the ID number"})
    age = fields.Integer()
    mobile = fields.String()
    hometown = fields.String()
    dialect = fields.String(allow_none=True)
    service_lines = fields.List(fields.String(), attribute="service_line_codes")
    years_experience = fields.Integer()
    grade = fields.String()
    status = fields.String()
    has_photo = fields.Function(lambda w: bool(w.photo_filename))
    health_state = fields.String(metadata={"description": "valid, expiring, expired, missing"})
    health_expires_on = fields.Date(allow_none=True)
    required_credentials = fields.List(fields.Nested(KindStateSchema))
    version = fields.Integer()
    created_at = fields.DateTime()
    updated_at = fields.DateTime()
    created_by_id = fields.Integer(allow_none=True)
    updated_by_id = fields.Integer(allow_none=True)

    @pre_dump
    def _computed(self, worker, **kwargs):
        return _View(worker)

    @post_dump
    def _mask(self, data, **kwargs):
        user = current_principal()
        data["id_number_masked"] = not (self.full_id and service.sees_full_id(user))
        if data["id_number_masked"]:
            data["id_number"] = mask_id_number(data.get("id_number"))
        if not service.sees_full_mobile(user):
            data["mobile"] = mask_mobile(data.get("mobile"))
        return data


class WorkerDetailSchema(WorkerSchema):
    """A worker with her credentials and status history; the full ID number is shown to
    admin, supervisor and trainer (and that read is audited)."""

    full_id = True

    credentials = fields.List(fields.Nested(CredentialSchema))
    status_history = fields.List(fields.Nested(StatusHistorySchema), attribute="status_changes")


WorkerPageSchema = page_schema(WorkerSchema, "WorkerPage")
