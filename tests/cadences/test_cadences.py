"""The company's follow-up cadence (回访节奏): the plugin's rules until edited; an admin's
edit is checked, versioned, audited and plans new orders (orders already planned keep
theirs); a reset goes back to the plugin's rules."""
from __future__ import annotations

import sqlalchemy as sa

from core.extensions import db
from core.followups import service as followups_service
from core.followups.models import FollowUp
from tests.conftest import csrf_from
from tests.followups.helpers import followups, local, make_order, move, user

URL = "/api/v1/followup-cadences/maternity_nurse"
#: 004's "如客户满意，五天后再次回访" read as five days after the day-3 call
AFTER_DAY3 = {"day5": {"days": 5, "after": "day3"}}


def record_satisfied(app, order_id, code, actor):
    with app.app_context():
        f = db.session.scalar(sa.select(FollowUp).where(FollowUp.order_id == order_id,
                                                        FollowUp.rule_code == code))
        followups_service.record_outcome(f.id, "satisfied", actor_id=actor, version=f.version,
                                         early_reason="test")
        db.session.commit()


def test_every_line_starts_from_its_plugins_rules(api_as):
    all_ = api_as("dispatcher").get("/api/v1/followup-cadences").get_json()
    assert {c["service_line"] for c in all_} >= {"maternity_nurse", "nanny", "cleaning"}
    assert all(c["version"] == 0 and c["source"] == "plugin" for c in all_)
    one = api_as("supervisor").get(URL).get_json()
    day5 = next(r for r in one["rules"] if r["code"] == "day5")
    assert (day5["days"], day5["after"], day5["kind"], day5["overridden"]) == (5, None,
                                                                              "phone", [])
    assert day5["when"] == {"rule": "day3", "outcome": "satisfied"}


def test_counted_from_the_day3_call_day5_falls_on_day8_for_new_orders_only(app, api_as):
    desk = user(app)
    planned_before = make_order(app, "maternity_nurse", dispatcher_id=desk)
    move(app, planned_before, "in_service", start_date="2026-03-02")
    admin = api_as("admin")
    resp = admin.put(URL, json={"rules": {**AFTER_DAY3, "day15": {"kind": "wechat"}},
                                "version": 0})
    assert resp.status_code == 200, resp.get_json()
    saved = resp.get_json()
    assert (saved["version"], saved["source"], saved["updated_by"]) == (1, "company",
                                                                        "admin user")
    day5 = next(r for r in saved["rules"] if r["code"] == "day5")
    assert (day5["after"], day5["overridden"]) == ("day3", ["after", "days"])

    new = make_order(app, "maternity_nurse", dispatcher_id=desk)
    move(app, new, "in_service", start_date="2026-03-02")
    fus = followups(app, new)
    assert local(fus["day3"].due_at) == "2026-03-05 10:00"  # day 3
    assert fus["day15"].kind == "wechat"
    record_satisfied(app, new, "day3", desk)
    assert local(followups(app, new)["day5"].due_at) == "2026-03-10 10:00"  # day 8

    # the order planned before the edit keeps the plugin's cadence, even when re-planned
    record_satisfied(app, planned_before, "day3", desk)
    old = followups(app, planned_before)
    assert local(old["day5"].due_at) == "2026-03-07 10:00"  # day 5
    assert old["day15"].kind == "phone"


def test_reset_goes_back_to_the_plugins_rules_as_a_new_version(app, api_as):
    admin = api_as("admin")
    assert admin.put(URL, json={"rules": AFTER_DAY3, "version": 0}).status_code == 200
    assert admin.delete(URL, query_string={"version": 0}).status_code == 409
    resp = admin.delete(URL, query_string={"version": 1})
    assert resp.status_code == 200, resp.get_json()
    body = resp.get_json()
    assert (body["version"], body["source"], body["overrides"]) == (2, "plugin", {})
    history = api_as("supervisor").get(URL + "/history").get_json()
    assert [(h["version"], h["overrides"]) for h in history] == [(2, {}), (1, AFTER_DAY3)]
    desk = user(app)
    order = make_order(app, "maternity_nurse", dispatcher_id=desk)
    move(app, order, "in_service", start_date="2026-03-02")
    record_satisfied(app, order, "day3", desk)
    assert local(followups(app, order)["day5"].due_at) == "2026-03-07 10:00"


def test_each_save_is_audited_with_what_changed(app, api_as):
    from core.audit.models import AuditEvent

    api_as("admin").put(URL, json={"rules": AFTER_DAY3, "version": 0})
    with app.app_context():
        event = db.session.scalar(sa.select(AuditEvent).where(
            AuditEvent.entity_type == "followup_cadence"))
        assert "maternity_nurse v1" in event.summary
        assert "day5" in event.changes


