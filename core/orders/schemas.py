"""Orders API schemas: orders, quotes, transitions and the order's history.

Contracts, payments and approvals are in :mod:`core.orders.schemas_records`.
"""
from __future__ import annotations

from decimal import Decimal

from marshmallow import RAISE, Schema, fields, validate

from ..messages import Msg
from ..money import Money
from ..pagination import PageArgsSchema, page_schema
from ..privacy import mask_mobile
from .models import CANCEL_REASONS, STATES

_MAX_INT = 2**31 - 1
_VERSION = Msg("Not a valid version number.", "版本号无效。")


def version_field() -> fields.Integer:
    """The ``version`` a change was made from (stale → 409)."""
    return fields.Integer(required=True, validate=validate.Range(1, _MAX_INT, error=_VERSION),
                          metadata={"description": "The order's version you read; a stale "
                                                   "one is refused with 409."})


_TOO_MUCH = Msg("The amount is too large.", "金额过大。")


def money_field(**kw) -> Money:
    """A non-negative yuan amount, exact to the fen, as a string (``"800.00"``; floats
    are refused so no amount is ever rounded on the way in)."""
    extra = kw.pop("validate", None)
    checks = [validate.Range(max=Decimal("9999999999.99"), error=_TOO_MUCH)]
    return Money(validate=checks + ([extra] if extra else []),
                 metadata={"type": "string", "example": "800.00", **kw.pop("metadata", {})},
                 **kw)


class StrictSchema(Schema):
    """Input schema: unknown fields are refused."""

    class Meta:
        unknown = RAISE


class QuoteLineSchema(Schema):
    label_zh = fields.String()
    label_en = fields.String()
    quantity = fields.String()
    unit = fields.String()
    unit_price = fields.String()
    amount = fields.String()


class QuoteSchema(Schema):
    """A price (报价) with its line-by-line breakdown; money as strings."""

    service_line = fields.String()
    total = fields.String()
    currency = fields.String()
    minimum_applied = fields.Boolean()
    table_floor = fields.String(allow_none=True)
    notes_zh = fields.String()
    notes_en = fields.String()
    lines = fields.List(fields.Nested(QuoteLineSchema))
    price_table_version = fields.Integer(metadata={"description": "0: the plugin's default"})


class QuotePreviewSchema(StrictSchema):
    """A service line and an intake to price, nothing saved."""

    service_line = fields.String(required=True)
    intake = fields.Dict(required=True)


def customer_name(customer) -> str:
    """The customer's name as the current person may see it (a closed top-secret file: 王**)."""
    from ..access import current_principal
    from ..customers import disclosure

    return disclosure.shown_name(customer, current_principal())


def _opens(order) -> bool:
    from ..access import current_principal
    from ..customers import disclosure

    return disclosure.may_open(order.customer, current_principal())


def _customer_mobile(order) -> str | None:
    return mask_mobile(order.customer.mobile) if _opens(order) else None


def _intake(order) -> dict | None:
    """The intake, without the address when the customer's file is closed to the reader."""
    if order.intake is None or _opens(order):
        return order.intake
    return {k: v for k, v in order.intake.items() if k not in ("address", "address_text")}


class OrderSchema(Schema):
    """An order with its quote snapshot, money position and the moves it may make."""

    id = fields.Integer()
    number = fields.String()
    service_line = fields.String()
    customer_id = fields.Integer()
    customer_name = fields.Function(lambda o: customer_name(o.customer))
    customer_mobile = fields.Function(_customer_mobile, allow_none=True, metadata={
        "description": "masked; null when the customer's file is closed to you"})
    address_id = fields.Integer(allow_none=True)
    address_text = fields.Function(lambda o: o.address_text if _opens(o) else None,
                                   allow_none=True, metadata={
        "description": "null when the customer's file is closed to you (docs/privacy.md)"})
    customer_withheld = fields.Function(lambda o: not _opens(o), metadata={
        "description": "the customer's file is closed to you: her data is withheld"})
    dispatcher_id = fields.Integer()
    dispatcher_name = fields.Function(lambda o: o.dispatcher.display_name)
    state = fields.String()
    intake = fields.Function(_intake, allow_none=True)
    quote = fields.Function(lambda o: o.quote_detail)
    quote_total = fields.Decimal(places=2, as_string=True, allow_none=True)
    agreed_price = fields.Decimal(places=2, as_string=True, allow_none=True)
    worker_id = fields.Integer(allow_none=True)
    worker_name = fields.Function(lambda o: o.worker.name if o.worker else None)
    start_date = fields.Date(allow_none=True)
    end_date = fields.Date(allow_none=True)
    cancel_reason = fields.String(allow_none=True)
    cancel_note = fields.String()
    note = fields.String()
    paid_confirmed = fields.Function(lambda o: str(o.money["paid_confirmed"]))
    paid_unconfirmed = fields.Function(lambda o: str(o.money["paid_unconfirmed"]))
    outstanding = fields.Function(lambda o: None if o.money["outstanding"] is None
                                  else str(o.money["outstanding"]))
    next_states = fields.Function(lambda o: getattr(o, "next_states", []))
    created_at = fields.DateTime()
    updated_at = fields.DateTime()
    version = fields.Integer()


