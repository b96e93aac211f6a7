"""Actions on the order page (same blueprint as :mod:`core.orders.views`): moves,
worker, contracts, payments and approvals; the approvals queue; the printable contract.

Each action posts a form (with CSRF token, and the order's version where it changes
the order). A refusal re-renders the order page with the reason and its status (409
for a stale version: "reload and try again"); success redirects back to the order.
"""
from __future__ import annotations

import datetime as dt

from flask import flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from marshmallow import fields, validate

from ..access import current_principal, roles
from ..errors import DomainError, Invalid
from ..messages import Msg
from ..pagination import page_number
from ..webforms import parse_form
from . import approvals, contracts, payments, period, service, staffing
from .blueprint import bp
from .numerals import to_capital_yuan
from .records import APPROVAL_STATUSES
from .views import WRITERS, _money, errors_of, order_page

_DATE_ERRORS = {"required": Msg("Enter the date.", "请填写日期。"),
                "invalid": Msg("Write the date as YYYY-MM-DD.", "日期格式应为 YYYY-MM-DD。")}


def _date(required: bool = False) -> fields.Date:
    """A date box of an order form (blank: not given)."""
    presence = {"required": True} if required else {"load_default": None}
    return fields.Date(error_messages=_DATE_ERRORS, **presence)


def _text(default: str | None = "") -> fields.String:
    """A text box of an order form (blank: ``default``)."""
    return fields.String(load_default=default)


def _version() -> fields.Integer:
    return fields.Integer(load_default=None)


def _day(name: str, required: bool = False) -> dt.date | None:
    return parse_form({name: _date(required)})[name]


def _act(order_id: int, action, done: str):
    """Run ``action(order)``; on a refusal show the order page with the reason."""
    order = service.get_order(order_id)
    try:
        action(order)
    except DomainError as exc:  # the step rolled back when it refused
        return order_page(service.get_order(order_id), alert=errors_of(exc),
                          status=exc.status, next_step=exc.next_step)
    flash(done)
    return redirect(url_for("orders.show", order_id=order_id))


def _me() -> int:
    return current_principal().id


@bp.post("/<int:order_id>/transition")
@roles(*WRITERS)
def transition(order_id):
    """Move the order to the state of the button pressed, with the facts it needs."""
    def action(order):
        form = parse_form({"to": _text(), "version": _version(), "start_date": _date(),
                           "end_date": _date(), "cancel_reason": _text(None),
                           "cancel_note": _text(), "note": _text(), "finish_reason": _text(),
                           "start_reason": _text()})
        service.transition(order, form.pop("to"), form.pop("version"), _me(), **form)

    return _act(order_id, action, _("订单状态已更新"))


@bp.post("/<int:order_id>/period")
@roles(*WRITERS)
def move_period(order_id):
    """Move the 上户/下户 dates: the order, the worker's booking, the follow-ups and the
    contract term together (:func:`core.orders.period.move_period`)."""
    def action(order):
        form = parse_form({"start_date": _date(), "end_date": _date(), "version": _version(),
                           "reason": _text()})
        start, end = form["start_date"], form["end_date"]
        # the form shows both dates: the one left as it was is not a new fact (a new 上户
        # alone moves 下户 with it, keeping the term)
        if start is not None and start != order.start_date and end == order.end_date:
            end = None
        if end is not None and end != order.end_date and start == order.start_date:
            start = None
        period.move_period(order.id, form["version"], _me(), start_date=start,
                           end_date=end, reason=form["reason"])

    return _act(order_id, action, _("服务日期已调整"))


@bp.post("/<int:order_id>/worker")
@roles(*WRITERS)
def assign_worker(order_id):
    """Assign the chosen worker, or replace the current one (换人)."""
    def action(order):
        form = parse_form({
            "worker_id": fields.Integer(required=True, error_messages={
                "required": Msg("Choose a worker.", "请选择阿姨。")}),
            "version": _version(), "reason": _text(), "change_date": _date()})
        staffing.assign(order, form["worker_id"], form["version"], _me(),
                        reason=form["reason"], change_date=form["change_date"])

    return _act(order_id, action, _("阿姨已指派"))


