"""Matching API: book / hold / release a worker's time, the customers' "do not send"
lists, candidates for an order and "why not her?", batch plans."""
from __future__ import annotations

import sqlalchemy as sa
from flask_smorest import Blueprint

from ..access import current_principal, roles
from ..errors import Conflict, Invalid, NotFound
from ..extensions import db
from ..messages import Msg
from ..orders import service as orders
from ..orders import staffing
from ..pagination import PageArgsSchema, page_schema
from ..readcache import cached
from . import batch, booking, candidates, exclusions
from .models import Assignment
from .schemas import (
    ApplyInSchema,
    ApplyResultSchema,
    AssignmentSchema,
    BookInSchema,
    CandidateQuerySchema,
    CandidateSchema,
    ExcludedWorkerInSchema,
    ExcludedWorkerSchema,
    PlanInSchema,
    ProposalSchema,
    ReleaseInSchema,
    WhyNotSchema,
)

CandidatePageSchema = page_schema(CandidateSchema, "CandidatePage")

blp = Blueprint("matching_api", __name__, url_prefix="/api/v1",
                description="Matching: bookings without double booking, candidates, plans")

WRITERS = ("dispatcher", "supervisor")


def _me() -> int:
    return current_principal().id


@blp.route("/orders/<int:order_id>/assignments")
@roles(*WRITERS)
@blp.response(200, AssignmentSchema(many=True))
def list_bookings(order_id):
    """The order's bookings of workers' time (assignments and holds), newest first."""
    orders.get_order(order_id)
    return booking.bookings_of(order_id)


@blp.route("/orders/<int:order_id>/assignments", methods=["POST"])
@roles(*WRITERS)
@blp.arguments(BookInSchema)
@blp.response(201, AssignmentSchema)
def book(data, order_id):
    """Assign her to the order (派单 / 换人 through the order's worker, ``version``
    required) or hold her for an interview (面试预占). Her time overlapping another
    booking in force → 409 ``double_booking``."""
    order = orders.get_order(order_id)
    if data["kind"] == "hold":
        return booking.hold(order, data["worker_id"], _me(), reason=data["reason"],
                            hours=data.get("hold_hours"))
    if "version" not in data:
        raise Invalid(fields={"version": [{"en": "Send the order's version you read.",
                                           "zh": "请提交您看到的订单版本号。"}]})
    staffing.assign(order, data["worker_id"], data["version"], _me(), reason=data["reason"],
                    change_date=data.get("change_date"))
    return db.session.scalars(sa.select(Assignment).where(
        Assignment.order_id == order_id, Assignment.worker_id == data["worker_id"],
        Assignment.state == "active").order_by(Assignment.id.desc())).first()


@blp.route("/assignments/<int:assignment_id>/release", methods=["POST"])
@roles(*WRITERS)
@blp.arguments(ReleaseInSchema)
@blp.response(200, AssignmentSchema)
def release(data, assignment_id):
    """Release a booking (释放档期) with its reason; her time is free again. The
    order's current worker is released by replacing her, not here."""
    found = db.session.get(Assignment, assignment_id)
    if found is None:
        raise NotFound(Msg("No such booking.", "没有该档期记录。"))
    order = orders.get_order(found.order_id)
    if found.kind == "assignment" and order.worker_id == found.worker_id and \
            not order.is_final:
        raise Conflict(Msg("She is the order's worker: replace her, or cancel the order.",
                           "她是该订单的阿姨：请换人或取消订单。"), code="booking_in_use")
    return booking.release(assignment_id, _me(), data["reason"])


@blp.route("/customers/<int:customer_id>/excluded-workers")
@roles(*WRITERS)
@blp.response(200, ExcludedWorkerSchema(many=True))
def excluded_workers(customer_id):
    """The customer's "do not send" list (不再派送) with the reasons."""
    return exclusions.of_customer(customer_id)


@blp.route("/customers/<int:customer_id>/excluded-workers", methods=["POST"])
@roles(*WRITERS)
@blp.arguments(ExcludedWorkerInSchema)
@blp.response(201, ExcludedWorkerSchema)
def exclude_worker(data, customer_id):
    """Put a worker on the customer's "do not send" list (409 if already there)."""
    return exclusions.add(customer_id, data["worker_id"], data["reason"], _me())


@blp.route("/customers/<int:customer_id>/excluded-workers/<int:worker_id>",
           methods=["DELETE"])
@roles(*WRITERS)
@blp.response(204)
def unexclude_worker(customer_id, worker_id):
    """Take a worker off the customer's "do not send" list."""
    exclusions.remove(customer_id, worker_id, _me())


@blp.route("/orders/<int:order_id>/candidates")
@roles(*WRITERS)
@cached(max_age=10)  # who is free, and whose certificate is valid, changes with the day
@blp.arguments(CandidateQuerySchema, location="query")
@blp.response(200, CandidatePageSchema)
def list_candidates(args, order_id):
    """Workers who pass every hard rule for the order, ranked by score with its parts
    (filters ``min_grade``, ``min_rating``, ``district``, ``q`` name; paged)."""
    page, per_page = args["page"], args["per_page"]
    found = candidates.ranking(order_id, args, page, per_page)
    return {"items": found.items, "total": found.total, "page": page, "per_page": per_page,
            "pages": -(-found.total // per_page)}


@blp.route("/orders/<int:order_id>/candidates/<int:worker_id>/why-not")
@roles(*WRITERS)
@blp.response(200, WhyNotSchema)
def why_not(order_id, worker_id):
    """Why not her? (为什么不是她) — every hard rule the named worker fails."""
    return candidates.why_not(order_id, worker_id)


@blp.route("/orders/<int:order_id>/candidates/excluded")
@roles(*WRITERS)
@blp.arguments(PageArgsSchema, location="query")
@blp.response(200, WhyNotSchema(many=True))
def excluded(args, order_id):
    """Workers of the order's line who fail a hard rule, with the rules they fail."""
    per_page = args["per_page"]
    return candidates.excluded(order_id, per_page, (args["page"] - 1) * per_page)


@blp.route("/matching/plans", methods=["POST"])
@roles(*WRITERS)
@blp.arguments(PlanInSchema)
@blp.response(200, ProposalSchema)
def propose_plan(data):
    """A batch plan (批量派单) for the given orders, or the open orders starting on
    ``date``: the optimal plan, the greedy one beside it, unservable orders with the
    reason. Nothing is assigned until the plan is applied."""
    ids = data.get("order_ids") or []
    if data.get("date"):
        ids = ids or batch.open_orders(data["date"], data.get("service_line"))
    return batch.propose(ids, data["k"])


@blp.route("/matching/plans/apply", methods=["POST"])
@roles(*WRITERS)
@blp.arguments(ApplyInSchema)
@blp.response(200, ApplyResultSchema(many=True))
def apply_plan(data):
    """Apply a confirmed plan, each pair through the no-double-booking path."""
    return batch.apply([(p["order_id"], p["worker_id"]) for p in data["pairs"]], _me())
