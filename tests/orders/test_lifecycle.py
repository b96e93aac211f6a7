"""The order lifecycle: legal paths of every line, refusals (409 with the reason), facts
each move needs, history with who and when, cancel reasons, the broadcast hook."""
from __future__ import annotations

import pytest

from core import hookimpl
from core.orders import lifecycle
from core.types import OrderPolicy
from tests.conftest import make_test_app

from .conftest import advance, assign, fetch, move, signed_contract
from .helpers import LINES, day, make_customer, make_worker

#: this module's test plugins use hooks of plugin contract 1 on purpose: they check that
#: those hooks keep working (and refusing strangers) through contract 2
pytestmark = pytest.mark.filterwarnings("ignore::core.hookspecs.ContractDeprecationWarning")

SIMPLE = OrderPolicy()
WITH_CONTRACT = OrderPolicy(needs_interview=True, needs_contract=True)


def test_forward_path_has_interview_and_contract_only_when_the_policy_asks():
    assert lifecycle.forward_path(SIMPLE) == [
        "enquiry", "quoted", "matching", "in_service", "finished"]
    assert lifecycle.forward_path(WITH_CONTRACT) == [
        "enquiry", "quoted", "matching", "interview", "contracted", "in_service", "finished"]


def test_every_open_state_can_be_cancelled_and_final_states_go_nowhere():
    for state in ("enquiry", "quoted", "matching", "interview", "contracted", "in_service"):
        assert "cancelled" in lifecycle.next_states(state, WITH_CONTRACT)
    assert lifecycle.next_states("finished", WITH_CONTRACT) == []
    assert lifecycle.next_states("cancelled", SIMPLE) == []
    assert lifecycle.next_states("interview", WITH_CONTRACT) == [
        "contracted", "matching", "cancelled"]


def _to_service(desk, order, line, worker_for):
    """enquiry → … → in_service along the line's own path; returns the order."""
    order = advance(desk, order, "quoted")
    assert order["agreed_price"] == order["quote_total"]
    order = advance(desk, order, "matching")
    order = assign(desk, order, worker_for(line))
    if line in ("maternity_nurse", "nanny"):
        order = advance(desk, order, "interview")
        signed_contract(desk, order, day(10), day(35), service_fee="1000.00",
                        worker_salary="9000.00", deposit="2000.00", final_payment="8000.00")
        order = advance(desk, fetch(desk, order), "contracted")
    return advance(desk, order, "in_service", start_date=day(10).isoformat())


@pytest.mark.parametrize("line", LINES)
def test_each_line_goes_from_enquiry_to_finished_along_its_path(line, new_order, desk,
                                                                 worker_for):
    order = _to_service(desk, new_order(line), line, worker_for)
    assert order["start_date"] == day(10).isoformat()
    # the 下户 date is still ahead: finishing now needs a reason (kept in the history)
    order = advance(desk, order, "finished", end_date=day(36).isoformat(),
                    finish_reason="客户提前结清")
    assert order["state"] == "finished" and order["next_states"] == []
    history = desk.get(f"/api/v1/orders/{order['id']}/events").get_json()
    moves = [(e["from_state"], e["to_state"]) for e in history if e["kind"] == "transition"]
    expected = {"cleaning": ["quoted", "matching", "in_service", "finished"],
                "child_massage": ["quoted", "matching", "in_service", "finished"],
                "maternity_nurse": ["quoted", "matching", "interview", "contracted",
                                    "in_service", "finished"],
                "nanny": ["quoted", "matching", "interview", "contracted", "in_service",
                          "finished"]}[line]
    assert [to for _, to in moves] == expected
    assert all(e["actor"] == "dispatcher user" and e["at"] for e in history)


@pytest.mark.parametrize("line", LINES)
@pytest.mark.parametrize("stop", ["enquiry", "quoted", "matching"])
def test_each_line_can_be_cancelled_with_a_reason_from_an_open_state(line, stop, new_order,
                                                                      desk, worker_for):
    order = new_order(line)
    for state in ["quoted", "matching"][:["enquiry", "quoted", "matching"].index(stop)]:
        order = advance(desk, order, state)
    order = advance(desk, order, "cancelled", cancel_reason="quote_too_high")
    assert order["state"] == "cancelled" and order["cancel_reason"] == "quote_too_high"
    resp = move(desk, order, "quoted")
    assert resp.status_code == 409
    assert "不能再变更" in resp.get_json()["message"]["zh"]


