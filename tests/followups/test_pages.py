"""The pages and the API: the queue (overdue red, outcome in one click, once however often
clicked), home-page counts, the order's timeline, the private calendar feed."""
from __future__ import annotations

import datetime as dt
import re

import icalendar
import sqlalchemy as sa

from core.extensions import db
from core.followups.models import FollowUp, FollowUpOutcome
from tests.conftest import csrf_from

from .helpers import followups, make_order, move


def dispatcher_id(app, username="web-dispatcher"):
    from core.accounts.models import User

    with app.app_context():
        return db.session.scalar(sa.select(User.id).where(User.username == username))


def test_queue_shows_overdue_in_red_with_the_script_and_records_an_outcome_once(app, web_as):
    client = web_as("dispatcher")
    desk = dispatcher_id(app)
    order = make_order(app, "nanny", dispatcher_id=desk)
    move(app, order, "in_service", start_date="2026-01-05")
    html = client.get("/followups/").get_data(as_text=True)
    day3 = followups(app, order)["day3"]
    row = re.search(rf'<tr class="fu-overdue" data-followup="{day3.id}">(.*?)</tr>', html, re.S)
    assert row, "day 3 is overdue and shown in red"
    assert "上户第3天回访" in row.group(1) and "整体满意吗" in row.group(1)
    key = re.search(rf'action="/followups/{day3.id}/outcome".*?name="idempotency_key" '
                    r'value="([0-9a-f]+)"', row.group(1), re.S).group(1)
    form = {"csrf_token": csrf_from(client, "/followups/"), "outcome": "satisfied",
            "version": day3.version, "idempotency_key": key, "next": "/followups/"}
    for _ in range(2):  # a double click
        resp = client.post(f"/followups/{day3.id}/outcome", data=form)
        assert resp.status_code == 302
    with app.app_context():
        assert db.session.scalar(sa.select(sa.func.count(FollowUpOutcome.id))) == 1
    assert followups(app, order)["day3"].outcome == "satisfied"
    assert "day5" in followups(app, order)


def test_queue_filters_by_line_and_dispatcher(app, web_as):
    client = web_as("supervisor")
    order = make_order(app, "nanny")
    move(app, order, "in_service", start_date="2026-01-05")
    assert "data-followup=" in client.get("/followups/?bucket=overdue").get_data(as_text=True)
    html = client.get("/followups/?bucket=overdue&line=cleaning").get_data(as_text=True)
    assert "data-followup=" not in html
    html = client.get("/followups/?bucket=overdue&assignee_id=999999").get_data(as_text=True)
    assert "data-followup=" not in html


def test_home_page_counts_my_follow_ups(app, web_as):
    client = web_as("dispatcher")
    order = make_order(app, "nanny", dispatcher_id=dispatcher_id(app))
    move(app, order, "in_service", start_date="2026-01-05")
    html = client.get("/").get_data(as_text=True)
    assert "逾期回访" in html and "今日待回访" in html


def test_api_lists_counts_and_records_with_an_idempotency_key(app, api_as):
    desk = api_as("dispatcher")
    order = make_order(app, "maternity_nurse")
    move(app, order, "in_service", start_date="2026-01-05")
    page = desk.get(f"/api/v1/followups?bucket=overdue&order_id={order}").get_json()
    assert page["total"] >= 2 and all(item["overdue"] for item in page["items"])
    assert desk.get("/api/v1/followups/counts").get_json()["overdue"] >= 2
    day3 = next(i for i in page["items"] if i["rule_code"] == "day3")
    url = f"/api/v1/followups/{day3['id']}/outcomes"
    first = desk.post(url, json={"outcome": "unreachable"},
                      headers={"Idempotency-Key": "retry-me-123"})
    again = desk.post(url, json={"outcome": "unreachable"},
                      headers={"Idempotency-Key": "retry-me-123"})
    assert first.status_code == again.status_code == 200, first.get_json()
    assert (first.get_json()["replayed"], again.get_json()["replayed"]) == (False, True)
    assert again.get_json()["followup"]["attempts"] == 1
    bad = desk.post(url, json={"outcome": "not_satisfied", "version": 2})
    assert bad.status_code == 422 and "reason" in bad.get_json()["fields"]
    timeline = desk.get(f"/api/v1/followups/orders/{order}/timeline").get_json()
    assert [i["followup"]["rule_code"] for i in timeline if i["type"] == "followup"][:1]


