"""Follow-ups (回访): the functions other areas call, in one module.

Planning (:mod:`core.followups.planning`): entering service plans, a moved anchor re-plans,
cancelling cancels; appointments report visits, sessions and interviews; trainees'
internships share :func:`reconcile`. Outcomes, mediation and evaluations:
:mod:`core.followups.outcomes`; lists and counts: :mod:`core.followups.queries`. This module
only re-exports them, so callers import one module and none of those imports it back.
"""
from __future__ import annotations

from .outcomes import (
    Recorded,
    add_evaluation,
    get_followup,
    get_mediation,
    record_outcome,
    update_mediation,
)
from .planning import (  # noqa: F401  (IN_SERVICE_STATES, _order: for the area's pages)
    IN_SERVICE_STATES,
    INTERNSHIP_DESK,
    ORDER_DATE_ANCHORS,
    _order,
    anchor_moved,
    close_mediations,
    interview_done,
    may_handle,
    order_period_changed,
    order_state_changed,
    reassign,
    replan_all,
    rules_for,
    session_done,
    sync_order,
    visit_cancelled,
    visit_done,
    visit_scheduled,
)
from .queries import counts, dashboard_tiles, due_today, search, timeline, worker_rating
from .reconciling import reconcile

__all__ = ["anchor_moved", "visit_scheduled", "visit_done", "visit_cancelled", "session_done",
           "interview_done",
           "order_state_changed", "sync_order", "reconcile", "rules_for", "may_handle",
           "replan_all", "reassign", "record_outcome",
           "Recorded", "get_followup", "get_mediation", "update_mediation", "add_evaluation",
           "worker_rating", "counts", "dashboard_tiles", "due_today", "search", "timeline"]