@bp.post("/<int:order_id>/contracts")
@roles(*WRITERS)
def draft_contract(order_id):
    """Draft the three-party contract from the form (term, fees, deposit, final payment)."""
    def action(order):
        form = parse_form({"start_date": _date(True), "end_date": _date(True),
                           "term_reason": _text(None),
                           **{fee: fields.String(load_default=None) for fee in contracts.FEES}})
        contracts.draft(order, start_date=form["start_date"], end_date=form["end_date"],
                        actor_id=_me(), term_reason=form["term_reason"],
                        **{fee: _money(form[fee], fee) for fee in contracts.FEES})

    return _act(order_id, action, _("合同已起草"))


@bp.post("/<int:order_id>/contracts/<int:contract_id>/sign")
@roles(*WRITERS)
def sign_contract(order_id, contract_id):
    """Record that the three parties signed the draft."""
    return _act(order_id, lambda order: contracts.sign(
        order, contracts.get(order, contract_id), _day("signed_on", True), _me()),
        _("合同已签订"))


@bp.get("/<int:order_id>/contracts/<int:contract_id>/print")
@roles(*WRITERS)
def print_contract(order_id, contract_id):
    """The contract as a printable page, amounts also in capital numerals (大写)."""
    order = service.get_order(order_id)
    contract = contracts.get(order, contract_id)
    return render_template("orders/contract_print.html", order=order, contract=contract,
                           company=contract.company_party or contracts.company_party(),
                           capital=to_capital_yuan)


@bp.post("/<int:order_id>/payments")
@roles(*WRITERS)
def collect_payment(order_id):
    """Record money collected from the customer."""
    def action(order):
        choose = Msg("Choose how it was paid.", "请选择收款方式。")
        form = parse_form({
            "amount": fields.String(load_default=None), "note": _text(),
            "method": fields.String(required=True, error_messages={"required": choose},
                                    validate=validate.OneOf(("wechat", "cash", "bank_transfer"),
                                                            error=choose))})
        amount = _money(form["amount"], "amount")
        if amount is None or amount <= 0:
            raise Invalid(fields={"amount": [{"zh": "金额必须大于 0。",
                                              "en": "The amount must be more than 0."}]})
        payments.collect(order, amount=amount, method=form["method"], actor_id=_me(),
                         note=form["note"])

    return _act(order_id, action, _("收款已记录"))


@bp.post("/payments/<int:payment_id>/handover")
@roles(*WRITERS)
def hand_over_payment(payment_id):
    """The collector hands the money to finance."""
    payment = payments.get(payment_id)
    return _act(payment.order_id, lambda order: payments.hand_over(payment, _me()),
                _("已交财务"))


@bp.post("/payments/<int:payment_id>/confirm")
@roles("finance")
def confirm_payment(payment_id):
    """Finance confirms receipt of the money."""
    payment = payments.get(payment_id)
    return _act(payment.order_id, lambda order: payments.confirm(payment, _me()),
                _("财务已确认收款"))


@bp.post("/<int:order_id>/approvals")
@roles(*WRITERS)
def ask_approval(order_id):
    """Ask a supervisor for an exception (特批)."""
    def action(order):
        say_why = Msg("Say why.", "请写明申请理由。")
        reason = parse_form({"reason": fields.String(
            required=True, error_messages={"required": say_why},
            validate=validate.Length(min=1, error=say_why))})["reason"]
        approvals.ask(order, "other", reason, None, _me())

    return _act(order_id, action, _("特批申请已提交"))


@bp.post("/approvals/<int:approval_id>/decide")
@roles("supervisor")
def decide(approval_id):
    """A supervisor approves or rejects a request."""
    approval = approvals.get(approval_id)
    form = parse_form({"decision": _text(), "note": _text(), "back": _text()})
    approve, note, back = form["decision"] == "approve", form["note"], form["back"]
    response = _act(approval.order_id, lambda order: approvals.decide(
        approval, approve, note, _me()), _("已批准") if approve else _("已驳回"))
    if back == "queue" and response.status_code == 302:
        return redirect(url_for("orders.approvals_queue"))
    return response


@bp.get("/approvals")
@roles(*WRITERS)
def approvals_queue():
    """Exception requests (特批): pending first for supervisors; filter by status."""
    status = request.args.get("status", "pending")
    status = status if status in APPROVAL_STATUSES else None
    page = approvals.search(status=status, page=page_number(request.args.get("page")))
    return render_template("orders/approvals.html", page=page, status=status)
