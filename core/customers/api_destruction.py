"""Destruction of customer files (档案销毁) under /api/v1/customers/destructions.

The desk proposes; two supervisors or admins other than the proposer approve; the second
approval destroys the file's personal data (see :mod:`core.customers.destruction`).
"""
from ..access import current_principal, roles
from . import destruction
from .blueprint import blp
from .schemas_access import (
    DecisionInSchema,
    DestructionInSchema,
    DestructionPageSchema,
    DestructionQuerySchema,
    DestructionSchema,
)


@blp.route("/<int:customer_id>/destruction", methods=["POST"])
@roles(*destruction.PROPOSER_ROLES)
@blp.arguments(DestructionInSchema)
@blp.response(201, DestructionSchema)
def propose_destruction(data, customer_id):
    """Propose destroying a file (obsolete, or the customer asked: PIPL art. 47). 404: no
    such file; 409: one is pending, it is destroyed, or her orders are still open."""
    actor = current_principal()
    row = destruction.propose(customer_id, actor, data["reason"], data["note"])
    return destruction.view(row, actor)


@blp.route("/destructions")
@roles("supervisor")
@blp.arguments(DestructionQuerySchema, location="query")
@blp.response(200, DestructionPageSchema)
def list_destructions(args):
    """Destruction proposals, newest first (``state=proposed``: the approvers' queue)."""
    actor = current_principal()
    args.pop("q", None)
    page = destruction.search(**args)
    page["items"] = [destruction.view(r, actor) for r in page["items"]]
    return page


@blp.route("/destructions/<int:proposal_id>/approve", methods=["POST"])
@roles("supervisor")
@blp.response(200, DestructionSchema)
def approve_destruction(proposal_id):
    """Approve (never one's own proposal, once each); the second approval destroys."""
    actor = current_principal()
    return destruction.view(destruction.approve(proposal_id, actor), actor)


@blp.route("/destructions/<int:proposal_id>/refuse", methods=["POST"])
@roles("supervisor")
@blp.arguments(DecisionInSchema)
@blp.response(200, DestructionSchema)
def refuse_destruction(data, proposal_id):
    """Refuse a pending proposal (a supervisor or admin, not the proposer): the file stays."""
    actor = current_principal()
    return destruction.view(destruction.refuse(proposal_id, actor, data["note"]), actor)


@blp.route("/destructions/<int:proposal_id>/cancel", methods=["POST"])
@roles(*destruction.PROPOSER_ROLES)
@blp.response(200, DestructionSchema)
def cancel_destruction(proposal_id):
    """Cancel a pending proposal (the proposer or an admin)."""
    actor = current_principal()
    return destruction.view(destruction.cancel(proposal_id, actor), actor)
