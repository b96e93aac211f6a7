"""Pages for keeping the files up to date (档案核定): the desk's duties, the files not
re-checked this quarter, and the destruction proposals (档案销毁) for the approvers."""
import sqlalchemy as sa
from flask import flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from marshmallow import EXCLUDE, ValidationError, fields

from ..access import current_principal, roles
from ..errors import DomainError, Invalid
from ..extensions import db
from ..inputs import load as load_checked
from ..webforms import parse_form
from . import checks, destruction, disclosure, forms
from .blueprint import bp
from .models import CONFIDENTIALITY, Customer
from .models_access import DESTRUCTION_REASONS, DESTRUCTION_STATES
from .models_checks import DUTY_KINDS
from .schemas_access import DecisionInSchema, DestructionInSchema, DestructionQuerySchema
from .schemas_checks import DUTY_STATES, DutyQuerySchema, FileNoteInSchema, UncheckedQuerySchema
from .views import LABELS

#: where a button sends the person back to, read with the form (before the step): ``next``
#: is "file" (this file's page) or a file's number, ``state`` the queue's filter; each is
#: only compared or handed to url_for, never taken as a URL
_BACK = {"next": fields.String(load_default=""), "state": fields.String(load_default="")}


def _args(schema, errors: dict) -> dict:
    raw = {k: v for k, v in request.args.items() if v.strip()}
    try:
        return load_checked(schema, raw, unknown=EXCLUDE)
    except ValidationError as exc:
        errors.update(forms.errors_of(exc))
        return load_checked(schema, {})


def _flash_errors(exc: DomainError) -> None:
    """Flash a refusal (the step, refused, has already rolled back)."""
    for messages in forms.errors_of(exc).values():
        for m in messages:
            flash(m["zh"] + " " + m["en"], "error")


def _list(search, args: dict, errors: dict):
    try:
        return search(args)
    except Invalid as exc:  # an unknown sort key typed into the address bar
        errors.update(forms.errors_of(exc))
        return search({**args, "sort": None})


@bp.get("/file-duties")
@roles(*checks.DUTY_ROLES)
def file_duties():
    """The desk's duties from 003: each week's additions and adjustments, each quarter's
    re-check; who did them and when; overdue ones first to see."""
    checks.ensure_duties()
    errors = {}
    args = _args(DutyQuerySchema(), errors)
    args.pop("q", None)
    page = _list(lambda a: checks.search_duties(**a), args, errors)
    page["items"] = [checks.duty_view(d) for d in page["items"]]
    status = 400 if errors else 200
    return render_template("customers/file_duties.html", page=page, args=request.args,
                           errors=errors, kinds=DUTY_KINDS, states=DUTY_STATES,
                           unchecked=checks.unchecked_count(),
                           quarter=checks.quarter_of(checks.business_today())), status


@bp.post("/file-duties/<int:duty_id>/done")
@roles(*checks.DUTY_ROLES)
def complete_duty(duty_id):
    """Mark a duty done (with an optional note)."""
    try:
        data = parse_form(FileNoteInSchema())
        checks.complete(duty_id, current_principal(), data["note"])
        flash(_("任务已完成"))
    except DomainError as exc:
        _flash_errors(exc)
    return redirect(url_for("customers.file_duties"))


@bp.get("/unchecked")
@roles(*checks.DUTY_ROLES)
def unchecked():
    """Files not re-checked this quarter, oldest re-check first, each with a button."""
    errors = {}
    args = _args(UncheckedQuerySchema(), errors)
    user = current_principal()
    page = _list(lambda a: checks.unchecked(user, **a), args, errors)
    return render_template("customers/unchecked.html", page=page, args=request.args,
                           errors=errors, labels=LABELS, levels=CONFIDENTIALITY,
                           quarter=checks.quarter_of(checks.business_today())), \
        400 if errors else 200


@bp.post("/<int:customer_id>/checks")
@roles(*checks.DUTY_ROLES)
def check_file(customer_id):
    """Record a re-check of the file today; back to where the button was."""
    back = parse_form(_BACK)["next"]
    try:
        data = parse_form(FileNoteInSchema())
        checks.mark_checked(customer_id, current_principal(), data["note"])
        flash(_("档案已核定"))
    except DomainError as exc:
        _flash_errors(exc)
    if back != "file":
        return redirect(url_for("customers.unchecked"))
    return redirect(url_for("customers.detail", customer_id=customer_id))


