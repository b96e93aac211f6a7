"""One gate for customer data reached through other records (orders, visits, the
do-not-send list): what a person may not see in the file, they may not see there either.

Runs before every request, after the role check. Any route outside the customer pages
whose URL names an order, a visit or a customer is refused (403, code
``grant_required``, the refusal recorded) when that customer's file does not open to the
person — except reading the order itself through the API, which answers with the
customer's data withheld (see ``core/orders/schemas.py``). Reads through such routes of
a file that opens and is secret or above are recorded like reads of the file.
"""
from __future__ import annotations

from flask import g, request
from sqlalchemy import orm

from ..audit.service import record
from ..extensions import db
from ..transactions import commit
from . import disclosure
from .models import Customer

#: blueprints that apply the rules themselves (the file's own pages and API)
_OWN_BLUEPRINTS = {"customers", "customers_api"}
#: reads that answer with the customer's data withheld instead of a refusal
_WITHHELD_READS = {"orders_api.get_order"}
_MAX_ID = 2**31 - 1


def _customer_behind(args: dict) -> Customer | None:
    """The customer behind the URL. On a read, what was loaded to find her stays
    referenced for the rest of the request (``g.guarded``): the session holds objects
    weakly, and the view reads the same order or customer again — from the identity map,
    not the database. Not on a change: a view that locks the order (``SELECT … FOR
    UPDATE``) must get the row as it is once locked, and the ORM does not overwrite an
    object it already holds."""
    from ..appointments.models import Visit
    from ..orders.models import Order

    def fetch(model, key, *options):
        value = args.get(key)
        return db.session.get(model, value, options=options) if isinstance(value, int) and \
            0 < value <= _MAX_ID else None

    keep = request.method in ("GET", "HEAD")
    if "customer_id" in args:
        customer = fetch(Customer, "customer_id")
        if keep:
            g.guarded = (customer,)
        return customer
    # the order with the people an order shows (customer, dispatcher, worker): one read
    order = fetch(Order, "order_id", orm.joinedload(Order.customer),
                  orm.joinedload(Order.dispatcher), orm.joinedload(Order.worker))
    if order is None and "visit_id" in args:
        visit = fetch(Visit, "visit_id")
        order = visit.order if visit is not None else None
        if keep:
            g.guarded = (visit,)
    if order is None:
        return None
    if keep:
        g.guarded = (*g.get("guarded", ()), order)
    return order.customer


def guard():
    """Before each request: refuse or record access to customer data behind the URL (a
    page answers with the file's closed page, status 403)."""
    user = g.get("principal")
    endpoint = request.endpoint or ""
    if user is None or not request.view_args or endpoint.split(".")[0] in _OWN_BLUEPRINTS:
        return None
    customer = _customer_behind(request.view_args)
    if customer is None:
        return None
    seen = disclosure.sight(customer, user)
    reading = request.method in ("GET", "HEAD")
    if not seen.opens:
        withheld = reading and endpoint in _WITHHELD_READS
        record("read" if withheld else ("read_denied" if reading else "change_denied"),
               "customer", customer.id,
               f"{customer.confidentiality} customer: {request.method} {endpoint}"
               + (" (customer data withheld)" if withheld else " refused"), actor_id=user.id)
        commit()  # the refusal stays on record whatever the view does next
        if withheld:
            return None
        if reading and not request.path.startswith("/api/"):
            from .views import closed_page

            return closed_page(customer, user)  # the file's closed page, with the form
        disclosure.check_may_open(customer, user)
    if reading and seen.recorded:
        record("read", "customer", customer.id,
               f"{customer.confidentiality} customer data read: {endpoint}"
               + (" under a grant" if seen.granted else ""), actor_id=user.id)
        commit()  # the read stays on record whatever the view does next

    return None
