"""The kit's factories (``jz_make``) and a ``jz_plugins`` override the way an author's
conftest would write it: the example line (examples/jiazheng-elderly-care) from source,
not installed, beside one shipped line."""
from __future__ import annotations

import sys
from pathlib import Path

import pytest

from tests.orders.helpers import day

EXAMPLE = Path(__file__).resolve().parents[2] / "examples" / "jiazheng-elderly-care"


def _elderly_hooks():
    if str(EXAMPLE) not in sys.path:
        sys.path.insert(0, str(EXAMPLE))
    from jiazheng_elderly_care import hooks

    return hooks


@pytest.fixture
def jz_plugins():
    """Overridden here the way an author's conftest would: the example line from source."""
    return ["cleaning", _elderly_hooks()]


def test_a_plugin_object_not_installed_is_loaded_as_an_extra_plugin(jz_app):
    from core import plugins as facade

    with jz_app.app_context():
        assert set(facade.service_lines()) == {"cleaning", "elderly_care"}
        assert facade.plugin_of("elderly_care") == "jiazheng_elderly_care"


def test_jz_make_builds_a_matchable_order_and_its_candidate(jz_make, jz_client):
    worker = jz_make.worker("elderly_care")
    jz_make.worker("elderly_care", credentials=False)  # no 健康证: not a candidate
    customer = jz_make.customer(name="王女士")
    order = jz_make.order("elderly_care", customer_id=customer, state="matching")
    desk = jz_client("dispatcher")
    got = desk.get(f"/api/v1/orders/{order}").get_json()
    assert got["state"] == "matching" and got["customer_id"] == customer
    assert got["intake"]["care_level"] == "assisted"  # the line's first sample intake
    found = desk.get(f"/api/v1/orders/{order}/candidates").get_json()
    items = found["items"] if isinstance(found, dict) else found
    assert [c["worker_id"] for c in items] == [worker]


def test_jz_make_order_takes_an_intake_and_refuses_an_unknown_state(jz_make, jz_client):
    order = jz_make.order("cleaning", {
        "address": {"district": "玄武区", "detail": "北京东路 2 号"}, "floor_area": "60",
        "kind": "routine", "dirt_level": "light", "frequency": "one_off",
        "preferred_date": day(20).isoformat(), "preferred_time": "10:00"})
    got = jz_client().get(f"/api/v1/orders/{order}").get_json()
    assert got["intake"]["floor_area"] == "60" and got["state"] == "enquiry"
    with pytest.raises(ValueError, match="state is one of"):
        jz_make.order("cleaning", state="finished")
    with pytest.raises(ValueError, match="start_date goes with state='in_service'"):
        jz_make.order("cleaning", start_date=day(3))


def test_jz_make_puts_an_order_in_service_on_its_own_or_a_given_start(jz_make, jz_client):
    desk = jz_client()
    own = jz_make.order("elderly_care")
    assert desk.get(f"/api/v1/orders/{own}").get_json()["start_date"] is None
    jz_make.into_service(own)  # no 上户 date booked: today
    got = desk.get(f"/api/v1/orders/{own}").get_json()
    assert (got["state"], got["start_date"]) == ("in_service", day(0).isoformat())
    given = jz_make.order("elderly_care", state="in_service", start_date=day(2).isoformat())
    got = desk.get(f"/api/v1/orders/{given}").get_json()
    assert (got["state"], got["start_date"]) == ("in_service", day(2).isoformat())
