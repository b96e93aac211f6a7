"""Trainee API schemas: trainees, the registration import, ID cards, graduation, the board.

Input schemas refuse unknown fields; ID numbers are dumped masked for roles that do not
need them (dispatchers) through :func:`core.trainees.pipeline.shown_id_number`.
"""
from __future__ import annotations

from flask_smorest.fields import Upload
from marshmallow import RAISE, Schema, fields, validate

from ..pagination import PageArgsSchema, page_schema
from .models import STAGES
from .pipeline import shown_id_number, stage_label


class InSchema(Schema):
    """Base of every input schema: unknown fields are refused."""

    class Meta:
        unknown = RAISE


def _user(attr):
    return fields.Function(lambda o: getattr(o, attr).display_name if getattr(o, attr, None)
                           else None)


class IdCardSchema(Schema):
    id = fields.Integer()
    trainee_id = fields.Integer()
    trainee_name = fields.Function(lambda c: c.trainee.name)
    collected_at = fields.DateTime()
    holder = _user("holder")
    returned_at = fields.DateTime(allow_none=True)
    returned_to = fields.String()


class CertificateSchema(Schema):
    id = fields.Integer()
    number = fields.String()
    issued_on = fields.Date()
    expires_on = fields.Date()
    received_at = fields.DateTime()
    handed_over_at = fields.DateTime(allow_none=True)
    state = fields.Function(lambda c: "handed_over" if c.handed_over_at else "received",
                            metadata={"description": "received (not yet handed over) or "
                                                     "handed_over"})


class MobileCheckSchema(Schema):
    id = fields.Integer()
    mobile = fields.String()
    registered = fields.Boolean(metadata={"description": "true: registered on 58同城 (blocks)"})
    checked_at = fields.DateTime()


class BookingBriefSchema(Schema):
    batch_id = fields.Integer()
    exam_date = fields.Function(lambda b: b.batch.exam_date.isoformat())
    payment = fields.String()
    attendance = fields.String(allow_none=True)


class TraineeSchema(Schema):
    id = fields.Integer()
    registered_on = fields.Date()
    name = fields.String()
    sex = fields.String(metadata={"enum": ["F", "M"]})
    id_number = fields.Function(lambda t: shown_id_number(t.id_number),
                                metadata={"description": "Masked for dispatchers."})
    birth_date = fields.Date()
    mobile = fields.String()
    hometown = fields.String()
    intention = fields.String()
    service_lines = fields.List(fields.String())
    notes = fields.String()
    stage = fields.String(metadata={"enum": list(STAGES)})
    stage_label = fields.Function(lambda t: stage_label(t.stage))
    worker_id = fields.Integer(allow_none=True)
    graduated_at = fields.DateTime(allow_none=True)
    version = fields.Integer()
    created_at = fields.DateTime()
    updated_at = fields.DateTime()


class TraineeDetailSchema(TraineeSchema):
    id_card = fields.Nested(IdCardSchema, allow_none=True)
    certificate = fields.Nested(CertificateSchema, allow_none=True)
    mobile_check = fields.Nested(MobileCheckSchema, allow_none=True)
    bookings = fields.List(fields.Nested(BookingBriefSchema))


TraineePageSchema = page_schema(TraineeSchema, "TraineePage")


class TraineeQuerySchema(PageArgsSchema):
    stage = fields.String(load_default=None, validate=validate.OneOf(list(STAGES)))
    registered_on = fields.Date(load_default=None)


class TraineeUpdateSchema(InSchema):
    version = fields.Integer(required=True, metadata={
        "description": "The version you read; a stale one is refused with 409."})
    name = fields.String(validate=validate.Length(min=1, max=64))
    id_number = fields.String(validate=validate.Length(min=1, max=32))
    mobile = fields.String(validate=validate.Length(min=1, max=32))
    hometown = fields.String(validate=validate.Length(max=64))
    intention = fields.String(validate=validate.Length(max=64))
    notes = fields.String(validate=validate.Length(max=2000))
    registered_on = fields.Date()


