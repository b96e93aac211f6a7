"""A double click's two requests recording the same outcome at the same moment: one
records it, the other answers "already recorded" — never a 500 (a duplicate idempotency
key) and never two outcomes. Each thread has its own app context, hence its own session
and connection; on SQLite as on PostgreSQL the second waits for the first's lock."""
from __future__ import annotations

import threading

import sqlalchemy as sa

from core.extensions import db
from core.followups import outcomes, service
from core.followups.models import FollowUpOutcome

from .helpers import followups, make_order, move, user


def test_two_requests_with_one_key_record_the_outcome_once(app, monkeypatch):
    desk = user(app)
    order = make_order(app, "nanny", dispatcher_id=desk)
    move(app, order, "in_service", start_date="2026-03-02")
    day3 = followups(app, order)["day3"]
    arrived = threading.Semaphore(0)
    real = outcomes._replay

    def meet_then_look(*args):
        # each request waits (briefly) for the other to reach the same point: without a
        # lock both look for the key before either has written it
        arrived.release()
        arrived.acquire(timeout=2)
        arrived.release()
        return real(*args)

    monkeypatch.setattr(outcomes, "_replay", meet_then_look)
    results, guard = [], threading.Lock()

    def click():
        with app.app_context():
            try:
                got = service.record_outcome(day3.id, "satisfied", actor_id=desk,
                                             idempotency_key="dbl-click-1",
                                             version=day3.version)
                db.session.commit()
                result = "replayed" if got.replayed else "recorded"
            except Exception as exc:  # noqa: BLE001 - reported by the assertion below
                db.session.rollback()
                result = repr(exc)
            with guard:
                results.append(result)

    threads = [threading.Thread(target=click) for _ in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=60)
    assert sorted(results) == ["recorded", "replayed"], results
    with app.app_context():
        assert db.session.scalar(sa.select(sa.func.count(FollowUpOutcome.id))) == 1
    assert followups(app, order)["day3"].outcome == "satisfied"
