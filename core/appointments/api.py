"""Appointments API: an order's visits (上门) and the tool-kit inventory (工具包).

Sessions (推拿) and interviews (面试) are routed in :mod:`core.appointments.api_lines` on
the same blueprint. Dispatchers and supervisors act (admin implied); finance reads.
"""

from ..access import current_principal, roles
from . import tools, visits
from .blueprint import blp
from .checks import get_order
from .schemas import (
    AppointmentCancelSchema,
    CheckOutSchema,
    CountInSchema,
    KitQuerySchema,
    PaymentCreateSchema,
    SheetOutstandingPageSchema,
    SheetQuerySchema,
    SheetReturnSchema,
    ToolItemCreateSchema,
    ToolItemPageSchema,
    ToolItemQuerySchema,
    ToolItemSchema,
    ToolItemUpdateSchema,
    ToolKitCreateSchema,
    ToolKitSchema,
    ToolKitUpdateSchema,
    VisitConfirmSchema,
    VisitFinishSchema,
    VisitSchema,
    VisitStartSchema,
    VisitTimeSchema,
)

#: who records the steps; who may read them
WRITERS = ("dispatcher", "supervisor")
READERS = WRITERS + ("finance",)


def _me() -> int:
    return current_principal().id


def _visit(order_id: int, visit_id: int):
    return visits.get(get_order(order_id), visit_id)


# --------------------------------------------------------------------------------- visits


@blp.route("/orders/<int:order_id>/visits")
@roles(*READERS)
@blp.response(200, VisitSchema(many=True))
def list_visits(order_id):
    """The order's visits in order, cancelled ones included."""
    return visits.of_order(get_order(order_id))


@blp.route("/orders/<int:order_id>/visits/plan", methods=["POST"])
@roles(*WRITERS)
@blp.response(201, VisitSchema(many=True))
def plan_visits(order_id):
    """Create the visits the order's intake asks for (one for a one-off 保洁, one per
    week/fortnight/month for a recurring one), as its line plans them; again after an
    intake change replaces the visits still only planned. A line without visits → 409."""
    return visits.plan(get_order(order_id), _me())


@blp.route("/orders/<int:order_id>/visits/<int:visit_id>")
@roles(*READERS)
@blp.response(200, VisitSchema)
def get_visit(order_id, visit_id):
    """One visit with its tools, finish report, confirmation and payment."""
    return _visit(order_id, visit_id)


@blp.route("/orders/<int:order_id>/visits/<int:visit_id>", methods=["PATCH"])
@roles(*WRITERS)
@blp.arguments(VisitTimeSchema)
@blp.response(200, VisitSchema)
def move_visit(data, order_id, visit_id):
    """Move a planned visit to another time slot (its check calls move too)."""
    return visits.reschedule(_visit(order_id, visit_id), data["version"], data["starts_at"],
                             data["ends_at"], _me())


@blp.route("/orders/<int:order_id>/visits/<int:visit_id>/cancel", methods=["POST"])
@roles(*WRITERS)
@blp.arguments(AppointmentCancelSchema)
@blp.response(200, VisitSchema)
def cancel_visit(data, order_id, visit_id):
    """Call off a planned visit whose tools are not out (reason required)."""
    return visits.cancel(_visit(order_id, visit_id), data["version"], data["reason"], _me())


@blp.route("/orders/<int:order_id>/visits/<int:visit_id>/start", methods=["POST"])
@roles(*WRITERS)
@blp.arguments(VisitStartSchema)
@blp.response(200, VisitSchema)
def start_visit(data, order_id, visit_id):
    """The worker arrived and started; the order must be in service (上户)."""
    return visits.start(_visit(order_id, visit_id), _me(), data["started_at"])


@blp.route("/orders/<int:order_id>/visits/<int:visit_id>/finish", methods=["POST"])
@roles(*WRITERS)
@blp.arguments(VisitFinishSchema)
@blp.response(200, VisitSchema)
def report_finish(data, order_id, visit_id):
    """The finish time the worker reported (报完工); plans the finish confirmation call."""
    return visits.report_finish(_visit(order_id, visit_id), data["finished_at"], _me())


@blp.route("/orders/<int:order_id>/visits/<int:visit_id>/confirm", methods=["POST"])
@roles(*WRITERS)
@blp.arguments(VisitConfirmSchema)
@blp.response(200, VisitSchema)
def confirm_finish(data, order_id, visit_id):
    """One call to the customer: she confirmed the finish time (or gave another one, kept
    beside it) and answered the short follow-up (``outcome``), which completes the
    finish-confirmation call — no separate call the next day."""
    return visits.confirm(_visit(order_id, visit_id), _me(), data["finished_at"], data["note"],
                          data["outcome"], data["reason"])


@blp.route("/orders/<int:order_id>/visits/<int:visit_id>/sheet-returned", methods=["POST"])
@roles(*WRITERS)
@blp.arguments(SheetReturnSchema)
@blp.response(200, VisitSchema)
def return_sheet(data, order_id, visit_id):
    """The worker handed the service sheet (上户表) back and it is filed (when; by the
    caller). After the finish was reported; once (409 ``sheet_returned``)."""
    return visits.return_sheet(_visit(order_id, visit_id), _me(), data["returned_at"],
                               data["note"])