class ExportQuerySchema(InSchema):
    format = fields.String(load_default="xlsx", validate=validate.OneOf(["xlsx", "csv", "json"]),
                           metadata={"description": "xlsx / csv download, or json rows."})
    stage = fields.String(load_default=None, validate=validate.OneOf(list(STAGES)))
    unmasked = fields.Boolean(load_default=False, metadata={
        "description": "Full ID numbers, for the platform (58到家): needs the platform "
                       "export permission (403 platform_export_required); recorded."})


class TableSchema(Schema):
    """An export as JSON: the same header and rows as the XLSX / CSV file."""

    headers = fields.List(fields.String())
    rows = fields.List(fields.List(fields.Raw()))


#: how the XLSX and CSV downloads appear in the OpenAPI document beside the JSON rows
FILE_RESPONSES = {"responses": {"200": {"content": {
    "application/json": {"schema": {"$ref": "#/components/schemas/Table"}},
    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet": {
        "schema": {"type": "string", "format": "binary"}},
    "text/csv": {"schema": {"type": "string", "format": "binary"}}}}}}


class UploadSchema(InSchema):
    file = Upload(required=True, metadata={"description": "The registration sheet (.xlsx or "
                                                          ".csv, UTF-8 with or without BOM)."})


class ReasonSchema(Schema):
    field = fields.String()
    zh = fields.String()
    en = fields.String()


class ImportRowSchema(Schema):
    row = fields.Integer(metadata={"description": "Row number in the sheet (header is 1)."})
    status = fields.String(metadata={"enum": ["new", "duplicate", "invalid", "created"]})
    name = fields.Function(lambda r: r.values.get("name"))
    id_number = fields.Function(lambda r: shown_id_number(r.values.get("id_number")))
    mobile = fields.Function(lambda r: r.values.get("mobile"))
    reasons = fields.Function(lambda r: [{"field": f, "zh": m.zh, "en": str(m)}
                                         for f, m in r.reasons])
    duplicate_of_row = fields.Integer(allow_none=True)
    trainee_id = fields.Integer(attribute="duplicate_of_trainee", allow_none=True, metadata={
        "description": "The trainee created, or already registered with this ID number."})


class ImportResultSchema(Schema):
    counts = fields.Dict(keys=fields.String(), values=fields.Integer())
    rows = fields.List(fields.Nested(ImportRowSchema))
    truncated = fields.Boolean(metadata={"description": "More rows than listed (counts are "
                                                        "complete)."})


class IdCardCollectSchema(InSchema):
    holder_id = fields.Integer(load_default=None, metadata={
        "description": "Staff member keeping the card; default: you."})


class IdCardReturnSchema(InSchema):
    returned_to = fields.String(required=True, validate=validate.Length(min=1, max=64))


class GraduateSchema(InSchema):
    service_lines = fields.List(fields.String(), load_default=None, metadata={
        "description": "Service-line codes; default: those of her intended job."})


class GraduationSchema(Schema):
    trainee_id = fields.Integer()
    worker_id = fields.Integer()
    stage = fields.String()


class BoardTraineeSchema(Schema):
    id = fields.Integer()
    name = fields.String()
    mobile = fields.String()
    stage = fields.String()


class BoardColumnSchema(Schema):
    code = fields.String()
    label = fields.Dict(keys=fields.String(), values=fields.String())
    count = fields.Integer()
    trainees = fields.List(fields.Nested(BoardTraineeSchema))


class StuckSchema(Schema):
    trainee = fields.Nested(BoardTraineeSchema)
    reasons = fields.Function(lambda s: [_reason(code) for code in s["reasons"]])


def _reason(code: str) -> dict:
    from .board import STUCK

    return {"code": code, "zh": STUCK[code].zh, "en": str(STUCK[code])}


class BoardSchema(Schema):
    today = fields.Date()
    columns = fields.List(fields.Nested(BoardColumnSchema))
    stuck = fields.List(fields.Nested(StuckSchema))
