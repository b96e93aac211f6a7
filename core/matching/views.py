"""Matching on the order page (``matching/_order.html`` via the ``matching_for(order)``
template helper): the order's bookings with release, the ranked candidates with their
score parts and filters, assign / hold buttons, the "why not her?" box; and the batch
plan page (``/matching/plan``)."""
from __future__ import annotations

import sqlalchemy as sa
from flask import Blueprint, flash, redirect, request, url_for
from flask_babel import gettext as _
from marshmallow import fields

from ..access import current_principal, roles
from ..errors import DomainError
from ..extensions import db
from ..inputs import int64
from ..orders import service as orders
from ..orders import staffing
from ..orders.schemas import customer_name
from ..orders.views import LABELS as ORDER_LABELS
from ..orders.views import errors_of, order_page
from ..pagination import page_number
from ..timeutil import to_business
from ..webforms import parse_form
from ..workers.models import GRADE_LABELS, Worker
from . import booking, candidates
from .models import KIND_LABELS, STATE_LABELS, Assignment
from .schemas import BookInSchema, ReleaseInSchema
from .scoring import LABELS as PART_LABELS

bp = Blueprint("matching", __name__, url_prefix="/matching")
WRITERS = ("dispatcher", "supervisor")
PER_PAGE = 20


def _int(value) -> int | None:
    try:
        return int64(value) if value not in (None, "") else None
    except ValueError:
        return None


def _named_worker(text: str | None) -> int | None:
    """A worker named on the why-not box: her id, or her exact name."""
    if not text:
        return None
    if text.strip().isdigit():
        return int(text)
    return db.session.scalar(sa.select(Worker.id).where(Worker.name == text.strip())
                             .order_by(Worker.id).limit(1))


#: what each score part means, for the legend under the candidate table: (zh, en)
PART_HELP = {
    "rating": ("客户评价的平均分（1–5 星）；没有评价的按中等计",
               "Customers' mean rating (1–5 stars); none yet counts as middling"),
    "experience": ("从业年限，越久越高",
                   "Years of experience; more scores higher"),
    "grade": ("阿姨等级，与订单要求的等级比较",
              "Her grade, against the grade the order asks for"),
    "distance": ("住址与服务地址的距离；没有坐标时按是否同区",
                 "Distance from her home to the service address; by district "
                 "when there are no coordinates"),
    "preferences": ("客户的要求（年龄、籍贯、方言等）满足多少",
                    "How many of the customer's wishes (age, hometown, dialect …) she meets"),
    "continuity": ("以前服务过这位客户",
                   "She has served this customer before"),
    "fairness": ("空闲越久越优先，让每位阿姨都有活",
                 "The longer she has waited, the higher, so work is shared"),
}

#: states whose order page lists ranked candidates; later ones show them only when the
#: dispatcher asks for a replacement (``?replace=1``, the 换人 action)
CANDIDATE_STATES = ("matching", "interview")


