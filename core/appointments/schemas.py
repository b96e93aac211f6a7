"""API schemas of visits (上门), the tool-kit inventory (工具包), massage sessions (推拿)
and interviews (面试). Input schemas refuse unknown fields; times are ISO 8601 with
their zone; money is a string exact to the fen."""
from __future__ import annotations

from marshmallow import Schema, ValidationError, fields, validate, validates_schema

from ..messages import Msg
from ..orders.schemas import StrictSchema
from ..orders.schemas_records import PaymentCreateSchema  # noqa: F401  (a visit's payment)
from ..pagination import PageArgsSchema, page_schema
from .models import INTERVIEW_OUTCOMES, PLACES, VISIT_FOLLOWUP_OUTCOMES

_MAX_INT = 2**31 - 1
_MONEY = {"places": 2, "as_string": True}


def version_field() -> fields.Integer:
    """The ``version`` of the record a change was made from (stale → 409)."""
    return fields.Integer(required=True, validate=validate.Range(
        1, _MAX_INT, error=Msg("Not a valid version number.", "版本号无效。")),
        metadata={"description": "The version you read; a stale one is refused with 409."})


def when(**kw) -> fields.AwareDateTime:
    """A point in time with its zone, e.g. ``2030-05-06T09:00:00+08:00``."""
    return fields.AwareDateTime(**kw)


def _name(obj, attr: str):
    target = getattr(obj, attr, None)
    return target.name if target is not None else None


class _Slot(StrictSchema):
    """A time slot: it ends after it starts."""

    @validates_schema(skip_on_field_errors=True)
    def _ends_after_start(self, data, **kwargs):
        """The end comes after the start."""
        if data.get("ends_at") and data.get("starts_at") and data["ends_at"] <= data["starts_at"]:
            raise ValidationError(Msg("It must end after it starts.", "结束时间须晚于开始时间。"),
                                  "ends_at")


# --------------------------------------------------------------------------------- visits


class VisitTaskSchema(Schema):
    zh = fields.String()
    en = fields.String()


class VisitToolSchema(Schema):
    """One item checked out for a visit and what came back."""

    item_id = fields.Integer()
    item_name = fields.Function(lambda t: t.item.name)
    unit = fields.Function(lambda t: t.item.unit)
    quantity_out = fields.Integer()
    quantity_back = fields.Integer(allow_none=True)
    missing = fields.Integer()


class VisitSchema(Schema):
    """A visit (上门): slot, worker, tools, finish report, confirmation, payment."""

    id = fields.Integer()
    order_id = fields.Integer()
    seq = fields.Integer()
    status = fields.String()
    starts_at = fields.DateTime()
    ends_at = fields.DateTime()
    worker_id = fields.Function(lambda v: v.worker_shown.id if v.worker_shown else None)
    worker_name = fields.Function(lambda v: v.worker_shown.name if v.worker_shown else None)
    tasks = fields.List(fields.Nested(VisitTaskSchema))
    started_at = fields.DateTime(allow_none=True)
    reported_finished_at = fields.DateTime(allow_none=True)
    confirmed_finished_at = fields.DateTime(allow_none=True)
    confirmed_at = fields.DateTime(allow_none=True)
    confirmation_note = fields.String()
    followup_outcome = fields.String(metadata={
        "description": "The short follow-up made in the confirmation call: satisfied / "
                       "not_satisfied ('' before the confirmation)."})
    followup_reason = fields.String()
    sheet_returned_at = fields.DateTime(allow_none=True)
    sheet_filed_by = fields.Function(
        lambda v: v.sheet_filed_by.display_name if v.sheet_filed_by else None)
    sheet_note = fields.String()
    kit_id = fields.Integer(allow_none=True)
    tools_out_at = fields.DateTime(allow_none=True)
    tools_back_at = fields.DateTime(allow_none=True)
    tools_missing = fields.Boolean()
    tools_note = fields.String()
    tools = fields.List(fields.Nested(VisitToolSchema))
    payment_id = fields.Integer(allow_none=True)
    paid_amount = fields.Function(lambda v: f"{v.payment.amount:.2f}" if v.payment else None)
    cancel_reason = fields.String()
    version = fields.Integer()


