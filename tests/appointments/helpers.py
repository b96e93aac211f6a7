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
    resp = client.post(url, json={"start_date": start.isoformat(), "end_date": end.isoformat(),
                                  "service_fee": "8000.00", "worker_salary": "6000.00",
                                  "deposit": "2000.00"})
    assert resp.status_code == 201, resp.get_json()
    signed = client.post(f"{url}/{resp.get_json()['id']}/sign",
                         json={"signed_on": start.isoformat()})
    assert signed.status_code == 200, signed.get_json()
    return signed.get_json()


def interviewing(client, order: dict, worker_id: int) -> dict:
    """A 月嫂/育婴师 order taken to the interview state with ``worker_id`` assigned."""
    return advance(client, matching(client, order, worker_id), "interview")


#: the lines whose worker's profile card goes to the customer before the interview
PROFILE_LINES = ("maternity_nurse", "nanny")


def send_profile(client, order: dict, worker_id: int) -> None:
    """Her willingness (育婴师) and her profile card sent to the customer (004: before the
    interview), asserting both were accepted."""
    base = f"/api/v1/orders/{order['id']}"
    if order["service_line"] == "nanny":
        resp = client.post(f"{base}/willingness", json={"worker_id": worker_id,
                                                        "willing": True})
        assert resp.status_code == 201, resp.get_json()
    resp = client.post(f"{base}/profile-sendings", json={"worker_id": worker_id,
                                                         "channel": "wechat"})
    assert resp.status_code == 201, resp.get_json()


def sign_agreement(client, order: dict) -> dict:
    """Draft and sign the order's worker's service agreement (月嫂: before 上户)."""
    base = f"/api/v1/orders/{order['id']}/service-agreements"
    resp = client.post(base, json={})
    assert resp.status_code == 201, resp.get_json()
    signed = client.post(f"{base}/{resp.get_json()['id']}/sign",
                         json={"signed_on": day(0).isoformat()})
    assert signed.status_code == 200, signed.get_json()
    return signed.get_json()


def arrange(client, order: dict, when: str, *, profile: bool = True, **extra) -> dict:
    """Arrange an interview (asserting 201); on a line that sends a profile, her profile
    card is sent first unless ``profile`` is False."""
    worker_id = extra.get("worker_id") or order.get("worker_id")
    if profile and order["service_line"] in PROFILE_LINES and worker_id:
        send_profile(client, order, worker_id)
    resp = client.post(f"/api/v1/orders/{order['id']}/interviews",
                       json={"scheduled_at": when, "place": "公司二楼会议室", **extra})
    assert resp.status_code == 201, resp.get_json()
    return resp.get_json()


def outcome(client, order: dict, interview: dict, result: str, **extra):
    """POST an interview's outcome with its version; returns the response."""
    return client.post(f"/api/v1/orders/{order['id']}/interviews/{interview['id']}/outcome",
                       json={"version": interview["version"], "outcome": result, **extra})
