"""Worker records through the API: identity checks, derived facts, duplicates, locking."""
import datetime as dt

import pytest
import sqlalchemy as sa

from core.extensions import db
from core.identity import age_on
from core.timeutil import business_today
from core.workers.models import Worker

from .conftest import make_id, worker_data


def _count(app):
    with app.app_context():
        return db.session.scalar(sa.select(sa.func.count(Worker.id)))


def test_id_number_with_wrong_check_digit_is_refused_with_422_naming_the_field_in_both_languages(
        api_as, app):
    good = make_id()
    bad = good[:-1] + ("0" if good[-1] != "0" else "1")
    resp = api_as("dispatcher").post("/api/v1/workers", json=worker_data(id_number=bad))
    assert resp.status_code == 422
    body = resp.get_json()
    assert body["code"] == "validation_failed"
    [msg] = body["fields"]["id_number"]
    assert msg["zh"] == "身份证号校验位不正确，请逐位核对。"
    assert "check digit" in msg["en"]
    assert _count(app) == 0


def test_birth_date_and_sex_are_derived_from_the_id_number(api_as):
    client = api_as("supervisor")
    woman = client.post("/api/v1/workers", json=worker_data(id_number=make_id("19790228", "F")))
    man = client.post("/api/v1/workers", json=worker_data(id_number=make_id("19900101", "M"),
                                                          mobile="13900001111"))
    assert woman.status_code == man.status_code == 201
    w, m = woman.get_json(), man.get_json()
    assert (w["birth_date"], w["sex"]) == ("1979-02-28", "F")
    assert (m["birth_date"], m["sex"]) == ("1990-01-01", "M")
    assert w["age"] == age_on(dt.date(1979, 2, 28), business_today())


def test_birth_date_and_sex_cannot_be_sent_or_set_apart_from_the_id_number(api_as, app):
    resp = api_as("dispatcher").post("/api/v1/workers",
                                     json=worker_data(birth_date="1960-01-01", sex="M"))
    assert resp.status_code == 422
    assert set(resp.get_json()["fields"]) == {"birth_date", "sex"}
    with app.app_context():
        worker = Worker(id_number=make_id("19850315", "F"))
        with pytest.raises(AttributeError):
            worker.birth_date = dt.date(1960, 1, 1)


def test_changing_the_id_number_re_derives_birth_date_and_sex(api_as):
    client = api_as("supervisor")
    created = client.post("/api/v1/workers", json=worker_data(id_number=make_id("19800101", "F")))
    wid, version = created.get_json()["id"], created.get_json()["version"]
    resp = client.patch(f"/api/v1/workers/{wid}", json={
        "id_number": make_id("19811212", "M"), "version": version})
    assert resp.status_code == 200, resp.get_json()
    assert (resp.get_json()["birth_date"], resp.get_json()["sex"]) == ("1981-12-12", "M")


def test_a_registered_id_number_is_refused_with_409(api_as, app):
    client = api_as("dispatcher")
    number = make_id("19850315", "F")
    assert client.post("/api/v1/workers", json=worker_data(id_number=number)).status_code == 201
    again = client.post("/api/v1/workers", json=worker_data(id_number=number.lower(),
                                                            mobile="13700000000"))
    assert again.status_code == 409
    assert again.get_json()["fields"]["id_number"][0]["zh"] == "已有使用该身份证号登记的阿姨。"
    assert _count(app) == 1


def test_unknown_service_line_and_out_of_range_experience_are_422_and_nothing_is_written(
        api_as, app):
    resp = api_as("dispatcher").post("/api/v1/workers", json=worker_data(
        service_lines=["cleaning", "gardening"], years_experience=61, grade="legend"))
    assert resp.status_code == 422
    fields = resp.get_json()["fields"]
    assert set(fields) == {"service_lines", "years_experience", "grade"}
    assert "gardening" in fields["service_lines"][0]["en"]
    assert _count(app) == 0


