"""Quality checks: versioned standards, the reproducible sample that skips the reviewer's
own work, scoring within each item's range, one appeal decided by a supervisor."""
from __future__ import annotations

import pytest
import sqlalchemy as sa

from core.extensions import db
from core.quality.models import QualityCheck, QualitySample, QualityStandard
from tests.conftest import ApiClient, token_for
from tests.reports.world import build

STANDARD = {"kind": "order_entry", "items": [
    {"title_zh": "信息完整", "title_en": "Complete", "weight": 60, "max_score": 10},
    {"title_zh": "报价正确", "title_en": "Quote right", "weight": 40, "max_score": 5}]}


@pytest.fixture
def world(app):
    return build(app)


def _as(app, username):
    return ApiClient(app, token_for(app, username))


def _count(app, model):
    with app.app_context():
        return db.session.scalar(sa.select(sa.func.count()).select_from(model))


def test_standard_weights_must_sum_to_100_and_nothing_is_written(app, world):
    sup = _as(app, "zhuguan")
    before = _count(app, QualityStandard)
    bad = {**STANDARD, "items": [{**STANDARD["items"][0], "weight": 50},
                                 STANDARD["items"][1]]}
    resp = sup.post("/api/v1/quality/standards", json=bad)
    assert resp.status_code == 422 and "items" in resp.get_json()["fields"]
    assert "90" in resp.get_json()["fields"]["items"][0]["en"]
    assert _count(app, QualityStandard) == before


def test_a_new_version_retires_the_old_one_and_old_checks_keep_theirs(app, world):
    sup = _as(app, "zhuguan")
    v2 = sup.post("/api/v1/quality/standards", json=STANDARD).get_json()
    assert v2["version"] == 2  # the world holds version 1
    current = sup.get("/api/v1/quality/standards?kind=order_entry").get_json()["items"]
    assert [s["version"] for s in current] == [2]
    every = sup.get("/api/v1/quality/standards?kind=order_entry&include_retired=true")
    assert [s["version"] for s in every.get_json()["items"]] == [2, 1]
    with app.app_context():
        versions = {c.standard.version for c in db.session.scalars(sa.select(QualityCheck))}
    assert versions == {1}


def _fresh_orders(app, world):
    """Remove the world's checks of orders, so the month's orders can be drawn."""
    with app.app_context():
        db.session.execute(sa.delete(QualityCheck).where(QualityCheck.kind == "order_entry"))
        db.session.commit()


def test_sample_is_reproducible_from_its_seed_and_skips_the_reviewers_own_work(app, world):
    _fresh_orders(app, world)
    sup = _as(app, "zhuguan")
    sup.post("/api/v1/quality/standards", json=STANDARD)
    body = {"month": "2026-10", "kind": "order_entry", "per_dispatcher": 2, "seed": 424242}
    first = sup.post("/api/v1/quality/samples", json=body)
    assert first.status_code == 201, first.get_json()
    sample = first.get_json()
    checks = sup.get(f"/api/v1/quality/checks?sample_id={sample['id']}").get_json()["items"]
    assert sorted({c["dispatcher_id"] for c in checks}) == sorted([world["A"], world["B"]])
    assert len(checks) == 4
    audit = sup.get(f"/api/v1/quality/samples/{sample['id']}/redraw").get_json()
    assert audit["same"] is True and audit["seed"] == 424242
    # the same seed over the same records draws the same ones again
    with app.app_context():
        from core.quality import sampling
        from core.reports.periods import parse_month

        pool = sampling.candidates("order_entry", parse_month("2026-10"))
        again = sampling.draw_from(pool, seed=424242, per_dispatcher=2,
                                   reviewer_id=world["supervisor"])
        other = sampling.draw_from(pool, seed=7, per_dispatcher=3,
                                   reviewer_id=world["A"])
    assert sorted(c.record_id for v in again.values() for c in v) == sorted(
        c["record_id"] for c in checks)
    assert world["A"] not in other  # the reviewer's own orders are never drawn


def test_a_sample_larger_than_the_records_is_refused_and_nothing_written(app, world):
    _fresh_orders(app, world)
    sup = _as(app, "zhuguan")
    sup.post("/api/v1/quality/standards", json=STANDARD)
    resp = sup.post("/api/v1/quality/samples", json={
        "month": "2026-10", "kind": "order_entry", "per_dispatcher": 4})
    assert resp.status_code == 422
    assert "per_dispatcher" in resp.get_json()["fields"]
    assert "王芳" in resp.get_json()["fields"]["per_dispatcher"][0]["zh"]
    assert _count(app, QualitySample) == 0


