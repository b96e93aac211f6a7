"""Helpers of the appointments tests: moving orders through the real API."""
from __future__ import annotations

import datetime as dt

from core.timeutil import SHANGHAI
from tests.orders.helpers import day


def advance(client, order: dict, to: str, **facts) -> dict:
    """Move the order (asserting it was accepted) and return its new JSON."""
    resp = move(client, order, to, **facts)
    assert resp.status_code == 200, resp.get_json()
    return resp.get_json()


def move(client, order: dict, to: str, **facts):
    """POST a transition with the order's current version; returns the response."""
    return client.post(f"/api/v1/orders/{order['id']}/transitions",
                       json={"to": to, "version": order["version"], **facts})


def fetch(client, order: dict) -> dict:
    """The order's current JSON."""
    return client.get(f"/api/v1/orders/{order['id']}").get_json()


def assign(client, order: dict, worker_id: int) -> dict:
    """Assign the order's worker (asserting it was accepted)."""
    resp = client.post(f"/api/v1/orders/{order['id']}/worker",
                       json={"worker_id": worker_id, "version": order["version"]})
    assert resp.status_code == 200, resp.get_json()
    return resp.get_json()


def matching(client, order: dict, worker_id: int | None = None) -> dict:
    """enquiry → quoted → matching, with the worker assigned when given."""
    order = advance(client, advance(client, order, "quoted"), "matching")
    return assign(client, order, worker_id) if worker_id else order


def in_service(client, order: dict, worker_id: int) -> dict:
    """A line without interview or contract (保洁, 小儿推拿) taken into service today."""
    return advance(client, matching(client, order, worker_id), "in_service",
                   start_date=day(0).isoformat())


def beijing(day_: dt.date, hm: str) -> str:
    """An ISO time with the +08:00 zone, as the API takes it."""
    h, m = map(int, hm.split(":"))
    return dt.datetime.combine(day_, dt.time(h, m), tzinfo=SHANGHAI).isoformat()


def ago(**delta) -> str:
    """A moment in the past, ISO with its zone."""
    return (dt.datetime.now(SHANGHAI) - dt.timedelta(**delta)).isoformat(timespec="seconds")


def local(iso: str) -> str:
    """An API timestamp as ``YYYY-MM-DD HH:MM`` Beijing time."""
    return dt.datetime.fromisoformat(iso).astimezone(SHANGHAI).strftime("%Y-%m-%d %H:%M")


def signed_contract(client, order: dict, start: dt.date, end: dt.date) -> dict:
    """Draft and sign the order's three-party contract (asserting both were accepted)."""
    url = f"/api/v1/orders/{order['id']}/contracts"
    resp = client.post(url, json={"start_date": start.isoformat(), "end_date": end.isoformat()})
    assert resp.status_code == 201, resp.get_json()
    signed = client.post(f"{url}/{resp.get_json()['id']}/sign",
                         json={"signed_on": start.isoformat()})
    assert signed.status_code == 200, signed.get_json()
    return signed.get_json()


def interviewing(client, order: dict, worker_id: int) -> dict:
    """A 月嫂/育婴师 order taken to the interview state with ``worker_id`` assigned."""
    return advance(client, matching(client, order, worker_id), "interview")


def arrange(client, order: dict, when: str, **extra) -> dict:
    """Arrange an interview (asserting 201)."""
    resp = client.post(f"/api/v1/orders/{order['id']}/interviews",
                       json={"scheduled_at": when, "place": "公司二楼会议室", **extra})
    assert resp.status_code == 201, resp.get_json()
    return resp.get_json()


def outcome(client, order: dict, interview: dict, result: str, **extra):
    """POST an interview's outcome with its version; returns the response."""
    return client.post(f"/api/v1/orders/{order['id']}/interviews/{interview['id']}/outcome",
                       json={"version": interview["version"], "outcome": result, **extra})
