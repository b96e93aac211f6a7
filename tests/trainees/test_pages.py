"""Trainee pages: upload → preview → import, the board, a trainee's forms, stage pages."""
import re

import pytest

from tests.conftest import csrf_from
from tests.trainees.helpers import (
    SAMPLE_CSV,
    SAMPLE_XLSX,
    import_sample,
    partner,
    today,
    trainee_by_name,
)

PAGES = ["/trainees/", "/trainees/board", "/trainees/exam-batches", "/trainees/pickups",
         "/trainees/id-cards", "/trainees/certification-lists", "/trainees/interviews",
         "/trainees/internships"]


@pytest.mark.parametrize("url", PAGES)
def test_every_trainee_page_renders_for_the_trainer(web_as, url):
    resp = web_as("trainer").get(url)
    assert resp.status_code == 200


def test_finance_is_refused_the_pages(web_as):
    assert web_as("finance").get("/trainees/").status_code == 403


def test_upload_preview_then_import_creates_26_and_reimport_creates_nothing(web_as):
    web = web_as("dispatcher")
    token = csrf_from(web, "/trainees/")
    resp = web.post("/trainees/import/preview", data={
        "csrf_token": token, "file": (SAMPLE_XLSX.open("rb"), SAMPLE_XLSX.name)},
        content_type="multipart/form-data")
    html = resp.get_data(as_text=True)
    assert resp.status_code == 200
    assert 'data-count="new">26<' in html and 'data-count="invalid">3<' in html
    assert "身份证号校验位不正确" in html and "370***********392X" in html
    sheet_token = re.search(r'name="token" value="([^"]+)"', html).group(1)
    resp = web.post("/trainees/import", data={"csrf_token": token, "token": sheet_token})
    assert resp.status_code == 302
    assert "已导入 26 名新学员" in web.get("/trainees/").get_data(as_text=True)
    resp = web.post("/trainees/import", data={"csrf_token": token, "token": sheet_token})
    assert resp.status_code == 302  # the stored sheet is gone: flashed, nothing created
    resp = web.post("/trainees/import/preview", data={
        "csrf_token": token, "file": (SAMPLE_CSV.open("rb"), SAMPLE_CSV.name)},
        content_type="multipart/form-data")
    assert 'data-count="new">0<' in resp.get_data(as_text=True)


def test_a_refused_step_is_flashed_in_the_pages_language_only(app, web_as, api_as):
    api = api_as("trainer")
    import_sample(api)
    tid = trainee_by_name(api, "王秀英")["id"]
    web = web_as("trainer")
    token = csrf_from(web, f"/trainees/{tid}")
    resp = web.post(f"/trainees/{tid}/graduate", data={"csrf_token": token},
                    follow_redirects=True)
    html = resp.get_data(as_text=True)
    assert "她尚未通过58到家认证。" in html and "not certified" not in html
    web.get("/lang/en")
    resp = web.post(f"/trainees/{tid}/graduate", data={"csrf_token": token},
                    follow_redirects=True)
    html = resp.get_data(as_text=True)
    assert "not certified" in html and "她尚未通过58到家认证。" not in html


def test_booking_and_attendance_from_the_trainee_page(web_as, api_as):
    api = api_as("trainer")
    import_sample(api)
    hospital = partner(api, "exam_hospital")
    batch = api.post("/api/v1/exam-batches", json={"exam_date": today().isoformat(),
                                                   "hospital_id": hospital}).get_json()["id"]
    tid = trainee_by_name(api, "王秀英")["id"]
    web = web_as("dispatcher")
    token = csrf_from(web, f"/trainees/{tid}")
    web.post(f"/trainees/{tid}/book", data={"csrf_token": token, "batch_id": str(batch),
                                            "payment": "company", "details_confirmed": "on",
                                            "id_card_collected": "on"})
    assert api.get(f"/api/v1/trainees/{tid}").get_json()["stage"] == "exam_booked"
    web.post(f"/trainees/{tid}/attendance", data={"csrf_token": token, "attended": "1"})
    assert api.get(f"/api/v1/trainees/{tid}").get_json()["stage"] == "examined"
    html = web.get(f"/trainees/exam-batches/{batch}").get_data(as_text=True)
    assert "已到检" in html and 'id="pickup-date"' in html


def test_pages_speak_english_when_switched(web_as):
    web = web_as("trainer")
    web.get("/lang/en")
    html = web.get("/trainees/board").get_data(as_text=True)
    assert "Pipeline board" in html and "Registered" in html