def test_service_lines_are_stored_as_codes_and_replaced_on_update(api_as, app):
    client = api_as("dispatcher")
    created = client.post("/api/v1/workers",
                          json=worker_data(service_lines=["cleaning", "nanny"])).get_json()
    resp = client.patch(f"/api/v1/workers/{created['id']}", json={
        "service_lines": ["maternity_nurse"], "version": created["version"]})
    assert resp.get_json()["service_lines"] == ["maternity_nurse"]
    kinds = [k["kind"] for k in resp.get_json()["required_credentials"]]
    assert kinds == ["health_certificate", "platform_certification", "maternity_care"]
    with app.app_context():
        rows = db.session.execute(sa.text(
            "SELECT service_line FROM worker_service_lines")).scalars().all()
    assert rows == ["maternity_nurse"]


def test_stale_version_is_refused_with_409_and_a_bilingual_reload_message(api_as):
    client = api_as("dispatcher")
    created = client.post("/api/v1/workers", json=worker_data()).get_json()
    url = f"/api/v1/workers/{created['id']}"
    first = client.patch(url, json={"name": "王芳芳", "version": created["version"]})
    assert first.status_code == 200
    assert first.get_json()["version"] == created["version"] + 1
    stale = client.patch(url, json={"name": "王小芳", "version": created["version"]})
    assert stale.status_code == 409
    message = stale.get_json()["message"]
    assert "刷新" in message["zh"] and "reload" in message["en"]
    assert client.get(url).get_json()["name"] == "王芳芳"


def test_patch_without_version_is_422(api_as):
    client = api_as("dispatcher")
    created = client.post("/api/v1/workers", json=worker_data()).get_json()
    resp = client.patch(f"/api/v1/workers/{created['id']}", json={"name": "x"})
    assert resp.status_code == 422
    assert "version" in resp.get_json()["fields"]


def test_unknown_worker_is_404_in_both_languages(api_as):
    resp = api_as("dispatcher").get("/api/v1/workers/999")
    assert resp.status_code == 404
    assert resp.get_json()["message"]["zh"] == "找不到该阿姨。"


def test_list_searches_by_name_mobile_and_id_number_tail_and_sorts_by_grade(api_as, make_worker):
    a = make_worker(name="张秀英", grade="crown", mobile="13611112222",
                    id_number=make_id("19700101", "F"))
    b = make_worker(name="刘桂兰", grade="junior", mobile="13633334444")
    make_worker(name="陈美", grade="silver", mobile="13655556666")
    client = api_as("dispatcher")
    with_id = client.get(f"/api/v1/workers/{a}")  # dispatcher sees a masked ID, tail intact
    tail = with_id.get_json()["id_number"][-4:]

    def ids(query):
        resp = client.get("/api/v1/workers" + query)
        assert resp.status_code == 200, resp.get_json()
        return [w["id"] for w in resp.get_json()["items"]]

    assert ids("?q=秀英") == [a]
    assert ids("?q=3333") == [b]
    assert a in ids(f"?q={tail}")
    assert ids("?sort=-grade")[0] == a and ids("?sort=grade")[0] == b
    assert ids("?grade=silver&per_page=1")[0] not in (a, b)
    resp = client.get("/api/v1/workers?sort=salary")
    assert resp.status_code == 422 and "sort" in resp.get_json()["fields"]


def test_worker_api_is_in_the_openapi_document(client):
    spec = client.get("/api/openapi.json").get_json()
    paths = spec["paths"]
    for path in ("/api/v1/workers", "/api/v1/workers/{worker_id}",
                 "/api/v1/workers/{worker_id}/status", "/api/v1/workers/{worker_id}/photo",
                 "/api/v1/workers/{worker_id}/credentials",
                 "/api/v1/workers/{worker_id}/credentials/{credential_id}",
                 "/api/v1/workers/{worker_id}/credentials/{credential_id}/verify"):
        assert path in paths, path
    schemas = spec["components"]["schemas"]
    for name in ("WorkerCreate", "WorkerUpdate", "WorkerDetail", "WorkerPage", "StatusChange",
                 "CredentialCreate", "CredentialUpdate", "Credential"):
        assert name in schemas, name


def test_an_id_number_whose_birth_date_is_in_the_future_is_refused(api_as):
    resp = api_as("dispatcher").post("/api/v1/workers",
                                     json=worker_data(id_number=make_id("20991231", "F")))
    assert resp.status_code == 422
    assert resp.get_json()["fields"]["id_number"][0]["zh"] == "身份证号中的出生日期晚于今天。"
