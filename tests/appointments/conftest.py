"""Fixtures of the appointments tests: a customer, workers, and orders of each line made
and moved through the real orders API (so the steps meet real lifecycle states)."""
from __future__ import annotations

import pytest

from tests.orders.helpers import intake, make_customer, make_worker


@pytest.fixture
def customer_id(app):
    """A customer (李女士) with a default address (鼓楼区 中山路 1 号 301)."""
    return make_customer(app)


@pytest.fixture
def worker_for(app):
    """``worker_for(line, status="available")`` → id of a worker doing that line."""
    return lambda line, **kw: make_worker(app, (line,), **kw)


@pytest.fixture
def desk(api_as):
    """The dispatcher's API client."""
    return api_as("dispatcher")


@pytest.fixture
def new_order(desk, customer_id):
    """``new_order(line, **intake_fields)`` → the created order's JSON (asserting 201)."""

    def _make(line: str = "cleaning", **over) -> dict:
        body = {"service_line": line, "customer_id": customer_id, "intake": intake(line, **over)}
        resp = desk.post("/api/v1/orders", json=body)
        assert resp.status_code == 201, resp.get_json()
        return resp.get_json()

    return _make
