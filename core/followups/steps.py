"""The follow-up steps the pages and the API call, each one unit of work
(:func:`core.transactions.transactional`): committed when it returns, rolled back when it
raises. The functions they call (:mod:`.outcomes`, :mod:`.planning`, :mod:`.queries`,
:mod:`.ical`) never commit, so other areas can call those inside their own steps.
"""
from __future__ import annotations

import datetime as dt

from ..transactions import transactional
from . import ical, outcomes, planning, queries
from .models import FollowUp, MediationCase, Notification


@transactional
def record_outcome(followup_id: int, outcome: str, principal, **details) -> outcomes.Recorded:
    """Step: record an outcome (:func:`outcomes.record_outcome`, idempotent; a trainer only
    of internship check-ins). The follow-up is locked (core.locks) until the commit, so a
    double click's second request reads what the first wrote and replays it."""
    planning.may_handle(followup_id, principal)
    return outcomes.record_outcome(followup_id, outcome,
                                   actor_id=principal.id if principal else None, **details)


@transactional
def reassign(followup_id: int, assignee_id: int) -> FollowUp:
    """Step: hand a pending follow-up to another member of staff."""
    return planning.reassign(followup_id, assignee_id)


@transactional
def move_anchor(order_id: int, anchor: str, at: dt.datetime | dt.date, *,
                instance: int | str | None = None, actor_id: int | None = None,
                reason: str = "") -> list[FollowUp]:
    """Step: an anchor of the order moved (:func:`planning.anchor_moved`)."""
    return planning.anchor_moved(order_id, anchor, at, instance=instance, actor_id=actor_id,
                                 reason=reason)


@transactional
def update_mediation(case_id: int, version: int | None, actor_id: int | None,
                     **changes) -> MediationCase:
    """Step: write down a mediation case, ``resolve`` closing it
    (:func:`outcomes.update_mediation`)."""
    return outcomes.update_mediation(outcomes.get_mediation(case_id), version, actor_id,
                                     **changes)


@transactional
def mark_read(user_id: int, notification_id: int) -> Notification:
    """Step: mark one of the person's notifications read."""
    return queries.mark_read(user_id, notification_id)


@transactional
def issue_calendar_token(user_id: int) -> str:
    """Step: a new private calendar URL's token (the previous one stops working)."""
    return ical.issue_token(user_id)


@transactional
def revoke_calendar_token(user_id: int) -> bool:
    """Step: revoke the person's private calendar URL."""
    return ical.revoke_token(user_id)
