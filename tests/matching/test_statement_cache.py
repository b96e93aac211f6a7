"""The candidates ranking is one SQL statement for every order, customer and moment: the
current time, the customer's location and the workers who served her before are bound
parameters, so SQLAlchemy compiles it once and its statement cache does not grow."""
from __future__ import annotations

import pytest
import sqlalchemy as sa
from sqlalchemy.engine.default import CACHE_HIT

from core.customers.models import CustomerAddress
from core.extensions import db
from core.orders.models import Order
from tests.orders.helpers import make_customer

pytestmark = pytest.mark.read_cache_off  # counts each request's statements


def _ranking_statements(app, desk, orders) -> list[tuple[str, object]]:
    """(SQL text, cache state) of each ranking statement the candidate calls ran."""
    seen: list[tuple[str, object]] = []

    def record(conn, cursor, statement, parameters, context, executemany):
        if "p_fairness" in statement:
            seen.append((statement, context.cache_hit))

    with app.app_context():
        engine = db.engine
        sa.event.listen(engine, "before_cursor_execute", record)
        try:
            for order in orders:
                resp = desk.get(f"/api/v1/orders/{order['id']}/candidates")
                assert resp.status_code == 200, resp.get_json()
                assert resp.get_json()["items"], "the ranking must have candidates"
        finally:
            sa.event.remove(engine, "before_cursor_execute", record)
    return seen


def test_candidates_of_different_customers_and_moments_reuse_one_compiled_statement(
        app, desk, matching_order, qualified, customer_id):
    workers = [qualified() for _ in range(3)]
    first = matching_order()
    # a second customer elsewhere, who was served by a worker before (continuity part)
    other = make_customer(app, name="王女士")
    with app.app_context():
        for customer, (lat, lon) in ((customer_id, (32.06, 118.79)), (other, (31.95, 118.84))):
            address = db.session.scalar(sa.select(CustomerAddress).where(
                CustomerAddress.customer_id == customer))
            address.latitude, address.longitude = lat, lon
        db.session.commit()
    earlier = _create(desk, other)
    second = _to_matching(desk, _create(desk, other))
    with app.app_context():
        db.session.get(Order, earlier["id"]).worker_id = workers[0]
        db.session.commit()

    seen = _ranking_statements(app, desk, [first, second, first, second, first])
    assert len(seen) == 5
    # (the text itself differs by the number of served workers' placeholders only)
    assert all(state is CACHE_HIT for _, state in seen[1:]), [s for _, s in seen]


def _create(desk, customer: int) -> dict:
    from tests.orders.helpers import intake

    resp = desk.post("/api/v1/orders", json={"service_line": "cleaning", "customer_id": customer,
                                             "intake": intake("cleaning")})
    assert resp.status_code == 201, resp.get_json()
    return resp.get_json()


def _to_matching(desk, order: dict) -> dict:
    for to in ("quoted", "matching"):
        resp = desk.post(f"/api/v1/orders/{order['id']}/transitions",
                         json={"to": to, "version": order["version"]})
        assert resp.status_code == 200, resp.get_json()
        order = resp.get_json()
    return order