def test_order_timeline_page_shows_done_and_planned(app, web_as):
    client = web_as("dispatcher")
    desk = dispatcher_id(app)
    order = make_order(app, "nanny", dispatcher_id=desk)
    move(app, order, "in_service", start_date="2026-01-05")
    from core.followups import service

    with app.app_context():
        f = db.session.get(FollowUp, followups(app, order)["day3"].id)
        service.record_outcome(f.id, "not_satisfied", actor_id=desk, version=f.version,
                               reason="做饭不合口味")
        db.session.commit()
    html = client.get(f"/followups/orders/{order}").get_data(as_text=True)
    assert 'id="followup-timeline"' in html and "做饭不合口味" in html
    assert "调解" in html and 'data-rule="day15"' in html


def test_calendar_feed_at_a_private_revocable_token_url(app, web_as, anon):
    client = web_as("dispatcher")
    order = make_order(app, "nanny", dispatcher_id=dispatcher_id(app))
    move(app, order, "in_service", start_date="2026-11-20")
    resp = client.post("/followups/calendar", data={"csrf_token": csrf_from(client, "/followups/")},
                       follow_redirects=True)
    url = re.search(r"(http://[^ <]+\.ics)", resp.get_data(as_text=True)).group(1)
    path = url.split("localhost", 1)[1]
    feed = anon.client.get(path)
    assert feed.status_code == 200 and feed.mimetype == "text/calendar"
    body = feed.get_data(as_text=True)
    assert body.startswith("BEGIN:VCALENDAR\r\n") and "BEGIN:VEVENT" in body
    assert "上户第15天回访" in body.replace("\r\n ", "")
    assert all(len(line.encode()) <= 75 for line in body.split("\r\n"))
    assert "李女士" not in body  # no customer names in a feed
    events = icalendar.Calendar.from_ical(body).walk("VEVENT")  # a calendar client reads it
    assert any(str(e["summary"]).split(" · ")[1].startswith("上户第15天回访") for e in events)
    assert all(e.decoded("dtstart").utcoffset() == dt.timedelta(0) for e in events)
    client.post("/followups/calendar", data={"csrf_token": csrf_from(client, "/followups/")})
    assert anon.client.get(path).status_code == 404  # regenerated: the old URL is dead
    assert anon.client.get("/followups/ical/not-a-token.ics").status_code == 404


def test_the_order_page_carries_the_follow_up_timeline(app, web_as):
    client = web_as("dispatcher")
    order = make_order(app, "nanny", dispatcher_id=dispatcher_id(app))
    move(app, order, "in_service", start_date="2026-01-05")
    html = client.get(f"/orders/{order}").get_data(as_text=True)
    assert 'id="followup-timeline"' in html and 'data-rule="day3"' in html


def test_the_sweep_command_queues_what_is_due(app, monkeypatch):
    import json

    import core.queue
    from core.cli import cli

    monkeypatch.setattr(core.queue, "QUEUE_NAME", "jz-fu-cli-test")
    order = make_order(app, "nanny")
    move(app, order, "in_service", start_date="2026-01-05")
    result = app.test_cli_runner().invoke(cli, ["followups", "sweep"])
    assert result.exit_code == 0, result.output
    assert json.loads(result.output)["reminders"] >= 2
    with app.app_context():
        from core.followups import jobs

        jobs.job_queue().delete(delete_jobs=True)
