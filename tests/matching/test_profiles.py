"""The matching profiles (read model) stay equal to what the source tables say: after
ORM writes of every kind the flush hook keeps them, and a full rebuild gives the same
rows; the CLI rebuilds them after data was loaded around the application."""
from __future__ import annotations

import datetime as dt

import sqlalchemy as sa

from tests.matching.conftest import add_credentials
from tests.orders.helpers import make_worker


def _rows(db):
    from core.matching.profiles import MatchingProfile

    table = MatchingProfile.__table__
    return [dict(r) for r in db.session.execute(
        sa.select(table).order_by(table.c.worker_id, table.c.service_line)).mappings()]


def test_flush_hook_keeps_profiles_equal_to_a_rebuild(app, customer_id):
    from core.extensions import db
    from core.followups.models import Evaluation
    from core.matching.models import Assignment, WorkerLocation
    from core.matching.profiles import rebuild
    from core.orders.models import Order
    from core.workers.models import Worker, WorkerCredential

    a = make_worker(app, ("cleaning", "nanny"), qualified=False)
    b = make_worker(app, ("cleaning",), qualified=False)
    add_credentials(app, a, ("health_certificate", "platform_certification"),
                    expires_on=dt.date(2031, 1, 1))
    with app.app_context():
        order = db.session.scalar(sa.select(Order).limit(1))
        db.session.add(WorkerLocation(worker_id=a, district="鼓楼区", latitude=32.05,
                                      longitude=118.78))
        db.session.add(Evaluation(worker_id=a, source="end_of_service_call",
                                  verdict="satisfied", overall=4, notes="",
                                  order_id=order.id if order else None))
        start = dt.datetime(2031, 3, 1, 1, tzinfo=dt.timezone.utc)
        if order is not None:
            db.session.add(Assignment(worker_id=b, order_id=order.id, kind="assignment",
                                      state="active", starts_at=start,
                                      ends_at=start + dt.timedelta(hours=4)))
        worker = db.session.get(Worker, b)
        worker.grade, worker.years_experience = "gold", 7
        cred = db.session.scalar(sa.select(WorkerCredential).where(
            WorkerCredential.worker_id == a, WorkerCredential.kind == "health_certificate"))
        cred.expires_on = dt.date(2030, 6, 30)
        db.session.commit()
        kept = _rows(db)
        by_worker = {(r["worker_id"], r["service_line"]): r for r in kept}
        assert by_worker[(a, "cleaning")]["valid_until"] == dt.date(2030, 6, 30)
        assert by_worker[(a, "nanny")]["valid_until"] is None  # no 育婴 certificate
        assert by_worker[(a, "cleaning")]["rating_sum"] == 4
        assert by_worker[(a, "cleaning")]["district"] == "鼓楼区"
        assert by_worker[(b, "cleaning")]["grade_rank"] == 2
        rebuild()
        assert _rows(db) == kept
        db.session.delete(db.session.get(Worker, b))
        db.session.commit()
        assert all(r["worker_id"] != b for r in _rows(db))


def test_cli_rebuilds_after_a_load_around_the_orm(app):
    from core.extensions import db

    a = make_worker(app, ("cleaning",), qualified=False)
    with app.app_context():
        db.session.execute(sa.text("DELETE FROM matching_profiles"))
        db.session.commit()
    from core.cli import cli

    result = app.test_cli_runner().invoke(cli, ["matching", "rebuild-profiles"])
    assert result.exit_code == 0, result.output
    with app.app_context():
        assert [r["worker_id"] for r in _rows(db)].count(a) == 1


def test_bulk_updates_and_deletes_through_the_session_keep_profiles(app):
    from core.extensions import db
    from core.matching.profiles import rebuild
    from core.workers.models import Worker, WorkerCredential

    a = make_worker(app, ("cleaning",), qualified=False)
    b = make_worker(app, ("cleaning", "nanny"), qualified=False)
    add_credentials(app, a, ("health_certificate", "platform_certification"),
                    expires_on=dt.date(2031, 1, 1))
    with app.app_context():
        before = {(r["worker_id"], r["service_line"]): r for r in _rows(db)}
        assert before[(a, "cleaning")]["valid_until"] == dt.date(2031, 1, 1)
        db.session.execute(sa.update(Worker).where(Worker.id.in_([a, b]))
                           .values(status="on_leave"))
        db.session.execute(sa.update(WorkerCredential).where(
            WorkerCredential.worker_id == a, WorkerCredential.kind == "health_certificate")
            .values(expires_on=dt.date(2030, 2, 1)))
        db.session.execute(sa.delete(WorkerCredential).where(WorkerCredential.worker_id == b))
        db.session.commit()
        kept = {(r["worker_id"], r["service_line"]): r for r in _rows(db)}
        assert kept[(a, "cleaning")]["status"] == kept[(b, "nanny")]["status"] == "on_leave"
        assert kept[(a, "cleaning")]["valid_until"] == dt.date(2030, 2, 1)
        rows = _rows(db)
        rebuild()
        assert _rows(db) == rows
