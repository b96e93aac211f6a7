"""Complaint pages: the desk (a list whose colours show the clocks, filter chips, "mine"),
intake, and one complaint with its clocks, timeline and the forms to work it. Thin: the
same service calls as the API; errors shown beside the fields or flashed."""
from __future__ import annotations

import datetime as dt

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from marshmallow import ValidationError, fields, validate

from ..access import current_principal, roles
from ..accounts.models import User
from ..errors import DomainError, flatten_fields
from ..extensions import db
from ..i18n import reader_text
from ..messages import Msg, bilingual
from ..timeutil import SHANGHAI
from ..webforms import parse_form
from . import policy, queries, resolutions, service
from .models import CONSEQUENCE_KINDS, RESOLUTION_KINDS
from .schemas import (
    ActionInSchema,
    CallbackInSchema,
    ComplaintInSchema,
    ComplaintQuerySchema,
    ConsequenceInSchema,
    FromFollowupSchema,
    LevelChangeSchema,
    ReassignSchema,
    ResolutionInSchema,
    WaitingSchema,
)

bp = Blueprint("complaints", __name__, url_prefix="/complaints")
DESK = ("dispatcher", "supervisor")

#: the desk's filter chips: label, query arguments
CHIPS = (("全部未结", {}), ("我的", {"mine": "1"}), ("超时", {"clock": "red"}),
         ("即将超时", {"clock": "amber"}), ("等待客户", {"clock": "paused"}),
         ("曾超时", {"breached": "1"}), ("结案", {"state": "closed"}))


@bp.app_context_processor
def _complaint_helpers() -> dict:
    """For the customer and worker pages: their complaints as this role may see them."""
    def complaints_of_customer(customer_id: int) -> list[dict]:
        return queries.of_customer(customer_id, current_principal().role)

    def complaints_of_worker(worker_id: int) -> list[dict]:
        return queries.of_worker(worker_id, current_principal().role)

    return {"complaints_of_customer": complaints_of_customer,
            "complaints_of_worker": complaints_of_worker}


@bp.app_template_filter("beijing")
def beijing(ts: dt.datetime | None) -> str:
    """A stored UTC time as ``YYYY-MM-DD HH:MM`` Beijing time (— when empty)."""
    return ts.astimezone(SHANGHAI).strftime("%Y-%m-%d %H:%M") if ts else "—"


def _chips(args) -> list[tuple[str, dict, bool]]:
    keys = ("mine", "clock", "breached", "state")
    current = {k: args.get(k) for k in keys if args.get(k)}
    return [(label, params, params == current) for label, params in CHIPS]


def _flash(exc: Exception) -> None:
    fields = exc.fields if isinstance(exc, DomainError) else flatten_fields(exc.messages)
    for field, msgs in (fields or {}).items():
        for m in msgs:
            flash(f"{field}: {reader_text(m)}", "error")
    if isinstance(exc, DomainError) and not exc.fields:
        m = bilingual(exc.message)
        flash(reader_text(m), "error")


def _local_time(**presence) -> fields.AwareDateTime:
    """A ``datetime-local`` box, read as Beijing time."""
    return fields.AwareDateTime(default_timezone=SHANGHAI, error_messages={
        "invalid": Msg("Not a valid date and time.", "不是有效的日期时间。")}, **presence)


#: the page's forms: the API's schemas, with the times typed in Beijing time and the
#: consequence's reason typed into the form's ``note`` box
IntakeForm = ComplaintInSchema.from_dict({"received_at": _local_time(load_default=None)})
ActionForm = ActionInSchema.from_dict({"promised_at": _local_time(load_default=None)})
ResolutionForm = ResolutionInSchema.from_dict({"callback_at": _local_time(load_default=None)})
ConsequenceForm = ConsequenceInSchema.from_dict({"reason": fields.String(
    data_key="note", load_default="", validate=validate.Length(max=2000))})


def _staff() -> list[User]:
    return list(db.session.scalars(db.select(User).where(
        User.active.is_(True), User.role.in_(("dispatcher", "supervisor"))).order_by(User.id)))