def test_an_order_in_service_can_be_cancelled_and_keeps_the_note(new_order, desk,
                                                                worker_for):
    order = _to_service(desk, new_order("cleaning"), "cleaning", worker_for)
    order = advance(desk, order, "cancelled", cancel_reason="other",
                    cancel_note="客户搬家")
    assert order["cancel_note"] == "客户搬家"


def test_cancelling_needs_a_reason_and_other_needs_words(new_order, desk):
    order = new_order("cleaning")
    resp = move(desk, order, "cancelled")
    assert resp.status_code == 409 and "取消原因" in resp.get_json()["message"]["zh"]
    resp = move(desk, order, "cancelled", cancel_reason="other")
    assert resp.status_code == 409
    assert resp.get_json()["message"]["en"] == "Cancelled for another reason: describe it."
    resp = move(desk, order, "cancelled", cancel_reason="bored")
    assert resp.status_code == 422 and "cancel_reason" in resp.get_json()["fields"]


def test_an_illegal_move_is_409_and_says_which_moves_are_possible(new_order, desk):
    order = new_order("cleaning")
    resp = move(desk, order, "in_service", start_date=day(1).isoformat())
    body = resp.get_json()
    assert resp.status_code == 409 and body["code"] == "transition_refused"
    assert body["message"]["en"].startswith("An order that is Enquiry cannot become In service")
    assert "已报价" in body["message"]["zh"] and "已取消" in body["message"]["zh"]
    assert fetch(desk, order)["state"] == "enquiry"


def test_a_line_without_interview_cannot_go_to_interview(new_order, desk, worker_for):
    order = advance(desk, advance(desk, new_order("cleaning"), "quoted"), "matching")
    order = assign(desk, order, worker_for("cleaning"))
    assert move(desk, order, "interview").status_code == 409
    assert move(desk, order, "contracted").status_code == 409


def test_a_line_with_interview_cannot_skip_it(new_order, desk, worker_for):
    order = advance(desk, advance(desk, new_order("nanny"), "quoted"), "matching")
    order = assign(desk, order, worker_for("nanny"))
    resp = move(desk, order, "in_service", start_date=day(1).isoformat())
    assert resp.status_code == 409 and "面试" in resp.get_json()["message"]["zh"]


def test_quoting_needs_a_quote(desk, customer_id):
    resp = desk.post("/api/v1/orders", json={"service_line": "cleaning",
                                             "customer_id": customer_id})
    order = resp.get_json()
    assert resp.status_code == 201 and order["quote"] is None
    resp = move(desk, order, "quoted")
    assert resp.status_code == 409
    assert resp.get_json()["message"]["en"] == "There is no quote yet: fill in the intake first."


def test_interview_needs_a_worker_and_contracted_a_signed_contract(new_order, desk,
                                                                   worker_for):
    order = advance(desk, advance(desk, new_order("maternity_nurse"), "quoted"), "matching")
    resp = move(desk, order, "interview")
    assert resp.status_code == 409 and resp.get_json()["message"]["zh"] == "请先指派阿姨。"
    order = advance(desk, assign(desk, order, worker_for("maternity_nurse")), "interview")
    resp = move(desk, order, "contracted")
    assert resp.status_code == 409 and "三方合同" in resp.get_json()["message"]["zh"]


def test_a_failed_interview_goes_back_to_matching_and_releases_the_worker(new_order, desk,
                                                                          worker_for):
    order = advance(desk, advance(desk, new_order("nanny"), "quoted"), "matching")
    order = advance(desk, assign(desk, order, worker_for("nanny")), "interview")
    order = advance(desk, order, "matching", note="客户不满意面试")
    assert order["worker_id"] is None and order["state"] == "matching"
    events = desk.get(f"/api/v1/orders/{order['id']}/events").get_json()
    assert events[-1]["note"] == "客户不满意面试"
    assert events[-1]["data"]["released_worker_id"] is not None


