"""Two people recording the last session of a package at once: the order's row lock
(PostgreSQL) makes the second count again after the first committed, so exactly one is
recorded and the other gets 409 "no sessions left in this package"."""
from __future__ import annotations

import datetime as dt
import threading

import pytest

from core.errors import Conflict
from core.extensions import db

from .helpers import ago, in_service
from .test_sessions import _order


def test_two_people_recording_the_last_session_at_once_count_it_once(
        app, desk, customer_id, worker_for, monkeypatch):
    with app.app_context():
        if db.engine.dialect.name != "postgresql":
            pytest.skip("row locks (SELECT … FOR UPDATE) are PostgreSQL's; SQLite "
                        "serialises writers instead")
    from core.appointments import sessions

    order = in_service(desk, _order(desk, customer_id, purchase="single", place="company"),
                       worker_for("child_massage"))
    ids = []
    for hours in (5, 3):
        start = dt.datetime.fromisoformat(ago(hours=hours))
        resp = desk.post(f"/api/v1/orders/{order['id']}/sessions", json={
            "starts_at": start.isoformat(),
            "ends_at": (start + dt.timedelta(hours=1)).isoformat()})
        ids.append(resp.get_json()["id"])

    barrier = threading.Barrier(2, timeout=20)
    real = sessions.get_order

    def meet_then_lock(order_id, lock=False):
        if lock:
            barrier.wait()
        return real(order_id, lock=lock)

    monkeypatch.setattr(sessions, "get_order", meet_then_lock)
    outcomes: list = []
    guard = threading.Lock()

    def record(session_id: int):
        with app.app_context():
            try:
                from core.appointments.models import MassageSession

                sessions.record_done(db.session.get(MassageSession, session_id), None)
                result = "ok"
            except Conflict as exc:
                result = exc.code
            except Exception as exc:  # noqa: BLE001 - shown by the assertion below
                result = repr(exc)
            with guard:
                outcomes.append(result)

    threads = [threading.Thread(target=record, args=(i,)) for i in ids]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=60)
    assert sorted(outcomes) == ["no_sessions_left", "ok"]
    package = desk.get(f"/api/v1/orders/{order['id']}/sessions").get_json()["package"]
    assert (package["done"], package["remaining"]) == (1, 0)