class OrderCreateSchema(StrictSchema):
    """A new order: the line, the customer and (optionally) the intake to quote."""

    service_line = fields.String(required=True)
    customer_id = fields.Integer(required=True, validate=validate.Range(1, _MAX_INT))
    address_id = fields.Integer(validate=validate.Range(1, _MAX_INT))
    intake = fields.Dict(metadata={"description": "As the line's intake schema asks; "
                                                  "without it the order is an enquiry."})
    agreed_price = money_field()
    price_reason = fields.String(validate=validate.Length(max=500), metadata={
        "description": "Why, when the agreed price is below the table (needs approval)."})
    term_reason = fields.String(validate=validate.Length(max=500))
    dispatcher_id = fields.Integer(validate=validate.Range(1, _MAX_INT))
    note = fields.String(load_default="", validate=validate.Length(max=2000))
    late_entry_reason = fields.String(validate=validate.Length(max=500), metadata={
        "description": "An order entered after the fact (补录): why its start date is "
                       "already past (without it a past date is refused); kept in the "
                       "history"})


class OrderUpdateSchema(StrictSchema):
    """Changes to an order, with the version they were made from."""

    version = version_field()
    intake = fields.Dict()
    agreed_price = money_field()
    price_reason = fields.String(validate=validate.Length(max=500))
    term_reason = fields.String(validate=validate.Length(max=500))
    address_id = fields.Integer(validate=validate.Range(1, _MAX_INT))
    dispatcher_id = fields.Integer(validate=validate.Range(1, _MAX_INT))
    note = fields.String(validate=validate.Length(max=2000))
    start_date = fields.Date(metadata={"description": "new 上户 date: moves the service "
                                       "period as POST /orders/<id>/period does (alone)"})
    end_date = fields.Date(metadata={"description": "new 下户 date (as start_date)"})
    period_reason = fields.String(validate=validate.Length(max=500),
                                  metadata={"description": "why the dates move"})
    late_entry_reason = fields.String(validate=validate.Length(max=500), metadata={
        "description": "补录: why a date moved into the past (an intake date, or the 上户 "
                       "of an order not yet in service) is entered after the fact"})


class PeriodMoveSchema(StrictSchema):
    """Move the order's service period: 上户 (``start_date``), 下户 (``end_date``) or both."""

    version = version_field()
    start_date = fields.Date(load_default=None, metadata={"description": "new 上户 date"})
    end_date = fields.Date(load_default=None, metadata={
        "description": "new 下户 date (the planned one while in service)"})
    reason = fields.String(load_default="", validate=validate.Length(max=500), metadata={
        "description": "why (kept in the history; required to correct a finished or "
                       "cancelled order's dates — supervisors only — and when a new term "
                       "is outside the line's standard terms)"})
    late_entry_reason = fields.String(load_default="", validate=validate.Length(max=500),
                                      metadata={"description": "补录: a 上户 already past on "
                                                "an order not yet in service (or reason)"})


class TransitionSchema(StrictSchema):
    """A move of the order's state, with the facts the move needs."""

    to = fields.String(required=True, validate=validate.OneOf(STATES))
    version = version_field()
    start_date = fields.Date(metadata={"description": "上户 date, for in_service"})
    end_date = fields.Date(metadata={"description": "下户 date, for finished"})
    cancel_reason = fields.String(validate=validate.OneOf(CANCEL_REASONS))
    cancel_note = fields.String(load_default="", validate=validate.Length(max=255))
    note = fields.String(load_default="", validate=validate.Length(max=500))
    finish_reason = fields.String(load_default="", validate=validate.Length(max=500), metadata={
        "description": "finished with a 下户 date still ahead: why (required then)"})
    start_reason = fields.String(load_default="", validate=validate.Length(max=500), metadata={
        "description": "in_service with a 上户 date before the signed contract's start: "
                       "why (required then)"})


class AssignWorkerSchema(StrictSchema):
    """Assign a worker, or replace the current one (换人: reason required)."""

    worker_id = fields.Integer(required=True, validate=validate.Range(1, _MAX_INT))
    version = version_field()
    reason = fields.String(load_default="", validate=validate.Length(max=255))
    change_date = fields.Date(metadata={"description": "When the new worker takes over "
                                                       "(default today)."})
    worker_salary = money_field(metadata={"description": "The new worker's salary, if it "
                                                         "differs, for the new contract."})


class OrderQuerySchema(PageArgsSchema):
    """Filters of the order list."""

    service_line = fields.String(load_default=None)
    state = fields.String(load_default=None, validate=validate.OneOf(STATES))
    dispatcher_id = fields.Integer(load_default=None)
    worker_id = fields.Integer(load_default=None)
    customer_id = fields.Integer(load_default=None)
    created_from = fields.Date(load_default=None)
    created_to = fields.Date(load_default=None)
    unpaid = fields.Boolean(load_default=None)


class OrderEventSchema(Schema):
    """One entry of the order's history."""

    id = fields.Integer()
    at = fields.DateTime()
    actor_id = fields.Integer(allow_none=True)
    actor = fields.Function(lambda e: e.actor.display_name if e.actor else None)
    kind = fields.String()
    from_state = fields.String(allow_none=True)
    to_state = fields.String(allow_none=True)
    note = fields.String()
    data = fields.Dict(allow_none=True)


OrderPageSchema = page_schema(OrderSchema, "OrderPage")
