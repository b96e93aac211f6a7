"""Fixtures of the orders tests: a customer, workers, and orders made through the API."""
from __future__ import annotations

import pytest

from .helpers import intake, make_customer, make_worker


@pytest.fixture(autouse=True)
def core_lifecycle_rules_only(app, monkeypatch):
    """These tests prove core's own lifecycle rules: conditions other areas add with
    ``lifecycle.guard`` (e.g. appointments: a passed interview before the contract) are
    set aside here and tested by those areas. The app is made first, so every area has
    registered its guards before the registry is swapped (and it is restored after)."""
    from core.orders import lifecycle

    monkeypatch.setattr(lifecycle, "_GUARDS", {})


@pytest.fixture
def customer_id(app):
    """A customer (李女士) with a default address."""
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
    """``new_order(line, **fields)`` → the created order's JSON (asserting 201)."""

    def _make(line: str = "cleaning", **fields) -> dict:
        body = {"service_line": line, "customer_id": customer_id, "intake": intake(line)}
        body.update(fields)
        resp = desk.post("/api/v1/orders", json=body)
        assert resp.status_code == 201, resp.get_json()
        return resp.get_json()

    return _make


def move(client, order: dict, to: str, **facts):
    """POST a transition with the order's current version; returns the response."""
    return client.post(f"/api/v1/orders/{order['id']}/transitions",
                       json={"to": to, "version": order["version"], **facts})


def advance(client, order: dict, to: str, **facts) -> dict:
    """Move the order and return its new JSON, asserting the move was accepted."""
    resp = move(client, order, to, **facts)
    assert resp.status_code == 200, resp.get_json()
    return resp.get_json()


def assign(client, order: dict, worker_id: int, **extra) -> dict:
    """Assign (or replace) the order's worker, asserting it was accepted."""
    resp = client.post(f"/api/v1/orders/{order['id']}/worker",
                       json={"worker_id": worker_id, "version": order["version"], **extra})
    assert resp.status_code == 200, resp.get_json()
    return resp.get_json()


#: amounts a contract is signed with unless a test says otherwise (a line's contract is
#: not signed with a zero or missing fee, salary or deposit)
CONTRACT_FEES = {"service_fee": "8000.00", "worker_salary": "6000.00", "deposit": "2000.00"}


def signed_contract(client, order: dict, start, end, **fees) -> dict:
    """Draft and sign the order's contract; returns the signed contract's JSON."""
    body = {"start_date": start.isoformat(), "end_date": end.isoformat(),
            **CONTRACT_FEES, **fees}
    resp = client.post(f"/api/v1/orders/{order['id']}/contracts", json=body)
    assert resp.status_code == 201, resp.get_json()
    contract = resp.get_json()
    resp = client.post(f"/api/v1/orders/{order['id']}/contracts/{contract['id']}/sign",
                       json={"signed_on": start.isoformat()})
    assert resp.status_code == 200, resp.get_json()
    return resp.get_json()


def fetch(client, order: dict) -> dict:
    """The order's current JSON."""
    return client.get(f"/api/v1/orders/{order['id']}").get_json()
