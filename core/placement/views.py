"""Placing pages: the order page's section (willingness, profile cards sent, service
agreement) fed by the ``placement_for(order)`` template helper, its forms, the printable
profile card (个人资料) and the printable service agreement (服务协议)."""
from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from marshmallow import fields

from ..access import current_principal, roles
from ..appointments.checks import get_order
from ..errors import DomainError
from ..i18n import select_locale
from ..messages import Msg
from ..orders import staffing
from ..orders import views as order_views
from ..orders.schemas import customer_name
from ..orders.views import errors_of, order_page
from ..timeutil import SHANGHAI
from ..webforms import parse_form
from ..workers.credentials import STATE_CLASSES, STATE_LABELS
from ..workers.models import GRADE_LABELS, SEX_LABELS
from . import service
from .models import AGREEMENT_STATUS_LABELS, CHANNEL_LABELS
from .schemas import AgreementSignSchema, SendingInSchema, WillingnessInSchema

bp = Blueprint("placement", __name__, url_prefix="/placement")

WRITERS = ("dispatcher", "supervisor")


def placement_for(order) -> dict | None:
    """What the order page shows of placing her: None on a line with no such step."""
    policy = service.policy(order)
    if not policy.sends_profile and policy.service_agreement is None:
        return None
    workers = []
    if order.state in service.PROFILE_STATES:
        workers = ([order.worker] if order.worker else []) + staffing.candidates(order)
    agreements = service.agreements_of(order) if policy.service_agreement else []
    # her agreement signed: nothing left to draft for the order's current worker
    signed = any(a.status == "signed" and a.worker_id == order.worker_id for a in agreements)
    return {
        "policy": policy,
        "willingness": service.willingness_of(order) if policy.sends_profile else [],
        "sendings": service.sendings_of(order) if policy.sends_profile else [],
        "agreements": agreements,
        "workers": workers,
        "can_send": order.state in service.PROFILE_STATES,
        "can_draft": order.state in service.AGREEMENT_STATES and order.worker_id is not None
        and not signed,
        "channels": CHANNEL_LABELS, "agreement_statuses": AGREEMENT_STATUS_LABELS,
    }


@bp.app_context_processor
def _helpers():
    return {"placement_for": placement_for}


@bp.context_processor
def _order_page_labels():
    """What the order page's template expects from its own blueprint, for when a refused
    form of ours re-renders it."""
    return {"labels": order_views.LABELS, "customer_name": customer_name}


def _me() -> int:
    return current_principal().id


class _SendingForm(SendingInSchema):
    """The API's sending, its time typed in a ``datetime-local`` box (Beijing time)."""

    sent_at = fields.AwareDateTime(default_timezone=SHANGHAI, load_default=None,
                                   error_messages={"invalid": Msg(
                                       "Write the time as YYYY-MM-DD HH:MM.",
                                       "时间格式应为 YYYY-MM-DD HH:MM。")})


def _act(order_id: int, action, done: str):
    """Run ``action(order)``: read the form, then one step of the placing service; a
    refusal (of the form, or of the step, which rolled back) shows the order page with
    the reason."""
    order = get_order(order_id)
    try:
        action(order)
    except DomainError as exc:
        return order_page(get_order(order_id), alert=errors_of(exc), status=exc.status)
    flash(done)
    return redirect(url_for("orders.show", order_id=order_id, _anchor="placement"))


@bp.post("/orders/<int:order_id>/willingness")
@roles(*WRITERS)
def record_willingness(order_id):
    """Her answer when told of the order."""
    def step(order):
        form = parse_form(WillingnessInSchema())
        service.record_willingness(order, form["worker_id"], form["willing"], form["note"],
                                   _me())

    return _act(order_id, step, _("已登记阿姨意愿"))


@bp.post("/orders/<int:order_id>/profile-sendings")
@roles(*WRITERS)
def record_sending(order_id):
    """Her profile card went to the customer."""
    def step(order):
        form = parse_form(_SendingForm())
        service.record_sending(order, form["worker_id"], form["channel"], _me(),
                               form["sent_at"], form["note"])

    return _act(order_id, step, _("已登记资料发送"))


@bp.post("/orders/<int:order_id>/service-agreements")
@roles(*WRITERS)
def draft_agreement(order_id):
    """Draft the worker's service agreement from the newest text version."""
    return _act(order_id, lambda order: service.draft_agreement(order, _me()),
                _("服务协议已起草"))


@bp.post("/orders/<int:order_id>/service-agreements/<int:agreement_id>/sign")
@roles(*WRITERS)
def sign_agreement(order_id, agreement_id):
    """She signed the printed agreement."""
    def step(order):
        signed_on = parse_form(AgreementSignSchema())["signed_on"]
        service.sign_agreement(order, service.get_agreement(order, agreement_id), signed_on,
                               _me())

    return _act(order_id, step, _("服务协议已签订"))


@bp.get("/orders/<int:order_id>/profile-cards/<int:worker_id>")
@roles(*WRITERS)
def profile_card(order_id, worker_id):
    """Her printable profile card for the customer (no ID number, no phone)."""
    order = get_order(order_id)
    card = service.profile_card(order, worker_id)
    return render_template("placement/profile_card.html", order=order, card=card,
                           state_labels=STATE_LABELS, state_classes=STATE_CLASSES,
                           grade_labels=GRADE_LABELS, sex_labels=SEX_LABELS,
                           lang=select_locale())


@bp.get("/orders/<int:order_id>/service-agreements/<int:agreement_id>")
@roles(*WRITERS)
def print_agreement(order_id, agreement_id):
    """The agreement as a printable page, in the version it was drafted from."""
    order = get_order(order_id)
    agreement = service.get_agreement(order, agreement_id)
    title, paragraphs = service.filled_text(agreement, select_locale())
    return render_template("placement/agreement_print.html", order=order,
                           agreement=agreement, title=title, paragraphs=paragraphs)
