"""Orders API: quote previews, orders, their lifecycle and their worker.

Contracts, payments and approvals are routed in :mod:`core.orders.api_records` on the
same blueprint.
"""

from ..access import current_principal, roles
from ..errors import Invalid
from ..readcache import cached
from . import lifecycle, payments, period, queries, service, staffing
from .blueprint import blp
from .policy import order_policies, order_policy
from .schemas import (
    AssignWorkerSchema,
    OrderCreateSchema,
    OrderEventSchema,
    OrderPageSchema,
    OrderQuerySchema,
    OrderSchema,
    OrderUpdateSchema,
    PeriodMoveSchema,
    QuotePreviewSchema,
    QuoteSchema,
    TransitionSchema,
)

#: who takes and changes orders; who may read them
WRITERS = ("dispatcher", "supervisor")
READERS = WRITERS + ("finance",)


def present(order):
    """The order with its money position and legal next states, ready to serialise."""
    order.money = payments.summary(order)
    order.next_states = lifecycle.next_states(order.state,
                                              order_policy(order.service_line))
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
@cached()
@blp.arguments(OrderQuerySchema, location="query")
@blp.response(200, OrderPageSchema)
def list_orders(args):
    """Orders, filtered (line, state, dispatcher, created dates, unpaid), searched by
    number / customer name / mobile (``q``), sorted and paged."""
    page = queries.search(**args)
    policies = order_policies({order.service_line for order in page["items"]})
    for order in page["items"]:
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
@cached()
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
    ``version`` → 409. ``start_date`` / ``end_date`` (with ``period_reason``) move the
    service period exactly as ``POST /orders/<id>/period`` — on their own, not with
    other changes."""
    dates = {k: data.pop(k) for k in ("start_date", "end_date", "period_reason") if k in data}
    version = data.pop("version")
    if dates and "late_entry_reason" in data and data.get("intake") is None:
        dates["late_entry_reason"] = data.pop("late_entry_reason")
    if dates:
        others = sorted(k for k, v in data.items() if v is not None)
        if others:
            raise Invalid(fields={"start_date" if "start_date" in dates else "end_date": [{
                "en": "Move the service dates on their own, not together with "
                      f"{', '.join(others)}.",
                "zh": f"服务日期请单独调整，不要与 {'、'.join(others)} 同时修改。"}]})
        return present(period.move_period(
            order_id, version, _me(), start_date=dates.get("start_date"),
            end_date=dates.get("end_date"), reason=dates.get("period_reason") or "",
            late_entry_reason=dates.get("late_entry_reason") or "",
            reason_field="period_reason"))
    order = service.get_order(order_id)
    return present(service.update_order(order, version, _me(), **data))


@blp.route("/orders/<int:order_id>/period", methods=["POST"])
@roles(*WRITERS)
@blp.arguments(PeriodMoveSchema)
@blp.response(200, OrderSchema)
def move_period(data, order_id):
    """Move the service period — 上户 ``start_date``, 下户 ``end_date`` or both — as ONE
    operation: the order's dates, the worker's booking (409 ``double_booking`` if she is
    busy in the new period), the pending follow-ups and the contract term move together,
    with one history entry (``period_moved``). A 上户 already past on an order not yet in
    service needs ``late_entry_reason`` (or ``reason``); a term now outside the line's
    standard terms opens an approval request (``reason`` required). Stale ``version`` →
    409. A finished or cancelled order's dates are corrected only by a supervisor, with
    ``reason`` (``period_corrected``); for a dispatcher → 409 ``order_closed``."""
    return present(period.move_period(order_id, data["version"], _me(),
                                      start_date=data["start_date"],
                                      end_date=data["end_date"], reason=data["reason"],
                                      late_entry_reason=data["late_entry_reason"]))


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
