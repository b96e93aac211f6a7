"""A page's or the API's change is one service step (#11): a refused step leaves nothing
half-written, and a form value the schema refuses is a 422 naming the field, not a 500."""
import sqlalchemy as sa

from core.audit.models import AuditEvent
from core.extensions import db
from core.trainees.models import CertificationList, ExamBooking, RegistrationHandover
from tests.conftest import csrf_from
from tests.trainees.helpers import import_sample, partner, today, trainee_by_name


def _flashes(resp) -> str:
    return " ".join(part.split("</div>")[0]
                    for part in resp.get_data(as_text=True).split('class="flash error"')[1:])


def _count(app, model, *where) -> int:
    with app.app_context():
        return db.session.scalar(sa.select(sa.func.count()).select_from(model).where(*where))


def test_a_refused_listing_on_a_new_list_keeps_neither_the_list_nor_its_audit_entry(
        app, web_as, api_as):
    api = api_as("trainer")
    import_sample(api)
    tid = trainee_by_name(api, "王秀英")["id"]  # registered: no health certificate yet
    web = web_as("trainer")
    token = csrf_from(web, f"/trainees/{tid}")
    resp = web.post(f"/trainees/{tid}/list", data={"csrf_token": token,
                                                   "details_confirmed": "on"},
                    follow_redirects=True)
    assert resp.status_code == 200 and "没有有效的健康证。" in _flashes(resp)
    # the step created the new list and audited it before she was refused: both undone
    assert _count(app, CertificationList) == 0
    assert _count(app, AuditEvent, AuditEvent.entity_type == "certification_list") == 0
    assert api.get(f"/api/v1/trainees/{tid}").get_json()["stage"] == "registered"
    assert api.get("/api/v1/certification-lists").get_json() == []


def test_a_refused_booking_from_the_page_collects_no_id_card_and_books_nothing(
        app, web_as, api_as):
    api = api_as("trainer")
    import_sample(api)
    hospital = partner(api, "exam_hospital")
    batch = api.post("/api/v1/exam-batches", json={"exam_date": today().isoformat(),
                                                   "hospital_id": hospital}).get_json()["id"]
    tid = trainee_by_name(api, "王秀英")["id"]
    web = web_as("dispatcher")
    token = csrf_from(web, f"/trainees/{tid}")
    resp = web.post(f"/trainees/{tid}/book", data={
        "csrf_token": token, "batch_id": str(batch), "payment": "company",
        "id_card_collected": "on"}, follow_redirects=True)  # details not confirmed
    assert "预约前请先与学员核对信息。" in _flashes(resp)
    assert _count(app, ExamBooking) == 0
    assert api.get("/api/v1/trainees/id-cards").get_json() == []
    assert api.get(f"/api/v1/trainees/{tid}").get_json()["stage"] == "registered"


def test_recording_no_sheet_twice_from_the_page_keeps_one_record_and_says_why(app, web_as):
    web = web_as("dispatcher")
    token = csrf_from(web, "/trainees/")
    first = web.post("/trainees/handover/none", data={"csrf_token": token,
                                                      "note": "今天没有新学员"})
    assert first.status_code == 302
    again = web.post("/trainees/handover/none", data={"csrf_token": token, "note": "再次"},
                     follow_redirects=True)
    assert "的登记表交接已有记录。" in _flashes(again)
    assert _count(app, RegistrationHandover) == 1
    assert _count(app, AuditEvent, AuditEvent.entity_type == "registration_handover") == 1
    blank = web.post("/trainees/handover/none", data={"csrf_token": token, "note": "  "},
                     follow_redirects=True)
    assert "note" in _flashes(blank) and _count(app, RegistrationHandover) == 1


def test_a_certificate_form_with_a_bad_handover_value_is_a_422_naming_it_in_both_languages(
        app, web_as, api_as):
    api = api_as("trainer")
    import_sample(api)
    tid = trainee_by_name(api, "王秀英")["id"]
    web = web_as("trainer")
    token = csrf_from(web, f"/trainees/{tid}")
    data = {"csrf_token": token, "handover": "maybe", "number": "JK-1",
            "issued_on": today().isoformat(), "expires_on": "2099-01-01"}
    resp = web.post(f"/trainees/{tid}/certificate", data=data)
    html = resp.get_data(as_text=True)
    assert resp.status_code == 422
    assert "handover: 不是有效的是/否值。" in html
    web.get("/lang/en")
    resp = web.post(f"/trainees/{tid}/certificate", data=data)
    assert resp.status_code == 422
    assert "handover: Not a valid boolean." in resp.get_data(as_text=True)
    assert api.get(f"/api/v1/trainees/{tid}").get_json()["certificate"] is None

