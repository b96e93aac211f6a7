"""Status changes: the blacklist's reason rules, and suspending expired health certificates."""
import sqlalchemy as sa

from core.audit.models import AuditEvent
from core.extensions import db
from core.workers import service
from core.workers.models import Worker, WorkerStatusChange

from .conftest import days


def _status(app, wid):
    with app.app_context():
        return db.session.get(Worker, wid).status


def test_blacklisting_needs_a_reason_type_and_a_reason(api_as, app, make_worker):
    wid = make_worker()
    client = api_as("dispatcher")
    url = f"/api/v1/workers/{wid}/status"
    bare = client.post(url, json={"status": "blacklisted"})
    assert bare.status_code == 422
    fields = bare.get_json()["fields"]
    assert set(fields) == {"reason_type", "reason"}
    assert fields["reason_type"][0]["zh"] == "请选择列入黑名单的原因类型。"
    bad_type = client.post(url, json={"status": "blacklisted", "reason_type": "laziness",
                                      "reason": "x"})
    assert bad_type.status_code == 422 and "reason_type" in bad_type.get_json()["fields"]
    assert _status(app, wid) == "available"
    done = client.post(url, json={"status": "blacklisted", "reason_type": "fraud",
                                  "reason": "伪造健康证"})
    assert done.status_code == 200
    assert done.get_json()["status_history"][0]["reason_type"] == "fraud"
    assert _status(app, wid) == "blacklisted"


def test_only_admin_or_supervisor_may_lift_the_blacklist_and_only_with_a_reason(
        api_as, app, make_worker):
    wid = make_worker(status="blacklisted")
    url = f"/api/v1/workers/{wid}/status"
    refused = api_as("dispatcher").post(url, json={"status": "available", "reason": "误判"})
    assert refused.status_code == 403
    assert "主管" in refused.get_json()["message"]["zh"]
    supervisor = api_as("supervisor")
    no_reason = supervisor.post(url, json={"status": "inactive"})
    assert no_reason.status_code == 422 and "reason" in no_reason.get_json()["fields"]
    ok = supervisor.post(url, json={"status": "inactive", "reason": "投诉调查后撤销"})
    assert ok.status_code == 200
    with app.app_context():
        change = db.session.scalars(sa.select(WorkerStatusChange)).one()
        assert (change.from_status, change.to_status, change.reason) == (
            "blacklisted", "inactive", "投诉调查后撤销")
        event = db.session.scalars(sa.select(AuditEvent).where(
            AuditEvent.action == "status")).one()
        assert event.changes["status"] == ["blacklisted", "inactive"]


def test_status_change_with_a_stale_version_is_409(api_as, make_worker):
    wid = make_worker()
    client = api_as("dispatcher")
    version = client.get(f"/api/v1/workers/{wid}").get_json()["version"]
    first = client.post(f"/api/v1/workers/{wid}/status",
                        json={"status": "on_leave", "version": version})
    assert first.status_code == 200
    second = client.post(f"/api/v1/workers/{wid}/status",
                         json={"status": "inactive", "version": version})
    assert second.status_code == 409
    assert second.get_json()["code"] == "stale_version"


def test_she_cannot_be_made_available_while_her_health_certificate_is_expired(
        api_as, make_worker):
    wid = make_worker(health=-1, status="on_leave")
    resp = api_as("dispatcher").post(f"/api/v1/workers/{wid}/status", json={"status": "available"})
    assert resp.status_code == 409
    assert resp.get_json()["message"]["zh"] == "该阿姨的健康证已过期，请先登记新的健康证。"


