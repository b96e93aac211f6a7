"""The desk's file duties from 003 (档案核定): each week's additions and adjustments and
each quarter's re-check of every file, opened by the job or the page, done by a named
person; files not re-checked this quarter listed, with each file's last-checked day."""
import datetime as dt

import sqlalchemy as sa

from core.customers import checks, jobs
from core.customers.models_checks import FileDuty
from core.extensions import db
from core.timeutil import business_today
from tests.conftest import csrf_from

from .conftest import audit


def test_periods_of_a_week_and_a_quarter():
    assert checks.week_of(dt.date(2026, 12, 6)) == (dt.date(2026, 11, 30), dt.date(2026, 12, 6))
    assert checks.quarter_of(dt.date(2026, 12, 6)) == (dt.date(2026, 10, 1),
                                                       dt.date(2026, 12, 31))
    assert checks.quarter_of(dt.date(2027, 2, 28)) == (dt.date(2027, 1, 1),
                                                       dt.date(2027, 3, 31))
    assert checks.quarter_of(dt.date(2026, 6, 30))[1] == dt.date(2026, 6, 30)


def test_duties_open_once_per_period_and_late_ones_show_as_overdue(app):
    with app.app_context():
        last_quarter = dt.date(2026, 8, 12)
        made = checks.ensure_duties(last_quarter)
        assert {(d.kind, d.period_start) for d in made} == {
            ("weekly", dt.date(2026, 8, 10)), ("quarterly", dt.date(2026, 7, 1))}
        assert checks.ensure_duties(last_quarter) == []  # idempotent
        # the rq job opens today's (arming the next run is best effort)
        jobs.open_duties_job()
        jobs.open_duties_job()
        assert db.session.scalar(sa.select(sa.func.count(FileDuty.id))) == 4
        overdue = checks.search_duties(state="overdue")["items"]
        assert {d.period_start for d in overdue} == {dt.date(2026, 8, 10), dt.date(2026, 7, 1)}
        assert checks.open_duty_count() == 4


def test_the_desk_rechecks_files_and_closes_the_weeks_and_the_quarters_duty(
        app, api_as, file_at):
    desk = api_as("dispatcher")
    plain = file_at("normal", name="陈一")
    secret = file_at("secret", name="陈二")
    closed = file_at("confidential", name="陈三")
    duties = desk.get("/api/v1/customers/file-duties").get_json()["items"]
    assert {d["kind"] for d in duties} == {"weekly", "quarterly"}
    weekly = next(d for d in duties if d["kind"] == "weekly")
    quarterly = next(d for d in duties if d["kind"] == "quarterly")
    assert weekly["files_added"] == 3 and weekly["done_at"] is None
    # files not checked this quarter: all three; the closed one by name only, no mobile
    listed = desk.get("/api/v1/customers/unchecked").get_json()
    assert listed["total"] == 3
    row = next(r for r in listed["items"] if r["id"] == closed["id"])
    assert row["name"] == "陈三" and row["mobile"] is None and row["last_checked_on"] is None
    assert closed["mobile"] not in str(listed)
    # the quarter's duty cannot be closed while files are left
    resp = desk.post(f"/api/v1/customers/file-duties/{quarterly['id']}/done", json={})
    assert resp.status_code == 409 and resp.get_json()["code"] == "files_unchecked"
    assert "3" in resp.get_json()["message"]["zh"]
    for f in (plain, secret):
        done = desk.post(f"/api/v1/customers/{f['id']}/checks", json={"note": "电话核对地址"})
        assert done.status_code == 201 and done.get_json()["checked_on"] == \
            business_today().isoformat()
    # a file that does not open to her cannot be re-checked by her; the refusal is recorded
    resp = desk.post(f"/api/v1/customers/{closed['id']}/checks", json={})
    assert resp.status_code == 403 and resp.get_json()["code"] == "grant_required"
    assert audit(api_as, closed["id"], "change_denied")
    assert api_as("supervisor").post(f"/api/v1/customers/{closed['id']}/checks",
                                     json={}).status_code == 201
    assert desk.get("/api/v1/customers/unchecked").get_json()["total"] == 0
    checked = audit(api_as, plain["id"], "file_checked")
    assert len(checked) == 1 and checked[0]["actor_id"] == \
        desk.get("/api/v1/auth/me").get_json()["id"]
    # both duties done, each by a named person, once
    for duty in (weekly, quarterly):
        resp = desk.post(f"/api/v1/customers/file-duties/{duty['id']}/done",
                         json={"note": "本周新增 3 份"})
        assert resp.status_code == 200, resp.get_json()
        assert resp.get_json()["done_by"] == "dispatcher user" and resp.get_json()["done_at"]
        again = desk.post(f"/api/v1/customers/file-duties/{duty['id']}/done", json={})
        assert again.status_code == 409 and again.get_json()["code"] == "duty_done"
    assert audit(api_as, None, "duty_done", entity_type="customer_file_duty")
    done = desk.get("/api/v1/customers/file-duties", query_string={"state": "done"}).get_json()
    assert done["total"] == 2


