"""Complaints API (投诉): the desk list, intake, the work on a complaint, resolutions,
the closing call-back, consequences for the worker, refunds for finance and the
company's classes and levels.

Dispatchers and supervisors work complaints; finance sees only the refunds it confirms;
trainers see nothing. Thin: parse, call the service, answer.
"""
from __future__ import annotations

import re

from flask import current_app
from flask_smorest import Blueprint

from ..access import current_principal, roles
from ..errors import Invalid
from . import policy as policy_service
from . import queries, resolutions, service
from .schemas import (
    ActionInSchema,
    CallbackInSchema,
    CategoryInSchema,
    CategorySchema,
    ComplaintInSchema,
    ComplaintPageSchema,
    ComplaintQuerySchema,
    ComplaintSchema,
    ConsequenceInSchema,
    ConsequenceSchema,
    DecisionSchema,
    FromFollowupSchema,
    LevelChangeSchema,
    LevelInSchema,
    LevelSchema,
    PolicySchema,
    ReassignSchema,
    RefundPageSchema,
    RefundQuerySchema,
    RefundRowSchema,
    ResolutionInSchema,
    WaitingSchema,
)

blp = Blueprint("complaints_api", __name__, url_prefix="/api/v1/complaints",
                description="Complaints (投诉): intake, clocks, work, resolution, call-back")

DESK = ("dispatcher", "supervisor")
_CODE = re.compile(r"^[a-z][a-z0-9_]{0,31}$")


def _detail(complaint, folded: bool = False) -> dict:
    view = queries.detail(complaint, current_principal().role)
    view["folded"] = folded
    return view


@blp.route("")
@roles(*DESK)
@blp.arguments(ComplaintQuerySchema, location="query")
@blp.response(200, ComplaintPageSchema)
def list_complaints(args):
    """The complaint desk: open complaints by deadline; filter by state, level, class,
    owner (``mine``), clock (red/amber/ok/paused), breach; search number, summary or
    the customer's name; sort; page."""
    principal = current_principal()
    page = queries.search(principal.role, user_id=principal.id, **args)
    # the rows are plain values already: JSON them directly instead of walking the
    # schema field by field (the same output; tests/complaints/test_desk_speed.py)
    return current_app.json.response(queries.plain(page))


@blp.route("", methods=["POST"])
@roles(*DESK)
@blp.arguments(ComplaintInSchema)
@blp.response(201, ComplaintSchema)
def create_complaint(data):
    """Take a complaint in (phone, WeChat, in person). A report about an order and worker
    with an open complaint is folded into it (``folded: true``)."""
    result = service.open_complaint(actor_id=current_principal().id, **data)
    return _detail(result.complaint, result.folded)


@blp.route("/from-followup/<int:followup_id>", methods=["POST"])
@roles(*DESK)
@blp.arguments(FromFollowupSchema)
@blp.response(201, ComplaintSchema)
def from_followup(data, followup_id):
    """One click from the follow-up queue: a "not satisfied" follow-up becomes a complaint
    about its order and worker (folded if one is open)."""
    result = service.from_followup(followup_id, actor_id=current_principal().id, **data)
    return _detail(result.complaint, result.folded)


@blp.route("/<int:complaint_id>")
@roles(*DESK)
@blp.response(200, ComplaintSchema)
def get_complaint(complaint_id):
    """One complaint with its clocks, timeline, resolutions and consequences."""
    view = queries.read(complaint_id, current_principal().role)
    view["folded"] = False
    return view


@blp.route("/<int:complaint_id>/actions", methods=["POST"])
@roles(*DESK)
@blp.arguments(ActionInSchema)
@blp.response(201, ComplaintSchema)
def add_action(data, complaint_id):
    """Log a note, a contact (first-contact clock), a call-back (call-back clock) or a
    promise (``promised_at``)."""
    c = service.add_action(complaint_id, actor_id=current_principal().id, **data)
    return _detail(c)


@blp.route("/<int:complaint_id>/reassign", methods=["POST"])
@roles(*DESK)
@blp.arguments(ReassignSchema)
@blp.response(200, ComplaintSchema)
def reassign(data, complaint_id):
    """Give the complaint to another dispatcher or supervisor."""
    return _detail(service.reassign(complaint_id, actor_id=current_principal().id, **data))


