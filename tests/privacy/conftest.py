"""Helpers for the privacy tests: files at each level, grants, a clock that moves."""
import datetime as dt
import itertools

import pytest

_numbers = itertools.count(1)
MOBILE = "13912345678"


@pytest.fixture
def file_at(api_as):
    """``file_at(level)`` → the JSON of a new file at that level (made by an admin, with
    an address and household notes)."""

    def _make(level, name="王小明", mobile=None):
        body = {"name": name, "mobile": mobile or f"1390000{next(_numbers):04d}",
                "confidentiality": level, "household_notes": "孩子对花生过敏",
                "addresses": [{"district": "朝阳区", "detail": "望京街 8 号 3-1201"}]}
        resp = api_as("admin").post("/api/v1/customers", json=body)
        assert resp.status_code == 201, resp.get_json()
        return {**resp.get_json(), "mobile": body["mobile"]}

    return _make


@pytest.fixture
def grant(api_as):
    """``grant(role, customer_id, hours=4)`` → the approved request's JSON (asked by the
    role, approved by an admin)."""

    def _grant(role, customer_id, hours=4):
        asked = api_as(role).post("/api/v1/customers/access-requests", json={
            "customer_id": customer_id, "reason": "客户来电投诉，需核对地址", "hours": hours})
        assert asked.status_code == 201, asked.get_json()
        done = api_as("admin").post(
            f"/api/v1/customers/access-requests/{asked.get_json()['id']}/approve", json={})
        assert done.status_code == 200, done.get_json()
        return done.get_json()

    return _grant


@pytest.fixture
def clock(monkeypatch):
    """``clock(hours)`` moves the time the access rules read forward by ``hours``."""
    from core.customers import disclosure, grants

    real = disclosure.utcnow

    def _move(hours):
        later = lambda: real() + dt.timedelta(hours=hours)  # noqa: E731
        monkeypatch.setattr(disclosure, "utcnow", later)
        monkeypatch.setattr(grants, "utcnow", later)

    return _move


def audit(api_as, customer_id, action=None, entity_type="customer"):
    """The audit events of one customer file (newest first)."""
    query = {"entity_type": entity_type, "per_page": 200}
    if customer_id is not None:
        query["entity_id"] = customer_id
    if action:
        query["action"] = action
    return api_as("admin").get("/api/v1/audit", query_string=query).get_json()["items"]
