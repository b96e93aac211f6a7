"""The plugin side of appointments: the cleaning line's plan_visits (pure), the child
massage line's get_session_package, the value types' checks, and the facades refusing
an answer from a plugin that does not own the line."""
from __future__ import annotations

import datetime as dt

import pytest

from core import SessionPackage, VisitSlot, hookimpl
from core import plugins as facade
from core.plugins import PluginError
from plugins.cleaning.schemas import CleaningIntakeSchema
from plugins.cleaning.visits import plan
from tests.conftest import make_test_app

#: this module's test plugins use hooks of plugin contract 1 on purpose: they check that
#: those hooks keep working (and refusing strangers) through contract 2
pytestmark = pytest.mark.filterwarnings("ignore::core.hookspecs.ContractDeprecationWarning")


def _cleaning(**over) -> dict:
    return CleaningIntakeSchema().load({"address": {"district": "鼓楼区"}, "floor_area": "45",
                                        "kind": "deep", "preferred_date": "2030-05-06", **over})


def test_weekly_times_four_from_a_date_is_four_visits_seven_days_apart():
    slots = plan(_cleaning(frequency="weekly", visits=4, preferred_time="13:30"))
    assert [(s.starts_at, s.ends_at) for s in slots] == [
        (dt.datetime(2030, 5, d, 13, 30), dt.datetime(2030, 5, d, 16, 30))  # 45 ㎡ deep: 3 h
        for d in (6, 13, 20, 27)]
    assert all(s.starts_at.tzinfo is None for s in slots)  # business time, no zone


def test_a_monthly_cleaning_until_an_end_date_and_a_one_off_at_nine():
    monthly = plan(_cleaning(frequency="monthly", end_date="2030-08-10"))
    assert [s.starts_at.date() for s in monthly] == [
        dt.date(2030, 5, 6), dt.date(2030, 6, 6), dt.date(2030, 7, 6), dt.date(2030, 8, 6)]
    one = plan(_cleaning(floor_area="20", kind="routine"))
    assert len(one) == 1 and one[0].starts_at == dt.datetime(2030, 5, 6, 9, 0)
    assert one[0].ends_at - one[0].starts_at == dt.timedelta(hours=2)  # never under 2 hours
    big = plan(_cleaning(floor_area="1500", kind="post_renovation"))
    assert big[0].ends_at - big[0].starts_at == dt.timedelta(hours=10)  # a working day at most


def test_visit_slots_and_packages_refuse_impossible_values():
    at = dt.datetime(2030, 1, 1, 9)
    with pytest.raises(ValueError):
        VisitSlot(at, at)
    with pytest.raises(ValueError):
        VisitSlot(at, (at + dt.timedelta(hours=1)).replace(tzinfo=dt.timezone.utc))
    with pytest.raises(TypeError):
        VisitSlot(at, at + dt.timedelta(hours=1), tasks=["not a tuple"])
    with pytest.raises(ValueError):
        SessionPackage(0)
    with pytest.raises(ValueError):
        SessionPackage(5, place="park")


def test_only_lines_that_plan_visits_or_sell_sessions_answer(app):
    with app.app_context():
        assert facade.plan_visits("maternity_nurse", {}) is None
        assert facade.session_package("cleaning", {}) is None
        assert facade.session_package("child_massage", {"purchase": "package",
                                                         "package_sessions": 10,
                                                         "place": "home"}) == SessionPackage(
            10, "home")


class Stranger:
    """A plugin that plans visits and sells sessions for every line, its own or not."""

    @hookimpl
    def plan_visits(self, service_line, intake):
        return [VisitSlot(dt.datetime(2030, 1, 1, 9), dt.datetime(2030, 1, 1, 10))]

    @hookimpl
    def get_session_package(self, service_line, intake):
        return SessionPackage(3)


def test_a_plugin_answering_for_a_line_it_does_not_own_is_refused(tmp_path, database_url):
    app = make_test_app(tmp_path, database_url, EXTRA_PLUGINS=[("stranger", Stranger())])
    with app.app_context():
        with pytest.raises(PluginError, match=r"'stranger'.*plan_visits.*'nanny'"):
            facade.plan_visits("nanny", {})
        with pytest.raises(PluginError, match=r"'stranger'.*get_session_package"):
            facade.session_package("cleaning", {})
    from core.extensions import db

    with app.app_context():
        db.session.remove()
        db.engine.dispose()