def matching_for(order) -> dict:
    """What the order page shows of matching: bookings, ranked candidates (filtered by
    the ``m_*`` query arguments), the why-not answer, labels."""
    out = {"bookings": booking.bookings_of(order.id), "candidates": None, "why": None,
           "error": None, "args": request.args, "grades": GRADE_LABELS,
           "kinds": KIND_LABELS, "states": STATE_LABELS, "parts": PART_LABELS,
           "help": PART_HELP,
           "workers": {}}
    ids = {b.worker_id for b in out["bookings"]}
    if ids:
        out["workers"] = dict(db.session.execute(
            sa.select(Worker.id, Worker.name).where(Worker.id.in_(ids))).all())
    if order.state not in CANDIDATE_STATES and not request.args.get("replace"):
        return out  # once contracted or in service, 换人 is one action (the order's form)
    args = {"min_grade": request.args.get("m_grade") or None,
            "district": request.args.get("m_district") or None,
            "q": request.args.get("m_q") or None,
            "min_rating": float(request.args["m_rating"]) if _int(
                request.args.get("m_rating")) else None}
    try:
        page = page_number(request.args.get("m_page"))
        found = candidates.ranking(order.id, args, page, PER_PAGE)
        out["candidates"], out["total"] = found.items, found.total
        out["page"], out["pages"], out["offset"] = page, -(-found.total // PER_PAGE), \
            (page - 1) * PER_PAGE
        named = _named_worker(request.args.get("why"))
        if named:
            out["why"] = candidates.why_not(order.id, named)
    except DomainError as exc:
        out["error"] = exc.message
    return out


@bp.app_context_processor
def _helpers():
    return {"matching_for": matching_for, "m_local": lambda ts: to_business(ts).strftime(
        "%Y-%m-%d %H:%M") if ts else ""}


@bp.context_processor
def _order_page_labels():
    """What the order page's template expects from its own blueprint, for when a refused
    form of ours re-renders it (without it a refusal was a 500)."""
    return {"labels": ORDER_LABELS, "customer_name": customer_name}


def _act(order_id: int, action, done: str):
    order = orders.get_order(order_id)
    try:
        action(order)
    except DomainError as exc:  # the form refused, or the step (rolled back) did
        return order_page(orders.get_order(order_id), alert=errors_of(exc), status=exc.status)
    flash(done() if callable(done) else done)
    return redirect(url_for("orders.show", order_id=order_id) + "#matching")


@bp.route("/orders/<int:order_id>/book", methods=["POST"])
@roles(*WRITERS)
def book(order_id):
    """Assign (派单) or hold (面试预占) a candidate from the order page."""
    me, done = current_principal().id, [_("已指派阿姨")]

    def action(order):
        form = parse_form(BookInSchema(only=("worker_id", "kind", "version", "reason")))
        if form["kind"] == "hold":
            booking.hold(order, form["worker_id"], me, reason=form["reason"])
            done[0] = _("已预占该阿姨的档期")
        else:
            staffing.assign(order, form["worker_id"], form.get("version"), me,
                            reason=form["reason"])

    return _act(order_id, action, lambda: done[0])


@bp.route("/assignments/<int:assignment_id>/release", methods=["POST"])
@roles(*WRITERS)
def release(assignment_id):
    """Release a hold or a booking from the order page (reason required)."""
    found = db.session.get(Assignment, assignment_id)
    order_id = found.order_id if found else 0

    def _release(order):
        reason = parse_form(ReleaseInSchema())["reason"]
        booking.release(assignment_id, current_principal().id, reason)

    return _act(order_id, _release, _("已释放档期"))


@bp.get("/plan")
@roles(*WRITERS)
def plan_page():
    """The batch plan page: open orders of a date (and line), the optimal proposal with
    the greedy one beside it, unservable orders; confirm applies it."""
    import datetime as dt

    from flask import render_template

    from ..plugins import service_lines
    from ..timeutil import business_today
    from . import batch

    try:
        day = dt.date.fromisoformat(request.args.get("date", ""))
    except ValueError:
        day = business_today() + dt.timedelta(days=1)
    line = request.args.get("line") or None
    proposal = batch.propose(batch.open_orders(day, line)) if request.args.get("go") else None
    return render_template("matching/plan.html", day=day, line=line, proposal=proposal,
                           lines=service_lines())


@bp.post("/plan/apply")
@roles(*WRITERS)
def apply_plan():
    """Apply the confirmed plan (pairs ``order:worker``), then show the orders' list."""
    from . import batch

    form = parse_form(_PLAN_FORM)
    pairs = []
    for text in form["pair"]:
        order_id, _sep, worker_id = text.partition(":")
        if _int(order_id) and _int(worker_id):
            pairs.append((int(order_id), int(worker_id)))
    results = batch.apply(pairs, current_principal().id)  # each pair its own step
    done = sum(r["ok"] for r in results)
    flash(_("已按方案派单") + f": {done}/{len(results)}")
    return redirect(url_for("matching.plan_page", date=form["date"]))


#: the confirmed plan's form: the ``order:worker`` pairs ticked, and the plan's date
_PLAN_FORM = {"pair": fields.List(fields.String(), load_default=list),
              "date": fields.String(load_default="")}