def test_service_needs_a_start_date_and_finishing_an_end_date_not_before_it(
        new_order, desk, worker_for):
    order = advance(desk, advance(desk, new_order("cleaning"), "quoted"), "matching")
    order = assign(desk, order, worker_for("cleaning"))
    # the booked visit told the order its start (上户); a visit leaves 下户 open
    assert (order["start_date"], order["end_date"]) == (day(10).isoformat(), None)
    order = advance(desk, order, "in_service", start_date=day(3).isoformat())
    assert move(desk, order, "finished").status_code == 409
    resp = move(desk, order, "finished", end_date=day(2).isoformat())
    assert resp.status_code == 409 and "不能早于上户日期" in resp.get_json()["message"]["zh"]
    resp = move(desk, order, "finished", end_date=day(3).isoformat())
    assert resp.status_code == 422 and "end_date" in resp.get_json()["fields"]  # ahead
    assert advance(desk, order, "finished", end_date=day(3).isoformat(),
                   finish_reason="最后一次上门已提前完成")["end_date"]


def test_finance_reads_orders_but_cannot_move_them(new_order, api_as):
    order = new_order("cleaning")
    finance = api_as("finance")
    assert finance.get(f"/api/v1/orders/{order['id']}").status_code == 200
    assert move(finance, order, "quoted").status_code == 403
    assert move(api_as("trainer"), order, "quoted").status_code == 403


class StateSpy:
    """A test plugin recording order_state_changed broadcasts."""

    def __init__(self, fail_on: str | None = None):
        self.calls: list[tuple] = []
        self.fail_on = fail_on

    @hookimpl
    def order_state_changed(self, order_id, service_line, from_state, to_state):
        if to_state == self.fail_on:
            raise RuntimeError("listener refuses")
        self.calls.append((order_id, service_line, from_state, to_state))


@pytest.fixture
def spied(tmp_path, database_url):
    def _make(**kw):
        from core.extensions import db
        from tests.conftest import ApiClient, make_user, token_for

        spy = StateSpy(**kw)
        app = make_test_app(tmp_path, database_url, EXTRA_PLUGINS=[("spy", spy)])
        make_user(app, "dispatcher", "spy-desk")
        client = ApiClient(app, token_for(app, "spy-desk"))
        customer = make_customer(app)
        made.append(app)
        return spy, app, client, customer, db

    made = []
    yield _make
    from tests.conftest import empty_database

    for app in made:
        if database_url:
            empty_database(app)


def test_plugins_hear_every_state_change(spied):
    from .helpers import intake

    spy, app, client, customer, _db = spied()
    resp = client.post("/api/v1/orders", json={"service_line": "cleaning",
                                               "customer_id": customer,
                                               "intake": intake("cleaning")})
    order = advance(client, resp.get_json(), "quoted")
    assert spy.calls == [(order["id"], "cleaning", "enquiry", "quoted")]


def test_a_listener_that_raises_refuses_the_whole_move(spied):
    from .helpers import intake

    spy, app, client, customer, _db = spied(fail_on="quoted")
    app.config["PROPAGATE_EXCEPTIONS"] = False
    order = client.post("/api/v1/orders", json={"service_line": "cleaning",
                                                "customer_id": customer,
                                                "intake": intake("cleaning")}).get_json()
    assert move(client, order, "quoted").status_code == 500
    after = fetch(client, order)
    assert after["state"] == "enquiry" and after["version"] == order["version"]


def test_worker_must_do_the_line_and_be_available(app, new_order, desk):
    order = advance(desk, advance(desk, new_order("cleaning"), "quoted"), "matching")
    nanny = make_worker(app, ("nanny",))
    busy = make_worker(app, ("cleaning",), status="on_leave")
    for worker in (nanny, busy):
        resp = desk.post(f"/api/v1/orders/{order['id']}/worker",
                         json={"worker_id": worker, "version": order["version"]})
        assert resp.status_code == 409
    resp = desk.post(f"/api/v1/orders/{order['id']}/worker",
                     json={"worker_id": 99999, "version": order["version"]})
    assert resp.status_code == 422 and "worker_id" in resp.get_json()["fields"]


def test_a_guard_another_area_registers_can_refuse_a_move(new_order, desk):
    from core.errors import Conflict
    from core.messages import Msg

    seen = []

    @lifecycle.guard("quoted")
    def _no_quotes_on_sundays(order, facts):
        seen.append(order.number)
        raise Conflict(Msg("Not today.", "今天不行。"), code="guarded")

    order = new_order("cleaning")
    resp = move(desk, order, "quoted")
    assert resp.status_code == 409 and resp.get_json()["message"]["zh"] == "今天不行。"
    assert seen == [order["number"]] and fetch(desk, order)["state"] == "enquiry"
