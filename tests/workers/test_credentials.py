"""Credential states (valid / expiring / expired / missing), in Python and in SQL, and changes."""

import pytest
import sqlalchemy as sa

from core.audit.models import AuditEvent
from core.extensions import db
from core.workers import credentials, service
from core.workers.credentials import EXPIRED, EXPIRING, HEALTH, MISSING, VALID, state_clause
from core.workers.models import Worker

from .conftest import days


@pytest.mark.parametrize("offset, state", [
    (-1, EXPIRED),    # expired yesterday
    (0, EXPIRING),    # last valid day is today
    (30, EXPIRING),   # exactly at the 30-day horizon
    (31, VALID),      # one day beyond it
    (None, MISSING),  # never recorded
])
def test_health_certificate_state_at_the_boundaries_in_python_and_in_sql(
        app, make_worker, offset, state):
    wid = make_worker(health=offset)
    with app.app_context():
        worker = db.session.get(Worker, wid)
        assert credentials.kind_state(worker, HEALTH).state == state
        for candidate in (VALID, EXPIRING, EXPIRED, MISSING):
            found = db.session.scalars(sa.select(Worker.id).where(
                state_clause(HEALTH, candidate))).all()
            assert found == ([wid] if candidate == state else []), candidate


def test_expiring_window_follows_the_configured_number_of_days(app, make_worker):
    wid = make_worker(health=20)
    with app.app_context():
        worker = db.session.get(Worker, wid)
        assert credentials.kind_state(worker, HEALTH).state == EXPIRING
        app.config["CREDENTIAL_EXPIRING_DAYS"] = 10
        assert credentials.kind_state(worker, HEALTH).state == VALID
        assert db.session.scalar(sa.select(Worker.id).where(state_clause(HEALTH, VALID))) == wid


def test_required_kinds_are_the_health_certificate_plus_what_her_lines_require(app):
    with app.app_context():
        assert credentials.required_kinds([]) == [HEALTH]
        assert credentials.required_kinds(["nanny", "cleaning"]) == [
            HEALTH, "platform_certification", "infant_care"]
        assert credentials.required_kinds(["child_massage"]) == [HEALTH, "child_massage"]


def test_a_renewed_certificate_wins_over_the_expired_one(app, make_worker):
    wid = make_worker(health=-10)
    with app.app_context():
        worker = db.session.get(Worker, wid)
        credentials.add_credential(worker, {"kind": HEALTH, "number": "NEW",
                                            "issued_on": days(-1), "expires_on": days(364)})
        db.session.commit()
        assert credentials.kind_state(worker, HEALTH).state == VALID
        assert db.session.scalars(sa.select(Worker.id).where(
            state_clause(HEALTH, EXPIRED))).all() == []


def test_list_filtered_by_expired_health_certificate_returns_exactly_those_workers(
        api_as, make_worker):
    expired_a = make_worker(health=-1, name="过期甲")
    expired_b = make_worker(health=-400, name="过期乙", status="on_assignment")
    make_worker(health=0, name="今天到期")
    make_worker(health=31, name="有效")
    make_worker(name="缺失")
    renewed = make_worker(health=-5, name="已续期")
    client = api_as("dispatcher")
    client.post(f"/api/v1/workers/{renewed}/credentials", json={
        "kind": HEALTH, "number": "R1", "issued_on": days(-2).isoformat(),
        "expires_on": days(300).isoformat()})
    resp = client.get("/api/v1/workers?health_state=expired&per_page=200")
    assert resp.status_code == 200
    items = resp.get_json()["items"]
    assert sorted(w["id"] for w in items) == sorted([expired_a, expired_b])
    assert {w["health_state"] for w in items} == {"expired"}
    missing = client.get("/api/v1/workers?health_state=missing").get_json()["items"]
    assert [w["name"] for w in missing] == ["缺失"]


def test_generic_kind_filter_missing_counts_only_workers_whose_lines_require_the_kind(
        api_as, make_worker):
    nurse = make_worker(service_lines=["maternity_nurse"], health=100)
    make_worker(service_lines=["cleaning"], health=100)
    client = api_as("dispatcher")
    resp = client.get("/api/v1/workers?credential_kind=maternity_care&credential_state=missing")
    assert [w["id"] for w in resp.get_json()["items"]] == [nurse]
    alone = client.get("/api/v1/workers?credential_kind=maternity_care")
    assert alone.status_code == 422 and "credential_state" in alone.get_json()["fields"]