@blp.route("/visits/sheets-outstanding")
@roles(*READERS)
@blp.arguments(SheetQuerySchema, location="query")
@blp.response(200, SheetOutstandingPageSchema)
def sheets_outstanding(args):
    """Service sheets (上户表) not yet handed back: finished visits without a filed sheet,
    oldest finish first; filters by worker, dispatcher and finish date; ``q`` searches
    the order number."""
    return visits.sheets_outstanding(**args)


@blp.route("/orders/<int:order_id>/visits/<int:visit_id>/payment", methods=["POST"])
@roles(*WRITERS)
@blp.arguments(PaymentCreateSchema)
@blp.response(200, VisitSchema)
def collect_visit_payment(data, order_id, visit_id):
    """Money collected for this visit: recorded as a payment of the order (its paid and
    outstanding include it), once per visit."""
    return visits.collect_payment(_visit(order_id, visit_id), actor_id=_me(), **data)


@blp.route("/orders/<int:order_id>/visits/<int:visit_id>/tools/checkout", methods=["POST"])
@roles(*WRITERS)
@blp.arguments(CheckOutSchema)
@blp.response(200, VisitSchema)
def check_out_tools(data, order_id, visit_id):
    """Check a tool kit (or listed tools) out to the worker; stock goes down; too few
    in stock → 409 and nothing is taken."""
    return tools.check_out(_visit(order_id, visit_id), _me(), **data)


@blp.route("/orders/<int:order_id>/visits/<int:visit_id>/tools/return", methods=["POST"])
@roles(*WRITERS)
@blp.arguments(CountInSchema)
@blp.response(200, VisitSchema)
def count_in_tools(data, order_id, visit_id):
    """Count the tools back in: every item needs its count; what came back returns to
    stock, the rest is recorded as missing and flags the visit."""
    return tools.count_in(_visit(order_id, visit_id), _me(), data["items"], data["note"])


# ---------------------------------------------------------------------- tool-kit inventory


@blp.route("/tool-kits")
@roles(*READERS)
@blp.arguments(KitQuerySchema, location="query")
@blp.response(200, ToolKitSchema(many=True))
def list_kits(args):
    """Tool kits with their items and the stock of each (``all=true``: retired ones too)."""
    return tools.list_kits(None if args["all"] else True)


@blp.route("/tool-kits", methods=["POST"])
@roles(*WRITERS)
@blp.arguments(ToolKitCreateSchema)
@blp.response(201, ToolKitSchema)
def create_kit(data):
    """Make a tool kit: a name and its items with counts."""
    return tools.create_kit(data, _me())


@blp.route("/tool-kits/<int:kit_id>")
@roles(*READERS)
@blp.response(200, ToolKitSchema)
def get_kit(kit_id):
    """One tool kit with its items."""
    return tools.get_kit(kit_id)


@blp.route("/tool-kits/<int:kit_id>", methods=["PATCH"])
@roles(*WRITERS)
@blp.arguments(ToolKitUpdateSchema)
@blp.response(200, ToolKitSchema)
def update_kit(data, kit_id):
    """Rename a kit, change its items or retire it; a stale ``version`` → 409."""
    version = data.pop("version")
    return tools.update_kit(tools.get_kit(kit_id), version, data, _me())


@blp.route("/tool-kits/<int:kit_id>", methods=["DELETE"])
@roles(*WRITERS)
@blp.response(200, ToolKitSchema)
def retire_kit(kit_id):
    """Retire a kit (kept for the visits that used it; no longer offered)."""
    kit = tools.get_kit(kit_id)
    return tools.update_kit(kit, kit.version, {"active": False}, _me())


@blp.route("/tool-kits/items")
@roles(*READERS)
@blp.arguments(ToolItemQuerySchema, location="query")
@blp.response(200, ToolItemPageSchema)
def list_items(args):
    """Items in stock (工具库存) by name, searched by ``q``, paged."""
    return tools.search_items(**args)


@blp.route("/tool-kits/items", methods=["POST"])
@roles(*WRITERS)
@blp.arguments(ToolItemCreateSchema)
@blp.response(201, ToolItemSchema)
def create_item(data):
    """Add an item with the count on the shelf."""
    return tools.create_item(data, _me())


@blp.route("/tool-kits/items/<int:item_id>")
@roles(*READERS)
@blp.response(200, ToolItemSchema)
def get_item(item_id):
    """One item with its stock."""
    return tools.get_item(item_id)


@blp.route("/tool-kits/items/<int:item_id>", methods=["PATCH"])
@roles(*WRITERS)
@blp.arguments(ToolItemUpdateSchema)
@blp.response(200, ToolItemSchema)
def update_item(data, item_id):
    """Rename, recount (盘点) or retire an item; a stale ``version`` → 409."""
    version = data.pop("version")
    return tools.update_item(tools.get_item(item_id), version, data, _me())
