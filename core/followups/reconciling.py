"""Making the stored follow-ups of one owner match the planned ones — shared by the
planning of orders (:mod:`core.followups.planning`) and of internships
(:mod:`core.followups.internships`)."""
from __future__ import annotations

from ..extensions import db
from ..timeutil import utcnow
from .models import FollowUp


def reconcile(existing: dict, wanted, new, cancel_reason: str) -> list[FollowUp]:
    """Make the stored follow-ups of one owner (an order, an internship) match the
    planned ones: add the missing (``new(planned, now)``), move pending ones whose due
    time changed, revive ones cancelled by a re-plan, cancel pending ones no longer
    planned with ``cancel_reason``. Done follow-ups are never touched."""
    now = utcnow()
    for p in wanted:
        f = existing.pop(p.key, None)
        if f is None:
            f = new(p, now)
            db.session.add(f)
            existing_new = True
        else:
            existing_new = False
        if f.state == "cancelled" and f.cancel_reason in ("replanned", "internship_ended"):
            f.state, f.cancel_reason = "pending", None
            f.planned_at = None  # force the move below
        if f.state == "pending":
            if not existing_new and f.planned_at != p.due_at:
                f.planned_at = f.due_at = p.due_at
                f.reminded_at = f.enqueued_at = None
                f.version, f.updated_at = f.version + 1, now
            f.kind = p.kind
            f.title_zh, f.title_en = p.title_zh[:160], p.title_en[:200]
            f.script_zh, f.script_en = p.script_zh, p.script_en
        existing[p.key] = f
    planned_keys = {p.key for p in wanted}
    for key, f in existing.items():
        if key not in planned_keys and f.state == "pending":
            f.state = "cancelled"
            f.cancel_reason = cancel_reason
            f.version, f.updated_at = f.version + 1, now
    db.session.flush()
    return sorted(existing.values(), key=lambda f: (f.due_at, f.id or 0))
