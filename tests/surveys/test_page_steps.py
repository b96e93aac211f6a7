"""The survey pages call one service step and never commit themselves (#11): an answer
refused after the step had claimed the survey, opened the complaint and rated the worker
leaves nothing behind — the customer's link still works and her next answer counts; a
dispatcher's refused fill-in re-renders with nothing written."""
from __future__ import annotations

from core.complaints.models import Complaint, Survey
from core.errors import Invalid
from core.extensions import db
from core.followups.models import Evaluation
from core.surveys import service
from tests.conftest import csrf_from

from .helpers import GOOD, UNHAPPY, count, link_survey, make_order


def _refuse_late(monkeypatch):
    def refuse(*_args, **_kwargs):   # the step's last act: the survey is claimed by now
        raise Invalid(fields={"answers.comment": [{"en": "Refused late.",
                                                   "zh": "最后一步被拒绝。"}]})

    monkeypatch.setattr(service, "record", refuse)


def test_a_refused_answer_on_the_public_page_leaves_the_link_working(app, api_as,
                                                                      monkeypatch):
    survey_id, token = link_survey(api_as("dispatcher"), make_order(app))
    client = app.test_client()
    csrf = csrf_from(client, f"/s/{token}")
    complaints, evaluations = count(app, Complaint), count(app, Evaluation)
    _refuse_late(monkeypatch)
    resp = client.post(f"/s/{token}", data={"csrf_token": csrf, **UNHAPPY})
    assert resp.status_code == 422 and "最后一步被拒绝。" in resp.get_data(as_text=True)
    with app.app_context():
        s = db.session.get(Survey, survey_id)
        assert (s.answered_at, s.score, s.complaint_id) == (None, None, None)
    assert (count(app, Complaint), count(app, Evaluation)) == (complaints, evaluations)
    monkeypatch.undo()
    ok = client.post(f"/s/{token}", data={"csrf_token": csrf, **UNHAPPY})
    assert ok.status_code == 200 and "谢谢" in ok.get_data(as_text=True)
    assert count(app, Complaint) == complaints + 1


def test_a_refused_fill_in_re_renders_and_writes_nothing(app, api_as, web_as, monkeypatch):
    survey_id, _token = link_survey(api_as("dispatcher"), make_order(app))
    web = web_as("dispatcher")
    url = f"/surveys/{survey_id}/fill"
    csrf = csrf_from(web, url)
    bad = web.post(url, data={"csrf_token": csrf, **{**GOOD, "overall": "五"}})
    assert bad.status_code == 422 and "请选择1到5颗星" in bad.get_data(as_text=True)
    evaluations = count(app, Evaluation)
    _refuse_late(monkeypatch)
    resp = web.post(url, data={"csrf_token": csrf, **GOOD})
    assert resp.status_code == 422 and "最后一步被拒绝。" in resp.get_data(as_text=True)
    with app.app_context():
        assert db.session.get(Survey, survey_id).answered_at is None
    assert count(app, Evaluation) == evaluations
