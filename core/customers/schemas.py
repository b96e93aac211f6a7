"""Customers API schemas: what comes in (validated, ``unknown = RAISE``) and what goes out.

The web forms load the same input schemas, so a page and the API refuse the same things
with the same words.
"""
from marshmallow import RAISE, Schema, ValidationError, fields, validate, validates_schema

from ..identity import check_mobile
from ..messages import Msg
from ..pagination import PageArgsSchema, page_schema
from .models import CONFIDENTIALITY, DEACTIVATION_REASONS, LEAD_SOURCES, STATUSES

MAX_ADDRESSES = 20
_MAX_INT = 2**31 - 1

NUL_IN_TEXT = Msg("The text contains an invalid control character.", "文本中含有无效的控制字符。")
NAME_LENGTH = Msg("Enter the customer's name (1–64 characters).", "请填写客户姓名（1–64 个字）。")
DISTRICT_LENGTH = Msg("Enter the district (1–32 characters), e.g. 朝阳区.",
                      "请填写区县（1–32 个字），例如：朝阳区。")
DETAIL_LENGTH = Msg("Enter the street address (1–255 characters).",
                    "请填写详细地址（1–255 个字）。")
LABEL_LENGTH = Msg("A label has at most 16 characters, e.g. 家 or 公司.",
                   "地址标签最多 16 个字，例如：家、公司。")
NOTES_LENGTH = Msg("Household notes have at most 2000 characters.", "家庭情况备注最多 2000 字。")
NOTE_LENGTH = Msg("At most 255 characters.", "最多 255 个字。")
LATITUDE_RANGE = Msg("Latitude must be between -90 and 90.", "纬度必须在 -90 到 90 之间。")
LONGITUDE_RANGE = Msg("Longitude must be between -180 and 180.", "经度必须在 -180 到 180 之间。")
COORDINATES_PAIRED = Msg("Give latitude and longitude together, or neither.",
                         "经度和纬度须同时填写或同时留空。")
ONE_DEFAULT = Msg("Only one address can be the default.", "只能有一个默认地址。")
TOO_MANY_ADDRESSES = Msg(f"At most {MAX_ADDRESSES} addresses.", f"地址最多 {MAX_ADDRESSES} 个。")
VERSION_RANGE = Msg("Not a valid version number.", "版本号无效。")


def _choice(labels: dict, what_en: str, what_zh: str) -> validate.OneOf:
    codes = list(labels)
    return validate.OneOf(codes, error=Msg(
        f"Choose a {what_en}: {', '.join(codes)}.",
        f"请选择{what_zh}：{'、'.join(zh for zh, _ in labels.values())}。"))


class Text(fields.String):
    """A string with surrounding whitespace removed; NUL characters are refused."""

    def _deserialize(self, value, attr, data, **kwargs):
        text = super()._deserialize(value, attr, data, **kwargs).strip()
        if "\x00" in text:
            raise ValidationError(NUL_IN_TEXT)
        return text


class Mobile(Text):
    """A mainland China mobile number, given with or without spaces, dashes or +86;
    loaded in its normalised 11-digit form."""

    def _deserialize(self, value, attr, data, **kwargs):
        try:
            return check_mobile(super()._deserialize(value, attr, data, **kwargs))
        except ValueError as exc:
            raise ValidationError(exc.args[0]) from None


def _latitude(**kw):
    return fields.Float(allow_none=True, validate=validate.Range(-90, 90, error=LATITUDE_RANGE),
                        **kw)


def _longitude(**kw):
    return fields.Float(allow_none=True,
                        validate=validate.Range(-180, 180, error=LONGITUDE_RANGE), **kw)


def _version():
    return fields.Integer(required=True, validate=validate.Range(1, _MAX_INT, error=VERSION_RANGE),
                          metadata={"description": "The version you read; a stale one is "
                                                   "refused with 409."})


class CustomerAddressInSchema(Schema):
    """A new address: district and street address, optional label and coordinates."""

    class Meta:
        unknown = RAISE

    label = Text(load_default="", validate=validate.Length(max=16, error=LABEL_LENGTH),
                 metadata={"description": "e.g. 家 (home), 公司 (office)"})
    district = Text(required=True, validate=validate.Length(1, 32, error=DISTRICT_LENGTH))
    detail = Text(required=True, validate=validate.Length(1, 255, error=DETAIL_LENGTH))
    latitude = _latitude(load_default=None)
    longitude = _longitude(load_default=None)
    is_default = fields.Boolean(load_default=False)

    @validates_schema(skip_on_field_errors=True)
    def _coordinates_paired(self, data, **kwargs):
        if (data.get("latitude") is None) != (data.get("longitude") is None):
            missing = "latitude" if data.get("latitude") is None else "longitude"
            raise ValidationError(COORDINATES_PAIRED, missing)


