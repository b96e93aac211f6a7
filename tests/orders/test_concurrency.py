"""Two people saving the same order at once: exactly one wins, the other gets 409.

Each thread has its own app context, hence its own database session and connection;
a barrier makes both pass the version check before either writes, so the refusal comes
from the database-level version check (UPDATE … WHERE version = ?), on SQLite and on
PostgreSQL alike.
"""
from __future__ import annotations

import threading

from core.errors import Conflict
from core.orders import service

from .conftest import advance


def _race(app, monkeypatch, hook: str, change) -> list:
    """Run ``change(order)`` in two threads that meet at ``service.<hook>`` before
    writing; returns each thread's outcome ("ok" or the Conflict)."""
    barrier = threading.Barrier(2, timeout=20)
    real = getattr(service, hook)

    def meet_then_write():
        barrier.wait()
        return real()

    monkeypatch.setattr(service, hook, meet_then_write)
    outcomes: list = []
    lock = threading.Lock()

    def worker():
        with app.app_context():
            try:
                change(service.get_order(order_id[0]))
                result = "ok"
            except Conflict as exc:
                result = exc
            except Exception as exc:  # noqa: BLE001 - reported by the assertion below
                result = exc
            with lock:
                outcomes.append(result)

    threads = [threading.Thread(target=worker) for _ in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=60)
    return outcomes


order_id: list[int] = [0]


def test_two_saves_from_the_same_version_one_wins_one_gets_409(app, new_order, desk,
                                                             monkeypatch):
    order = new_order("cleaning")
    order_id[0] = order["id"]
    version = order["version"]
    notes = iter(["甲的备注", "乙的备注"])
    lock = threading.Lock()

    def change(o):
        with lock:
            note = next(notes)
        service.update_order(o, version, None, note=note)

    outcomes = _race(app, monkeypatch, "commit", change)
    assert sorted(type(o).__name__ if o != "ok" else "ok" for o in outcomes) == ["Conflict", "ok"]
    loser = next(o for o in outcomes if o != "ok")
    assert loser.status == 409 and loser.code == "stale_version"
    assert "刷新" in loser.message.zh and "reload" in str(loser.message)
    after = desk.get(f"/api/v1/orders/{order['id']}").get_json()
    assert after["version"] == version + 1 and after["note"] in ("甲的备注", "乙的备注")
    history = desk.get(f"/api/v1/orders/{order['id']}/events").get_json()
    assert [e["kind"] for e in history] == ["created", "updated"]


def test_two_moves_from_the_same_version_one_wins_one_gets_409(app, new_order, desk,
                                                             monkeypatch):
    order = advance(desk, new_order("cleaning"), "quoted")
    order_id[0] = order["id"]
    version = order["version"]
    targets = iter(["matching", "cancelled"])
    lock = threading.Lock()

    def change(o):
        with lock:
            to = next(targets)
        service.transition(o, to, version, None, cancel_reason="no_longer_needed")

    outcomes = _race(app, monkeypatch, "flush", change)
    assert sorted(type(o).__name__ if o != "ok" else "ok" for o in outcomes) == ["Conflict", "ok"]
    after = desk.get(f"/api/v1/orders/{order['id']}").get_json()
    assert after["state"] in ("matching", "cancelled") and after["version"] == version + 1
    moves = [e for e in desk.get(f"/api/v1/orders/{order['id']}/events").get_json()
             if e["kind"] == "transition"]
    assert len(moves) == 2  # quoted, then exactly one of the two racing moves


def test_over_http_the_second_save_with_a_stale_version_is_409(new_order, desk):
    order = new_order("cleaning")
    first = desk.patch(f"/api/v1/orders/{order['id']}",
                       json={"version": order["version"], "note": "先到"})
    second = desk.patch(f"/api/v1/orders/{order['id']}",
                        json={"version": order["version"], "note": "后到"})
    assert first.status_code == 200 and second.status_code == 409
    body = second.get_json()
    assert body["code"] == "stale_version"
    assert body["message"] == {"en": "Someone else changed this order meanwhile; reload the "
                                     "page and try again.",
                               "zh": "该订单已被他人修改，请刷新页面后重试。"}
    assert desk.get(f"/api/v1/orders/{order['id']}").get_json()["note"] == "先到"
