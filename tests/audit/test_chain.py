"""The audit trail is append-only: hash-chained rows, a PostgreSQL trigger, and
``jiazheng audit verify`` naming the first row that was edited, deleted or moved."""
import threading

import pytest
import sqlalchemy as sa

from core.audit.models import AuditChainHead, AuditEvent
from core.audit.service import record, verify_chain
from core.cli import cli
from core.extensions import db


def _write(app, n=6):
    with app.app_context():
        for i in range(n):
            record("update", "customer", i + 1, f"change {i}", {"status": ["active", "inactive"]},
                   actor_id=None)
            db.session.commit()


def _verify(app):
    result = app.test_cli_runner().invoke(cli, ["audit", "verify"])
    return result.exit_code, result.output


def _tamper(app, sql, **params):
    """Run ``sql`` as the database owner would, past the PostgreSQL trigger."""
    with app.app_context(), db.engine.begin() as conn:
        pg = conn.dialect.name == "postgresql"
        if pg:
            conn.execute(sa.text("ALTER TABLE audit_events DISABLE TRIGGER "
                                 "audit_events_append_only"))
        conn.execute(sa.text(sql), params)
        if pg:
            conn.execute(sa.text("ALTER TABLE audit_events ENABLE TRIGGER "
                                 "audit_events_append_only"))


def test_rows_are_chained_in_order_and_verify_passes(app):
    _write(app)
    with app.app_context():
        rows = db.session.execute(sa.select(AuditEvent.seq, AuditEvent.row_hash)
                                  .order_by(AuditEvent.id)).all()
        assert [r.seq for r in rows] == [1, 2, 3, 4, 5, 6]
        assert len({r.row_hash for r in rows}) == 6
        head = db.session.get(AuditChainHead, 1)
        assert (head.seq, head.row_hash) == (6, rows[-1].row_hash)
    code, out = _verify(app)
    assert code == 0, out
    assert "6 rows" in out


def test_an_edited_row_is_named(app):
    _write(app)
    _tamper(app, "UPDATE audit_events SET summary = 'nothing happened' WHERE seq = 3")
    code, out = _verify(app)
    assert code == 1
    assert "seq 3" in out and "BROKEN" in out


def test_an_edited_change_value_is_named(app):
    _write(app)
    _tamper(app, "UPDATE audit_events SET changes = :c WHERE seq = 4",
            c='{"status": ["active", "active"]}')
    with app.app_context():
        assert verify_chain().finding.seq == 4


def test_a_deleted_row_is_named(app):
    _write(app)
    _tamper(app, "DELETE FROM audit_events WHERE seq = 2")
    code, out = _verify(app)
    assert code == 1
    assert "seq 2 is missing" in out


def test_deleting_the_newest_row_is_noticed(app):
    _write(app)
    _tamper(app, "DELETE FROM audit_events WHERE seq = 6")
    with app.app_context():
        finding = verify_chain().finding
    assert finding.problem == "head_mismatch"


def test_reordered_rows_are_named(app):
    _write(app)
    _tamper(app, "UPDATE audit_events SET seq = -1 WHERE seq = 3")
    _tamper(app, "UPDATE audit_events SET seq = 3 WHERE seq = 4")
    _tamper(app, "UPDATE audit_events SET seq = 4 WHERE seq = -1")
    with app.app_context():
        finding = verify_chain().finding
    assert (finding.seq, finding.problem) == (3, "edited_or_moved")


def test_a_row_slipped_in_outside_the_chain_is_named(app):
    _write(app, 2)
    _tamper(app, "INSERT INTO audit_events (at, action, entity_type, summary) "
                 "VALUES (CURRENT_TIMESTAMP, 'read', 'customer', 'forged')")
    with app.app_context():
        assert verify_chain().finding.problem == "unchained"


def test_postgresql_refuses_update_and_delete_of_audit_rows(app):
    with app.app_context():
        if db.engine.dialect.name != "postgresql":
            pytest.skip("the trigger is PostgreSQL's; SQLite relies on the chain alone")
    _write(app, 2)
    with app.app_context():
        for sql in ("UPDATE audit_events SET summary = 'x' WHERE seq = 1",
                    "DELETE FROM audit_events WHERE seq = 1"):
            with pytest.raises(sa.exc.DBAPIError, match="append-only"):
                with db.engine.begin() as conn:
                    conn.execute(sa.text(sql))
    assert _verify(app)[0] == 0


def test_concurrent_writers_keep_one_chain(app):
    errors = []

    def writer(k):
        try:
            with app.app_context():
                for i in range(15):
                    record("read", "customer", k, f"writer {k} read {i}", actor_id=None)
                    db.session.commit()
        except Exception as exc:  # pragma: no cover - reported below
            errors.append(exc)

    threads = [threading.Thread(target=writer, args=(k,)) for k in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    with app.app_context():
        seqs = db.session.scalars(sa.select(AuditEvent.seq).order_by(AuditEvent.seq)).all()
        assert seqs == list(range(1, 61))
        assert verify_chain().finding is None


def test_a_failed_transaction_leaves_the_chain_whole(app):
    _write(app, 2)
    with app.app_context():
        record("update", "customer", 9, "rolled back", actor_id=None)
        db.session.flush()
        db.session.rollback()
        record("update", "customer", 9, "kept", actor_id=None)
        db.session.commit()
        assert verify_chain().finding is None
        assert db.session.scalar(sa.select(sa.func.max(AuditEvent.seq))) == 3
