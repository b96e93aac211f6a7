"""The 58到家 list export: ID numbers leave in full only for a holder of the platform
export permission (granted by an admin, separate from the role), and every export is
recorded; the ordinary export is masked for every role."""
import csv
import io

import pytest

from tests.conftest import csrf_from
from tests.privacy.conftest import audit
from tests.trainees.helpers import (
    certify_health,
    examine,
    import_sample,
    list_for_certification,
    trainee_by_name,
)

FULL, MASKED = "32030219850106250X", "320***********250X"


def _rows(resp):
    assert resp.status_code == 200, resp.get_json()
    return list(csv.reader(io.StringIO(resp.data.decode("utf-8-sig"))))


@pytest.fixture
def cert_list(api_as):
    api = api_as("trainer")
    import_sample(api)
    tid = trainee_by_name(api, "韩桂香")["id"]
    examine(api, tid)
    certify_health(api, tid)
    return list_for_certification(api, tid)


def _me(api):
    return api.get("/api/v1/auth/me").get_json()["id"]


@pytest.mark.parametrize("role", ["trainer", "dispatcher", "supervisor", "admin"])
def test_ordinary_exports_are_masked_and_unmasked_needs_the_permission(api_as, cert_list,
                                                                        role):
    api = api_as(role)
    url = f"/api/v1/certification-lists/{cert_list}/export"
    assert _rows(api.get(url, query_string={"format": "csv"}))[1][3] == MASKED
    master = _rows(api.get("/api/v1/trainees/export", query_string={"format": "csv"}))
    assert FULL not in {r[4] for r in master[1:]} and MASKED in {r[4] for r in master[1:]}
    before = len(audit(api_as, None, "export", entity_type="certification_list"))
    for path in (url, "/api/v1/trainees/export"):
        resp = api.get(path, query_string={"format": "csv", "unmasked": "true"})
        assert resp.status_code == 403
        assert resp.get_json()["code"] == "platform_export_required"
        assert "58到家" in resp.get_json()["message"]["zh"]
    assert len(audit(api_as, None, "export", entity_type="certification_list")) == before


def test_a_holder_exports_full_id_numbers_and_it_is_recorded(api_as, cert_list):
    trainer = api_as("trainer")
    granted = api_as("admin").patch(f"/api/v1/users/{_me(trainer)}",
                                    json={"platform_export": True})
    assert granted.status_code == 200 and granted.get_json()["platform_export"] is True
    grant_event = audit(api_as, _me(trainer), "update", entity_type="user")[0]
    assert grant_event["changes"]["platform_export"] == [False, True]
    rows = _rows(trainer.get(f"/api/v1/certification-lists/{cert_list}/export",
                             query_string={"format": "csv", "unmasked": "true"}))
    assert rows[1][3] == FULL
    event = audit(api_as, cert_list, "export", entity_type="certification_list")[0]
    assert "full ID numbers for the platform" in event["summary"]
    assert event["actor_id"] == _me(trainer)
    master = _rows(trainer.get("/api/v1/trainees/export",
                               query_string={"format": "csv", "unmasked": "true"}))
    assert FULL in {r[4] for r in master[1:]}
    # the ordinary export stays masked for the holder too, and says so in the trail
    assert _rows(trainer.get(f"/api/v1/certification-lists/{cert_list}/export",
                             query_string={"format": "csv"}))[1][3] == MASKED
    event = audit(api_as, cert_list, "export", entity_type="certification_list")[0]
    assert "ID numbers masked" in event["summary"]
    # withdrawn: closed again
    api_as("admin").patch(f"/api/v1/users/{_me(trainer)}", json={"platform_export": False})
    assert trainer.get("/api/v1/trainees/export", query_string={
        "format": "csv", "unmasked": "true"}).status_code == 403


def test_the_permission_is_not_for_finance_or_quality(api_as):
    for role in ("finance", "quality"):
        user_id = _me(api_as(role))
        resp = api_as("admin").patch(f"/api/v1/users/{user_id}", json={"platform_export": True})
        assert resp.status_code == 422
        assert resp.get_json()["fields"]["platform_export"][0]["zh"]
        users = api_as("admin").get("/api/v1/users").get_json()
        users = users["items"] if isinstance(users, dict) else users
        assert next(u for u in users if u["id"] == user_id)["platform_export"] is False


def test_admin_grants_it_on_the_staff_page_and_the_holder_downloads_from_the_list(
        app, web_as, api_as, cert_list):
    admin = web_as("admin")
    trainer = web_as("trainer", "web-trainer")
    page = trainer.get(f"/trainees/certification-lists/{cert_list}").get_data(as_text=True)
    assert 'id="platform-export"' not in page
    assert trainer.get(f"/trainees/certification-lists/{cert_list}/export.csv?unmasked=1"
                       ).status_code == 403
    token = csrf_from(admin, "/staff")
    users = api_as("admin").get("/api/v1/users").get_json()
    users = users["items"] if isinstance(users, dict) else users
    trainer_id = next(u["id"] for u in users if u["username"] == "web-trainer")
    resp = admin.post(f"/staff/{trainer_id}/platform-export",
                      data={"csrf_token": token, "grant": "1"})
    assert resp.status_code == 302
    page = trainer.get(f"/trainees/certification-lists/{cert_list}").get_data(as_text=True)
    assert 'id="platform-export"' in page
    rows = _rows(trainer.get(f"/trainees/certification-lists/{cert_list}/export.csv?unmasked=1"))
    assert rows[1][3] == FULL
    assert _rows(trainer.get(f"/trainees/certification-lists/{cert_list}/export.csv")
                 )[1][3] == MASKED
