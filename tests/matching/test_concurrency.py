"""Twenty dispatchers book the same worker for overlapping periods at once: exactly one
201, nineteen 409 — on SQLite (writers serialised) and PostgreSQL (exclusion constraint).

Each thread has its own test client, hence its own app context, session and connection
to the same database file / server; a barrier releases them together."""
from __future__ import annotations

import threading

from tests.conftest import token_for

N = 20


def test_concurrent_bookings_of_one_worker_give_exactly_one_success(app, desk, matching_order,
                                                                    worker_for):
    worker = worker_for(qualified=True)
    orders = [matching_order(preferred_time=f"{8 + i % 4:02d}:30") for i in range(N)]
    token = token_for(app, "dispatcher1")
    barrier = threading.Barrier(N, timeout=60)
    statuses: list[int] = []
    lock = threading.Lock()

    def fire(order, kind):
        client = app.test_client()
        body = {"worker_id": worker, "kind": kind, "reason": "并发测试"}
        if kind == "assignment":
            body["version"] = order["version"]
        barrier.wait()
        resp = client.post(f"/api/v1/orders/{order['id']}/assignments", json=body,
                           headers={"Authorization": f"Bearer {token}"})
        with lock:
            statuses.append(resp.status_code)

    threads = [threading.Thread(target=fire, args=(o, "hold" if i % 2 else "assignment"))
               for i, o in enumerate(orders)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=120)
    assert sorted(statuses) == [201] + [409] * (N - 1)
    active = [b for o in orders for b in
              desk.get(f"/api/v1/orders/{o['id']}/assignments").get_json()
              if b["state"] == "active"]
    assert len(active) == 1


def test_the_database_itself_refuses_overlapping_active_bookings(app, matching_order,
                                                                 worker_for):
    """Bypassing the service's check, PostgreSQL's exclusion constraint still refuses."""
    import datetime as dt

    import pytest
    import sqlalchemy as sa

    from core.extensions import db
    from core.matching.models import Assignment

    worker, order = worker_for(), matching_order()
    with app.app_context():
        if db.engine.dialect.name != "postgresql":
            pytest.skip("SQLite has no exclusion constraints: writers are serialised instead")
        start = dt.datetime(2030, 1, 1, tzinfo=dt.timezone.utc)
        for hours in (0, 2):
            db.session.add(Assignment(worker_id=worker, order_id=order["id"],
                                      starts_at=start + dt.timedelta(hours=hours),
                                      ends_at=start + dt.timedelta(hours=hours + 4)))
        with pytest.raises(sa.exc.IntegrityError, match="assignments_no_overlap"):
            db.session.commit()
        db.session.rollback()
        db.session.add_all([  # released ones and touching ones do not clash
            Assignment(worker_id=worker, order_id=order["id"], state="released",
                       starts_at=start, ends_at=start + dt.timedelta(hours=4)),
            Assignment(worker_id=worker, order_id=order["id"], starts_at=start,
                       ends_at=start + dt.timedelta(hours=4)),
            Assignment(worker_id=worker, order_id=order["id"],
                       starts_at=start + dt.timedelta(hours=4),
                       ends_at=start + dt.timedelta(hours=8))])
        db.session.commit()
