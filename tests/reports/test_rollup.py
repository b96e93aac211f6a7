"""The monthly KPI roll-up equals the live SQL aggregates, figure for figure, on the
hand-built October 2026 (tests/reports/world.py) — every grouping and filter the API
offers — and is read by the API, dropped on a quality-check change and rebuilt by the
hourly job."""
from __future__ import annotations

import datetime as dt
import itertools

import pytest
import sqlalchemy as sa

from tests.conftest import ApiClient, token_for

from .world import build, sh

OCTOBER = "2026-10"


@pytest.fixture
def world(app):
    ids = build(app)
    _complaints(app, ids)
    return ids


def _complaints(app, world):
    """Complaints of October, one with an order (its line) and one without (no line)."""
    from core.complaints.models import Complaint, ComplaintClock
    from core.extensions import db

    with app.app_context():
        rows = ((world["A"], world["orders"][0], sh(10, 2, 9), sh(10, 2, 10), sh(10, 3, 9)),
                (world["A"], None, sh(10, 4, 9), sh(10, 4, 12), sh(10, 9, 9)),
                (world["B"], world["orders"][3], sh(10, 8, 9), sh(10, 8, 11), None))
        for n, (owner, order_id, received, contact, resolved) in enumerate(rows):
            c = Complaint(number=f"R{n}", customer_id=1, channel="phone", order_id=order_id,
                          category_code="attitude", level_code="normal", summary="投诉",
                          state="resolved" if resolved else "open", owner_id=owner,
                          received_at=received, first_contact_at=contact, resolved_at=resolved)
            db.session.add(c)
            db.session.flush()
            db.session.add(ComplaintClock(complaint_id=c.id, kind="first_contact",
                                          target_minutes=120, met_at=contact,
                                          breached_at=contact if n == 1 else None))
            if resolved:
                db.session.add(ComplaintClock(complaint_id=c.id, kind="solution",
                                              target_minutes=2880, met_at=resolved))
        db.session.commit()


def _scopes(world):
    from core.reports.compute import Scope
    from core.reports.periods import parse_month

    period = parse_month(OCTOBER)
    for by, d, line in itertools.product(("dispatcher", "line", "desk"),
                                         (None, world["A"], world["B"]),
                                         (None, "cleaning", "nanny", "maternity_nurse")):
        yield Scope(period, by, d, line)


def _plain(figures: dict) -> dict:
    return {k: {c: f.as_dict() for c, f in v.items()} for k, v in figures.items()}


def test_the_rollup_equals_the_live_figures_for_every_grouping_and_filter(app, world):
    from core.extensions import db
    from core.reports import rollup, service
    from core.reports.periods import parse_month

    with app.test_request_context():
        head = rollup.build(parse_month(OCTOBER))
        db.session.commit()
        assert head.final is True      # October's deadline (the 22nd of November) is past
        compared = 0
        for scope in _scopes(world):
            live = _plain(service.figures(scope, live=True))
            stored = rollup.read(scope)
            assert stored is not None
            assert _plain(stored) == live, scope
            compared += sum(len(v) for v in live.values())
        assert compared > 300          # 36 scopes, 321 figures
        # the group without a line (the complaint without an order) is kept too
        by_line = rollup.read(service.Scope(parse_month(OCTOBER), "line"))
        assert by_line[None]["complaint_first_contact_hours"].value == 3.0


def test_the_api_reads_the_rollup_and_gives_the_hand_worked_figures(app, world):
    from core.extensions import db
    from core.reports import rollup
    from core.reports.models import KpiRollup
    from core.reports.periods import parse_month

    client = ApiClient(app, token_for(app, "zhuguan"))
    before = client.get("/api/v1/reports/kpis",
                        query_string={"month": OCTOBER, "by": "dispatcher"}).get_json()
    with app.app_context():
        rollup.build(parse_month(OCTOBER))
        db.session.commit()
    after = client.get("/api/v1/reports/kpis",
                       query_string={"month": OCTOBER, "by": "dispatcher"}).get_json()
    assert after == before
    a = {r["key"]: r["figures"] for r in after["rows"]}[str(world["A"])]
    assert a["entry_accuracy"]["value"] == 33.3 and a["dispatch_hours"]["value"] == 10.0
    # the stored rows are what is served: change one and the API shows it
    with app.app_context():
        db.session.execute(sa.update(KpiRollup).where(
            KpiRollup.grouping == "dispatcher", KpiRollup.dispatcher_id == world["A"],
            KpiRollup.code == "orders_taken").values(value=99.0))
        db.session.commit()
    served = client.get("/api/v1/reports/kpis",
                        query_string={"month": OCTOBER, "by": "dispatcher"}).get_json()
    a = {r["key"]: r["figures"] for r in served["rows"]}[str(world["A"])]
    assert a["orders_taken"]["value"] == 99.0


def test_a_stale_rollup_of_an_open_month_is_not_served(app, world):
    from core.extensions import db
    from core.reports import rollup
    from core.reports.models import KpiRollupMonth
    from core.reports.periods import parse_month

    with app.app_context():
        period = parse_month(OCTOBER)
        rollup.build(period, final=False)
        db.session.commit()
        assert rollup.usable(period) is not None
        db.session.execute(sa.update(KpiRollupMonth).values(
            computed_at=dt.datetime.now(dt.timezone.utc) - dt.timedelta(hours=3)))
        db.session.commit()
        assert rollup.usable(period) is None
        db.session.execute(sa.update(KpiRollupMonth).values(final=True))
        db.session.commit()
        assert rollup.usable(period) is not None


def test_scoring_a_check_drops_its_months_rollup_and_the_job_builds_it_again(app, world):
    from core.extensions import db
    from core.quality.models import QualityCheck
    from core.reports import jobs, rollup
    from core.reports.models import KpiRollupMonth
    from core.reports.periods import parse_month

    with app.app_context():
        rollup.build(parse_month(OCTOBER))
        db.session.commit()
        check_id, version, item_id = db.session.execute(
            sa.select(QualityCheck.id, QualityCheck.version, QualityCheck.standard_id)
            .where(QualityCheck.kind == "order_entry").limit(1)).one()
    from core.quality.models import QualityStandardItem

    with app.app_context():
        item = db.session.scalar(sa.select(QualityStandardItem.id).where(
            QualityStandardItem.standard_id == item_id))
    client = ApiClient(app, token_for(app, "zhijian"))
    resp = client.post(f"/api/v1/quality/checks/{check_id}/score", json={
        "version": version, "scores": [{"item_id": item, "score": 10}],
        "entry_accurate": True})
    assert resp.status_code == 200, resp.get_json()
    with app.app_context():
        assert db.session.get(KpiRollupMonth, dt.date(2026, 10, 1)) is None
        done = jobs.run(dt.date(2026, 12, 5))
        # October's report was due (22 November) and not stored: generating it builds the
        # month's roll-up, final; the refresh then builds November and December
        assert done["reports"] == [OCTOBER] and done["rollups"][:2] == ["2026-11", "2026-12"]
        assert db.session.get(KpiRollupMonth, dt.date(2026, 10, 1)).final is True
