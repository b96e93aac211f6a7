"""Platform certification (58到家认证): prerequisites, the mobile check, export = record."""
import csv
import datetime as dt
import io

import pytest
from openpyxl import load_workbook

from core.extensions import db
from tests.trainees.helpers import (
    appoint_today,
    certify_health,
    examine,
    import_sample,
    list_for_certification,
    today,
    trainee_by_name,
)


def _new_list(api):
    return api.post("/api/v1/certification-lists", json={}).get_json()["id"]


def test_listing_without_a_valid_health_certificate_is_409(api_as):
    api = api_as("trainer")
    import_sample(api)
    tid = trainee_by_name(api, "王秀英")["id"]
    api.post(f"/api/v1/trainees/{tid}/mobile-checks", json={"registered": False})
    resp = api.post(f"/api/v1/certification-lists/{_new_list(api)}/entries",
                    json={"trainee_id": tid, "details_confirmed": True})
    assert resp.status_code == 409
    body = resp.get_json()
    assert body["code"] == "no_valid_health_certificate"
    assert body["message"] == {"en": "No valid health certificate.", "zh": "没有有效的健康证。"}


def test_an_expired_certificate_does_not_count(app, api_as):
    from core.trainees.models import HealthCertificate

    api = api_as("trainer")
    import_sample(api)
    tid = trainee_by_name(api, "李桂兰")["id"]
    examine(api, tid)
    certify_health(api, tid)
    with app.app_context():
        cert = db.session.scalars(db.select(HealthCertificate)).one()
        cert.issued_on, cert.expires_on = dt.date(2024, 1, 1), today() - dt.timedelta(days=1)
        db.session.commit()
    api.post(f"/api/v1/trainees/{tid}/mobile-checks", json={"registered": False})
    resp = api.post(f"/api/v1/certification-lists/{_new_list(api)}/entries",
                    json={"trainee_id": tid, "details_confirmed": True})
    assert resp.status_code == 409 and resp.get_json()["code"] == "no_valid_health_certificate"


def test_a_mobile_registered_on_58_blocks_her_until_she_changes_number(api_as):
    api = api_as("trainer")
    import_sample(api)
    tid = trainee_by_name(api, "张淑珍")["id"]
    examine(api, tid)
    certify_health(api, tid)
    list_id = _new_list(api)
    entry = {"trainee_id": tid, "details_confirmed": True}
    resp = api.post(f"/api/v1/certification-lists/{list_id}/entries", json=entry)
    assert resp.status_code == 409 and resp.get_json()["code"] == "mobile_unchecked"
    api.post(f"/api/v1/trainees/{tid}/mobile-checks", json={"registered": True})
    resp = api.post(f"/api/v1/certification-lists/{list_id}/entries", json=entry)
    assert resp.status_code == 409 and resp.get_json()["code"] == "mobile_registered"
    board = api.get("/api/v1/trainees/board").get_json()
    stuck = {s["trainee"]["id"]: [r["code"] for r in s["reasons"]] for s in board["stuck"]}
    assert "phone_blocked" in stuck[tid]
    version = api.get(f"/api/v1/trainees/{tid}").get_json()["version"]
    assert api.patch(f"/api/v1/trainees/{tid}", json={"version": version,
                                                      "mobile": "139 1111 2222"}
                     ).status_code == 200
    resp = api.post(f"/api/v1/certification-lists/{list_id}/entries", json=entry)
    assert resp.status_code == 409 and resp.get_json()["code"] == "mobile_unchecked"
    api.post(f"/api/v1/trainees/{tid}/mobile-checks", json={"registered": False})
    resp = api.post(f"/api/v1/certification-lists/{list_id}/entries", json=entry)
    assert resp.status_code == 201 and resp.get_json()["mobile"] == "13911112222"


def test_identity_cannot_change_while_on_an_open_list(api_as):
    api = api_as("trainer")
    import_sample(api)
    tid = trainee_by_name(api, "陈丽娟")["id"]
    examine(api, tid)
    certify_health(api, tid)
    list_for_certification(api, tid)
    version = api.get(f"/api/v1/trainees/{tid}").get_json()["version"]
    resp = api.patch(f"/api/v1/trainees/{tid}", json={"version": version, "name": "陈丽"})
    assert resp.status_code == 409 and resp.get_json()["code"] == "on_certification_list"
    assert api.patch(f"/api/v1/trainees/{tid}", json={"version": version,
                                                      "notes": "会开车"}).status_code == 200


