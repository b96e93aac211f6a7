"""The quality-check pages: the standard editor refuses weights not summing to 100 %
(nothing written), the sample draw of complaint handling skips the reviewer's own
work, the reviewer scores, the dispatcher sees her result and appeals once, a supervisor
decides; a dispatcher never opens another's check. In a real browser too (zh and en
screenshots)."""
from __future__ import annotations

import os
import re
from pathlib import Path

import pytest
import sqlalchemy as sa
from playwright.sync_api import expect

from core.extensions import db
from core.quality.models import QualityCheck, QualitySample, QualityStandard
from tests.conftest import csrf_from, login_session
from tests.reports.world import PASSWORD, build, sh

SHOTS = Path(os.environ.get("JIAZHENG_SCREENSHOTS", "/tmp/jiazheng-screenshots"))


def add_complaints(app, world, per_dispatcher=2):
    """October complaints owned by A, B and the reviewer herself (her own work)."""
    from core.complaints.models import Complaint

    owners = [world["A"], world["B"], world["quality"]]
    with app.app_context():
        n = 0
        for owner in owners:
            for _k in range(per_dispatcher):
                n += 1
                db.session.add(Complaint(
                    number=f"Q{n:03d}", customer_id=1, channel="phone",
                    category_code="attitude", level_code="normal", summary="投诉",
                    state="open", owner_id=owner, received_at=sh(10, 3 + n, 9)))
        db.session.commit()


@pytest.fixture
def world(app):
    ids = build(app)
    add_complaints(app, ids)
    return ids


def _web(app, user_id, lang="zh"):
    client = app.test_client()
    login_session(client, user_id)
    if lang == "en":
        client.get("/lang/en")
    return client


def _form(rows):
    data = {"rows": str(len(rows)), "note": "v1"}
    for n, (title, weight, top) in enumerate(rows):
        data.update({f"title_zh-{n}": title, f"weight-{n}": str(weight),
                     f"max_score-{n}": str(top)})
    return data


def test_the_editor_refuses_weights_not_summing_to_100_and_writes_nothing(app, world):
    client = _web(app, world["supervisor"])
    url = "/quality/standards/edit?kind=complaint_handling"
    token = csrf_from(client, url)
    before = _count(app, QualityStandard)
    resp = client.post(url, data={"csrf_token": token, "kind": "complaint_handling",
                                  **_form([("态度", 60, 10), ("时效", 30, 10)])})
    assert resp.status_code == 422
    page = resp.get_data(as_text=True)
    assert "各项权重合计须为 100%，当前为 90%" in page and 'value="态度"' in page
    assert _count(app, QualityStandard) == before
    bad_top = client.post(url, data={"csrf_token": token, "kind": "complaint_handling",
                                     **_form([("态度", 60, 0), ("时效", 40, 10)])})
    assert bad_top.status_code == 422 and 'data-field="items.0.max_score"' in \
        bad_top.get_data(as_text=True)
    ok = client.post(url, data={"csrf_token": token, "kind": "complaint_handling",
                                **_form([("态度", 60, 10), ("时效", 40, 5)])})
    assert ok.status_code == 302
    standards = client.get("/quality/standards").get_data(as_text=True)
    assert "态度" in standards and "60%" in standards
    # a dispatcher reads the standards but may not edit them
    assert _web(app, world["A"]).get(url).status_code == 403


def _count(app, model):
    with app.app_context():
        return db.session.scalar(sa.select(sa.func.count()).select_from(model))


def _standard(app, world):
    client = _web(app, world["supervisor"])
    url = "/quality/standards/edit?kind=complaint_handling"
    client.post(url, data={"csrf_token": csrf_from(client, url), "kind": "complaint_handling",
                           **_form([("态度", 60, 10), ("时效", 40, 5)])})


def test_complaint_handling_sample_skips_the_reviewers_own_complaints(app, world):
    _standard(app, world)
    client = _web(app, world["quality"])
    token = csrf_from(client, "/quality/samples")
    too_many = client.post("/quality/samples", data={
        "csrf_token": token, "month": "2026-10", "kind": "complaint_handling",
        "per_dispatcher": "3", "seed": "7"})
    assert too_many.status_code == 422
    assert 'data-field="per_dispatcher"' in too_many.get_data(as_text=True)
    assert _count(app, QualitySample) == 0
    resp = client.post("/quality/samples", data={
        "csrf_token": token, "month": "2026-10", "kind": "complaint_handling",
        "per_dispatcher": "2", "seed": "7"})
    assert resp.status_code == 302
    with app.app_context():
        drawn = db.session.execute(sa.select(QualityCheck.dispatcher_id, QualityCheck.record_id)
                                   .where(QualityCheck.kind == "complaint_handling")).all()
        from core.complaints.models import Complaint

        owners = dict(db.session.execute(sa.select(Complaint.id, Complaint.owner_id)).all())
    assert sorted(d for d, _ in drawn) == sorted([world["A"]] * 2 + [world["B"]] * 2)
    assert all(owners[r] == d for d, r in drawn)           # the owner's own complaints
    assert world["quality"] not in {d for d, _ in drawn}    # never the reviewer's
    listing = client.get(resp.headers["Location"]).get_data(as_text=True)
    assert listing.count("投诉处理") >= 4


def _check_of(app, dispatcher_id, kind="complaint_handling"):
    with app.app_context():
        return db.session.scalar(sa.select(QualityCheck.id).where(
            QualityCheck.kind == kind, QualityCheck.dispatcher_id == dispatcher_id)
            .order_by(QualityCheck.id).limit(1))


def _items(html):
    return re.findall(r'name="score-(\d+)"', html)


