"""The report pages read their forms through the API's schema or an argument map (#11):
a value refused there is a 422 naming the field in Chinese and English (not a 500),
before the step runs, so nothing is written."""
from __future__ import annotations

import datetime as dt

import pytest
import sqlalchemy as sa

from core.extensions import db
from core.reports import jobs
from core.reports.models import MonthlyReport, SupervisorTask
from tests.conftest import csrf_from, login_session

from .world import build


@pytest.fixture
def world(app):
    return build(app)


def _web(app, user_id, lang="zh"):
    client = app.test_client()
    login_session(client, user_id)
    if lang == "en":
        client.get("/lang/en")
    return client


def _reports(app) -> int:
    with app.app_context():
        return db.session.scalar(sa.select(sa.func.count()).select_from(MonthlyReport))


def test_a_month_the_form_refuses_is_a_422_naming_it_and_nothing_is_generated(app, world):
    client = _web(app, world["supervisor"])
    token = csrf_from(client, "/reports/?month=2026-10")
    missing = client.post("/reports/monthly", data={"csrf_token": token})
    assert missing.status_code == 422
    assert "month: 必填项，不能为空。" in missing.get_data(as_text=True)
    english = _web(app, world["supervisor"], "en")
    missing = english.post("/reports/monthly", data={
        "csrf_token": csrf_from(english, "/reports/?month=2026-10")})
    assert missing.status_code == 422
    assert "month: Missing data for required field." in missing.get_data(as_text=True)
    assert client.post("/reports/monthly", data={"csrf_token": token,
                                                 "month": "2026/10"}).status_code == 422
    assert _reports(app) == 0
    assert client.post("/reports/monthly", data={"csrf_token": token,
                                                 "month": "2026-10"}).status_code == 302
    assert _reports(app) == 1


def test_a_task_note_too_long_is_named_not_a_500_and_the_task_stays_open(app, world):
    with app.app_context():
        task_id = jobs.run(dt.date(2026, 12, 25))["task"]
    client = _web(app, world["supervisor"])
    token = csrf_from(client, "/reports/tasks")
    resp = client.post(f"/reports/tasks/{task_id}/done",
                       data={"csrf_token": token, "note": "计划" * 1001})
    assert resp.status_code == 422
    assert "note: 长度不能超过 2000。" in resp.get_data(as_text=True)
    with app.app_context():
        assert db.session.get(SupervisorTask, task_id).state == "pending"
    done = client.post(f"/reports/tasks/{task_id}/done",
                       data={"csrf_token": token, "note": "已提交预算"})
    assert done.status_code == 302
    with app.app_context():
        task = db.session.get(SupervisorTask, task_id)
        assert (task.state, task.note) == ("done", "已提交预算")
