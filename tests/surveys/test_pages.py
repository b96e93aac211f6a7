"""Survey pages: the public page behind the link (no login, Chinese by default, nothing
of her file beyond her given name), the dispatcher's fill-in page, the results page with
its chart; roles."""
from __future__ import annotations

import re

import sqlalchemy as sa

from core.complaints.models import Survey
from core.extensions import db
from tests.conftest import csrf_from

from .helpers import GOOD, UNHAPPY, expire, link_survey, make_customer, make_order


def test_the_public_page_speaks_chinese_and_shows_only_her_given_name(app, api_as):
    desk = api_as("dispatcher")
    customer = make_customer(app, name="王小红", mobile="13912340002")
    _sid, token = link_survey(desk, make_order(app, customer_id=customer))
    client = app.test_client()
    html = client.get(f"/s/{token}").get_data(as_text=True)
    assert "满意度调查" in html and "*小红，您好" in html and "育婴师" in html
    assert "王" not in html and "13912340002" not in html and "鼓楼区" not in html
    en = client.get(f"/s/{token}?lang=en").get_data(as_text=True)
    assert "Satisfaction survey" in en and "How satisfied are you with the nanny" in en


def test_the_customer_answers_on_the_page_once(app, api_as):
    desk = api_as("dispatcher")
    survey_id, token = link_survey(desk, make_order(app))
    client = app.test_client()
    csrf = csrf_from(client, f"/s/{token}")
    bad = client.post(f"/s/{token}", data={"csrf_token": csrf, **{**GOOD, "overall": "9"}})
    assert bad.status_code == 422 and "请选择1到5颗星" in bad.get_data(as_text=True)
    ok = client.post(f"/s/{token}", data={"csrf_token": csrf, **UNHAPPY})
    assert ok.status_code == 200 and "谢谢" in ok.get_data(as_text=True)
    with app.app_context():
        s = db.session.get(Survey, survey_id)
        assert s.score == 2 and s.complaint_id is not None
    again = client.get(f"/s/{token}")
    assert again.status_code == 409 and "已提交" in again.get_data(as_text=True)
    assert client.get("/s/not-a-token").status_code == 404


def test_an_expired_link_shows_it_has_expired(app, api_as):
    desk = api_as("dispatcher")
    survey_id, token = link_survey(desk, make_order(app))
    expire(app, survey_id)
    resp = app.test_client().get(f"/s/{token}")
    assert resp.status_code == 409 and "已过期" in resp.get_data(as_text=True)


def test_the_dispatcher_fills_it_in_and_sees_the_results_with_a_chart(app, api_as, web_as):
    desk = api_as("dispatcher")
    survey_id, _token = link_survey(desk, make_order(app))
    web = web_as("dispatcher")
    listing = web.get("/surveys/").get_data(as_text=True)
    assert f"/surveys/{survey_id}/fill" in listing
    csrf = csrf_from(web, f"/surveys/{survey_id}/fill")
    resp = web.post(f"/surveys/{survey_id}/fill", data={"csrf_token": csrf, **GOOD})
    assert resp.status_code == 302
    html = web.get("/surveys/?by=line").get_data(as_text=True)
    assert "<svg" in html and "育婴师" in html and "100.0%" in html and "很好，谢谢" in html
    bad = web.get("/surveys/?month=2026-13").get_data(as_text=True)
    assert "YYYY-MM" in bad
    with app.app_context():
        assert db.session.get(Survey, survey_id).channel == "call"


def test_only_the_desk_opens_the_survey_pages(app, web_as):
    for role in ("trainer", "finance"):
        client = web_as(role)
        assert client.get("/surveys/").status_code == 403, role
    anon = app.test_client().get("/surveys/")
    assert anon.status_code in (302, 401)
    assert re.search(r"login", anon.headers.get("Location", "login"))


def test_results_filter_by_worker_and_dispatcher_and_name_a_bad_choice(app, api_as, web_as):
    desk = api_as("dispatcher")
    orders = [make_order(app) for _ in range(2)]
    for order, answers in zip(orders, (GOOD, UNHAPPY), strict=True):
        _sid, token = link_survey(desk, order)
        assert desk.client.post(f"/api/v1/surveys/public/{token}",
                                json={"answers": answers}).status_code == 200
    with app.app_context():
        happy, unhappy = (db.session.scalar(sa.select(Survey).where(Survey.order_id == o))
                          for o in orders)
        happy_worker, unhappy_dispatcher = happy.worker_id, unhappy.dispatcher_id
    web = web_as("supervisor")
    html = web.get(f"/surveys/?by=worker&worker_id={happy_worker}").get_data(as_text=True)
    assert "很好，谢谢" in html and "孩子老哭" not in html
    assert f'<option value="{happy_worker}" selected>' in html
    html = web.get(f"/surveys/?dispatcher_id={unhappy_dispatcher}").get_data(as_text=True)
    assert "孩子老哭" in html and "很好，谢谢" not in html
    bad = web.get("/surveys/?worker_id=abc").get_data(as_text=True)
    assert "请从列表中选择。" in bad and "Choose someone" not in bad
    assert api_as("supervisor").get(
        f"/api/v1/surveys/results?worker_id={happy_worker}").get_json()["total"][
        "answered"] == 1
