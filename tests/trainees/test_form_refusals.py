"""A wrong value on a trainee form: the page flashes the field and the problem (in the
page's language) and nothing is written."""
from tests.conftest import csrf_from
from tests.trainees.helpers import import_sample, partner, today, trainee_by_name


def _flashes(resp) -> str:
    return " ".join(part.split("</div>")[0]
                    for part in resp.get_data(as_text=True).split('class="flash error"')[1:])


def test_a_malformed_certificate_date_is_flashed_and_no_certificate_recorded(web_as, api_as):
    api = api_as("trainer")
    import_sample(api)
    tid = trainee_by_name(api, "王秀英")["id"]
    web = web_as("trainer")
    token = csrf_from(web, f"/trainees/{tid}")
    resp = web.post(f"/trainees/{tid}/certificate", data={
        "csrf_token": token, "number": "JK-1", "issued_on": "2026-02-30",
        "expires_on": "2027-01-01"}, follow_redirects=True)
    assert resp.status_code == 200
    assert "issued_on" in _flashes(resp) and "不是有效的日期" in _flashes(resp)
    assert api.get(f"/api/v1/trainees/{tid}").get_json()["certificate"] is None


def test_an_overlong_name_is_refused_and_her_record_unchanged(web_as, api_as):
    api = api_as("trainer")
    import_sample(api)
    before = trainee_by_name(api, "王秀英")
    web = web_as("trainer")
    web.get("/lang/en")
    token = csrf_from(web, f"/trainees/{before['id']}")
    resp = web.post(f"/trainees/{before['id']}/edit", data={
        "csrf_token": token, "version": str(before["version"]), "name": "王" * 65,
        "notes": "changed"}, follow_redirects=True)
    assert "name: Length must be between 1 and 64." in _flashes(resp)
    after = api.get(f"/api/v1/trainees/{before['id']}").get_json()
    assert (after["name"], after["notes"], after["version"]) == (
        before["name"], before["notes"], before["version"])


def test_a_batch_with_a_bad_date_or_no_hospital_is_not_created(web_as, api_as):
    api = api_as("trainer")
    hospital = partner(api, "exam_hospital")
    web = web_as("trainer")
    token = csrf_from(web, "/trainees/exam-batches")
    resp = web.post("/trainees/exam-batches", data={
        "csrf_token": token, "exam_date": "tomorrow", "hospital_id": str(hospital)},
        follow_redirects=True)
    assert "exam_date" in _flashes(resp)
    resp = web.post("/trainees/exam-batches", data={
        "csrf_token": token, "exam_date": today().isoformat(), "hospital_id": ""},
        follow_redirects=True)
    assert "hospital_id" in _flashes(resp) and "必填项" in _flashes(resp)
    assert api.get("/api/v1/exam-batches").get_json() == []


def test_an_unknown_interview_outcome_is_refused_not_taken_as_adding_her(web_as, api_as):
    api = api_as("trainer")
    import_sample(api)
    tid = trainee_by_name(api, "王秀英")["id"]
    host = partner(api, "domestic_company")
    interview = api.post("/api/v1/group-interviews", json={
        "partner_id": host, "held_on": today().isoformat()}).get_json()["id"]
    web = web_as("trainer")
    token = csrf_from(web, "/trainees/interviews")
    resp = web.post(f"/trainees/interviews/{interview}/attendees", data={
        "csrf_token": token, "trainee_id": str(tid), "outcome": "maybe"}, follow_redirects=True)
    assert "outcome" in _flashes(resp)
    assert api.get(f"/api/v1/group-interviews/{interview}").get_json()["attendees"] == []
