"""Plugins add hard rules and score parts to matching through hooks."""
from __future__ import annotations

from core import MatchingRule, Msg, ScorePart, hookimpl
from core.plugins import registry


class TwinsPlugin:
    """A test-only plugin: twins need 8+ years; a bonus part for experience."""

    @hookimpl
    def register_matching_rules(self, service_line):
        if service_line != "cleaning":
            return None
        return [MatchingRule("veteran", Msg("Needs 8+ years.", "需要 8 年以上经验。"),
                             lambda intake, w: w["years_experience"] >= 8)]

    @hookimpl
    def register_score_parts(self, service_line):
        return [ScorePart("bonus", "加分", "Bonus", 2.0, lambda intake, w: 1.0)]


def test_plugin_rules_filter_and_explain_and_parts_are_shown(app, desk, matching_order,
                                                             qualified):
    order = matching_order()
    novice = qualified()
    with app.app_context():
        from core.extensions import db
        from core.workers.models import Worker

        veteran = qualified()
        db.session.get(Worker, veteran).years_experience = 9
        db.session.commit()
        pm = registry(app).pm
    pm.register(TwinsPlugin(), name="twins-test")
    try:
        items = desk.get(f"/api/v1/orders/{order['id']}/candidates").get_json()["items"]
        assert [c["worker_id"] for c in items] == [veteran]
        assert items[0]["parts"]["bonus"] == 2.0
        why = desk.get(f"/api/v1/orders/{order['id']}/candidates/{novice}/why-not").get_json()
        assert [f["code"] for f in why["failed"]] == ["veteran"]
        assert why["failed"][0]["message"]["zh"] == "需要 8 年以上经验。"
    finally:
        pm.unregister(name="twins-test")


def test_the_maternity_line_wants_experience_for_twins(app, desk, matching_order, qualified):
    from core.extensions import db
    from core.workers.models import Worker

    order = matching_order("maternity_nurse", twins=True)
    novice, veteran = qualified("maternity_nurse"), qualified("maternity_nurse")
    with app.app_context():
        db.session.get(Worker, novice).years_experience = 1
        db.session.commit()
    items = desk.get(f"/api/v1/orders/{order['id']}/candidates").get_json()["items"]
    assert [c["worker_id"] for c in items] == [veteran]
    assert items[0]["parts"]["twins"] == 0.5  # 5 years of 10, weight 1
    why = desk.get(f"/api/v1/orders/{order['id']}/candidates/{novice}/why-not").get_json()
    assert [f["code"] for f in why["failed"]] == ["twins_experience"]
