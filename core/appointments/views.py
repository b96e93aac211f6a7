"""Appointment pages: the visits / sessions / interviews sections of the order page
(``appointments/_order.html``, fed by the ``appointments_for(order)`` template helper),
the printable service sheet (上户表) and the tool-kit inventory (工具包).

The forms of the order page's sections post to :mod:`core.appointments.views_actions`
(same blueprint); the inventory's forms to :mod:`core.appointments.views_tools`.
"""
from __future__ import annotations

from flask import render_template

from ..access import roles
from ..orders import staffing
from ..orders import views as order_views
from ..orders.records import PAYMENT_METHOD_LABELS
from ..orders.schemas import customer_name
from ..timeutil import to_business
from . import interviews, sessions, tools, visits
from .blueprint import bp
from .checks import get_order
from .models import (
    INTERVIEW_STATUS_LABELS,
    PLACE_LABELS,
    SESSION_STATUS_LABELS,
    VISIT_FOLLOWUP_LABELS,
    VISIT_STATUS_LABELS,
    Visit,
)

WRITERS = ("dispatcher", "supervisor")
READERS = WRITERS + ("finance",)
LABELS = {"visit_statuses": VISIT_STATUS_LABELS, "session_statuses": SESSION_STATUS_LABELS,
          "interview_statuses": INTERVIEW_STATUS_LABELS, "places": PLACE_LABELS,
          "methods": PAYMENT_METHOD_LABELS, "visit_followup": VISIT_FOLLOWUP_LABELS}


def local(ts, fmt: str = "%Y-%m-%d %H:%M") -> str:
    """A stored time as Beijing time, e.g. ``2030-05-06 09:00`` (— when there is none)."""
    return to_business(ts).strftime(fmt) if ts else "—"


def local_input(ts) -> str:
    """A stored time for a ``datetime-local`` input (Beijing time)."""
    return to_business(ts).strftime("%Y-%m-%dT%H:%M") if ts else ""


def appointments_for(order) -> dict:
    """What the order page shows of the order's line-specific steps: its visits (None
    when the line has none), its package and sessions (None when it has none), its
    interviews (None when the line interviews no one), with the forms' choices."""
    planned_visits = visits.of_order(order) if visits.offers_visits(order) else None
    package = sessions.package_of(order)
    ask_interviews = interviews.offers_interviews(order)
    workers = []
    if ask_interviews and order.state in interviews.INTERVIEW_STATES:
        from ..matching.rules import credential_refusal

        own = [order.worker] if order.worker and credential_refusal(order, order.worker) is None \
            else []
        workers = own + staffing.candidates(order)
    return {
        "visits": planned_visits,
        "visit_amount": visits.suggested_amount(order, planned_visits or []),
        "can_plan_visits": planned_visits is not None and not order.is_final and not any(
            v.status not in ("planned", "cancelled") or v.tools_out_at
            for v in planned_visits),
        "kits": tools.list_kits() if planned_visits else [],
        "package": package,
        "sessions": sessions.of_order(order) if package is not None else None,
        "session_slot": _first_slot(order) if package is not None else None,
        "interviews": interviews.of_order(order) if ask_interviews else None,
        "interview_workers": workers,
        "passed_interview": interviews.passed_for(order) if ask_interviews else None,
        "labels": LABELS,
    }


def _first_slot(order):
    """The slot the intake asked for (its date and time), to start the booking form from
    while no session is booked yet — nothing typed twice."""
    from ..matching.periods import order_period

    if sessions.of_order(order):
        return None
    return order_period(order)


@bp.app_context_processor
def _helpers():
    return {"appointments_for": appointments_for, "ap_local": local,
            "ap_local_input": local_input}


@bp.context_processor
def _order_page_labels():
    """What the order page's template expects from its own blueprint, for when a refused
    form of ours re-renders it (see :func:`core.orders.views.order_page`)."""
    return {"labels": order_views.LABELS, "customer_name": customer_name}


@bp.get("/visits/<int:visit_id>/sheet")
@roles(*READERS)
def service_sheet(visit_id):
    """The printable service sheet (上户表) of one visit: customer, address, time, worker,
    tasks, the tools taken, and lines for the times and signatures."""
    from ..errors import NotFound
    from ..extensions import db
    from ..messages import Msg

    visit = db.session.get(Visit, visit_id)
    if visit is None:
        raise NotFound(Msg("There is no such visit.", "找不到这次上门。"))
    order = get_order(visit.order_id)
    return render_template("appointments/sheet.html", visit=visit, order=order,
                           customer=customer_name(order.customer))