class CustomerAddressPatchSchema(Schema):
    """Changes to an address; only the fields sent are changed."""

    class Meta:
        unknown = RAISE

    version = _version()
    label = Text(validate=validate.Length(max=16, error=LABEL_LENGTH))
    district = Text(validate=validate.Length(1, 32, error=DISTRICT_LENGTH))
    detail = Text(validate=validate.Length(1, 255, error=DETAIL_LENGTH))
    latitude = _latitude()
    longitude = _longitude()
    is_default = fields.Boolean()


class CustomerCreateSchema(Schema):
    """A new customer file; addresses may be given inline."""

    class Meta:
        unknown = RAISE

    name = Text(required=True, validate=validate.Length(1, 64, error=NAME_LENGTH))
    mobile = Mobile(required=True, metadata={"description": "Stored as 11 digits."})
    household_notes = Text(load_default="", validate=validate.Length(max=2000, error=NOTES_LENGTH))
    confidentiality = fields.String(load_default="normal", validate=_choice(
        CONFIDENTIALITY, "confidentiality level", "密级"))
    lead_source = fields.String(load_default=None, allow_none=True, validate=_choice(
        LEAD_SOURCES, "lead source", "客户来源"))
    addresses = fields.List(fields.Nested(CustomerAddressInSchema), load_default=list,
                            validate=validate.Length(max=MAX_ADDRESSES, error=TOO_MANY_ADDRESSES))

    @validates_schema(skip_on_field_errors=True)
    def _one_default(self, data, **kwargs):
        if sum(1 for a in data.get("addresses", []) if a.get("is_default")) > 1:
            raise ValidationError(ONE_DEFAULT, "addresses")


class CustomerUpdateSchema(Schema):
    """Changes to a customer file, with the version read; only the fields sent are changed.

    Setting ``status`` to ``inactive`` needs a ``deactivation_reason``; ``other`` needs a note.
    """

    class Meta:
        unknown = RAISE

    version = _version()
    name = Text(validate=validate.Length(1, 64, error=NAME_LENGTH))
    mobile = Mobile()
    household_notes = Text(validate=validate.Length(max=2000, error=NOTES_LENGTH))
    confidentiality = fields.String(validate=_choice(CONFIDENTIALITY, "confidentiality level",
                                                     "密级"))
    lead_source = fields.String(allow_none=True, validate=_choice(LEAD_SOURCES, "lead source",
                                                                 "客户来源"))
    status = fields.String(validate=_choice(STATUSES, "status", "状态"))
    deactivation_reason = fields.String(allow_none=True, validate=_choice(
        DEACTIVATION_REASONS, "deactivation reason", "停用原因"))
    deactivation_note = Text(validate=validate.Length(max=255, error=NOTE_LENGTH))


class CustomerQuerySchema(PageArgsSchema):
    """List arguments: paging, sort (name, created_at, updated_at), search and filters."""

    page = fields.Integer(load_default=1, validate=validate.Range(min=1, max=100_000))
    sort = fields.String(load_default=None, metadata={
        "description": "name, created_at or updated_at; prefix '-' for descending."})
    q = Text(load_default=None, validate=validate.Length(max=64), metadata={
        "description": "Part of the name, or 3+ digits of the mobile number."})
    confidentiality = fields.String(load_default=None, validate=_choice(
        CONFIDENTIALITY, "confidentiality level", "密级"))
    status = fields.String(load_default=None, validate=_choice(STATUSES, "status", "状态"))
    district = Text(load_default=None, validate=validate.Length(max=32),
                    metadata={"description": "Part of the district of any address."})
    lead_source = fields.String(load_default=None, validate=_choice(LEAD_SOURCES, "lead source",
                                                                   "客户来源"))


class CustomerAddressSchema(Schema):
    """An address as shown."""

    id = fields.Integer()
    label = fields.String()
    district = fields.String()
    detail = fields.String()
    latitude = fields.Float(allow_none=True)
    longitude = fields.Float(allow_none=True)
    is_default = fields.Boolean()
    version = fields.Integer()