@pytest.mark.parametrize("fmt", ["xlsx", "csv"])
def test_export_is_exactly_what_is_on_record(app, api_as, fmt):
    from core.trainees.models import CertificationEntry

    api = api_as("trainer")
    import_sample(api)
    list_id = None
    for name in ("王秀英", "韩桂香", "唐建国"):
        tid = trainee_by_name(api, name)["id"]
        examine(api, tid)
        certify_health(api, tid, f"JK-{tid}")
        list_id = list_for_certification(api, tid, list_id)
    me = api.get("/api/v1/auth/me").get_json()["id"]
    assert api_as("admin").patch(f"/api/v1/users/{me}",
                                 json={"platform_export": True}).status_code == 200
    resp = api.get(f"/api/v1/certification-lists/{list_id}/export",
                   query_string={"format": fmt, "unmasked": "true"})
    assert resp.status_code == 200
    if fmt == "csv":
        rows = list(csv.reader(io.StringIO(resp.data.decode("utf-8-sig"))))
    else:
        ws = load_workbook(io.BytesIO(resp.data), read_only=True).active
        rows = [["" if v is None else str(v) for v in r] for r in ws.iter_rows(values_only=True)]
    assert rows[0] == ["序号", "姓名", "性别", "身份证号", "手机号", "籍贯", "健康证编号",
                       "健康证有效期至"]
    with app.app_context():
        entries = db.session.scalars(db.select(CertificationEntry).where(
            CertificationEntry.list_id == list_id).order_by(CertificationEntry.id)).all()
        on_record = [[str(i), e.name, "女" if e.sex == "F" else "男", e.id_number, e.mobile,
                      e.hometown, e.certificate_number, e.certificate_expires_on.isoformat()]
                     for i, e in enumerate(entries, start=1)]
    assert rows[1:] == on_record
    assert [r[1] for r in rows[1:]] == ["王秀英", "韩桂香", "唐建国"]
    assert rows[2][3] == "32030219850106250X"
    assert api.get(f"/api/v1/certification-lists/{list_id}").get_json()["exported_at"]


def test_results_need_the_appointment_and_a_reason_when_failed(api_as):
    api = api_as("dispatcher")
    import_sample(api)
    tid = trainee_by_name(api, "黄美玲")["id"]
    examine(api, tid)
    certify_health(api, tid)
    list_id = list_for_certification(api, tid)
    failed = {"trainee_id": tid, "result": "failed"}
    resp = api.post(f"/api/v1/certification-lists/{list_id}/results", json=failed)
    assert resp.status_code == 409 and resp.get_json()["code"] == "no_appointment"
    appoint_today(api, list_id)
    detail = api.get(f"/api/v1/certification-lists/{list_id}").get_json()
    assert (detail["appointment_time"], detail["teacher"]) == ("09:30:00", "王老师")
    resp = api.post(f"/api/v1/certification-lists/{list_id}/results", json=failed)
    assert resp.status_code == 422 and resp.get_json()["fields"]["reason"][0]["zh"]
    failed["reason"] = "现场填写信息与名单不一致"
    resp = api.post(f"/api/v1/certification-lists/{list_id}/results", json=failed)
    assert resp.status_code == 200 and resp.get_json()["result"] == "failed"
    assert api.get(f"/api/v1/trainees/{tid}").get_json()["stage"] == "health_certified"
    assert api.post(f"/api/v1/certification-lists/{list_id}/results",
                    json=failed).status_code == 409


def test_dispatcher_export_masks_id_numbers(api_as):
    api = api_as("dispatcher")
    import_sample(api)
    tid = trainee_by_name(api, "王秀英")["id"]
    examine(api, tid)
    certify_health(api, tid)
    list_id = list_for_certification(api, tid)
    resp = api.get(f"/api/v1/certification-lists/{list_id}/export", query_string={"format": "csv"})
    rows = list(csv.reader(io.StringIO(resp.data.decode("utf-8-sig"))))
    assert rows[1][3] == "370***********392X"