def test_a_stale_version_is_409_and_nothing_is_written(api_as):
    admin = api_as("admin")
    assert admin.put(URL, json={"rules": AFTER_DAY3, "version": 0}).status_code == 200
    resp = admin.put(URL, json={"rules": {}, "version": 0})
    assert resp.status_code == 409 and resp.get_json()["code"] == "stale_version"
    assert admin.get(URL).get_json()["overrides"] == AFTER_DAY3


def _fields(resp):
    assert resp.status_code == 422, resp.get_json()
    return resp.get_json()["fields"]


def test_bad_input_is_422_naming_the_field_in_both_languages_and_nothing_is_written(api_as):
    admin = api_as("admin")
    cases = {
        "rules.day5.days": {"day5": {"days": -2}},
        "rules.day5.kind": {"day5": {"kind": "fax"}},
        "rules.survey.kind": {"survey": {"kind": "phone"}},
        "rules.day3.after": {"day3": {"after": "day15"}},
        "rules.day5.at": {"day5": {"at": "25:00"}},
        "rules.day5.title_zh": {"day5": {"title_zh": "x"}},
        "rules.day9": {"day9": {"days": 9}},
    }
    for field, rules in cases.items():
        fields = _fields(admin.put(URL, json={"rules": rules, "version": 0}))
        assert field in fields, (field, fields)
        assert fields[field][0]["zh"] and fields[field][0]["en"]
    # counted from the day-3 call the offset must be at least a day
    assert "rules.day5.days" in _fields(admin.put(URL, json={
        "rules": {"day5": {"days": 0, "after": "day3"}}, "version": 0}))
    # day 5 waits for day 3's outcome: it cannot be due on or before day 3
    fields = _fields(admin.put(URL, json={"rules": {"day5": {"days": 2}}, "version": 0}))
    assert "day3" in fields["rules.day5.days"][0]["en"]
    assert "day3" in fields["rules.day5.days"][0]["zh"]
    assert admin.get(URL).get_json()["version"] == 0
    assert api_as("supervisor").get(URL + "/history").get_json() == []


def test_only_an_admin_edits_and_an_unknown_line_is_404(api_as):
    for role in ("dispatcher", "supervisor", "finance"):
        assert api_as(role).put(URL, json={"rules": {}, "version": 0}).status_code == 403
        assert api_as(role).delete(URL, query_string={"version": 0}).status_code == 403
    assert api_as("finance").get(URL).status_code == 403
    assert api_as("dispatcher").get(URL + "/history").status_code == 403
    assert api_as("admin").get("/api/v1/followup-cadences/gardening").status_code == 404


def test_the_admin_page_edits_rule_by_rule_and_shows_errors(web_as):
    admin = web_as("admin")
    page = admin.get("/followup-cadences/maternity_nurse").get_data(as_text=True)
    assert 'name="day5-after"' in page and 'name="day15-kind"' in page
    token = csrf_from(admin, "/followup-cadences/maternity_nurse")
    form = {"csrf_token": token, "version": "0", "action": "save", "day5-after": "day3",
            "day5-offset": "5", "day5-unit": "days", "day15-kind": "wechat"}
    resp = admin.post("/followup-cadences/maternity_nurse", data={**form, "day3-offset": "x"})
    assert resp.status_code == 422
    assert 'data-field="rules.day3.days"' in resp.get_data(as_text=True)
    resp = admin.post("/followup-cadences/maternity_nurse", data={**form, "day5-offset": "0"})
    assert resp.status_code == 422
    assert 'data-field="rules.day5.days"' in resp.get_data(as_text=True)
    resp = admin.post("/followup-cadences/maternity_nurse", data=form)
    assert resp.status_code == 302
    page = admin.get("/followup-cadences/maternity_nurse").get_data(as_text=True)
    assert "v1" in page and "已修改" in page
    resp = admin.post("/followup-cadences/maternity_nurse",
                      data={"csrf_token": token, "version": "1", "action": "reset"})
    assert resp.status_code == 302
    assert "插件默认" in admin.get("/followup-cadences/maternity_nurse").get_data(as_text=True)


def test_other_roles_see_the_cadence_read_only(web_as):
    desk = web_as("dispatcher")
    page = desk.get("/followup-cadences/maternity_nurse").get_data(as_text=True)
    assert 'name="day5-after"' not in page and "上户第5天回访" in page
    token = csrf_from(desk, "/followup-cadences/maternity_nurse")
    assert desk.post("/followup-cadences/maternity_nurse",
                     data={"csrf_token": token, "version": "0"}).status_code == 403
