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


class SqlFormsPlugin:
    """The same rule and a graded part, each with its SQL form (the database ranks)."""

    def __init__(self, with_sql: bool):
        self.with_sql = with_sql

    @hookimpl
    def register_matching_rules(self, service_line):
        import sqlalchemy as sa  # noqa: F401

        return [MatchingRule("veteran", Msg("Needs 3+ years.", "需要 3 年以上经验。"),
                             lambda intake, w: w["years_experience"] >= 3,
                             where=(lambda intake, p: p.years_experience >= 3)
                             if self.with_sql else None)]

    @hookimpl
    def register_score_parts(self, service_line):
        import sqlalchemy as sa

        return [ScorePart("seniority", "资历", "Seniority", 2.5,
                          lambda intake, w: min(w["years_experience"], 20) / 20,
                          expr=(lambda intake, p: sa.case(
                              (p.years_experience >= 20, 1.0),
                              else_=sa.cast(p.years_experience, sa.Float) / 20))
                          if self.with_sql else None)]


def test_sql_forms_rank_exactly_as_the_python_path(app, matching_order, qualified):
    from core.extensions import db
    from core.matching.candidates import ranking
    from core.workers.models import Worker

    order = matching_order()
    staff = {qualified(): years for years in (0, 2, 3, 7, 7, 12, 25)}
    with app.app_context():
        for wid, years in staff.items():
            db.session.get(Worker, wid).years_experience = years
        db.session.commit()
        pm = registry(app).pm
        results = []
        for with_sql in (True, False):
            pm.register(SqlFormsPlugin(with_sql), name="sql-forms-test")
            try:
                found = ranking(order["id"])
                results.append([(c["id"], c["score"], c["parts"]["seniority"])
                                for c in found.items])
                assert found.total == len(found.items) == 5  # 0 and 2 years fail
                second = ranking(order["id"], page=2, per_page=2)
                assert [c["id"] for c in second.items] == [c["id"] for c in found.items[2:4]]
            finally:
                pm.unregister(name="sql-forms-test")
        sql, python = results
        assert [i for i, _s, _p in sql] == [i for i, _s, _p in python]
        for (_i, s1, p1), (_j, s2, p2) in zip(sql, python, strict=True):
            assert abs(s1 - s2) < 1e-6 and abs(p1 - p2) < 1e-6
