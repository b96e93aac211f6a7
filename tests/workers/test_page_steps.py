"""The workers' pages read their forms with the API's schemas and save in one service
step (#11): a refused form value is named beside its field in the reader's language (422,
never a 500), and a step refused half-way leaves neither the record's change, its audit
entry nor the new photo file behind."""
import io
import re

import sqlalchemy as sa

from core.audit.models import AuditEvent
from core.errors import Conflict
from core.extensions import db
from core.messages import Msg
from core.workers import photos
from core.workers import service as worker_service
from core.workers.models import Worker
from tests.conftest import csrf_from

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 32


def _errors(html):
    return {m.group(1): m.group(2) for m in re.finditer(
        r'<p class="field-error" data-field="([^"]+)">(.*?)</p>', html, re.S)}


def _edit_form(token, **over):
    data = {"csrf_token": token, "version": "1", "name": "新名字", "mobile": "13812340000",
            "hometown": "河南信阳", "grade": "silver", "years_experience": "3",
            "service_lines": ["cleaning"]}
    data.update(over)
    return data


def _worker_updates(app, wid):
    with app.app_context():
        return db.session.scalar(sa.select(sa.func.count(AuditEvent.id)).where(
            AuditEvent.entity_type == "worker", AuditEvent.entity_id == wid,
            AuditEvent.action == "update"))


def test_a_form_value_the_schema_refuses_is_named_in_chinese_and_english_not_a_500(
        app, web_as, make_worker):
    wid = make_worker(name="王芳")
    for lang, words in (("zh", "不是有效的整数"), ("en", "Not a valid integer.")):
        client = web_as("dispatcher", f"web-dispatcher-{lang}")
        with client.session_transaction() as sess:
            sess["lang"] = lang
        token = csrf_from(client, f"/workers/{wid}/edit")
        resp = client.post(f"/workers/{wid}/edit",
                           data=_edit_form(token, years_experience="很多"))
        assert resp.status_code == 422
        html = resp.get_data(as_text=True)
        assert words in _errors(html)["years_experience"]
        assert 'value="新名字"' in html  # what was typed is shown again
    status = client.post(f"/workers/{wid}/status", data={
        "csrf_token": token, "status": "inactive", "version": "v1"})
    assert status.status_code == 422
    assert "Not a valid integer." in _errors(status.get_data(as_text=True))["version"]
    with app.app_context():
        worker = db.session.get(Worker, wid)
        assert (worker.name, worker.status, worker.version) == ("王芳", "available", 1)
    assert _worker_updates(app, wid) == 0


def test_a_step_refused_after_it_changed_her_record_and_stored_the_photo_leaves_nothing(
        app, web_as, make_worker, monkeypatch):
    wid = make_worker(name="王芳")
    real_record = worker_service.record

    def refuse_at_the_photo(action, entity_type, entity_id, summary, *args, **kwargs):
        if summary.endswith(": photo"):  # her record is changed and the file stored by now
            raise Conflict(Msg("Refused at the last moment.", "最后一刻被拒绝。"))
        return real_record(action, entity_type, entity_id, summary, *args, **kwargs)

    monkeypatch.setattr(worker_service, "record", refuse_at_the_photo)
    client = web_as("supervisor")
    token = csrf_from(client, f"/workers/{wid}/edit")
    data = _edit_form(token)
    data["photo"] = (io.BytesIO(PNG), "me.png")
    resp = client.post(f"/workers/{wid}/edit", data=data, content_type="multipart/form-data")
    assert resp.status_code == 409
    html = resp.get_data(as_text=True)
    assert "最后一刻被拒绝" in html and 'value="新名字"' in html
    with app.app_context():
        worker = db.session.get(Worker, wid)
        assert (worker.name, worker.version, worker.photo_filename) == ("王芳", 1, None)
        assert list(photos.folder().iterdir()) == []
    assert _worker_updates(app, wid) == 0


def test_unticking_every_service_line_on_the_edit_page_clears_them(app, web_as, make_worker):
    wid = make_worker()
    client = web_as("dispatcher")
    page = client.get(f"/workers/{wid}/edit").get_data(as_text=True)
    assert '<input type="hidden" name="service_lines" value="">' in page
    token = csrf_from(client, f"/workers/{wid}/edit")
    resp = client.post(f"/workers/{wid}/edit", data=_edit_form(token, service_lines=[""]))
    assert resp.status_code == 302
    with app.app_context():
        assert db.session.get(Worker, wid).service_line_codes == []


def test_a_blank_id_number_box_on_the_edit_page_keeps_her_number(app, web_as, make_worker):
    wid = make_worker()
    with app.app_context():
        number = db.session.get(Worker, wid).id_number
    client = web_as("dispatcher")  # sees it masked: the box is blank
    token = csrf_from(client, f"/workers/{wid}/edit")
    resp = client.post(f"/workers/{wid}/edit", data=_edit_form(token, id_number=""))
    assert resp.status_code == 302
    with app.app_context():
        worker = db.session.get(Worker, wid)
        assert (worker.id_number, worker.name) == (number, "新名字")