class VisitTimeSchema(_Slot):
    """Move a planned visit: its new slot and the version read."""

    starts_at = when(required=True)
    ends_at = when(required=True)
    version = version_field()


class AppointmentCancelSchema(StrictSchema):
    """Call something off: the version read and why."""

    version = version_field()
    reason = fields.String(required=True, validate=validate.Length(1, 255))


class VisitStartSchema(StrictSchema):
    """The worker started (default: now)."""

    started_at = when(load_default=None)


class VisitFinishSchema(StrictSchema):
    """The finish time the worker reported (报完工)."""

    finished_at = when(required=True)


class VisitConfirmSchema(StrictSchema):
    """One call to the customer (004): she confirms the finish (``finished_at`` when she
    gives another time) and answers the short follow-up (``outcome``; ``reason`` when
    not satisfied)."""

    finished_at = when(load_default=None)
    outcome = fields.String(required=True, validate=validate.OneOf(
        VISIT_FOLLOWUP_OUTCOMES, error=Msg("Choose satisfied or not_satisfied.",
                                           "请选择满意（satisfied）或不满意（not_satisfied）。")),
        metadata={"description": "The short follow-up's answer: satisfied / not_satisfied."})
    reason = fields.String(load_default="", validate=validate.Length(max=255),
                           metadata={"description": "Why not satisfied (required then)."})
    note = fields.String(load_default="", validate=validate.Length(max=255))


class SheetReturnSchema(StrictSchema):
    """The service sheet (上户表) handed back: when (default now) and a note."""

    returned_at = when(load_default=None)
    note = fields.String(load_default="", validate=validate.Length(max=255))


class SheetQuerySchema(PageArgsSchema):
    """Filters of the list of service sheets not yet returned (``q``: order number;
    ``sort``: finished_at, starts_at, order)."""

    worker_id = fields.Integer(load_default=None)
    dispatcher_id = fields.Integer(load_default=None)
    finished_after = fields.Date(load_default=None)
    finished_before = fields.Date(load_default=None)


class SheetOutstandingSchema(Schema):
    """A visit whose service sheet is not back yet (no customer details)."""

    visit_id = fields.Integer(attribute="id")
    order_id = fields.Integer()
    order_number = fields.Function(lambda v: v.order.number)
    seq = fields.Integer()
    status = fields.String()
    starts_at = fields.DateTime()
    reported_finished_at = fields.DateTime(allow_none=True)
    worker_id = fields.Function(lambda v: v.worker_shown.id if v.worker_shown else None)
    worker_name = fields.Function(lambda v: v.worker_shown.name if v.worker_shown else None)
    dispatcher_name = fields.Function(
        lambda v: v.order.dispatcher.display_name if v.order.dispatcher else None)


SheetOutstandingPageSchema = page_schema(SheetOutstandingSchema, "SheetOutstandingPage")


# ------------------------------------------------------------------------------ tool kits


class ToolCountSchema(StrictSchema):
    """An item and how many."""

    item_id = fields.Integer(required=True)
    quantity = fields.Integer(required=True, validate=validate.Range(0, 10_000))


def _lines(**kw) -> fields.List:
    return fields.List(fields.Nested(ToolCountSchema), **kw)


class CheckOutSchema(StrictSchema):
    """Tools out to the worker (领工具): a kit, or the items (which win), and the worker
    (default the visit's)."""

    kit_id = fields.Integer(load_default=None)
    items = _lines(load_default=None)
    worker_id = fields.Integer(load_default=None)

    @validates_schema(skip_on_field_errors=True)
    def _something(self, data, **kwargs):
        """A kit or items; every count more than 0."""
        if data["kit_id"] is None and not data["items"]:
            raise ValidationError(Msg("Choose a tool kit or list the tools.",
                                      "请选择工具包或列出工具。"), "items")
        if any(line["quantity"] < 1 for line in data["items"] or []):
            raise ValidationError(Msg("Check out at least one of each tool listed.",
                                      "每种工具至少领 1 件。"), "items")


