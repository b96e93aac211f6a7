"""Who sees what of a worker: ID numbers and mobiles masked by role, full-ID reads audited."""
import pytest
import sqlalchemy as sa

from core.audit.models import AuditEvent
from core.extensions import db

from .conftest import make_id


def _reads(app, worker_id):
    with app.app_context():
        return db.session.scalars(sa.select(AuditEvent).where(
            AuditEvent.action == "read", AuditEvent.entity_type == "worker",
            AuditEvent.entity_id == worker_id)).all()


@pytest.mark.parametrize("role, full_id, full_mobile", [
    ("admin", True, True),
    ("supervisor", True, True),
    ("trainer", True, True),
    ("dispatcher", False, True),
    ("finance", False, False),
])
def test_id_number_and_mobile_are_shown_in_full_only_to_the_roles_that_need_them(
        api_as, app, make_worker, role, full_id, full_mobile):
    number = make_id("19750607", "F")
    wid = make_worker(id_number=number, mobile="13912345678")
    resp = api_as(role).get(f"/api/v1/workers/{wid}")
    assert resp.status_code == 200
    body = resp.get_json()
    assert body["id_number"] == (number if full_id else number[:3] + "*" * 11 + number[-4:])
    assert body["id_number_masked"] is (not full_id)
    assert body["mobile"] == ("13912345678" if full_mobile else "139****5678")
    assert len(_reads(app, wid)) == (1 if full_id else 0)


def test_reading_a_full_id_number_is_audited_with_who_read_it(api_as, app, make_worker):
    wid = make_worker()
    client = api_as("trainer")
    client.get(f"/api/v1/workers/{wid}")
    client.get(f"/api/v1/workers/{wid}")
    reads = _reads(app, wid)
    assert len(reads) == 2
    with app.app_context():
        assert {db.session.get(AuditEvent, r.id).actor.role for r in reads} == {"trainer"}


def test_lists_mask_the_id_number_for_every_role_and_do_not_count_as_reads(
        api_as, app, make_worker):
    wid = make_worker()
    items = api_as("supervisor").get("/api/v1/workers").get_json()["items"]
    assert items[0]["id_number_masked"] is True and "*" in items[0]["id_number"]
    assert _reads(app, wid) == []


def test_finance_may_read_but_not_change_workers(api_as, make_worker):
    wid = make_worker()
    finance = api_as("finance")
    assert finance.get("/api/v1/workers").status_code == 200
    assert finance.get(f"/api/v1/workers/{wid}/credentials").status_code == 200
    assert finance.patch(f"/api/v1/workers/{wid}", json={"name": "x", "version": 1}
                         ).status_code == 403
    assert finance.post("/api/v1/workers", json={}).status_code == 403
    assert finance.post(f"/api/v1/workers/{wid}/status", json={"status": "on_leave"}
                        ).status_code == 403


def test_changes_are_audited_with_a_diff_that_masks_personal_values(api_as, app):
    from .conftest import worker_data

    client = api_as("dispatcher")
    number = make_id("19880808", "F")
    created = client.post("/api/v1/workers", json=worker_data(id_number=number)).get_json()
    client.patch(f"/api/v1/workers/{created['id']}", json={
        "years_experience": 9, "version": created["version"]})
    with app.app_context():
        events = db.session.scalars(sa.select(AuditEvent).where(
            AuditEvent.entity_type == "worker").order_by(AuditEvent.id)).all()
        assert [e.action for e in events] == ["create", "update"]
        assert events[0].changes["id_number"] == [None, number[:3] + "*" * 11 + number[-4:]]
        assert number not in str(events[0].changes)
        assert events[1].changes == {"years_experience": [5, 9]}
        assert events[1].actor.role == "dispatcher"


def test_anonymous_api_calls_are_refused(anon, make_worker):
    wid = make_worker()
    assert anon.get(f"/api/v1/workers/{wid}").status_code == 401
    assert anon.get("/api/v1/workers").status_code == 401
