"""The desk list's fast path gives exactly what the schema would (the page is JSON'd
directly, not walked field by field), in a fixed number of statements however many rows
(no N+1); and a reopened complaint cannot be closed without a new resolution."""
from __future__ import annotations

import sqlalchemy as sa
from sqlalchemy import event

from core.complaints.models import ComplaintAction
from core.extensions import db

from .helpers import complaint_in, make_customer, make_order, order_of
from .test_api import soon

BASE = "/api/v1/complaints"


def _statements(app, fn) -> int:
    seen = []

    def count(*_args):
        seen.append(1)

    with app.app_context():
        engine = db.engine
    event.listen(engine, "before_cursor_execute", count)
    try:
        fn()
    finally:
        event.remove(engine, "before_cursor_execute", count)
    return len(seen)


def test_the_list_json_is_what_the_schema_dumps_for_every_role_view(app, api_as):
    from flask import g

    from core.accounts.models import User
    from core.complaints import queries
    from core.complaints.schemas import ComplaintPageSchema

    desk = api_as("dispatcher")
    secret = make_customer(app, name="赵秘密", mobile="13900001111",
                           confidentiality="top_secret")
    plain_order = make_order(app)
    customer, _ = order_of(app, plain_order)
    desk.post(BASE, json=complaint_in(plain_order, customer, contacted=True))
    desk.post(BASE, json=complaint_in(None, secret, summary="保密客户投诉"))
    serious_order = make_order(app)
    c = desk.post(BASE, json=complaint_in(serious_order, order_of(app, serious_order)[0],
                                          level="serious"))
    cid = c.get_json()["id"]
    desk.post(f"{BASE}/{cid}/waiting", json={"waiting": True})
    for query in ("", "?sort=-received_at", "?clock=paused", "?q=保密"):
        listed = desk.get(BASE + query)
        assert listed.status_code == 200
        body = listed.get_json()
        with app.test_request_context():
            g.principal = db.session.scalar(sa.select(User).where(User.username == "dispatcher1"))
            args = {"sort": "-received_at"} if "sort" in query else (
                {"clock": "paused"} if "paused" in query else ({"q": "保密"} if "q=" in query
                                                               else {}))
            expected = ComplaintPageSchema().dump(queries.search(
                "dispatcher", user_id=g.principal.id, **args))
        assert body == expected, query
    rows = desk.get(BASE).get_json()["items"]
    hidden = next(r for r in rows if r["customer"]["id"] == secret)["customer"]
    assert hidden["name"] == "赵**" and hidden["mobile"] is None and not hidden["openable"]


def test_the_list_takes_the_same_statements_for_one_row_and_for_twenty(app, api_as):
    desk = api_as("dispatcher")
    order = make_order(app)
    customer, _ = order_of(app, order)
    desk.post(BASE, json=complaint_in(order, customer))
    desk.get(BASE)  # warm: the token's user, the labels written once
    one = _statements(app, lambda: desk.get(BASE))
    for i in range(19):
        o = make_order(app)
        c, _ = order_of(app, o)
        desk.post(BASE, json=complaint_in(o, c, summary=f"投诉{i}"))
    assert desk.get(BASE).get_json()["total"] == 20
    twenty = _statements(app, lambda: desk.get(BASE))
    assert one == twenty <= 6  # token, its user, count, one joined page, labels


def test_a_reopened_complaint_cannot_be_closed_without_a_new_resolution(app, api_as):
    desk = api_as("dispatcher")
    order = make_order(app)
    customer, _ = order_of(app, order)
    c = desk.post(BASE, json=complaint_in(order, customer)).get_json()
    url = f"{BASE}/{c['id']}"
    desk.post(url + "/resolutions", json={"kind": "apology", "callback_at": soon()})
    c = desk.post(url + "/callback", json={"verdict": "not_satisfied"}).get_json()
    assert c["state"] == "open" and c["reopened"] == 1

    def actions() -> int:
        with app.app_context():
            return db.session.scalar(sa.select(sa.func.count()).select_from(
                ComplaintAction).where(ComplaintAction.complaint_id == c["id"]))

    before = actions()
    refused = desk.post(url + "/callback", json={"verdict": "satisfied"})
    assert refused.status_code == 409 and refused.get_json()["code"] == "no_resolution"
    # waiting on the customer and resuming does not bring the old resolution back
    desk.post(url + "/waiting", json={"waiting": True})
    desk.post(url + "/waiting", json={"waiting": False})
    after_pause = actions()
    refused = desk.post(url + "/callback", json={"verdict": "satisfied"})
    assert refused.status_code == 409 and refused.get_json()["code"] == "no_resolution"
    assert actions() == after_pause == before + 2  # only the pause and the resume
    assert desk.get(url).get_json()["state"] == "open"
    desk.post(url + "/resolutions", json={"kind": "redo", "callback_at": soon()})
    closed = desk.post(url + "/callback", json={"verdict": "satisfied"}).get_json()
    assert closed["state"] == "closed"


def test_a_history_list_is_counted_only_up_to_the_cap(app, api_as, monkeypatch):
    from core.complaints import queries

    desk = api_as("dispatcher")
    for i in range(3):
        o = make_order(app)
        c = desk.post(BASE, json=complaint_in(o, order_of(app, o)[0], summary=f"投诉{i}"))
        url = f"{BASE}/{c.get_json()['id']}"
        desk.post(url + "/resolutions", json={"kind": "apology", "callback_at": soon()})
        assert desk.post(url + "/callback", json={"verdict": "satisfied"}).status_code == 200
    full = desk.get(BASE + "?state=closed").get_json()
    assert (full["total"], full["total_capped"]) == (3, False)
    monkeypatch.setattr(queries, "COUNT_CAP", 2)
    capped = desk.get(BASE + "?state=closed&per_page=1").get_json()
    assert (capped["total"], capped["total_capped"], capped["pages"]) == (2, True, 2)
    assert desk.get(BASE).get_json()["total_capped"] is False  # open ones: always exact