def test_bad_input_is_named_and_changes_nothing(api_as, file_at):
    desk = api_as("dispatcher")
    f = file_at("normal")
    for query, field in (({"kind": "daily"}, "kind"), ({"state": "late"}, "state"),
                         ({"sort": "colour"}, "sort")):
        resp = desk.get("/api/v1/customers/file-duties", query_string=query)
        assert resp.status_code == 422 and field in resp.get_json()["fields"], query
    resp = desk.get("/api/v1/customers/unchecked", query_string={"confidentiality": "x"})
    assert resp.status_code == 422 and "confidentiality" in resp.get_json()["fields"]
    resp = desk.post(f"/api/v1/customers/{f['id']}/checks", json={"note": "长" * 501})
    assert resp.status_code == 422 and "note" in resp.get_json()["fields"]
    assert desk.post("/api/v1/customers/99999999/checks", json={}).status_code == 404
    assert desk.post("/api/v1/customers/file-duties/99999/done", json={}).status_code == 404
    assert api_as("finance").get("/api/v1/customers/file-duties").status_code == 403
    assert api_as("finance").post(f"/api/v1/customers/{f['id']}/checks",
                                  json={}).status_code == 403
    assert desk.get("/api/v1/customers/unchecked").get_json()["total"] == 1


def test_the_pages_list_duties_and_unchecked_files_and_record_a_check(app, web_as, file_at):
    f = file_at("normal", name="林核定")
    desk = web_as("dispatcher", "web-desk")
    home = desk.get("/").get_data(as_text=True)
    assert 'id="tile-file-duties"' in home
    html = desk.get("/customers/file-duties").get_data(as_text=True)
    assert 'data-kind="weekly"' in html and 'data-kind="quarterly"' in html
    html = desk.get("/customers/unchecked").get_data(as_text=True)
    assert f'data-customer="{f["id"]}"' in html and "从未核定" in html
    token = csrf_from(desk, "/customers/unchecked")
    assert desk.post(f"/customers/{f['id']}/checks",
                     data={"csrf_token": token}).status_code == 302
    assert f'data-customer="{f["id"]}"' not in desk.get("/customers/unchecked").get_data(
        as_text=True)
    page = desk.get(f"/customers/{f['id']}").get_data(as_text=True)
    assert business_today().isoformat() in page.split('id="last-checked"')[1][:80]
    # the weekly duty done from its page, by her
    html = desk.get("/customers/file-duties?kind=weekly").get_data(as_text=True)
    duty_id = html.split('data-duty="')[1].split('"')[0]
    assert desk.post(f"/customers/file-duties/{duty_id}/done",
                     data={"csrf_token": token, "note": "已增补"}).status_code == 302
    html = desk.get("/customers/file-duties?state=done").get_data(as_text=True)
    assert "web-desk" in html or "dispatcher user" in html
    assert desk.get("/customers/file-duties?kind=daily").status_code == 400
    assert desk.get("/customers/unchecked?sort=colour").status_code == 400
    assert web_as("finance", "web-fin").get("/customers/file-duties").status_code == 403
    sup = web_as("supervisor", "web-boss")
    boss = sup.get("/customers/file-duties").get_data(as_text=True)
    assert 'id="quarter-reads"' in boss and "kind=read" in boss
    link = boss.split('id="quarter-reads" href="')[1].split('"')[0].replace("&amp;", "&")
    assert sup.get(link).status_code == 200
    assert 'id="quarter-reads"' not in desk.get("/customers/file-duties").get_data(as_text=True)
