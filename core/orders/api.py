"""Orders API: quote previews, orders, their lifecycle and their worker.

Contracts, payments and approvals are routed in :mod:`core.orders.api_records` on the
same blueprint.
"""
from flask_smorest import Blueprint

from ..access import current_principal, roles
from ..pricing import service as pricing
from . import lifecycle, payments, queries, service, staffing
from .schemas import (
    AssignWorkerSchema,
    OrderCreateSchema,
    OrderEventSchema,
    OrderPageSchema,
    OrderQuerySchema,
    OrderSchema,
    OrderUpdateSchema,
    QuotePreviewSchema,
    QuoteSchema,
    TransitionSchema,
)

blp = Blueprint("orders_api", __name__, url_prefix="/api/v1",
                description="Orders: quotes, lifecycle, contracts, payments, approvals")

#: who takes and changes orders; who may read them
WRITERS = ("dispatcher", "supervisor")
READERS = WRITERS + ("finance",)


def present(order):
    """The order with its money position and legal next states, ready to serialise."""
    order.money = payments.summary(order)
    order.next_states = lifecycle.next_states(order.state,
                                              pricing.order_policy(order.service_line))
    return order


def _me() -> int:
    return current_principal().id


@blp.route("/quotes/preview", methods=["POST"])
@roles(*WRITERS)
@blp.arguments(QuotePreviewSchema)
@blp.response(200, QuoteSchema)
def preview_quote(data):
    """Price an intake from the company's price table without saving anything
    (unknown line → 404; a bad intake → 422 naming the fields under ``intake.``)."""
    quote = service.preview_quote(data["service_line"], data["intake"])
    return quote.as_dict()


@blp.route("/orders")
@roles(*READERS)
@blp.arguments(OrderQuerySchema, location="query")
@blp.response(200, OrderPageSchema)
def list_orders(args):
    """Orders, filtered (line, state, dispatcher, created dates, unpaid), searched by
    number / customer name / mobile (``q``), sorted and paged."""
    page = queries.search(**args)
    policies: dict = {}
    for order in page["items"]:
        if order.service_line not in policies:
            policies[order.service_line] = pricing.order_policy(order.service_line)
        order.next_states = lifecycle.next_states(order.state, policies[order.service_line])
    return page


@blp.route("/orders", methods=["POST"])
@roles(*WRITERS)
@blp.arguments(OrderCreateSchema)
@blp.response(201, OrderSchema)
def create_order(data):
    """Take an order: the intake is checked by the line's schema and quoted from the
    company's price table; a price below the table needs ``price_reason`` and opens an
    approval request."""
    return present(service.create_order(actor_id=_me(), **data))


@blp.route("/orders/<int:order_id>")
@roles(*READERS)
@blp.response(200, OrderSchema)
def get_order(order_id):
    """One order with its quote, money position and next legal states."""
    return present(service.get_order(order_id))


@blp.route("/orders/<int:order_id>", methods=["PATCH"])
@roles(*WRITERS)
@blp.arguments(OrderUpdateSchema)
@blp.response(200, OrderSchema)
def update_order(data, order_id):
    """Change the intake (re-quoted), price, address, dispatcher or note; a stale
    ``version`` → 409."""
    order = service.get_order(order_id)
    version = data.pop("version")
    return present(service.update_order(order, version, _me(), **data))


@blp.route("/orders/<int:order_id>/events")
@roles(*READERS)
@blp.response(200, OrderEventSchema(many=True))
def order_history(order_id):
    """The order's history: every move and fact recorded, who and when, oldest first."""
    return service.get_order(order_id).events


@blp.route("/orders/<int:order_id>/transitions", methods=["POST"])
@roles(*WRITERS)
@blp.arguments(TransitionSchema)
@blp.response(200, OrderSchema)
def transition(data, order_id):
    """Move the order to another state with the facts the move needs; an illegal move
    or a missing fact → 409 saying why; a stale ``version`` → 409."""
    order = service.get_order(order_id)
    to_state, version = data.pop("to"), data.pop("version")
    return present(service.transition(order, to_state, version, _me(), **data))


@blp.route("/orders/<int:order_id>/worker", methods=["POST"])
@roles(*WRITERS)
@blp.arguments(AssignWorkerSchema)
@blp.response(200, OrderSchema)
def assign_worker(data, order_id):
    """Assign an available worker who does the line, or replace the current one (换人,
    ``reason`` required; a signed contract gets a new version from ``change_date``)."""
    order = service.get_order(order_id)
    worker_id, version = data.pop("worker_id"), data.pop("version")
    return present(staffing.assign(order, worker_id, version, _me(), **data))


from . import api_records  # noqa: E402,F401  (routes on the same blueprint)
