"""core.transactions: the service step owns the unit of work (commit, rollback, nesting)."""
from __future__ import annotations

import threading

import pytest
import sqlalchemy as sa

from core.cadences.models import FollowupCadence
from core.errors import Conflict, Invalid
from core.extensions import db
from core.partners.models import Partner
from core.transactions import in_transaction, transactional


def _names(app) -> list[str]:
    """What another connection sees: only committed rows."""
    with db.engine.connect() as conn:
        return sorted(conn.execute(sa.select(Partner.name)).scalars())


@transactional
def _add(name: str) -> Partner:
    partner = Partner(name=name, kind="exam_hospital")
    db.session.add(partner)
    db.session.flush()
    return partner


@transactional
def _add_then_refuse(name: str) -> None:
    _add(name)
    raise Invalid(fields={"name": [{"zh": "不行", "en": "no"}]})


@transactional
def _add_two(first: str, second: str) -> bool:
    _add(first)
    inner_saw_a_commit = _names(None) != []
    _add(second)
    return inner_saw_a_commit


def test_a_step_commits_what_it_wrote(app):
    with app.app_context():
        assert not in_transaction()
        _add("协和")
        assert _names(app) == ["协和"]


def test_a_refused_step_leaves_nothing_written(app):
    with app.app_context():
        with pytest.raises(Invalid):
            _add_then_refuse("半截")
        assert _names(app) == []
        assert db.session.scalars(sa.select(Partner)).all() == []


def test_a_step_inside_a_step_joins_it_and_only_the_outer_one_commits(app):
    with app.app_context():
        assert _add_two("一", "二") is False
        assert _names(app) == ["一", "二"]


def test_a_lost_version_race_at_commit_is_a_409_and_saves_nothing(app):
    """Two saves of one versioned row: the one that commits second is refused."""
    with app.app_context():
        db.session.add(FollowupCadence(service_line="cleaning", overrides={"a": 1}))
        db.session.commit()
        cid = db.session.scalar(sa.select(FollowupCadence.id))

    def other_request():
        with app.app_context():
            db.session.get(FollowupCadence, cid).overrides = {"other": 1}
            db.session.commit()

    @transactional
    def save():
        cadence = db.session.get(FollowupCadence, cid)
        thread = threading.Thread(target=other_request)
        thread.start()
        thread.join()
        cadence.overrides = {"mine": 1}

    with app.app_context():
        with pytest.raises(Conflict) as refused:
            save()
        assert refused.value.code == "stale_version"
        assert db.session.get(FollowupCadence, cid).overrides == {"other": 1}


def test_the_outbox_refuses_to_deliver_inside_a_step(app):
    """outbox.deliver ends the session's transaction: inside a step it would drop the
    step's writes, so it refuses and the step rolls back as for any error."""
    from core.followups import outbox

    @transactional
    def add_and_deliver():
        _add("半途")
        outbox.deliver(1)

    with app.app_context():
        with pytest.raises(RuntimeError, match="inside a @transactional step"):
            add_and_deliver()
        assert _names(app) == []


def test_save_flushes_inside_a_step_and_commits_outside_one(app):
    from core.transactions import save

    @transactional
    def add_then_look():
        db.session.add(Partner(name="步内", kind="exam_hospital"))
        save()
        return _names(app)  # another connection: nothing committed yet

    with app.app_context():
        assert add_then_look() == []
        assert _names(app) == ["步内"]
        db.session.add(Partner(name="步外", kind="exam_hospital"))
        save()
        assert _names(app) == ["步内", "步外"]


def test_save_turns_a_lost_race_into_the_areas_own_409(app):
    from core.transactions import save

    with app.app_context():
        db.session.add(FollowupCadence(service_line="nanny", overrides={}))
        db.session.commit()
        cid = db.session.scalar(sa.select(FollowupCadence.id))
        cadence = db.session.get(FollowupCadence, cid)
        with db.engine.begin() as conn:  # someone else saves first
            conn.execute(sa.update(FollowupCadence).values(version=FollowupCadence.version + 1))
        cadence.overrides = {"mine": 1}
        with pytest.raises(Conflict) as refused:
            save(lambda: Conflict("area's own", code="area_stale"))
        assert refused.value.code == "area_stale"
