"""Helpers for the customers tests: a quick way to put a customer on file."""
import itertools

import pytest

_numbers = itertools.count(1)


def new_mobile() -> str:
    """A fresh valid mobile number for each call (139 0000 xxxx)."""
    return f"1390000{next(_numbers):04d}"


@pytest.fixture
def add_customer(api_as):
    """``add_customer(name=..., **fields)`` → the created customer's JSON (via the API,
    as a supervisor, so any confidentiality level can be set)."""

    def _add(name="张三", role="supervisor", **fields):
        body = {"name": name, "mobile": fields.pop("mobile", None) or new_mobile(), **fields}
        resp = api_as(role).post("/api/v1/customers", json=body)
        assert resp.status_code == 201, resp.get_json()
        return resp.get_json()

    return _add
