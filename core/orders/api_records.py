"""Orders API, continued: contracts, payments and approvals (same blueprint)."""
from ..access import current_principal, roles
from . import approvals, contracts, payments, service
from .api import READERS, WRITERS
from .blueprint import blp
from .schemas_records import (
    ApprovalDecisionSchema,
    ApprovalPageSchema,
    ApprovalQuerySchema,
    ApprovalRequestSchema,
    ApprovalSchema,
    ContractCreateSchema,
    ContractSchema,
    ContractSignSchema,
    PaymentCreateSchema,
    PaymentSchema,
)


def _me() -> int:
    return current_principal().id


# ------------------------------------------------------------------------------ contracts


@blp.route("/orders/<int:order_id>/contracts")
@roles(*WRITERS)
@blp.response(200, ContractSchema(many=True))
def list_contracts(order_id):
    """Every contract version of the order, oldest first (replaced ones included)."""
    return contracts.versions(service.get_order(order_id))


@blp.route("/orders/<int:order_id>/contracts", methods=["POST"])
@roles(*WRITERS)
@blp.arguments(ContractCreateSchema)
@blp.response(201, ContractSchema)
def draft_contract(data, order_id):
    """Draft the three-party contract for the order's worker (lines that sign one);
    a term outside the standard terms needs ``term_reason`` and an approval."""
    return contracts.draft(service.get_order(order_id), actor_id=_me(), **data)


@blp.route("/orders/<int:order_id>/contracts/<int:contract_id>/sign", methods=["POST"])
@roles(*WRITERS)
@blp.arguments(ContractSignSchema)
@blp.response(200, ContractSchema)
def sign_contract(data, order_id, contract_id):
    """Record the signing of a draft; the parties' identities are copied into it."""
    order = service.get_order(order_id)
    return contracts.sign(order, contracts.get(order, contract_id), data["signed_on"], _me())


# ------------------------------------------------------------------------------- payments


@blp.route("/orders/<int:order_id>/payments")
@roles(*READERS)
@blp.response(200, PaymentSchema(many=True))
def list_payments(order_id):
    """Payments collected for the order, oldest first."""
    return payments.of_order(service.get_order(order_id))


@blp.route("/orders/<int:order_id>/payments", methods=["POST"])
@roles(*WRITERS)
@blp.arguments(PaymentCreateSchema)
@blp.response(201, PaymentSchema)
def collect_payment(data, order_id):
    """Record money collected from the customer (WeChat, cash, bank transfer)."""
    return payments.collect(service.get_order(order_id), actor_id=_me(), **data)


@blp.route("/payments/<int:payment_id>/handover", methods=["POST"])
@roles(*WRITERS)
@blp.response(200, PaymentSchema)
def hand_over_payment(payment_id):
    """The collector hands the money to finance (交财务)."""
    return payments.hand_over(payments.get(payment_id), _me())


@blp.route("/payments/<int:payment_id>/confirm", methods=["POST"])
@roles("finance")
@blp.response(200, PaymentSchema)
def confirm_payment(payment_id):
    """Finance confirms it received the money (财务确认)."""
    return payments.confirm(payments.get(payment_id), _me())


# ------------------------------------------------------------------------------ approvals


@blp.route("/approvals")
@roles(*WRITERS)
@blp.arguments(ApprovalQuerySchema, location="query")
@blp.response(200, ApprovalPageSchema)
def list_approvals(args):
    """Exception requests (特批), oldest first; ``status=pending`` for the supervisor's
    queue."""
    args.pop("q", None)
    return approvals.search(**args)


@blp.route("/orders/<int:order_id>/approvals", methods=["POST"])
@roles(*WRITERS)
@blp.arguments(ApprovalRequestSchema)
@blp.response(201, ApprovalSchema)
def ask_approval(data, order_id):
    """Ask a supervisor for an exception (who asks, why, what); the order waits."""
    return approvals.ask(service.get_order(order_id), data["kind"], data["reason"],
                         data["detail"], _me())


@blp.route("/approvals/<int:approval_id>/approve", methods=["POST"])
@roles("supervisor")
@blp.arguments(ApprovalDecisionSchema)
@blp.response(200, ApprovalSchema)
def approve(data, approval_id):
    """Approve a pending request (supervisor); who and when are kept."""
    return approvals.decide(approvals.get(approval_id), True, data["note"], _me())


@blp.route("/approvals/<int:approval_id>/reject", methods=["POST"])
@roles("supervisor")
@blp.arguments(ApprovalDecisionSchema)
@blp.response(200, ApprovalSchema)
def reject(data, approval_id):
    """Reject a pending request (supervisor); the order stays blocked until the fact is
    put back within policy."""
    return approvals.decide(approvals.get(approval_id), False, data["note"], _me())
