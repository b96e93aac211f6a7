"""Alembic migrations: an empty database upgrades to head, matches the models, and downgrades."""
from __future__ import annotations

import os
import uuid

import sqlalchemy as sa
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from flask_migrate import downgrade, upgrade

from core import create_app
from core.extensions import db, only_for


def _databases(tmp_path):
    yield "sqlite", f"sqlite:///{tmp_path / 'migr.db'}", None
    pg = os.environ.get("JIAZHENG_TEST_DATABASE_URL")
    if pg:
        base = sa.make_url(pg.replace("postgresql://", "postgresql+psycopg://", 1))
        name = f"jz_migr_{uuid.uuid4().hex[:8]}"
        admin = sa.create_engine(base, isolation_level="AUTOCOMMIT")
        with admin.connect() as conn:
            conn.execute(sa.text(f'CREATE DATABASE "{name}"'))
        try:
            yield "postgresql", base.set(database=name).render_as_string(hide_password=False), None
        finally:
            with admin.connect() as conn:
                conn.execute(sa.text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
            admin.dispose()


def test_empty_database_upgrades_to_head_matches_models_and_downgrades(tmp_path):
    seen = []
    for dialect, url, _ in _databases(tmp_path):
        seen.append(dialect)
        app = create_app({"TESTING": True, "SECRET_KEY": "x", "SQLALCHEMY_DATABASE_URI": url,
                          "INSTANCE_PATH": str(tmp_path / "instance")})
        with app.app_context():
            upgrade()
            tables = set(sa.inspect(db.engine).get_table_names())
            assert set(db.metadata.tables) <= tables, dialect
            with db.engine.connect() as conn:
                diff = compare_metadata(MigrationContext.configure(
                    conn, opts={"compare_type": True,
                                "include_object": only_for(dialect)}), db.metadata)
            assert diff == [], f"models and migrations differ on {dialect}: {diff}"
            if dialect == "postgresql":
                found = db.session.scalar(sa.text(
                    "SELECT count(*) FROM pg_constraint WHERE conname = 'assignments_no_overlap'"))
                assert found == 1, "the no-double-booking exclusion constraint is missing"
                db.session.remove()
            downgrade(revision="base")
            left = set(sa.inspect(db.engine).get_table_names()) - {"alembic_version"}
            assert left == set(), dialect
            db.engine.dispose()
    expected = ["sqlite", "postgresql"] if os.environ.get("JIAZHENG_TEST_DATABASE_URL") else [
        "sqlite"]
    assert seen == expected
