"""Sequential numbers under concurrency: many dispatchers taking orders at the same moment
each get their own number and no error (issue #16, "Concurrency → never 500")."""
from __future__ import annotations

import threading

from core.extensions import db
from core.numbering import next_value

from ..orders.helpers import intake, make_customer

THREADS = 8
PER_THREAD = 7  # 56 orders


def test_56_orders_from_8_threads_get_56_distinct_numbers_and_no_error(app, api_as):
    desk = api_as("dispatcher")
    customer_id = make_customer(app)
    barrier = threading.Barrier(THREADS, timeout=30)
    results: list[tuple[int, dict]] = []
    lock = threading.Lock()

    def take_orders():
        client = app.test_client()
        headers = {"Authorization": f"Bearer {desk.token}"}
        barrier.wait()
        for _ in range(PER_THREAD):
            resp = client.post("/api/v1/orders", headers=headers, json={
                "service_line": "cleaning", "customer_id": customer_id,
                "intake": intake("cleaning")})
            with lock:
                results.append((resp.status_code, resp.get_json()))

    threads = [threading.Thread(target=take_orders) for _ in range(THREADS)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=120)
    statuses = [s for s, _ in results]
    assert statuses == [201] * THREADS * PER_THREAD, [b for s, b in results if s != 201][:3]
    numbers = [body["number"] for _, body in results]
    assert len(set(numbers)) == THREADS * PER_THREAD
    listed = desk.get("/api/v1/orders?per_page=200").get_json()
    assert listed["total"] == THREADS * PER_THREAD
    assert sorted(o["number"] for o in listed["items"]) == sorted(numbers)


def test_a_new_series_continues_after_numbers_taken_before_it_existed(app):
    with app.app_context():
        assert next_value("test:seeded", lambda: 41) == 42
        assert next_value("test:seeded", lambda: 0) == 43
        db.session.rollback()
        # rolled back: the row and its bumps are gone, the seed is read again
        assert next_value("test:seeded", lambda: 7) == 8
        db.session.commit()
        assert next_value("test:seeded") == 9