@blp.route("/<int:complaint_id>/waiting", methods=["POST"])
@roles(*DESK)
@blp.arguments(WaitingSchema)
@blp.response(200, ComplaintSchema)
def waiting(data, complaint_id):
    """Stop the clocks while waiting on the customer, or run them again."""
    return _detail(service.wait_on_customer(complaint_id, actor_id=current_principal().id,
                                            **data))


@blp.route("/<int:complaint_id>/level", methods=["POST"])
@roles(*DESK)
@blp.arguments(LevelChangeSchema)
@blp.response(200, ComplaintSchema)
def change_level(data, complaint_id):
    """Change the level; 严重/重大 go to a supervisor."""
    return _detail(service.change_level(complaint_id, actor_id=current_principal().id, **data))


@blp.route("/<int:complaint_id>/resolutions", methods=["POST"])
@roles(*DESK)
@blp.arguments(ResolutionInSchema)
@blp.response(201, ComplaintSchema)
def resolve(data, complaint_id):
    """Record the resolution (apology, redo, refund ≤ what was paid, replace the worker,
    compensation — above the limit through a supervisor's approval) and when the
    customer is called back to confirm it (``callback_at``, required)."""
    resolutions.resolve(complaint_id, actor=current_principal(), **data)
    return _detail(service.get(complaint_id))


@blp.route("/<int:complaint_id>/callback", methods=["POST"])
@roles(*DESK)
@blp.arguments(CallbackInSchema)
@blp.response(200, ComplaintSchema)
def closing_callback(data, complaint_id):
    """The complaint call-back (投诉回访): satisfied closes it; not satisfied reopens it."""
    return _detail(resolutions.closing_callback(complaint_id, actor_id=current_principal().id,
                                                **data))


@blp.route("/<int:complaint_id>/consequences", methods=["POST"])
@roles(*DESK)
@blp.arguments(ConsequenceInSchema)
@blp.response(201, ConsequenceSchema)
def add_consequence(data, complaint_id):
    """Found against the worker: an evaluation on her record (lowers her rating), or a
    warning / suspension / blacklisting (a supervisor applies it; a dispatcher's waits)."""
    row = resolutions.add_consequence(complaint_id, actor=current_principal(), **data)
    return queries.consequence_view(row)


@blp.route("/consequences/<int:consequence_id>/decision", methods=["POST"])
@roles("supervisor")
@blp.arguments(DecisionSchema)
@blp.response(200, ConsequenceSchema)
def decide_consequence(data, consequence_id):
    """A supervisor approves (applies) or rejects a consequence a dispatcher asked for."""
    row = resolutions.decide_consequence(consequence_id, data["approve"],
                                         actor=current_principal(), note=data["note"])
    return queries.consequence_view(row)


@blp.route("/refunds")
@roles("finance", "supervisor")
@blp.arguments(RefundQuerySchema, location="query")
@blp.response(200, RefundPageSchema)
def list_refunds(args):
    """Refunds of complaints for finance: amount, order and complaint numbers."""
    return resolutions.refunds_for_finance(**args)


@blp.route("/refunds/<int:resolution_id>/confirm", methods=["POST"])
@roles("finance")
@blp.response(200, RefundRowSchema)
def confirm_refund(resolution_id):
    """Finance confirms the refund was paid back (财务确认)."""
    resolutions.confirm_refund(resolution_id, actor_id=current_principal().id)
    row = resolutions.refunds_for_finance(state=None, per_page=200)
    return next(r for r in row["items"] if r["id"] == resolution_id)


@blp.route("/policy")
@roles(*DESK)
@blp.response(200, PolicySchema)
def get_policy():
    """The company's complaint classes and levels with their SLA minutes."""
    return resolutions.policy_overview()


@blp.route("/categories/<code>", methods=["PUT"])
@roles("supervisor")
@blp.arguments(CategoryInSchema)
@blp.response(200, CategorySchema)
def put_category(data, code):
    """Add a complaint class or rename / retire one (``active: false``)."""
    if not _CODE.match(code):
        raise Invalid(fields={"code": [{"en": "A code is lower-case letters, digits and _.",
                                        "zh": "代码只能由小写字母、数字和下划线组成。"}]})
    return policy_service.save_category(code, actor_id=current_principal().id, **data)


@blp.route("/levels/<code>", methods=["PATCH"])
@roles("supervisor")
@blp.arguments(LevelInSchema)
@blp.response(200, LevelSchema)
def patch_level(data, code):
    """Change a level's names, routing to supervisors or SLA minutes (send ``version``)."""
    version = data.pop("version")
    return policy_service.update_level(code, version, data, actor_id=current_principal().id)
