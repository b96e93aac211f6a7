"""The quality pages read their forms through the API's schemas and call one service step
(#11): a number the schema refuses is a 422 naming the field in Chinese and English,
before anything is written; a score step refused after it had written the item scores
leaves the check as it was; a score box that is not a whole number is named."""
from __future__ import annotations

import pytest
import sqlalchemy as sa

from core.audit.models import AuditEvent
from core.errors import Invalid
from core.extensions import db
from core.quality import checks
from core.quality.models import QualityCheck, QualityCheckScore, QualitySample
from tests.conftest import csrf_from
from tests.quality.test_pages import _check_of, _items, _standard, _web, add_complaints
from tests.reports.world import build


@pytest.fixture
def world(app):
    ids = build(app)
    add_complaints(app, ids)
    return ids


def _count(app, model, *where):
    with app.app_context():
        return db.session.scalar(sa.select(sa.func.count()).select_from(model).where(*where))


def _draw(client, **values):
    form = {"csrf_token": csrf_from(client, "/quality/samples"), "month": "2026-10",
            "kind": "complaint_handling", "per_dispatcher": "1", "seed": "7", **values}
    return client.post("/quality/samples", data=form)


def test_a_number_the_sample_form_refuses_is_a_422_naming_it_in_both_languages(app, world):
    _standard(app, world)
    client = _web(app, world["quality"])
    resp = _draw(client, per_dispatcher="三")
    page = resp.get_data(as_text=True)
    assert resp.status_code == 422
    assert 'data-field="per_dispatcher"' in page and "不是有效的整数。" in page
    english = _web(app, world["quality"], lang="en")
    resp = _draw(english, seed="lucky")
    assert resp.status_code == 422
    page = resp.get_data(as_text=True)
    assert 'data-field="seed"' in page and "Not a valid integer." in page
    assert _draw(client, per_dispatcher="0").status_code == 422     # the API's 1–200
    assert _count(app, QualitySample) == 0
    assert _draw(client).status_code == 302


def _scored_check(app, world):
    _standard(app, world)
    reviewer = _web(app, world["quality"])
    assert _draw(reviewer).status_code == 302
    check_id = _check_of(app, world["A"])
    url = f"/quality/checks/{check_id}"
    first, second = _items(reviewer.get(url).get_data(as_text=True))
    return reviewer, url, check_id, first, second


def test_a_score_step_refused_after_writing_leaves_the_check_as_it_was(app, world,
                                                                        monkeypatch):
    reviewer, url, check_id, first, second = _scored_check(app, world)
    audits = _count(app, AuditEvent, AuditEvent.entity_type == "quality_check")

    def refuse(check):   # called once the item scores and the total are flushed
        assert db.session.scalar(sa.select(sa.func.count(QualityCheckScore.id)).where(
            QualityCheckScore.check_id == check.id)) == 2
        raise Invalid(fields={"scores": [{"en": "Refused late.", "zh": "最后一步被拒绝。"}]})

    monkeypatch.setattr(checks, "_drop_rollups", refuse)
    resp = reviewer.post(f"{url}/score", data={
        "csrf_token": csrf_from(reviewer, url), "version": "1", f"score-{first}": "5",
        f"score-{second}": "5", "comment": "语气生硬"}, follow_redirects=True)
    assert resp.status_code == 200 and "最后一步被拒绝。" in resp.get_data(as_text=True)
    with app.app_context():
        check = db.session.get(QualityCheck, check_id)
        assert (check.state, check.score, check.comment, check.version) == \
            ("pending", None, "", 1)
    assert _count(app, QualityCheckScore, QualityCheckScore.check_id == check_id) == 0
    assert _count(app, AuditEvent, AuditEvent.entity_type == "quality_check") == audits


def test_a_score_that_is_not_a_whole_number_is_named_and_nothing_is_written(app, world):
    reviewer, url, check_id, first, second = _scored_check(app, world)
    resp = reviewer.post(f"{url}/score", data={
        "csrf_token": csrf_from(reviewer, url), "version": "1", f"score-{first}": "4.5",
        f"score-{second}": "5"}, follow_redirects=True)
    assert "scores: “态度”的分数应为整数。" in resp.get_data(as_text=True)
    stale = reviewer.post(f"{url}/score", data={
        "csrf_token": csrf_from(reviewer, url), "version": "7", f"score-{first}": "4",
        f"score-{second}": "5"}, follow_redirects=True)
    assert "该质检单已被他人修改" in stale.get_data(as_text=True)
    with app.app_context():
        assert db.session.get(QualityCheck, check_id).state == "pending"
    assert _count(app, QualityCheckScore, QualityCheckScore.check_id == check_id) == 0
