"""Interviews (面试) of 月嫂 and 育婴师 orders, and the lifecycle's rule that an order leaves
the interview state for its contract only after the customer passed an interview with
its current worker — refused with 409 and the reason otherwise."""
from __future__ import annotations

import pytest
import sqlalchemy as sa

from core.extensions import db
from tests.orders.helpers import day

from .helpers import (
    advance,
    arrange,
    assign,
    beijing,
    fetch,
    interviewing,
    move,
    outcome,
    signed_contract,
)


@pytest.mark.parametrize("line", ["maternity_nurse", "nanny"])
def test_a_contract_needs_a_passed_interview_with_the_orders_worker(
        line, desk, new_order, worker_for):
    order = interviewing(desk, new_order(line), worker_for(line))
    signed_contract(desk, order, day(10), day(35))  # 26 days: a standard 月嫂 term

    refused = move(desk, fetch(desk, order), "contracted")
    assert refused.status_code == 409
    assert refused.get_json()["code"] == "interview_not_passed"
    assert "还没有" in refused.get_json()["message"]["zh"]
    assert "No interview" in refused.get_json()["message"]["en"]

    first = arrange(desk, order, beijing(day(2), "10:00"))
    assert first["worker_id"] == order["worker_id"] and first["status"] == "arranged"
    pending = move(desk, fetch(desk, order), "contracted")
    assert pending.status_code == 409 and "还没有结果" in pending.get_json()["message"]["zh"]

    no_reason = outcome(desk, order, first, "failed")
    assert no_reason.status_code == 422 and "reason" in no_reason.get_json()["fields"]
    failed = outcome(desk, order, first, "failed", reason="客户嫌年龄偏大")
    assert failed.status_code == 200 and failed.get_json()["reason"] == "客户嫌年龄偏大"
    assert outcome(desk, order, failed.get_json(), "passed").status_code == 409  # recorded
    refused = move(desk, fetch(desk, order), "contracted")
    assert refused.status_code == 409 and "未通过" in refused.get_json()["message"]["zh"]

    second = arrange(desk, order, beijing(day(3), "15:00"), place="客户家")
    assert outcome(desk, order, second, "passed").status_code == 200
    assert advance(desk, fetch(desk, order), "contracted")["state"] == "contracted"
    notes = [e["note"] for e in desk.get(f"/api/v1/orders/{order['id']}/events").get_json()
             if e["kind"] == "interview_outcome"]
    assert [n.split("：")[1] for n in notes] == ["未通过（客户嫌年龄偏大）", "通过"]


def test_a_passed_interview_counts_only_for_the_worker_interviewed(desk, new_order, worker_for):
    first_worker = worker_for("maternity_nurse")
    order = interviewing(desk, new_order("maternity_nurse"), first_worker)
    passed = arrange(desk, order, beijing(day(1), "10:00"))
    assert outcome(desk, order, passed, "passed").status_code == 200
    # the customer changes her mind: back to matching (the worker is released), another nurse
    order = advance(desk, fetch(desk, order), "matching")
    order = advance(desk, assign(desk, order, worker_for("maternity_nurse")), "interview")
    signed_contract(desk, order, day(10), day(35))
    refused = move(desk, fetch(desk, order), "contracted")
    assert refused.status_code == 409 and refused.get_json()["code"] == "interview_not_passed"


def test_an_interview_can_propose_another_worker_while_matching(desk, new_order, worker_for):
    order = advance(desk, advance(desk, new_order("nanny"), "quoted"), "matching")
    proposed = worker_for("nanny")
    row = arrange(desk, order, beijing(day(1), "09:30"), worker_id=proposed)
    assert row["worker_id"] == proposed
    no_show = outcome(desk, order, row, "no_show")
    assert no_show.status_code == 200 and no_show.get_json()["status"] == "no_show"
    listed = desk.get(f"/api/v1/orders/{order['id']}/interviews").get_json()
    assert [(i["status"], i["place"]) for i in listed] == [("no_show", "公司二楼会议室")]


def test_interviews_are_refused_for_a_line_without_them_and_for_unfit_workers(
        desk, new_order, worker_for):
    cleaning = new_order("cleaning")
    resp = desk.post(f"/api/v1/orders/{cleaning['id']}/interviews",
                     json={"scheduled_at": beijing(day(1), "10:00"), "place": "公司"})
    assert resp.status_code == 409 and resp.get_json()["code"] == "no_interviews"
    order = advance(desk, advance(desk, new_order("nanny"), "quoted"), "matching")
    url = f"/api/v1/orders/{order['id']}/interviews"
    when = beijing(day(1), "10:00")
    none = desk.post(url, json={"scheduled_at": when, "place": "公司"})
    assert none.status_code == 422 and "worker_id" in none.get_json()["fields"]
    blacklisted = worker_for("nanny", status="blacklisted")
    resp = desk.post(url, json={"scheduled_at": when, "place": "公司", "worker_id": blacklisted})
    assert resp.status_code == 409 and resp.get_json()["code"] == "worker_unfit"
    wrong_line = worker_for("cleaning")
    resp = desk.post(url, json={"scheduled_at": when, "place": "公司", "worker_id": wrong_line})
    assert resp.status_code == 409 and resp.get_json()["code"] == "worker_wrong_line"
    assert desk.get(url).get_json() == []


def test_an_outcome_is_heard_by_the_follow_up_engine(app, desk, new_order, worker_for):
    from core.followups.models import FollowUpAnchor

    order = interviewing(desk, new_order("maternity_nurse"), worker_for("maternity_nurse"))
    row = arrange(desk, order, beijing(day(-1), "10:00"))
    outcome(desk, order, row, "passed")
    with app.app_context():
        keys = set(db.session.scalars(sa.select(FollowUpAnchor.key).where(
            FollowUpAnchor.order_id == order["id"])))
    assert f"interview_end:{row['id']}" in keys


def test_an_interview_is_moved_or_cancelled_with_its_version(desk, new_order, worker_for):
    order = interviewing(desk, new_order("nanny"), worker_for("nanny"))
    row = arrange(desk, order, beijing(day(2), "10:00"))
    url = f"/api/v1/orders/{order['id']}/interviews/{row['id']}"
    moved = desk.patch(url, json={"version": row["version"],
                                  "scheduled_at": beijing(day(3), "11:00")})
    assert moved.status_code == 200
    stale = desk.post(f"{url}/cancel", json={"version": row["version"]})
    assert stale.status_code == 409 and stale.get_json()["code"] == "stale_version"
    gone = desk.post(f"{url}/cancel", json={"version": moved.get_json()["version"]})
    assert gone.status_code == 200 and gone.get_json()["status"] == "cancelled"


def test_finance_reads_interviews_but_arranges_none(api_as, desk, new_order, worker_for):
    order = interviewing(desk, new_order("nanny"), worker_for("nanny"))
    finance = api_as("finance")
    assert finance.get(f"/api/v1/orders/{order['id']}/interviews").status_code == 200
    resp = finance.post(f"/api/v1/orders/{order['id']}/interviews",
                        json={"scheduled_at": beijing(day(1), "10:00"), "place": "公司"})
    assert resp.status_code == 403