class CountInSchema(StrictSchema):
    """Tools counted back in (清点归还): how many of each came back."""

    items = _lines(required=True)
    note = fields.String(load_default="", validate=validate.Length(max=255))


class ToolItemSchema(Schema):
    """An item of the inventory with its stock count."""

    id = fields.Integer()
    name = fields.String()
    unit = fields.String()
    stock = fields.Integer()
    active = fields.Boolean()
    note = fields.String()
    version = fields.Integer()


_ITEM_NAME = validate.Length(1, 64)


class ToolItemCreateSchema(StrictSchema):
    """A new item: name, unit, how many are on the shelf."""

    name = fields.String(required=True, validate=_ITEM_NAME)
    unit = fields.String(load_default="件", validate=validate.Length(1, 16))
    stock = fields.Integer(load_default=0, validate=validate.Range(0, 1_000_000))
    note = fields.String(load_default="", validate=validate.Length(max=255))


class ToolItemUpdateSchema(StrictSchema):
    """Rename, recount (盘点) or retire an item."""

    version = version_field()
    name = fields.String(validate=_ITEM_NAME)
    unit = fields.String(validate=validate.Length(1, 16))
    stock = fields.Integer(validate=validate.Range(0, 1_000_000))
    active = fields.Boolean()
    note = fields.String(validate=validate.Length(max=255))


class ToolItemQuerySchema(PageArgsSchema):
    """Filters of the item list."""

    active = fields.Boolean(load_default=None)


ToolItemPageSchema = page_schema(ToolItemSchema, "ToolItemPage")


class ToolKitItemSchema(Schema):
    item_id = fields.Integer()
    item_name = fields.Function(lambda line: line.item.name)
    unit = fields.Function(lambda line: line.item.unit)
    quantity = fields.Integer()
    stock = fields.Function(lambda line: line.item.stock)


class ToolKitSchema(Schema):
    """A tool kit (工具包) and its items."""

    id = fields.Integer()
    name = fields.String()
    note = fields.String()
    active = fields.Boolean()
    items = fields.List(fields.Nested(ToolKitItemSchema))
    version = fields.Integer()


def _kit_lines(**kw) -> fields.List:
    return _lines(validate=validate.Length(min=1, error=Msg(
        "A kit holds at least one tool.", "工具包至少包含一种工具。")), **kw)


class ToolKitCreateSchema(StrictSchema):
    """A new kit: a name and its items with counts (each at least 1)."""

    name = fields.String(required=True, validate=_ITEM_NAME)
    note = fields.String(load_default="", validate=validate.Length(max=255))
    items = _kit_lines(required=True)

    @validates_schema(skip_on_field_errors=True)
    def _counts(self, data, **kwargs):
        """Each item at least once."""
        if any(line["quantity"] < 1 for line in data.get("items") or []):
            raise ValidationError(Msg("Each tool at least once.", "每种工具至少 1 件。"), "items")


class ToolKitUpdateSchema(ToolKitCreateSchema):
    """Change a kit: any of name, note, items; ``active`` false retires it."""

    version = version_field()
    name = fields.String(validate=_ITEM_NAME)
    note = fields.String(validate=validate.Length(max=255))
    items = _kit_lines()
    active = fields.Boolean()


class KitQuerySchema(StrictSchema):
    """``all=true`` lists retired kits too."""

    all = fields.Boolean(load_default=False)


# ------------------------------------------------------------------------------- sessions


class SessionPackageSchema(Schema):
    """The package bought and where it stands (sessions left = 剩余次数)."""

    sessions = fields.Integer()
    done = fields.Integer()
    booked = fields.Integer()
    remaining = fields.Integer()
    place = fields.String(allow_none=True)
    price = fields.Decimal(allow_none=True, **_MONEY)
    per_session = fields.Decimal(allow_none=True, **_MONEY)


