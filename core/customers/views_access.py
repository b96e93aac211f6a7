"""Pages for access requests and grants (查阅申请与授权): ask on a closed file's page,
decide and revoke in the approvers' queue."""
from flask import flash, redirect, render_template, request, url_for
from flask_babel import gettext as _

from ..access import current_principal, roles
from ..errors import DomainError
from ..i18n import reader_text
from ..pagination import PageArgsSchema
from ..webforms import parse_form
from . import forms, grants, service
from .blueprint import bp
from .models import CONFIDENTIALITY
from .models_access import REQUEST_STATES
from .schemas_access import AccessRequestInSchema, DecisionInSchema
from .views import LABELS, READ, closed_page

STATE_LABELS = {**REQUEST_STATES, "active": ("生效中", "In force"),
                "expired": ("已过期", "Expired")}


@bp.get("/access-requests")
@roles(*READ)
def access_requests():
    """The requests: an approver's queue (pending by default for approvers) and one's own."""
    actor = current_principal()
    state = request.args.get("state") or None
    if state not in STATE_LABELS:
        state = None
    mine = request.args.get("mine") == "1"
    paging = PageArgsSchema().load({"page": request.args.get("page", "1")}
                                   if request.args.get("page", "1").isdigit() else {})
    page = grants.search(actor, state=state, mine=mine, page=min(paging["page"], 100_000))
    page["items"] = [grants.view(r, actor) for r in page["items"]]
    return render_template("customers/access_requests.html", page=page, args=request.args,
                           states=STATE_LABELS, levels=CONFIDENTIALITY, labels=LABELS,
                           pending=grants.pending_count(actor))


@bp.post("/<int:customer_id>/access-requests")
@roles(*READ)
def ask_access(customer_id):
    """Ask for access from the closed file's page (the file's id is the page's)."""
    actor = current_principal()
    try:
        data = parse_form(AccessRequestInSchema(exclude=("customer_id",)))
        grants.ask(customer_id, actor, data["reason"], data["hours"])
    except DomainError as exc:
        customer = service.get_customer(customer_id)
        return closed_page(customer, actor, form=request.form, errors=forms.errors_of(exc),
                           status=exc.status)
    flash(_("查阅申请已提交，等待审批"))
    return redirect(url_for("customers.detail", customer_id=customer_id))


def _decide(action, request_id, message: str, with_note: bool = True):
    actor = current_principal()
    try:
        args = parse_form(DecisionInSchema()) if with_note else {}
        action(request_id, actor, **args)
        flash(message)
    except DomainError as exc:
        for messages in forms.errors_of(exc).values():
            for m in messages:
                flash(reader_text(m), "error")
    return redirect(url_for("customers.access_requests"))


@bp.post("/access-requests/<int:request_id>/approve")
@roles("supervisor")
def approve_access(request_id):
    """Approve a request (the grant starts now)."""
    return _decide(grants.approve, request_id, _("已批准"))


@bp.post("/access-requests/<int:request_id>/refuse")
@roles("supervisor")
def refuse_access(request_id):
    """Refuse a request."""
    return _decide(grants.refuse, request_id, _("已拒绝"))


@bp.post("/access-requests/<int:request_id>/revoke")
@roles("supervisor")
def revoke_access(request_id):
    """End a grant now."""
    return _decide(grants.revoke, request_id, _("授权已撤销"), with_note=False)


@bp.post("/access-requests/<int:request_id>/withdraw")
@roles(*READ)
def withdraw_access(request_id):
    """Withdraw one's own pending request."""
    return _decide(grants.withdraw, request_id, _("申请已撤回"), with_note=False)