@bp.get("/")
@roles(*DESK)
def index():
    """The complaint desk."""
    principal = current_principal()
    raw = {k: v for k, v in request.args.items() if v and k != "state"}
    if request.args.getlist("state"):
        raw["state"] = [s for s in request.args.getlist("state") if s]
    try:
        args = ComplaintQuerySchema().load(raw)
    except ValidationError as exc:
        _flash(exc)
        args = ComplaintQuerySchema().load({})
    page = queries.search(principal.role, user_id=principal.id, **args)
    return render_template("complaints/index.html", page=page, chips=_chips(request.args),
                           args=request.args, labels=queries.labels_by_code())


@bp.get("/new")
@roles(*DESK)
def new():
    """The intake form (customer and order may come filled in from their pages)."""
    form = {k: request.args.get(k, "") for k in ("customer_id", "order_id", "worker_id")}
    return _intake_page(form, {})


def _intake_page(form, errors: dict, status: int = 200):
    policy.settle_defaults()
    return render_template("complaints/new.html", form=form, errors=errors,
                           categories=policy.categories(active_only=True, ensure=False),
                           levels=policy.levels(ensure=False)), status


@bp.post("/")
@roles(*DESK)
def create():
    """Take a complaint in from the form."""
    try:
        data = parse_form(IntakeForm(), checkboxes=("contacted",))
        result = service.open_complaint(actor_id=current_principal().id, **data)
    except DomainError as exc:
        if exc.fields:
            return _intake_page(request.form, exc.fields, exc.status)
        raise
    flash(_("已并入该订单未结的投诉") if result.folded else _("已登记投诉"))
    return redirect(url_for("complaints.detail", complaint_id=result.complaint.id))


@bp.post("/from-followup/<int:followup_id>")
@roles(*DESK)
def from_followup(followup_id):
    """One click from the follow-up queue: the "not satisfied" follow-up → a complaint."""
    result = service.from_followup(followup_id, actor_id=current_principal().id,
                                   **parse_form(FromFollowupSchema()))
    flash(_("已并入该订单未结的投诉") if result.folded else _("已转为投诉"))
    return redirect(url_for("complaints.detail", complaint_id=result.complaint.id))


@bp.get("/<int:complaint_id>")
@roles(*DESK)
def detail(complaint_id):
    """One complaint: clocks, timeline, resolutions and the forms to work it."""
    view = queries.read(complaint_id, current_principal().role)
    return render_template("complaints/detail.html", c=view, staff=_staff(),
                           levels=policy.levels(), resolution_kinds=RESOLUTION_KINDS,
                           consequence_kinds=CONSEQUENCE_KINDS)


@bp.post("/<int:complaint_id>/<what>")
@roles(*DESK)
def act(complaint_id, what):
    """The forms of the complaint page: action, waiting, reassign, level, resolution,
    callback, consequence."""
    actor = current_principal()
    try:
        if what == "action":
            service.add_action(complaint_id, actor_id=actor.id, **parse_form(ActionForm()))
        elif what == "waiting":
            service.wait_on_customer(complaint_id, actor_id=actor.id,
                                     **parse_form(WaitingSchema()))
        elif what == "reassign":
            service.reassign(complaint_id, actor_id=actor.id, **parse_form(ReassignSchema()))
        elif what == "level":
            service.change_level(complaint_id, actor_id=actor.id,
                                 **parse_form(LevelChangeSchema()))
        elif what == "resolution":
            resolutions.resolve(complaint_id, actor=actor, **parse_form(ResolutionForm()))
        elif what == "callback":
            resolutions.closing_callback(complaint_id, actor_id=actor.id,
                                         **parse_form(CallbackInSchema()))
        elif what == "consequence":
            resolutions.add_consequence(complaint_id, actor=actor,
                                        **parse_form(ConsequenceForm()))
        else:
            return redirect(url_for("complaints.detail", complaint_id=complaint_id))
        flash(_("已保存"))
    except (DomainError, ValidationError) as exc:
        if isinstance(exc, DomainError) and exc.status == 404:
            raise
        _flash(exc)
    return redirect(url_for("complaints.detail", complaint_id=complaint_id))