def test_suspend_expired_health_sets_available_expired_workers_inactive_once(app, make_worker):
    expired = make_worker(health=-1)
    busy_expired = make_worker(health=-3, status="on_assignment")
    today_last_day = make_worker(health=0)
    valid = make_worker(health=200)
    missing = make_worker()
    with app.app_context():
        assert service.suspend_expired_health() == [expired]
    assert _status(app, expired) == "inactive"
    for wid in (busy_expired, today_last_day, valid, missing):
        assert _status(app, wid) != "inactive"
    with app.app_context():
        audit = db.session.scalars(sa.select(AuditEvent).where(
            AuditEvent.action == "status")).all()
        assert [(e.entity_id, e.changes["status"]) for e in audit] == [
            (expired, ["available", "inactive"])]
        assert audit[0].actor_id is None  # done by the system, not a person
        assert service.suspend_expired_health() == []
        assert db.session.scalar(sa.select(sa.func.count(AuditEvent.id)).where(
            AuditEvent.action == "status")) == 1
        assert db.session.scalar(sa.select(sa.func.count(WorkerStatusChange.id))) == 1


def test_suspend_expired_health_looks_at_the_day_it_is_given(app, make_worker):
    wid = make_worker(health=5)
    with app.app_context():
        assert service.suspend_expired_health(days(5)) == []
        assert service.suspend_expired_health(days(6)) == [wid]


def test_dashboard_tiles_count_workers_by_health_certificate_state(app, make_worker):
    make_worker(health=-1)
    make_worker(health=-2, status="blacklisted")
    make_worker(health=3)
    make_worker()
    with app.test_request_context("/"):
        tiles = {t["href"].split("health_state=")[1].split("&")[0]: t
                 for t in service.dashboard_tiles()}
    assert tiles["expired"]["value"] == 1 and tiles["expired"]["tone"] == "bad"
    assert tiles["expiring"]["value"] == 1 and tiles["expiring"]["tone"] == "warn"
    assert tiles["missing"]["value"] == 1
    assert tiles["expired"]["label"] == "健康证已过期的阿姨"
    assert "status=blacklisted" not in tiles["expired"]["href"]
    with app.test_request_context("/"):
        assert service.dashboard_tiles(role="finance") == []
        assert len(service.dashboard_tiles(role="trainer")) == 3


def test_home_page_shows_the_health_certificate_tiles(web_as, make_worker):
    make_worker(health=-1)
    html = web_as("dispatcher").get("/").get_data(as_text=True)
    assert "健康证已过期的阿姨" in html and "health_state=expired" in html


def test_blacklisted_workers_are_found_by_id_number_or_mobile(app, make_worker):
    from .conftest import make_id

    number = make_id("19700101", "F")
    wid = make_worker(id_number=number, mobile="13500001111", status="blacklisted")
    make_worker(mobile="13500002222")
    with app.app_context():
        assert [w.id for w in service.find_blacklisted(id_number=number.lower())] == [wid]
        assert [w.id for w in service.find_blacklisted(mobile="13500001111")] == [wid]
        assert service.find_blacklisted(mobile="13500002222") == []


def test_an_expired_health_certificate_never_shows_available_without_the_nightly_job(
        api_as, app, make_worker):
    from core.workers.credentials import HEALTH

    client = api_as("dispatcher")
    overnight = make_worker(health=-1)  # expired since it was recorded; no job has run
    assert _status(app, overnight) == "available"
    listed = client.get("/api/v1/workers?status=available&per_page=200").get_json()["items"]
    assert overnight not in [w["id"] for w in listed]
    assert client.get(f"/api/v1/workers/{overnight}").get_json()["status"] == "inactive"
    # an expired certificate recorded today takes her off dispatch at once
    fresh = make_worker()
    resp = client.post(f"/api/v1/workers/{fresh}/credentials", json={
        "kind": HEALTH, "number": "OLD-1", "issued_on": days(-400).isoformat(),
        "expires_on": days(-2).isoformat()})
    assert resp.status_code == 201, resp.get_json()
    assert _status(app, fresh) == "inactive"
    with app.app_context():
        change = db.session.scalars(sa.select(WorkerStatusChange).where(
            WorkerStatusChange.worker_id == fresh)).one()
        assert "健康证已过期" in change.reason and change.actor_id is None
