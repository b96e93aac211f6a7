"""Test apps on a throwaway database, and API clients logged in by role: what the kit's
fixtures (:mod:`core.testing.plugin`) and this repository's ``tests/conftest.py`` share.

A database is SQLite (a fresh file per test, copied from a template made once per set
of tables: creating ~100 tables costs seconds, a copy a millisecond) unless
``JIAZHENG_TEST_DATABASE_URL`` names a PostgreSQL server: then one database is created
for the test run next to the one named, its schema made once, emptied after each test.
"""
from __future__ import annotations

import atexit
import contextlib
import os
import shutil
import tempfile
import uuid

import sqlalchemy as sa

#: the password of every user the test helpers make
PASSWORD = "correct-horse-42"


def pg_base_url() -> str:
    """The PostgreSQL server URL the tests may use ("" for SQLite)."""
    return os.environ.get("JIAZHENG_TEST_DATABASE_URL", "")


def create_pg_database(base: str) -> tuple[str, str, object]:
    """Create a dedicated database for this test run next to ``base``: (its URL, its
    name, the base URL) — drop it with :func:`drop_pg_database`."""
    url = sa.make_url(base.replace("postgresql://", "postgresql+psycopg://", 1)
                      if base.startswith("postgresql://") else base)
    name = f"jz_test_{os.getpid()}_{uuid.uuid4().hex[:6]}"
    admin = sa.create_engine(url, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(sa.text(f'CREATE DATABASE "{name}"'))
    admin.dispose()
    return url.set(database=name).render_as_string(hide_password=False), name, url


def drop_pg_database(base, name: str) -> None:
    from sqlalchemy.pool import NullPool

    admin = sa.create_engine(base, isolation_level="AUTOCOMMIT", poolclass=NullPool)
    with admin.connect() as conn:
        conn.execute(sa.text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    admin.dispose()


@contextlib.contextmanager
def throwaway_database():
    """None (SQLite, a file per test) or, with ``JIAZHENG_TEST_DATABASE_URL``, the URL of a
    PostgreSQL database created for the run and dropped when the block ends."""
    base = pg_base_url()
    if not base:
        yield None
        return
    url, name, server = create_pg_database(base)
    try:
        yield url
    finally:
        drop_pg_database(server, name)


_throttle_redis: list[str] = []


def login_throttle_redis_url() -> str:
    """Where the test apps count failed logins and keep the read cache's data generation
    (core/readcache.py): the Redis server REDIS_URL names, else one
    embedded Redis for this test process (started once: an embedded server per test
    would cost a process per test). Each app's keys are HMACs under its own secret key,
    so tests never see each other's counts."""
    if os.environ.get("REDIS_URL"):
        return os.environ["REDIS_URL"]
    if not _throttle_redis:
        from ..queue import embedded_redis

        lite = embedded_redis(tempfile.mkdtemp(prefix="jz-throttle-"))
        _throttle_redis.append(f"unix://{lite.socket_file}")
    return _throttle_redis[0]


_schema_made: set[str] = set()
#: every app made, so its connection pool is closed after the test (:func:`close_apps`)
apps_made: list = []


def make_test_app(tmp_path, database_url, *, migrated: bool = False, **overrides):
    """A fresh app on a fresh (or emptied) database: SQLite under ``tmp_path`` when
    ``database_url`` is None. ``migrated``: the schema is made by the Alembic migrations
    (then ``create_all`` for tables they do not know, a plugin's), else by ``create_all``
    alone (the same schema: tests/test_migrations.py compares them)."""
    from .. import create_app
    from ..extensions import db

    url = database_url or f"sqlite:///{tmp_path / 'test.db'}"
    config = {
        "TESTING": True,
        "SECRET_KEY": "test-secret-" + uuid.uuid4().hex,
        "SQLALCHEMY_DATABASE_URI": url,
        "INSTANCE_PATH": str(tmp_path / "instance"),
        "REDIS_URL": os.environ.get("REDIS_URL") or None,
        "LOGIN_THROTTLE_REDIS_URL": login_throttle_redis_url(),
        "READ_CACHE_REDIS_URL": login_throttle_redis_url(),
        "WTF_CSRF_ENABLED": True,
        "ARGON2_PROFILE": "CHEAPEST",
    }
    config.update(overrides)
    fresh_file = not database_url and not (tmp_path / "test.db").exists()
    app = create_app(config)
    apps_made.append(app)
    with app.app_context():
        if fresh_file:
            db.engine.dispose()
            _copy_sqlite_template(tmp_path / "test.db", migrated)
        if url not in _schema_made:
            if migrated and database_url:
                _upgrade()
            db.create_all()  # on a copied template: only what a plugin under test adds
            if database_url:
                _schema_made.add(url)
    return app


def _upgrade() -> None:
    """Run core's Alembic migrations to head on the current app's database."""
    from flask_migrate import upgrade

    upgrade()


#: where templates are made when the machine has it: in memory, the migrations' hundreds
#: of DDL statements each synced to disk took 15 s, in memory 4 s
_RAM = "/dev/shm"
#: (migrated?, table names) → a SQLite file holding just that schema, made once a process
_sqlite_templates: dict[tuple, str] = {}


def _copy_sqlite_template(target, migrated: bool = False) -> None:
    """Start a fresh SQLite database as a copy of an empty one made once (by ``create_all``
    or the migrations), per set of tables the loaded models declare; a database that
    already exists is left alone (two apps of one test share it). Called inside the new
    app's context, once every model and plugin model is imported."""
    from flask import current_app

    from ..extensions import db

    key = (migrated, frozenset(db.metadata.tables))
    if key not in _sqlite_templates:
        folder = tempfile.mkdtemp(prefix="jz-schema-", dir=_RAM if os.path.isdir(_RAM) else None)
        atexit.register(shutil.rmtree, folder, True)
        path = os.path.join(folder, "template.db")
        if migrated:
            _migrate_template(current_app, path)
        engine = sa.create_engine(f"sqlite:///{path}")
        try:
            db.metadata.create_all(engine)  # after migrations: only what they do not know
        finally:
            engine.dispose()
        _sqlite_templates[key] = path
    target.parent.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(_sqlite_templates[key], target)


def _migrate_template(app, path: str) -> None:
    """Run the migrations into the SQLite file ``path`` through a twin of ``app``."""
    from .. import create_app
    from ..extensions import db

    config = {k: app.config[k] for k in ("SECRET_KEY", "INSTANCE_PATH", "DISABLED_PLUGINS",
                                         "EXTRA_PLUGINS") if k in app.config}
    twin = create_app({**config, "TESTING": True, "SQLALCHEMY_DATABASE_URI": f"sqlite:///{path}"})
    with twin.app_context():
        _upgrade()
        db.session.remove()
        db.engine.dispose()


def empty_database(app) -> None:
    """Delete every row (PostgreSQL runs share one schema).

    One TRUNCATE of all tables: foreign keys that form a cycle (a booking and its
    exception point at each other) have no safe row-by-row order. Ids restart at 1,
    as on a fresh SQLite file.
    """
    from ..extensions import db

    with app.app_context():
        db.session.remove()
        with db.engine.begin() as conn:
            if conn.dialect.name == "postgresql":
                names = ", ".join(f'"{t.name}"' for t in db.metadata.sorted_tables)
                conn.execute(sa.text(f"TRUNCATE TABLE {names} RESTART IDENTITY CASCADE"))
            else:
                for table in reversed(db.metadata.sorted_tables):
                    conn.execute(table.delete())
        db.engine.dispose()


def close_app(app) -> None:
    """Close the app's session and connection pool."""
    from ..extensions import db

    with app.app_context():
        db.session.remove()
        db.engine.dispose()


class ApiClient:
    """A test client that sends a bearer token and JSON."""

    def __init__(self, app, token: str | None):
        self.app = app
        self.client = app.test_client()
        self.token = token

    def _headers(self, headers=None):
        h = dict(headers or {})
        if self.token:
            h["Authorization"] = f"Bearer {self.token}"
        return h

    def get(self, url, **kw):
        return self.client.get(url, headers=self._headers(kw.pop("headers", None)), **kw)

    def post(self, url, json=None, **kw):
        return self.client.post(url, json=json, headers=self._headers(kw.pop("headers", None)),
                                **kw)

    def patch(self, url, json=None, **kw):
        return self.client.patch(url, json=json, headers=self._headers(kw.pop("headers", None)),
                                 **kw)

    def put(self, url, json=None, **kw):
        return self.client.put(url, json=json, headers=self._headers(kw.pop("headers", None)), **kw)

    def delete(self, url, **kw):
        return self.client.delete(url, headers=self._headers(kw.pop("headers", None)), **kw)


def make_user(app, role: str, username: str | None = None):
    """A user of ``role`` (password :data:`PASSWORD`); returns its id."""
    from ..accounts.service import create_user
    from ..extensions import db

    with app.app_context():
        user = create_user(username or f"{role}1", PASSWORD, role, f"{role} user")
        db.session.commit()
        return user.id


def token_for(app, username: str) -> str:
    """An API token of the user, got through ``POST /api/v1/auth/tokens``."""
    resp = app.test_client().post("/api/v1/auth/tokens",
                                  json={"username": username, "password": PASSWORD})
    assert resp.status_code == 201, resp.get_json()
    return resp.get_json()["token"]