def _scored_check(app, world):
    _fresh_orders(app, world)
    sup = _as(app, "zhuguan")
    sup.post("/api/v1/quality/standards", json=STANDARD)
    order_id = world["orders"][0]  # o1, A's
    check = _as(app, "zhijian").post("/api/v1/quality/checks", json={
        "kind": "order_entry", "record_id": order_id}).get_json()
    items = [i["id"] for i in check["standard"]["items"]]
    return check, items


def test_scores_outside_an_items_range_are_refused(app, world):
    check, items = _scored_check(app, world)
    qa = _as(app, "zhijian")
    resp = qa.post(f"/api/v1/quality/checks/{check['id']}/score", json={
        "version": check["version"],
        "scores": [{"item_id": items[0], "score": 11}, {"item_id": items[1], "score": 5}]})
    assert resp.status_code == 422 and "scores.0.score" in resp.get_json()["fields"]
    resp = qa.post(f"/api/v1/quality/checks/{check['id']}/score", json={
        "version": check["version"], "scores": [{"item_id": items[0], "score": 5}]})
    assert resp.status_code == 422 and "scores" in resp.get_json()["fields"]
    again = qa.get(f"/api/v1/quality/checks/{check['id']}").get_json()
    assert again["state"] == "pending" and again["score"] is None and again["scores"] == []


def test_an_appeal_changes_the_score_once(app, world):
    check, items = _scored_check(app, world)
    qa, a, sup = _as(app, "zhijian"), _as(app, "wangfang"), _as(app, "zhuguan")
    scored = qa.post(f"/api/v1/quality/checks/{check['id']}/score", json={
        "version": check["version"], "comment": "报价单位错误", "entry_accurate": False,
        "scores": [{"item_id": items[0], "score": 5, "comment": "缺地址"},
                   {"item_id": items[1], "score": 5}]}).get_json()
    assert scored["score"] == "70.00"  # 60 × 5/10 + 40 × 5/5
    appealed = a.post(f"/api/v1/quality/checks/{check['id']}/appeal", json={
        "version": scored["version"], "reason": "地址客户后补"}).get_json()
    assert appealed["state"] == "appealed"
    second = a.post(f"/api/v1/quality/checks/{check['id']}/appeal", json={
        "version": appealed["version"], "reason": "再申诉"})
    assert second.status_code == 409 and second.get_json()["code"] == "appeal_used"
    decided = sup.post(f"/api/v1/quality/checks/{check['id']}/decision", json={
        "version": appealed["version"], "outcome": "changed", "note": "改判",
        "scores": [{"item_id": items[0], "score": 10}, {"item_id": items[1], "score": 5}]})
    assert decided.status_code == 200, decided.get_json()
    body = decided.get_json()
    assert (body["score"], body["review_score"], body["state"]) == ("100.00", "70.00",
                                                                    "decided")
    third = a.post(f"/api/v1/quality/checks/{check['id']}/appeal", json={
        "version": body["version"], "reason": "又申诉"})
    assert third.status_code == 409
    assert sup.post(f"/api/v1/quality/checks/{check['id']}/decision", json={
        "version": body["version"], "outcome": "upheld"}).status_code == 409
    assert a.get(f"/api/v1/quality/checks/{check['id']}").get_json()["score"] == "100.00"


def test_a_dispatcher_sees_her_own_checks_not_others_comments(app, world):
    b = _as(app, "lina")
    mine = b.get("/api/v1/quality/checks").get_json()["items"]
    assert mine and {c["dispatcher_id"] for c in mine} == {world["B"]}
    with app.app_context():
        a_check = db.session.scalar(sa.select(QualityCheck.id).where(
            QualityCheck.dispatcher_id == world["A"]).limit(1))
    assert b.get(f"/api/v1/quality/checks/{a_check}").status_code == 404
    assert b.post(f"/api/v1/quality/checks/{a_check}/appeal",
                  json={"version": 1, "reason": "x"}).status_code == 404
    assert b.post("/api/v1/quality/samples", json={}).status_code == 403


def test_the_reviewers_marking_counts_in_entry_accuracy(app, world):
    check, items = _scored_check(app, world)  # o1: corrected after quote (platform ✗)
    _as(app, "zhijian").post(f"/api/v1/quality/checks/{check['id']}/score", json={
        "version": check["version"], "entry_accurate": True,
        "scores": [{"item_id": items[0], "score": 10}, {"item_id": items[1], "score": 5}]})
    rows = _as(app, "zhuguan").get("/api/v1/reports/kpis?month=2026-10").get_json()["rows"]
    a = next(r for r in rows if r["key"] == str(world["A"]))
    assert a["figures"]["entry_accuracy"]["value"] == 66.7  # o1 ✓ (marked), o2 ✓, o3 ✗
