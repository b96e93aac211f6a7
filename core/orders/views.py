"""Order pages: the list, taking a new order (form from the line's schema, live quote),
editing one, and the order page with its history.

Actions on an order (moves, worker, contracts, payments, approvals) are routed in
:mod:`core.orders.views_actions` on the same blueprint.
"""
from __future__ import annotations

import sqlalchemy as sa
from flask import redirect, render_template, request, url_for
from marshmallow import fields

from ..access import current_principal, has_role, roles
from ..accounts.models import User
from ..customers import disclosure
from ..customers.models import Customer
from ..errors import DomainError
from ..extensions import db
from ..followups.views import timeline_context
from ..forms import describe_schema
from ..inputs import int64
from ..messages import bilingual
from ..pagination import page_number
from ..plugins import intake_schema
from ..pricing import service as pricing
from ..timeutil import business_today
from ..webforms import parse_form
from . import approvals as approvals_service
from . import contracts, intake_form, lifecycle, payments, queries, service, staffing
from .blueprint import bp
from .models import CANCEL_REASON_LABELS, EVENT_LABELS, STATE_LABELS
from .policy import order_policy
from .records import (
    APPROVAL_KIND_LABELS,
    APPROVAL_STATUS_LABELS,
    CONTRACT_STATUS_LABELS,
    PAYMENT_METHOD_LABELS,
)
from .schemas import OrderCreateSchema, OrderUpdateSchema, customer_name

WRITERS = ("dispatcher", "supervisor")
READERS = WRITERS + ("finance",)
LABELS = {"states": STATE_LABELS, "cancel_reasons": CANCEL_REASON_LABELS,
          "events": EVENT_LABELS, "methods": PAYMENT_METHOD_LABELS,
          "contract_statuses": CONTRACT_STATUS_LABELS, "approval_kinds": APPROVAL_KIND_LABELS,
          "approval_statuses": APPROVAL_STATUS_LABELS}


@bp.context_processor
def _labels():
    return {"labels": LABELS, "customer_name": customer_name}


def errors_of(exc: DomainError) -> dict:
    """A refusal as ``{field: [{"zh","en"}]}`` for the form macros (``_schema`` when the
    refusal names no field)."""
    return exc.fields or {"_schema": [bilingual(exc.message)]}


def _int(value) -> int | None:
    try:
        return int64(value) if value not in (None, "") else None
    except ValueError:
        return None


def _staff(roles_: tuple[str, ...] = WRITERS) -> list[User]:
    return list(db.session.scalars(sa.select(User).where(
        User.active.is_(True), User.role.in_(roles_)).order_by(User.display_name)))


# ---------------------------------------------------------------------------------- list


@bp.get("/")
@roles(*READERS)
def index():
    """Orders with filters (line, state, dispatcher, created dates, unpaid), search,
    sortable columns and pages."""
    args = request.args
    filters = {
        "service_line": args.get("service_line") or None,
        "state": args.get("state") if args.get("state") in STATE_LABELS else None,
        "dispatcher_id": _int(args.get("dispatcher_id")),
        "created_from": _date(args.get("created_from")),
        "created_to": _date(args.get("created_to")),
        "unpaid": args.get("unpaid") in ("1", "on", "true") or None,
        "q": args.get("q") or None,
        "todo": args.get("todo") if args.get("todo") in queries.TODOS else None,
    }
    error = None
    try:
        page = queries.search(**filters, sort=args.get("sort") or None,
                              page=page_number(args.get("page")))
    except DomainError as exc:
        error = errors_of(exc)
        page = queries.search(**filters, page=1)
    return render_template("orders/index.html", page=page, args=args, error=error,
                           dispatchers=_staff(), todos=queries.TODOS)


def _date(text: str | None):
    import datetime as dt

    try:
        return dt.date.fromisoformat(text) if text else None
    except ValueError:
        return None


# ------------------------------------------------------------------------------ new order


def _customers(q: str | None = None, chosen: int | None = None) -> list[dict]:
    """The new-order form's customer choices: those the picker finds for ``q``, else the
    20 customers updated last; the chosen one always among them. Names and mobiles as
    the person may see them (``customers.picker``)."""
    from ..customers import picker

    user = current_principal()
    if q and q.strip():
        rows = picker.pick(user, q)
    else:
        recent = db.session.scalars(sa.select(Customer).where(Customer.status == "active")
                                    .order_by(Customer.updated_at.desc(), Customer.id.desc())
                                    .limit(20))
        rows = [{"id": c.id, "name": disclosure.shown_name(c, user),
                 "mobile": disclosure.shown_mobile(c, user)} for c in recent]
    if chosen and all(r["id"] != chosen for r in rows):
        customer = db.session.get(Customer, chosen)
        if customer is not None:
            rows.insert(0, {"id": customer.id, "name": disclosure.shown_name(customer, user),
                            "mobile": disclosure.shown_mobile(customer, user)})
    return rows