# ---- destruction (档案销毁) ---------------------------------------------------------------

@bp.get("/destructions")
@roles(*destruction.APPROVER_ROLES)
def destructions():
    """Destruction proposals: the approvers' queue (pending by default), filters by state
    and reason, search by file number, sort, pages; approve or refuse in the row."""
    errors = {}
    raw = request.args.to_dict()
    if "state" not in raw:
        raw["state"] = "proposed"
    raw = {k: v for k, v in raw.items() if v.strip()}
    try:
        args = load_checked(DestructionQuerySchema(), raw, unknown=EXCLUDE)
    except ValidationError as exc:
        errors.update(forms.errors_of(exc))
        args = load_checked(DestructionQuerySchema(), {})
    args.pop("q", None)
    reason = request.args.get("reason") or None
    if reason is not None and reason not in DESTRUCTION_REASONS:
        errors["reason"] = [{"en": "Choose a reason: obsolete, customer_request.",
                             "zh": "请选择销毁原因：档案过期作废、客户要求删除。"}]
        reason = None
    user = current_principal()
    page = _list(lambda a: destruction.search(**a, reason=reason), args, errors)
    rows = []
    customers = {c.id: c for c in db.session.scalars(sa.select(Customer).where(
        Customer.id.in_([r.customer_id for r in page["items"]])))}
    for r in page["items"]:
        customer = customers[r.customer_id]
        rows.append({**destruction.view(r, user),
                     "customer_name": disclosure.shown_name(customer, user),
                     "proposed_by": r.proposed_by.display_name,
                     "approvers": [a.approver.display_name for a in r.approvals],
                     "refused_by": r.refused_by.display_name if r.refused_by else None})
    page["items"] = rows
    return render_template("customers/destructions.html", page=page, args=raw,
                           errors=errors, states=DESTRUCTION_STATES,
                           reasons=DESTRUCTION_REASONS), 400 if errors else 200


@bp.post("/<int:customer_id>/destruction")
@roles(*destruction.PROPOSER_ROLES)
def propose_destruction(customer_id):
    """Propose destroying the file from its page."""
    actor = current_principal()
    try:
        data = parse_form(DestructionInSchema())
        destruction.propose(customer_id, actor, data["reason"], data["note"])
        flash(_("销毁申请已提交，等待两名主管或管理员审批"))
    except DomainError as exc:
        _flash_errors(exc)
    return redirect(url_for("customers.detail", customer_id=customer_id) + "#destruction")


def _decide(action, proposal_id, message: str, with_note: bool):
    actor = current_principal()
    back = parse_form(_BACK)
    try:
        if with_note:
            data = parse_form(DecisionInSchema())
            action(proposal_id, actor, data["note"])
        else:
            action(proposal_id, actor)
        flash(message)
    except DomainError as exc:
        _flash_errors(exc)
    if back["next"].isdigit():  # from the file's own page
        return redirect(url_for("customers.detail", customer_id=int(back["next"]))
                        + "#destruction")
    return redirect(url_for("customers.destructions", state=back["state"]))


@bp.post("/destructions/<int:proposal_id>/approve")
@roles(*destruction.APPROVER_ROLES)
def approve_destruction(proposal_id):
    """Approve a proposal; the second approval destroys the file."""
    return _decide(destruction.approve, proposal_id, _("已批准销毁"), with_note=False)


@bp.post("/destructions/<int:proposal_id>/refuse")
@roles(*destruction.APPROVER_ROLES)
def refuse_destruction(proposal_id):
    """Refuse a proposal: the file stays."""
    return _decide(destruction.refuse, proposal_id, _("已否决销毁申请"), with_note=True)


@bp.post("/destructions/<int:proposal_id>/cancel")
@roles(*destruction.PROPOSER_ROLES)
def cancel_destruction(proposal_id):
    """Cancel one's own pending proposal (or, for an admin, anyone's)."""
    return _decide(destruction.cancel, proposal_id, _("销毁申请已取消"), with_note=False)
