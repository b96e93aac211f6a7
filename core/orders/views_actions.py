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

from ..access import current_principal, roles
from ..errors import DomainError, Invalid
from ..extensions import db
from ..pagination import page_number
from . import approvals, contracts, payments, period, service, staffing
from .numerals import to_capital_yuan
from .records import APPROVAL_STATUSES
from .views import WRITERS, _int, _money, bp, errors_of, order_page


def _day(name: str, required: bool = False) -> dt.date | None:
    text = (request.form.get(name) or "").strip()
    if not text:
        if required:
            raise Invalid(fields={name: [{"zh": "请填写日期。", "en": "Enter the date."}]})
        return None
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        raise Invalid(fields={name: [{"zh": "日期格式应为 YYYY-MM-DD。",
                                      "en": "Write the date as YYYY-MM-DD."}]}) from None


def _act(order_id: int, action, done: str):
    """Run ``action(order)``; on a refusal show the order page with the reason."""
    order = service.get_order(order_id)
    try:
        action(order)
    except DomainError as exc:
        db.session.rollback()
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
    form = request.form
    return _act(order_id, lambda order: service.transition(
        order, form.get("to", ""), _int(form.get("version")), _me(),
        start_date=_day("start_date"), end_date=_day("end_date"),
        cancel_reason=form.get("cancel_reason") or None,
        cancel_note=(form.get("cancel_note") or "").strip(),
        note=(form.get("note") or "").strip(),
        finish_reason=(form.get("finish_reason") or "").strip(),
        start_reason=(form.get("start_reason") or "").strip()), _("订单状态已更新"))


@bp.post("/<int:order_id>/period")
@roles(*WRITERS)
def move_period(order_id):
    """Move the 上户/下户 dates: the order, the worker's booking, the follow-ups and the
    contract term together (:func:`core.orders.period.move_period`)."""
    form = request.form

    def action(order):
        start, end = _day("start_date"), _day("end_date")
        # the form shows both dates: the one left as it was is not a new fact (a new 上户
        # alone moves 下户 with it, keeping the term)
        if start is not None and start != order.start_date and end == order.end_date:
            end = None
        if end is not None and end != order.end_date and start == order.start_date:
            start = None
        period.move_period(order.id, _int(form.get("version")), _me(), start_date=start,
                           end_date=end, reason=(form.get("reason") or "").strip())

    return _act(order_id, action, _("服务日期已调整"))


@bp.post("/<int:order_id>/worker")
@roles(*WRITERS)
def assign_worker(order_id):
    """Assign the chosen worker, or replace the current one (换人)."""
    form = request.form

    def action(order):
        worker_id = _int(form.get("worker_id"))
        if worker_id is None:
            raise Invalid(fields={"worker_id": [{"zh": "请选择阿姨。", "en": "Choose a worker."}]})
        staffing.assign(order, worker_id, _int(form.get("version")), _me(),
                        reason=(form.get("reason") or "").strip(),
                        change_date=_day("change_date"))

    return _act(order_id, action, _("阿姨已指派"))


@bp.post("/<int:order_id>/contracts")
@roles(*WRITERS)
def draft_contract(order_id):
    """Draft the three-party contract from the form (term, fees, deposit, final payment)."""
    form = request.form
    return _act(order_id, lambda order: contracts.draft(
        order, start_date=_day("start_date", True), end_date=_day("end_date", True),
        actor_id=_me(), term_reason=(form.get("term_reason") or "").strip() or None,
        **{fee: _money((form.get(fee) or "").strip() or None, fee)
           for fee in contracts.FEES}), _("合同已起草"))


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
    form = request.form

    def action(order):
        amount = _money((form.get("amount") or "").strip() or None, "amount")
        if amount is None or amount <= 0:
            raise Invalid(fields={"amount": [{"zh": "金额必须大于 0。",
                                              "en": "The amount must be more than 0."}]})
        method = form.get("method")
        if method not in ("wechat", "cash", "bank_transfer"):
            raise Invalid(fields={"method": [{"zh": "请选择收款方式。",
                                              "en": "Choose how it was paid."}]})
        payments.collect(order, amount=amount, method=method, actor_id=_me(),
                         note=(form.get("note") or "").strip())

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
    reason = (request.form.get("reason") or "").strip()

    def action(order):
        if not reason:
            raise Invalid(fields={"reason": [{"zh": "请写明申请理由。", "en": "Say why."}]})
        approvals.ask(order, "other", reason, None, _me())

    return _act(order_id, action, _("特批申请已提交"))


@bp.post("/approvals/<int:approval_id>/decide")
@roles("supervisor")
def decide(approval_id):
    """A supervisor approves or rejects a request."""
    approval = approvals.get(approval_id)
    approve = request.form.get("decision") == "approve"
    note = (request.form.get("note") or "").strip()
    back = request.form.get("back")
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