@bp.get("/customer-picker")
@roles(*WRITERS)
def customer_picker():
    """JSON for the new-order form's picker: ``{"items": [{id, name, mobile}]}`` of the
    active customers matching ``q`` (a name or 3+ digits of a phone, at least 2
    characters), as the person may see them."""
    from ..customers import picker

    return {"items": picker.pick(current_principal(), request.args.get("q"))}


def _form_page(line: str, *, values: dict, errors=None, quote=None, order=None, status=200):
    specs = describe_schema(intake_schema(line))
    template = "orders/edit.html" if order is not None else "orders/new.html"
    return render_template(template, line=line, specs=specs, values=values,
                           errors=errors or {}, quote=quote, order=order,
                           customers=_customers(request.args.get("customer_q"),
                                                values.get("customer_id"))
                           if order is None else None,
                           dispatchers=_staff()), status


def _intake(line: str) -> dict:
    """The raw intake of the posted order form: its inputs are named after the line's
    intake schema (``intake.<field>``), read by an argument map made from it; the
    service loads the intake and refuses by the same names."""
    specs = describe_schema(intake_schema(line))
    return intake_form.from_values(
        specs, parse_form(intake_form.form_fields(specs)).get(intake_form.PREFIX))


#: the order form's fields besides the intake, read by the API's schema for the same step
_OTHER = ("agreed_price", "price_reason", "term_reason", "late_entry_reason", "note",
          "dispatcher_id")


class _NewOrderForm(OrderCreateSchema):
    """The new-order form: the API's fields; the customer checked by the page (in its
    own words, "choose the customer") and the button pressed."""

    customer_id = fields.Integer(load_default=None)
    action = fields.String(load_default="")


def _new_order_form() -> dict:
    return parse_form(_NewOrderForm(only=_OTHER + ("customer_id", "action")))


def _edit_order_form() -> dict:
    return parse_form(OrderUpdateSchema(only=_OTHER + ("version",)))


def _money(text: str | None, field: str = "agreed_price"):
    """A yuan amount typed into a form, or 422 on that field."""
    from ..errors import Invalid
    from ..money import yuan

    if text is None:
        return None
    try:
        amount = yuan(text)
    except (TypeError, ValueError):
        amount = None
    if amount is None or amount < 0:
        raise Invalid(fields={field: [{"zh": "请填写有效金额，如 800.00。",
                                       "en": "Enter an amount such as 800.00."}]})
    return amount


@bp.get("/new")
@roles(*WRITERS)
def choose_line():
    """Step 1 of a new order: choose the service line."""
    return render_template("orders/choose_line.html",
                           customer_id=request.args.get("customer_id", type=int64))


@bp.get("/new/<line>")
@roles(*WRITERS)
def new(line):
    """Step 2: the intake form of the line (rendered from its schema) with a live quote."""
    pricing.known_line(line)
    specs = describe_schema(intake_schema(line))
    values = intake_form.to_values(specs, None)
    values["customer_id"] = request.args.get("customer_id", type=int64)
    return _form_page(line, values=values)


@bp.post("/new/<line>")
@roles(*WRITERS)
def create(line):
    """Save the new order, or (button "计算报价") just show its quote: works without JS."""
    pricing.known_line(line)
    specs = describe_schema(intake_schema(line))
    values = {**intake_form.to_values(specs, None), **request.form.to_dict()}  # as typed
    try:
        raw = _intake(line)
        values = {**intake_form.to_values(specs, raw), **request.form.to_dict()}
        form = _new_order_form()
        if form["action"] == "quote":
            return _form_page(line, values=values,
                              quote=service.preview_quote(line, raw).as_dict())
        if form["customer_id"] is None:
            return _form_page(line, values=values, status=422, errors={"customer_id": [
                {"zh": "请选择客户。", "en": "Choose the customer."}]})
        order = service.create_order(
            service_line=line, customer_id=form["customer_id"], intake=raw,
            actor_id=current_principal().id, agreed_price=form.get("agreed_price"),
            price_reason=form.get("price_reason"), term_reason=form.get("term_reason"),
            dispatcher_id=form.get("dispatcher_id"), note=form["note"],
            late_entry_reason=form.get("late_entry_reason"))
    except DomainError as exc:  # refused before or inside the step: nothing was saved
        return _form_page(line, values=values, errors=errors_of(exc), status=exc.status)
    return redirect(url_for("orders.show", order_id=order.id))


@bp.post("/quote-preview/<line>")
@roles(*WRITERS)
def quote_preview(line):
    """The live quote of the posted form, as an HTML fragment (for orders.js)."""
    pricing.known_line(line)
    try:
        quote = service.preview_quote(line, _intake(line))
    except DomainError as exc:
        return render_template("orders/_quote.html", quote=None,
                               errors=errors_of(exc)), exc.status
    return render_template("orders/_quote.html", quote=quote.as_dict(), errors=None)