def test_platform_certification_counts_only_once_certified(api_as, make_worker):
    wid = make_worker(service_lines=["cleaning"], health=100)
    client = api_as("dispatcher")
    pending = client.post(f"/api/v1/workers/{wid}/credentials",
                          json={"kind": "platform_certification"})
    assert pending.status_code == 201, pending.get_json()
    assert pending.get_json()["certification_status"] == "pending"
    assert pending.get_json()["state"] == "pending"

    def platform():
        detail = client.get(f"/api/v1/workers/{wid}").get_json()
        return {k["kind"]: k["state"] for k in detail["required_credentials"]}[
            "platform_certification"]

    assert platform() == MISSING
    cred = pending.get_json()
    needs_dates = client.patch(f"/api/v1/workers/{wid}/credentials/{cred['id']}", json={
        "certification_status": "certified", "version": cred["version"]})
    assert needs_dates.status_code == 422
    assert set(needs_dates.get_json()["fields"]) == {"number", "issued_on", "expires_on"}
    done = client.patch(f"/api/v1/workers/{wid}/credentials/{cred['id']}", json={
        "certification_status": "certified", "number": "58-001", "issued_on": days(-3).isoformat(),
        "expires_on": days(362).isoformat(), "version": cred["version"]})
    assert done.status_code == 200, done.get_json()
    assert platform() == VALID


def test_expiry_is_required_for_kinds_that_expire_and_must_follow_the_issue_date(
        api_as, make_worker):
    wid = make_worker()
    client = api_as("trainer")
    url = f"/api/v1/workers/{wid}/credentials"
    no_expiry = client.post(url, json={"kind": HEALTH, "number": "H", "issued_on": "2025-01-01"})
    assert no_expiry.status_code == 422
    assert no_expiry.get_json()["fields"]["expires_on"][0]["zh"] == "此类证书必须填写此项。"
    backwards = client.post(url, json={"kind": HEALTH, "number": "H", "issued_on": "2025-01-01",
                                       "expires_on": "2025-01-01"})
    assert backwards.get_json()["fields"]["expires_on"][0]["zh"] == "到期日期必须晚于发证日期。"
    unknown = client.post(url, json={"kind": "driving_licence", "number": "D"})
    assert unknown.status_code == 422 and "kind" in unknown.get_json()["fields"]
    lifelong = client.post(url, json={"kind": "cleaning_training", "number": "C1",
                                      "issued_on": "2024-05-01"})
    assert lifelong.status_code == 201 and lifelong.get_json()["state"] == VALID
    assert client.get(url).get_json()[0]["kind"] == "cleaning_training"


def test_credential_changes_are_audited_and_new_facts_clear_the_verification(
        api_as, app, make_worker):
    wid = make_worker()
    client = api_as("dispatcher")
    url = f"/api/v1/workers/{wid}/credentials"
    cred = client.post(url, json={"kind": HEALTH, "number": "H1",
                                  "issued_on": days(-10).isoformat(),
                                  "expires_on": days(355).isoformat()}).get_json()
    verified = client.post(f"{url}/{cred['id']}/verify", json={"version": cred["version"]})
    assert verified.status_code == 200
    assert verified.get_json()["verified_by_id"] is not None
    again = client.post(f"{url}/{cred['id']}/verify", json={})
    assert again.status_code == 409
    changed = client.patch(f"{url}/{cred['id']}", json={
        "number": "H2", "version": verified.get_json()["version"]})
    assert changed.status_code == 200
    assert changed.get_json()["verified_at"] is None
    stale = client.delete(f"{url}/{cred['id']}?version={cred['version']}")
    assert stale.status_code == 409
    gone = client.delete(f"{url}/{cred['id']}?version={changed.get_json()['version']}")
    assert gone.status_code == 204
    assert client.get(url).get_json() == []
    with app.app_context():
        events = db.session.scalars(sa.select(AuditEvent).where(
            AuditEvent.entity_type == "worker_credential").order_by(AuditEvent.id)).all()
        assert [e.action for e in events] == ["create", "verify", "update", "delete"]
        assert events[2].changes["number"] == ["H1", "H2"]
        assert events[3].changes["kind"] == [HEALTH, None]


def test_a_credential_of_another_worker_is_404(api_as, make_worker):
    a, b = make_worker(health=10), make_worker()
    client = api_as("dispatcher")
    [cred] = client.get(f"/api/v1/workers/{a}/credentials").get_json()
    resp = client.post(f"/api/v1/workers/{b}/credentials/{cred['id']}/verify", json={})
    assert resp.status_code == 404


def test_service_layer_refuses_bad_credentials_without_writing(app, make_worker):
    from core.errors import Invalid

    wid = make_worker()
    with app.app_context():
        worker = db.session.get(Worker, wid)
        with pytest.raises(Invalid):
            credentials.add_credential(worker, {"kind": HEALTH, "number": "X",
                                                "issued_on": days(5), "expires_on": days(400)})
        db.session.rollback()
        assert db.session.get(Worker, wid).credentials == []
        assert service.get_worker(wid).id == wid