def test_score_appeal_once_and_decision_through_the_pages(app, world):
    _standard(app, world)
    reviewer = _web(app, world["quality"])
    reviewer.post("/quality/samples", data={
        "csrf_token": csrf_from(reviewer, "/quality/samples"), "month": "2026-10",
        "kind": "complaint_handling", "per_dispatcher": "1", "seed": "7"})
    check_id = _check_of(app, world["A"])
    url = f"/quality/checks/{check_id}"
    html = reviewer.get(url).get_data(as_text=True)
    first, second = _items(html)
    token = csrf_from(reviewer, url)
    out_of_range = reviewer.post(f"{url}/score", data={
        "csrf_token": token, "version": "1", f"score-{first}": "11", f"score-{second}": "5"},
        follow_redirects=True)
    assert "“态度”的分数应为 0–10" in out_of_range.get_data(as_text=True)
    with app.app_context():
        assert db.session.get(QualityCheck, check_id).state == "pending"   # nothing written
    reviewer.post(f"{url}/score", data={
        "csrf_token": token, "version": "1", f"score-{first}": "5", f"score-{second}": "5",
        "comment": "语气生硬"})
    with app.app_context():
        assert float(db.session.get(QualityCheck, check_id).score) == 70.0  # 60×½ + 40×1

    mine = _web(app, world["A"])
    assert "语气生硬" in mine.get(url).get_data(as_text=True)
    other = _check_of(app, world["B"])
    assert mine.get(f"/quality/checks/{other}").status_code == 404   # not others' checks
    assert f"/quality/checks/{other}\"" not in mine.get("/quality/").get_data(as_text=True)
    token = csrf_from(mine, url)
    mine.post(f"{url}/appeal", data={"csrf_token": token, "version": "2",
                                     "reason": "客户先挂断"})
    page = mine.get(url).get_data(as_text=True)
    assert "客户先挂断" in page and 'id="appeal-form"' not in page      # once only
    again = mine.post(f"{url}/appeal", data={"csrf_token": token, "version": "3",
                                             "reason": "再申诉"}, follow_redirects=True)
    assert "只能申诉一次" in again.get_data(as_text=True)

    sup = _web(app, world["supervisor"])
    token = csrf_from(sup, url)
    sup.post(f"{url}/decision", data={"csrf_token": token, "version": "3",
                                      "outcome": "changed", "note": "录音证实",
                                      f"score-{first}": "8", f"score-{second}": "5"})
    with app.app_context():
        check = db.session.get(QualityCheck, check_id)
        assert (check.state, float(check.score), float(check.review_score)) == \
            ("decided", 88.0, 70.0)
    assert "录音证实" in mine.get(url).get_data(as_text=True)


# ------------------------------------------------------------------------- browser


def _login(page, username):
    page.context.clear_cookies()
    page.goto("/login")
    page.fill("#username", username)
    page.fill("#password", PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_url(lambda url: "/login" not in url)


def _shot(page, name):
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / name), full_page=True)


@pytest.mark.browser
def test_the_quality_flow_in_a_browser(page, app, world):
    _login(page, "zhuguan")
    page.click("text=质检")
    page.click("text=评分标准")
    page.click("#standard-complaint_handling >> text=编辑")
    page.fill('input[name="title_zh-0"]', "服务态度")
    page.fill('input[name="weight-0"]', "60")
    page.fill('input[name="title_zh-1"]', "处理时效")
    page.fill('input[name="weight-1"]', "30")
    page.click("#standard-form button[type=submit]")
    expect(page.locator("body")).to_contain_text("当前为 90%")
    _shot(page, "quality-standard-edit-zh.png")
    page.fill('input[name="weight-1"]', "40")
    page.click("#standard-form button[type=submit]")
    page.wait_for_url(lambda url: url.endswith("/quality/standards"))

    _login(page, "zhijian")
    page.goto("/quality/samples")
    page.fill('input[name="month"]', "2026-10")
    page.select_option('select[name="kind"]', "complaint_handling")
    page.fill('input[name="per_dispatcher"]', "1")
    page.click("#sample-form button[type=submit]")
    page.wait_for_url(lambda url: "sample_id=" in url)
    _shot(page, "quality-checks-zh.png")
    check = _check_of(app, world["A"])
    page.click(f'a[href="/quality/checks/{check}"]')
    # the score fields are located on the check's page, not on the list still showing
    page.wait_for_url(lambda url: url.endswith(f"/quality/checks/{check}"))
    expect(page.locator('input[name^="score-"]').first).to_be_visible()
    for field in page.locator('input[name^="score-"]').all():
        field.fill("4")
    page.fill("#f-comment", "开场白缺失")
    page.click("#submit-score")
    expect(page.locator("body")).to_contain_text("已保存")

    _login(page, "wangfang")
    page.goto(f"/quality/checks/{_check_of(app, world['A'])}")
    assert "开场白缺失" in page.inner_text("body")
    page.fill("#f-reason", "已按话术开场")
    page.click("#appeal-form button[type=submit]")
    assert page.locator("#appeal-form").count() == 0
    _shot(page, "quality-appealed-zh.png")

    _login(page, "zhuguan")
    page.goto(f"/quality/checks/{_check_of(app, world['A'])}")
    page.select_option("#f-outcome", "upheld")
    page.fill("#f-note", "录音显示未开场")
    page.click("#submit-decision")
    assert "维持原判" in page.inner_text("#appeal-outcome")
    page.click("a.lang")
    page.wait_for_selector("text=Upheld")
    _shot(page, "quality-decided-en.png")
    page.goto("/quality/standards")
    _shot(page, "quality-standards-en.png")
