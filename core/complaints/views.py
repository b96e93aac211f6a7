"""Complaint pages: the desk (a list whose colours show the clocks, filter chips, "mine"),
intake, and one complaint with its clocks, timeline and the forms to work it. Thin: the
same service calls as the API; errors shown beside the fields or flashed."""
from __future__ import annotations

import datetime as dt
from decimal import Decimal, InvalidOperation

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from marshmallow import ValidationError

from ..access import current_principal, roles
from ..accounts.models import User
from ..errors import DomainError, flatten_fields
from ..extensions import db
from ..i18n import reader_text
from ..messages import bilingual
from ..timeutil import SHANGHAI
from . import policy, queries, resolutions, service
from .models import CONSEQUENCE_KINDS, RESOLUTION_KINDS
from .schemas import ComplaintInSchema, ComplaintQuerySchema

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
    db.session.rollback()
    fields = exc.fields if isinstance(exc, DomainError) else flatten_fields(exc.messages)
    for field, msgs in (fields or {}).items():
        for m in msgs:
            flash(f"{field}: {reader_text(m)}", "error")
    if isinstance(exc, DomainError) and not exc.fields:
        m = bilingual(exc.message)
        flash(reader_text(m), "error")


def _local_time(value: str | None, field: str) -> dt.datetime | None:
    """A ``datetime-local`` form value, read as Beijing time."""
    if not value:
        return None
    try:
        return dt.datetime.fromisoformat(value).replace(tzinfo=SHANGHAI)
    except ValueError as exc:
        raise service.field_error(field, "Not a valid date and time.",
                                  "不是有效的日期时间。") from exc


def _int(value: str | None) -> int | None:
    return int(value) if value and value.strip().isdigit() else None


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
    db.session.commit()
    return render_template("complaints/index.html", page=page, chips=_chips(request.args),
                           args=request.args, labels=queries.labels_by_code())


@bp.get("/new")
@roles(*DESK)
def new():
    """The intake form (customer and order may come filled in from their pages)."""
    form = {k: request.args.get(k, "") for k in ("customer_id", "order_id", "worker_id")}
    return _intake_page(form, {})


def _intake_page(form: dict, errors: dict, status: int = 200):
    page = render_template("complaints/new.html", form=form, errors=errors,
                           categories=policy.categories(active_only=True),
                           levels=policy.levels())
    db.session.commit()
    return page, status


@bp.post("/")
@roles(*DESK)
def create():
    """Take a complaint in from the form."""
    keys = ("customer_id", "order_id", "worker_id", "channel", "category", "level",
            "summary", "details", "received_at")
    form = {k: request.form.get(k, "").strip() for k in keys}
    try:
        data = {k: v for k, v in form.items() if v and k != "received_at"}
        data["contacted"] = request.form.get("contacted") == "1"
        loaded = ComplaintInSchema().load(data)
        loaded["received_at"] = _local_time(form["received_at"], "received_at")
        result = service.open_complaint(actor_id=current_principal().id, **loaded)
    except ValidationError as exc:
        db.session.rollback()
        return _intake_page(form, flatten_fields(exc.messages), 422)
    except DomainError as exc:
        db.session.rollback()
        if exc.fields:
            return _intake_page(form, exc.fields, exc.status)
        raise
    flash(_("已并入该订单未结的投诉") if result.folded else _("已登记投诉"))
    return redirect(url_for("complaints.detail", complaint_id=result.complaint.id))


@bp.post("/from-followup/<int:followup_id>")
@roles(*DESK)
def from_followup(followup_id):
    """One click from the follow-up queue: the "not satisfied" follow-up → a complaint."""
    result = service.from_followup(followup_id, category=request.form.get("category") or
                                   "quality", level=request.form.get("level") or "general",
                                   actor_id=current_principal().id)
    flash(_("已并入该订单未结的投诉") if result.folded else _("已转为投诉"))
    return redirect(url_for("complaints.detail", complaint_id=result.complaint.id))


@bp.get("/<int:complaint_id>")
@roles(*DESK)
def detail(complaint_id):
    """One complaint: clocks, timeline, resolutions and the forms to work it."""
    c = service.get(complaint_id)
    view = queries.detail(c, current_principal().role)
    db.session.commit()
    return render_template("complaints/detail.html", c=view, staff=_staff(),
                           levels=policy.levels(), resolution_kinds=RESOLUTION_KINDS,
                           consequence_kinds=CONSEQUENCE_KINDS)


@bp.post("/<int:complaint_id>/<what>")
@roles(*DESK)
def act(complaint_id, what):
    """The forms of the complaint page: action, waiting, reassign, level, resolution,
    callback, consequence."""
    f = request.form
    actor = current_principal()
    version = _int(f.get("version"))
    note = (f.get("note") or "").strip()[:2000]
    try:
        if what == "action":
            service.add_action(complaint_id, f.get("kind") or "note", actor_id=actor.id,
                               note=note, version=version,
                               promised_at=_local_time(f.get("promised_at"), "promised_at"))
        elif what == "waiting":
            service.wait_on_customer(complaint_id, f.get("waiting") == "1", actor_id=actor.id,
                                     note=note, version=version)
        elif what == "reassign":
            owner = _int(f.get("owner_id"))
            if owner is None:
                raise service.field_error("owner_id", "Choose who takes it.", "请选择负责人。")
            service.reassign(complaint_id, owner, actor_id=actor.id, note=note, version=version)
        elif what == "level":
            service.change_level(complaint_id, f.get("level") or "", actor_id=actor.id,
                                 note=note, version=version)
        elif what == "resolution":
            kind = f.get("kind") or ""
            if kind not in RESOLUTION_KINDS:
                raise service.field_error("kind", "Choose how it is resolved.", "请选择处理方式。")
            resolutions.resolve(complaint_id, kind, actor=actor, note=note, version=version,
                                callback_at=_local_time(f.get("callback_at"), "callback_at"),
                                amount=_amount(f.get("amount")),
                                new_worker_id=_int(f.get("new_worker_id")))
        elif what == "callback":
            verdict = f.get("verdict") or ""
            if verdict not in ("satisfied", "not_satisfied"):
                raise service.field_error("verdict", "Satisfied or not satisfied.",
                                          "请选择满意或不满意。")
            resolutions.closing_callback(complaint_id, verdict, actor_id=actor.id, note=note,
                                         version=version)
        elif what == "consequence":
            kind = f.get("kind") or ""
            if kind not in CONSEQUENCE_KINDS:
                raise service.field_error("kind", "Choose the consequence.", "请选择处理措施。")
            resolutions.add_consequence(complaint_id, kind, actor=actor, reason=note,
                                        overall=_int(f.get("overall")))
        else:
            return redirect(url_for("complaints.detail", complaint_id=complaint_id))
        flash(_("已保存"))
    except (DomainError, ValidationError) as exc:
        if isinstance(exc, DomainError) and exc.status == 404:
            raise
        _flash(exc)
    return redirect(url_for("complaints.detail", complaint_id=complaint_id))


def _amount(value: str | None) -> Decimal | None:
    if not value or not value.strip():
        return None
    try:
        amount = Decimal(value.strip())
    except InvalidOperation as exc:
        raise service.field_error("amount", "Give the amount in yuan.", "请填写金额（元）。") \
            from exc
    if not amount.is_finite() or amount > Decimal("9999999999.99"):
        raise service.field_error("amount", "Give the amount in yuan.", "请填写金额（元）。")
    return amount
