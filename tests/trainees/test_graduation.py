"""Graduation: one step turns a certified trainee into a worker, with no retyping."""
from core.extensions import db
from tests.trainees.helpers import certify, import_sample, today, trainee_by_name


def test_graduation_carries_identity_service_lines_and_credentials(app, api_as):
    from core.workers.models import Worker

    api = api_as("trainer")
    import_sample(api)
    tid = trainee_by_name(api, "韩桂香")["id"]
    certify(api, tid)
    resp = api.post(f"/api/v1/trainees/{tid}/graduate", json={})
    assert resp.status_code == 201, resp.get_json()
    worker_id = resp.get_json()["worker_id"]
    with app.app_context():
        worker = db.session.get(Worker, worker_id)
        assert (worker.name, worker.id_number, worker.mobile, worker.hometown) == (
            "韩桂香", "32030219850106250X", "13805712468", "江苏徐州")
        assert set(worker.service_line_codes) == {"cleaning"}
        creds = {c.kind: c for c in worker.credentials}
        health = creds["health_certificate"]
        assert (health.number, health.issued_on) == ("JK-2026-0001", today())
        platform = creds["platform_certification"]
        assert (platform.number, platform.certification_status) == ("58-778899", "certified")
    detail = api.get(f"/api/v1/trainees/{tid}").get_json()
    assert detail["stage"] == "graduated" and detail["worker_id"] == worker_id


def test_graduating_twice_is_refused_with_409(api_as):
    api = api_as("trainer")
    import_sample(api)
    tid = trainee_by_name(api, "王秀英")["id"]
    certify(api, tid)
    assert api.post(f"/api/v1/trainees/{tid}/graduate", json={}).status_code == 201
    resp = api.post(f"/api/v1/trainees/{tid}/graduate", json={})
    assert resp.status_code == 409 and resp.get_json()["code"] == "already_graduated"


def test_an_uncertified_trainee_cannot_graduate(api_as):
    api = api_as("trainer")
    import_sample(api)
    tid = trainee_by_name(api, "李桂兰")["id"]
    resp = api.post(f"/api/v1/trainees/{tid}/graduate", json={})
    assert resp.status_code == 409 and resp.get_json()["code"] == "not_certified"
    assert api.get(f"/api/v1/trainees/{tid}").get_json()["stage"] == "registered"


def test_a_graduated_trainee_is_frozen(api_as):
    api = api_as("trainer")
    import_sample(api)
    tid = trainee_by_name(api, "李桂兰")["id"]
    certify(api, tid)
    api.post(f"/api/v1/trainees/{tid}/graduate", json={})
    version = api.get(f"/api/v1/trainees/{tid}").get_json()["version"]
    resp = api.patch(f"/api/v1/trainees/{tid}", json={"version": version, "notes": "x"})
    assert resp.status_code == 409