class CustomerListItemSchema(Schema):
    """A customer as a list row. ``masked``: name or mobile were masked for your role."""

    id = fields.Integer()
    name = fields.String(metadata={"description": "王** for a top-secret file not open to you"})
    mobile = fields.String(allow_none=True, metadata={
        "description": "full, masked (138****5678), or null when the file is not open to you"})
    confidentiality = fields.String()
    status = fields.String()
    lead_source = fields.String(allow_none=True)
    district = fields.String(allow_none=True, metadata={"description": "Of the default address."})
    masked = fields.Boolean()
    view = fields.String(metadata={"description": "what you see (docs/privacy.md): full, "
                                                  "masked, name or partial"})
    granted = fields.Boolean(metadata={"description": "open to you under an access grant"})
    may_request = fields.Boolean(metadata={"description": "you may ask for access"})
    created_at = fields.DateTime()
    updated_at = fields.DateTime()
    version = fields.Integer()


class CustomerSchema(CustomerListItemSchema):
    """A customer file in full (mobile masked for roles that do not need it)."""

    household_notes = fields.String()
    deactivation_reason = fields.String(allow_none=True)
    deactivation_note = fields.String()
    addresses = fields.List(fields.Nested(CustomerAddressSchema))
    created_by_id = fields.Integer(allow_none=True)
    updated_by_id = fields.Integer(allow_none=True)


CustomerPageSchema = page_schema(CustomerListItemSchema, "CustomerPage")


class ClosedCustomerSchema(Schema):
    """What shows of a file that does not open to you."""

    id = fields.Integer()
    name = fields.String()
    confidentiality = fields.String()
    view = fields.String()
    may_request = fields.Boolean()


class RevealInSchema(Schema):
    """The reason for showing a secret (秘密) file's full mobile (recorded)."""

    class Meta:
        unknown = RAISE

    reason = Text(required=True, validate=validate.Length(min=2, max=500, error=Msg(
        "Give the reason (2–500 characters).", "请填写原因（2–500 个字）。")))


class RevealSchema(Schema):
    """A secret file's full mobile, shown once for the reason given."""

    id = fields.Integer()
    mobile = fields.String()


class HistoryQuerySchema(Schema):
    """Paging of a customer's service history (newest order first)."""

    page = fields.Integer(load_default=1, validate=validate.Range(min=1, max=100_000))
    per_page = fields.Integer(load_default=20, validate=validate.Range(min=1, max=200))


class HistoryEvaluationSchema(Schema):
    """What the customer said of the worker on one order (评价)."""

    id = fields.Integer()
    worker_id = fields.Integer()
    source = fields.String()
    verdict = fields.String()
    overall = fields.Integer()
    attitude = fields.Integer(allow_none=True)
    skill = fields.Integer(allow_none=True)
    efficiency = fields.Integer(allow_none=True)
    communication = fields.Integer(allow_none=True)
    notes = fields.String()
    created_at = fields.DateTime()


class HistoryOrderSchema(Schema):
    """One order of her history with its worker and evaluations."""

    id = fields.Function(lambda r: r["order"].id)
    number = fields.Function(lambda r: r["order"].number)
    service_line = fields.Function(lambda r: r["order"].service_line)
    state = fields.Function(lambda r: r["order"].state)
    start_date = fields.Function(lambda r: r["order"].start_date.isoformat()
                                 if r["order"].start_date else None)
    end_date = fields.Function(lambda r: r["order"].end_date.isoformat()
                               if r["order"].end_date else None)
    created_at = fields.Function(lambda r: r["order"].created_at.isoformat())
    worker_id = fields.Function(lambda r: r["order"].worker_id)
    worker_name = fields.Function(lambda r: r["order"].worker.name if r["order"].worker
                                  else None)
    evaluations = fields.List(fields.Nested(HistoryEvaluationSchema))


class HistoryWorkerSchema(Schema):
    worker_id = fields.Integer()
    name = fields.String()
    orders = fields.Integer()
    last_start = fields.Date(allow_none=True)


class HistorySummarySchema(Schema):
    orders = fields.Integer()
    finished = fields.Integer()
    cancelled = fields.Integer()
    workers = fields.List(fields.Nested(HistoryWorkerSchema))
    evaluations = fields.Integer()
    mean_overall = fields.Float(allow_none=True)


class ServiceHistorySchema(Schema):
    """A customer's service history: her orders (paged) and a summary."""

    items = fields.List(fields.Nested(HistoryOrderSchema))
    total = fields.Integer()
    page = fields.Integer()
    per_page = fields.Integer()
    pages = fields.Integer()
    summary = fields.Nested(HistorySummarySchema)