# ---------------------------------------------------------------------------- edit, show


@bp.get("/<int:order_id>/edit")
@roles(*WRITERS)
def edit(order_id):
    """Change the intake (re-quoted), agreed price or note; carries the version read."""
    order = service.get_order(order_id)
    specs = describe_schema(intake_schema(order.service_line))
    values = intake_form.to_values(specs, order.intake)
    values.update(agreed_price=order.agreed_price, note=order.note, version=order.version,
                  dispatcher_id=order.dispatcher_id)
    return _form_page(order.service_line, values=values, order=order)


@bp.post("/<int:order_id>/edit")
@roles(*WRITERS)
def update(order_id):
    """Save the changes; a stale version → 409 and the page asks to reload."""
    order = service.get_order(order_id)
    specs = describe_schema(intake_schema(order.service_line))
    values = {**intake_form.to_values(specs, None), **request.form.to_dict()}  # as typed
    try:
        raw = _intake(order.service_line)
        values = {**intake_form.to_values(specs, raw), **request.form.to_dict()}
        form = _edit_order_form()
        service.update_order(order, form["version"], current_principal().id, intake=raw,
                             agreed_price=form.get("agreed_price"),
                             price_reason=form.get("price_reason"),
                             term_reason=form.get("term_reason"), note=form.get("note"),
                             dispatcher_id=form.get("dispatcher_id"),
                             late_entry_reason=form.get("late_entry_reason"))
    except DomainError as exc:  # refused before or inside the step: nothing was saved
        return _form_page(order.service_line, values=values, errors=errors_of(exc),
                          order=service.get_order(order_id), status=exc.status)
    return redirect(url_for("orders.show", order_id=order.id))


#: what comes next in each state, said at the top of the order page: (zh, en)
NEXT_STEPS = {
    "enquiry": ("下一步：确认报价（报价 → 匹配阿姨）。报价无误后转为「已报价」。",
                "Next: confirm the quote (quote → matching). Once it is right, move to Quoted."),
    "quoted": ("下一步：客户接受报价后，转为「匹配阿姨」开始找阿姨。",
               "Next: once the customer accepts the quote, move to Matching to find a worker."),
    "matching": ("下一步：从下面的候选阿姨中指派一位。",
                 "Next: assign a worker from the candidates below."),
    "interview": ("下一步：安排客户面试阿姨，面试通过后签合同。",
                  "Next: arrange the customer's interview; sign the contract once she passes."),
    "contracted": ("下一步：确认上户日期，转为「服务中」。",
                   "Next: confirm the start date and move to In service."),
    "in_service": ("服务中：按时回访；需要时可换人。",
                   "In service: make the follow-up calls; replace the worker if needed."),
}


def order_page(order, *, alert=None, status: int = 200, next_step=None):
    """The order page: facts, quote, money, the moves it may make, worker, contract,
    payments, approvals and history; ``alert`` shows a refusal (e.g. 409 reload), with
    ``next_step`` (:class:`core.errors.NextStep`) as a link when a step is missing."""
    policy = order_policy(order.service_line)
    live = contracts.current(order) if policy.needs_contract else None
    signed = live if live is not None and live.status == "signed" \
        and live.worker_id == order.worker_id else None
    context = {
        "order": order, "policy": policy, "alert": alert,
        "refusal_step": next_step.as_dict() if next_step is not None else None,
        "contract_prefill": contracts.prefill(order, policy)
        if policy.needs_contract and order.worker_id else None,
        "signed_contract": signed, "today_iso": business_today().isoformat(),
        "next_states": lifecycle.next_states(order.state, policy),
        "money": payments.summary(order), "payments": payments.of_order(order),
        "contracts": contracts.versions(order) if policy.needs_contract else [],
        "live_contract": live,
        "approvals": approvals_service.search(order_id=order.id, per_page=200)["items"],
        "candidates": staffing.candidates(order)
        if order.state in staffing.STAFFING_STATES else [],
        "events": order.events,
        "period_states": ("matching", "interview", "contracted", "in_service"),
        "intake_specs": describe_schema(intake_schema(order.service_line)),
        "next_step": NEXT_STEPS.get(order.state),
        "period_correction": order.is_final and has_role("supervisor"),
        **timeline_context(order.id),  # the follow-up timeline (回访记录), done and planned
    }
    return render_template("orders/show.html", **context), status


@bp.get("/<int:order_id>")
@roles(*READERS)
def show(order_id):
    """One order with everything recorded on it."""
    return order_page(service.get_order(order_id))



@bp.app_template_filter("yuan")
def yuan_filter(amount) -> str:
    """An amount (Decimal or "800.00") as people read it: ¥800.00; — when there is none."""
    from decimal import Decimal

    from ..money import format_yuan

    return "—" if amount in (None, "") else format_yuan(Decimal(str(amount)))
