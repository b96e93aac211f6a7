"""Access requests and grants API (查阅申请与授权) under /api/v1/customers/access-requests.

Anyone who reads customers may ask; supervisors decide requests for confidential (机密)
files, admins for top-secret (绝密) ones, never their own.
"""
from ..access import current_principal, roles
from . import grants
from .api import READ
from .blueprint import blp
from .schemas_access import (
    AccessRequestInSchema,
    AccessRequestPageSchema,
    AccessRequestQuerySchema,
    AccessRequestSchema,
    DecisionInSchema,
)


@blp.route("/access-requests")
@roles(*READ)
@blp.arguments(AccessRequestQuerySchema, location="query")
@blp.response(200, AccessRequestPageSchema)
def list_access_requests(args):
    """Your requests and, for approvers, the ones you may decide (``state=pending``: the
    approver's queue), newest first."""
    actor = current_principal()
    args.pop("q", None)
    page = grants.search(actor, **args)
    page["items"] = [grants.view(r, actor) for r in page["items"]]
    return page


@blp.route("/access-requests", methods=["POST"])
@roles(*READ)
@blp.arguments(AccessRequestInSchema)
@blp.response(201, AccessRequestSchema)
def ask_access(data):
    """Ask to read a confidential or top-secret file for a reason and a number of hours
    (422: a file that needs no request, or longer than the policy allows; 409: you may
    already read it, or have asked already)."""
    actor = current_principal()
    return grants.view(grants.ask(data["customer_id"], actor, data["reason"], data["hours"]),
                       actor)


@blp.route("/access-requests/<int:request_id>")
@roles(*READ)
@blp.response(200, AccessRequestSchema)
def get_access_request(request_id):
    """One request (yours, or one you may decide)."""
    actor = current_principal()
    row = grants.get_request(request_id)
    grants.check_may_see(row, actor)
    return grants.view(row, actor)


def _decision(action, request_id, data=None):
    actor = current_principal()
    row = action(request_id, actor, **(data or {}))
    return grants.view(row, actor)


@blp.route("/access-requests/<int:request_id>/approve", methods=["POST"])
@roles("supervisor")
@blp.arguments(DecisionInSchema)
@blp.response(200, AccessRequestSchema)
def approve_access(data, request_id):
    """Approve: the grant runs from now for the hours asked, then ends by itself."""
    return _decision(grants.approve, request_id, data)


@blp.route("/access-requests/<int:request_id>/refuse", methods=["POST"])
@roles("supervisor")
@blp.arguments(DecisionInSchema)
@blp.response(200, AccessRequestSchema)
def refuse_access(data, request_id):
    """Refuse a pending request."""
    return _decision(grants.refuse, request_id, data)


@blp.route("/access-requests/<int:request_id>/revoke", methods=["POST"])
@roles("supervisor")
@blp.response(200, AccessRequestSchema)
def revoke_access(request_id):
    """End a grant in force before its time."""
    return _decision(grants.revoke, request_id)


@blp.route("/access-requests/<int:request_id>/withdraw", methods=["POST"])
@roles(*READ)
@blp.response(200, AccessRequestSchema)
def withdraw_access(request_id):
    """Withdraw your own pending request."""
    return _decision(grants.withdraw, request_id)
