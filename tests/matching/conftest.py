"""Fixtures of the matching tests: orders ready for matching, workers, the desk client."""
from __future__ import annotations

import pytest

from tests.orders.helpers import intake, make_customer, make_worker


@pytest.fixture
def desk(api_as):
    """The dispatcher's API client."""
    return api_as("dispatcher")


@pytest.fixture
def customer_id(app):
    """A customer (李女士) with a default address."""
    return make_customer(app)


@pytest.fixture
def worker_for(app):
    """``worker_for(line, status="available")`` → id of a worker doing that line."""
    return lambda line="cleaning", **kw: make_worker(app, (line,), **kw)


@pytest.fixture
def matching_order(desk, customer_id):
    """``matching_order(line, **intake_fields)`` → JSON of an order in state matching."""

    def _make(line: str = "cleaning", **over) -> dict:
        body = {"service_line": line, "customer_id": customer_id,
                "intake": intake(line, **over)}
        resp = desk.post("/api/v1/orders", json=body)
        assert resp.status_code == 201, resp.get_json()
        order = resp.get_json()
        for to in ("quoted", "matching"):
            resp = desk.post(f"/api/v1/orders/{order['id']}/transitions",
                             json={"to": to, "version": order["version"]})
            assert resp.status_code == 200, resp.get_json()
            order = resp.get_json()
        return order

    return _make