class SessionSchema(Schema):
    """A 小儿推拿 session."""

    id = fields.Integer()
    order_id = fields.Integer()
    status = fields.String()
    starts_at = fields.DateTime()
    ends_at = fields.DateTime()
    place = fields.String()
    address = fields.String()
    worker_id = fields.Integer(allow_none=True)
    worker_name = fields.Function(lambda s: _name(s, "worker"))
    done_at = fields.DateTime(allow_none=True)
    cancel_reason = fields.String()
    note = fields.String()
    version = fields.Integer()


class SessionListSchema(Schema):
    """The order's package and its sessions."""

    package = fields.Nested(SessionPackageSchema, allow_none=True)
    sessions = fields.List(fields.Nested(SessionSchema))


_PLACE = validate.OneOf(PLACES)


class SessionBookSchema(_Slot):
    """Book a session: when, where (default the intake's), the worker (default the
    order's)."""

    starts_at = when(required=True)
    ends_at = when(required=True)
    place = fields.String(load_default=None, validate=_PLACE)
    address = fields.String(load_default=None, validate=validate.Length(max=300))
    worker_id = fields.Integer(load_default=None)
    note = fields.String(load_default="", validate=validate.Length(max=500))


class SessionRebookSchema(_Slot):
    """Move a booked session (改约)."""

    version = version_field()
    starts_at = when(required=True)
    ends_at = when(required=True)
    place = fields.String(load_default=None, validate=_PLACE)
    address = fields.String(load_default=None, validate=validate.Length(max=300))


class SessionDoneSchema(StrictSchema):
    """A session done (default: when it was booked to end, or now)."""

    done_at = when(load_default=None)
    note = fields.String(load_default="", validate=validate.Length(max=500))


# ----------------------------------------------------------------------------- interviews


class OrderInterviewSchema(Schema):
    """An interview (面试) and its outcome."""

    id = fields.Integer()
    order_id = fields.Integer()
    worker_id = fields.Integer()
    worker_name = fields.Function(lambda i: _name(i, "worker"))
    status = fields.String()
    scheduled_at = fields.DateTime()
    place = fields.String()
    reason = fields.String()
    note = fields.String()
    outcome_at = fields.DateTime(allow_none=True)
    outcome_by = fields.Function(lambda i: i.outcome_by.display_name if i.outcome_by else None)
    version = fields.Integer()


class OrderInterviewArrangeSchema(StrictSchema):
    """Arrange an interview: when, where, the worker (default the order's)."""

    scheduled_at = when(required=True)
    place = fields.String(required=True, validate=validate.Length(1, 200))
    worker_id = fields.Integer(load_default=None)
    note = fields.String(load_default="", validate=validate.Length(max=500))


class OrderInterviewMoveSchema(StrictSchema):
    """Move an arranged interview."""

    version = version_field()
    scheduled_at = when(required=True)
    place = fields.String(load_default=None, validate=validate.Length(1, 200))


class OrderInterviewCancelSchema(StrictSchema):
    """Call off an arranged interview."""

    version = version_field()
    reason = fields.String(load_default="", validate=validate.Length(max=500))


class OrderInterviewOutcomeSchema(StrictSchema):
    """How it went: passed, failed (say why) or no show."""

    version = version_field()
    outcome = fields.String(required=True, validate=validate.OneOf(INTERVIEW_OUTCOMES))
    reason = fields.String(load_default="", validate=validate.Length(max=500))
    held_at = when(load_default=None)

    @validates_schema(skip_on_field_errors=True)
    def _reason_when_failed(self, data, **kwargs):
        """A failed interview says why."""
        if data["outcome"] == "failed" and not data["reason"].strip():
            raise ValidationError(Msg("Say why the interview failed.",
                                      "请写明面试未通过的原因。"), "reason")
