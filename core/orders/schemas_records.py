"""API schemas of what is recorded on an order: contracts, payments, approvals."""
from __future__ import annotations

from marshmallow import Schema, ValidationError, fields, validate, validates_schema

from ..messages import Msg
from ..pagination import PageArgsSchema, page_schema
from .records import APPROVAL_KINDS, APPROVAL_STATUSES, PAYMENT_METHODS
from .schemas import StrictSchema, money_field

_MONEY = {"places": 2, "as_string": True}


class ContractSchema(Schema):
    """One version of the three-party contract (三方合同)."""

    id = fields.Integer()
    order_id = fields.Integer()
    number = fields.String()
    version = fields.Integer()
    status = fields.String()
    worker_id = fields.Integer()
    worker_name = fields.Function(lambda c: c.worker.name)
    start_date = fields.Date()
    end_date = fields.Date()
    term_days = fields.Integer()
    service_fee = fields.Decimal(**_MONEY)
    worker_salary = fields.Decimal(**_MONEY)
    deposit = fields.Decimal(**_MONEY)
    final_payment = fields.Decimal(**_MONEY)
    signed_on = fields.Date(allow_none=True)
    replaces_id = fields.Integer(allow_none=True)
    replaced_on = fields.Date(allow_none=True)
    days_served = fields.Integer(allow_none=True)
    replacement_reason = fields.String()
    created_at = fields.DateTime()


class ContractCreateSchema(StrictSchema):
    """Draft a contract for the order's worker: term and fees (定金 deposit, 尾款 final)."""

    start_date = fields.Date(required=True)
    end_date = fields.Date(required=True)
    service_fee = money_field(load_default=None, metadata={
        "description": "The customer's service fee to the company"})
    worker_salary = money_field(load_default=None)
    deposit = money_field(load_default=None, metadata={"description": "定金"})
    final_payment = money_field(load_default=None, metadata={"description": "尾款"})
    term_reason = fields.String(validate=validate.Length(max=500), metadata={
        "description": "Why, when the term is outside the standard terms (needs approval)."})

    @validates_schema(skip_on_field_errors=True)
    def _term(self, data, **kwargs):
        """The term cannot end before it starts."""
        if data["end_date"] < data["start_date"]:
            raise ValidationError(Msg("The term cannot end before it starts.",
                                      "合同结束日期不能早于开始日期。"), "end_date")


class ContractSignSchema(StrictSchema):
    """The date the three parties signed."""

    signed_on = fields.Date(required=True)


class PaymentSchema(Schema):
    """A payment collected for an order."""

    id = fields.Integer()
    order_id = fields.Integer()
    amount = fields.Decimal(**_MONEY)
    method = fields.String()
    collected_by_id = fields.Integer()
    collected_by = fields.Function(lambda p: p.collected_by.display_name)
    collected_at = fields.DateTime()
    handed_to_finance_at = fields.DateTime(allow_none=True)
    confirmed_by_id = fields.Integer(allow_none=True)
    confirmed_by = fields.Function(lambda p: p.confirmed_by.display_name
                                   if p.confirmed_by else None)
    confirmed_at = fields.DateTime(allow_none=True)
    note = fields.String()


class PaymentCreateSchema(StrictSchema):
    """Money collected: amount (more than 0), method, when (default now)."""

    amount = money_field(required=True, validate=validate.Range(
        min=0, min_inclusive=False, error=Msg("The amount must be more than 0.",
                                              "金额必须大于 0。")))
    method = fields.String(required=True, validate=validate.OneOf(PAYMENT_METHODS))
    collected_at = fields.AwareDateTime(load_default=None)
    note = fields.String(load_default="", validate=validate.Length(max=255))


class ApprovalSchema(Schema):
    """An exception request (特批) and its decision."""

    id = fields.Integer()
    order_id = fields.Integer()
    order_number = fields.Function(lambda a: a.order.number)
    kind = fields.String()
    reason = fields.String()
    detail = fields.Dict(allow_none=True)
    status = fields.String()
    requested_by_id = fields.Integer(allow_none=True)
    requested_by = fields.Function(lambda a: a.requested_by.display_name
                                   if a.requested_by else None)
    requested_at = fields.DateTime()
    decided_by_id = fields.Integer(allow_none=True)
    decided_by = fields.Function(lambda a: a.decided_by.display_name if a.decided_by else None)
    decided_at = fields.DateTime(allow_none=True)
    decision_note = fields.String()


class ApprovalRequestSchema(StrictSchema):
    """Ask a supervisor for an exception not raised automatically (gifts, terms …)."""

    kind = fields.String(load_default="other", validate=validate.OneOf(APPROVAL_KINDS))
    reason = fields.String(required=True, validate=validate.Length(1, 500))
    detail = fields.Dict(load_default=None)


class ApprovalDecisionSchema(StrictSchema):
    """A supervisor's note on the decision."""

    note = fields.String(load_default="", validate=validate.Length(max=500))


class ApprovalQuerySchema(PageArgsSchema):
    """Filters of the approvals list."""

    status = fields.String(load_default=None, validate=validate.OneOf(APPROVAL_STATUSES))
    order_id = fields.Integer(load_default=None)


ApprovalPageSchema = page_schema(ApprovalSchema, "ApprovalPage")
