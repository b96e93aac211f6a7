"""A worker's status moves and last-change stamp, shared by :mod:`core.workers.service` and
:mod:`core.workers.credentials` (an expired 健康证 takes her off dispatch)."""
from __future__ import annotations

from ..audit.service import diff, record
from ..timeutil import utcnow
from .models import Worker, WorkerStatusChange


def touch(worker: Worker, actor) -> None:
    worker.updated_at = utcnow()
    worker.updated_by_id = actor.id if actor else None


def apply_status(worker: Worker, status: str, reason_type, reason, actor) -> None:
    old = worker.status
    worker.status = status
    touch(worker, actor)
    worker.status_changes.append(WorkerStatusChange(
        from_status=old, to_status=status, reason_type=reason_type if status == "blacklisted"
        else None, reason=reason, actor_id=actor.id if actor else None))
    after = {"status": status, "reason_type": reason_type, "reason": reason}
    record("status", "worker", worker.id, f"worker #{worker.id}: {old} → {status}",
           diff({"status": old}, after), actor_id=actor.id if actor else None)
