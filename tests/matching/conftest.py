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
    """``worker_for(line, status="available")`` → id of a worker doing that line, with no
    credential (the matching tests give each what they test; ``qualified=True``: every
    credential her line needs)."""
    return lambda line="cleaning", **kw: make_worker(app, (line,), **{"qualified": False, **kw})


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


def add_credentials(app, worker_id: int, kinds, expires_on=None, certified=True) -> None:
    """Give the worker a credential of each kind (58到家 certified unless told)."""
    from core.extensions import db
    from core.workers.models import WorkerCredential

    with app.app_context():
        for kind in kinds:
            db.session.add(WorkerCredential(
                worker_id=worker_id, kind=kind, expires_on=expires_on,
                certification_status=("certified" if certified else "pending")
                if kind == "platform_certification" else None))
        db.session.commit()


REQUIRED = {"cleaning": ("health_certificate", "platform_certification"),
            "maternity_nurse": ("health_certificate", "platform_certification",
                                "maternity_care"),
            "nanny": ("health_certificate", "platform_certification", "infant_care"),
            "child_massage": ("health_certificate", "child_massage")}


@pytest.fixture
def qualified(app):
    """``qualified(line, health_expires=None, **worker)`` → a worker holding every
    credential the line requires (健康证 valid until ``health_expires``, others open)."""

    def _make(line: str = "cleaning", health_expires=None, **kw) -> int:
        worker = make_worker(app, (line,), **{"qualified": False, **kw})
        add_credentials(app, worker, REQUIRED[line][:1], health_expires)
        add_credentials(app, worker, REQUIRED[line][1:])
        return worker

    return _make
