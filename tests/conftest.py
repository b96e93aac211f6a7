"""Test fixtures: a fresh app and database per test, on SQLite or PostgreSQL.

``JIAZHENG_TEST_DATABASE_URL`` selects the database: unset means a fresh SQLite file
per test; a PostgreSQL URL means a test database created once per run (its tables
created once, emptied after each test). ``REDIS_URL`` selects a Redis server; unset
means the embedded one.
"""
from __future__ import annotations

import gc
import os
import shutil
import tempfile
import uuid
import warnings

import pytest
import sqlalchemy as sa

from core import create_app
from core.extensions import db

PG_URL = os.environ.get("JIAZHENG_TEST_DATABASE_URL", "")


def _own_redis_database_per_xdist_worker() -> None:
    """Under pytest-xdist, give each worker its own Redis database (gw0 keeps the one
    REDIS_URL names, gw1 the one below it, …) so queues and counts never mix. Set in the
    environment so worker subprocesses the tests start inherit it."""
    worker = os.environ.get("PYTEST_XDIST_WORKER", "")
    url = os.environ.get("REDIS_URL")
    if not (url and worker.startswith("gw")):
        return
    base, _, db_part = url.rpartition("/")
    if not db_part.isdigit():  # no database number given: Redis's database 0
        base, db_part = url.rstrip("/"), "15"
    os.environ["REDIS_URL"] = f"{base}/{max(0, int(db_part) - int(worker[2:]))}"


_own_redis_database_per_xdist_worker()


def _pg_test_url() -> str:
    """Create (once) a dedicated database for this test run next to the given one."""
    url = sa.make_url(PG_URL.replace("postgresql://", "postgresql+psycopg://", 1)
                      if PG_URL.startswith("postgresql://") else PG_URL)
    name = f"jz_test_{os.getpid()}_{uuid.uuid4().hex[:6]}"
    admin = sa.create_engine(url, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(sa.text(f'CREATE DATABASE "{name}"'))
    admin.dispose()
    return url.set(database=name).render_as_string(hide_password=False), name, url


@pytest.fixture(scope="session")
def database_url(tmp_path_factory):
    """The database URL for this run; PostgreSQL databases are dropped at the end."""
    if not PG_URL:
        yield None
        return
    test_url, name, base = _pg_test_url()
    yield test_url
    from sqlalchemy.pool import NullPool

    admin = sa.create_engine(base, isolation_level="AUTOCOMMIT", poolclass=NullPool)
    with admin.connect() as conn:
        conn.execute(sa.text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    admin.dispose()


_schema_made: set[str] = set()
_apps_made: list = []  # every app a test made, so its connection pool is closed after it


_throttle_redis: list[str] = []


def _login_throttle_redis_url() -> str:
    """Where the test apps count failed logins: the Redis server REDIS_URL names, else one
    embedded Redis for this test process (started once: an embedded server per test
    would cost a process per test). Each app's keys are HMACs under its own secret key,
    so tests never see each other's counts."""
    if os.environ.get("REDIS_URL"):
        return os.environ["REDIS_URL"]
    if not _throttle_redis:
        import tempfile

        from core.queue import embedded_redis

        lite = embedded_redis(tempfile.mkdtemp(prefix="jz-throttle-"))
        _throttle_redis.append(f"unix://{lite.socket_file}")
    return _throttle_redis[0]


def make_test_app(tmp_path, database_url, **overrides):
    """A fresh app on a fresh (or emptied) database."""
    url = database_url or f"sqlite:///{tmp_path / 'test.db'}"
    config = {
        "TESTING": True,
        "SECRET_KEY": "test-secret-" + uuid.uuid4().hex,
        "SQLALCHEMY_DATABASE_URI": url,
        "INSTANCE_PATH": str(tmp_path / "instance"),
        "REDIS_URL": os.environ.get("REDIS_URL") or None,
        "LOGIN_THROTTLE_REDIS_URL": _login_throttle_redis_url(),
        "WTF_CSRF_ENABLED": True,
        "ARGON2_PROFILE": "CHEAPEST",
    }
    config.update(overrides)
    fresh_file = not database_url and not (tmp_path / "test.db").exists()
    app = create_app(config)
    _apps_made.append(app)
    with app.app_context():
        if fresh_file:
            db.engine.dispose()
            _copy_sqlite_template(tmp_path / "test.db")
        if url not in _schema_made:
            db.create_all()  # on a copied template: only what a plugin under test adds
            if database_url:
                _schema_made.add(url)
    return app


#: table names → a SQLite file holding just that schema, made once per test process
_sqlite_templates: dict[frozenset, str] = {}


def _copy_sqlite_template(target) -> None:
    """Start a fresh SQLite database as a copy of an empty one made by ``create_all``.

    Creating the ~100 tables and their indexes costs seconds per test on SQLite (every
    DDL statement is its own synced transaction); a file copy costs a millisecond. The
    template is made through the same ``create_all`` (event listeners included), once per
    set of tables the loaded models declare; a database that already exists is left alone
    (two apps of one test share it). Called after ``create_app``, once every model and
    plugin model is imported."""
    key = frozenset(db.metadata.tables)
    if key not in _sqlite_templates:
        folder = tempfile.mkdtemp(prefix="jz-schema-")
        path = os.path.join(folder, "template.db")
        engine = sa.create_engine(f"sqlite:///{path}")
        try:
            db.metadata.create_all(engine)
        finally:
            engine.dispose()
        _sqlite_templates[key] = path
    target.parent.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(_sqlite_templates[key], target)


def empty_database(app) -> None:
    """Delete every row (PostgreSQL runs share one schema).

    One TRUNCATE of all tables: foreign keys that form a cycle (a booking and its
    exception point at each other) have no safe row-by-row order. Ids restart at 1,
    as on a fresh SQLite file.
    """
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


@pytest.fixture
def app(tmp_path, database_url):
    app = make_test_app(tmp_path, database_url)
    yield app
    if database_url:
        empty_database(app)
    else:
        with app.app_context():
            db.session.remove()
            db.engine.dispose()


_gc_frozen: list[bool] = []


@pytest.fixture(autouse=True)
def _close_every_pool():
    """After each test, close the pools of the apps it made itself (``make_test_app``
    with other plugins or settings). Without this their PostgreSQL connections were
    closed by the garbage collector during some later test, whose setup then failed on
    psycopg's "deleted while still open" ResourceWarning."""
    yield
    while _apps_made:
        made = _apps_made.pop()
        with made.app_context():
            db.session.remove()
            db.engine.dispose()
    with warnings.catch_warnings():
        # connections a test's threads still held when the pool was disposed are
        # collected here, at a known point, instead of inside another test
        warnings.simplefilter("ignore", ResourceWarning)
        gc.collect()
    if not _gc_frozen:
        # What survives the first test's collection (modules, compiled templates and
        # regexes, catalogues) lives as long as the process: move it out of the
        # collector's sight, so each later collection walks only what the tests made
        # since (it walked everything: ≈ 0.2 s a test).
        gc.freeze()
        _gc_frozen.append(True)


@pytest.fixture
def client(app):
    return app.test_client()


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


PASSWORD = "correct-horse-42"


def make_user(app, role: str, username: str | None = None):
    from core.accounts.service import create_user

    with app.app_context():
        user = create_user(username or f"{role}1", PASSWORD, role, f"{role} user")
        db.session.commit()
        return user.id


def token_for(app, username: str) -> str:
    resp = app.test_client().post("/api/v1/auth/tokens",
                                  json={"username": username, "password": PASSWORD})
    assert resp.status_code == 201, resp.get_json()
    return resp.get_json()["token"]


@pytest.fixture
def api_as(app):
    """``api_as("dispatcher")`` → an ApiClient logged in with a user of that role."""
    made = {}

    def _login(role: str) -> ApiClient:
        if role not in made:
            make_user(app, role, f"{role}1")
            made[role] = token_for(app, f"{role}1")
        return ApiClient(app, made[role])

    return _login


@pytest.fixture
def anon(app):
    return ApiClient(app, None)


def login_session(client, user_id: int) -> None:
    """Log a web test client in as a user (the session flask-login would set)."""
    from core.accounts.models import User

    app = client.application
    with app.app_context():
        generation = db.session.get(User, user_id).session_generation or 0
    with client.session_transaction() as sess:
        sess["_user_id"] = str(user_id)
        sess["_fresh"] = True
        sess["_jz_gen"] = generation


@pytest.fixture
def web_as(app):
    """``web_as("dispatcher")`` → a test client with a logged-in web session of that role."""

    def _login(role: str, username: str | None = None):
        user_id = make_user(app, role, username or f"web-{role}")
        client = app.test_client()
        login_session(client, user_id)
        return client

    return _login


def csrf_from(client, url: str) -> str:
    """GET a page and return the CSRF token its form carries."""
    import re

    html = client.get(url).get_data(as_text=True)
    match = re.search(r'name="csrf_token" value="([^"]+)"', html)
    assert match, f"no CSRF token on {url}"
    return match.group(1)


# ----------------------------------------------------------------------- browser (Playwright)

CHROMIUM = os.environ.get("JIAZHENG_CHROMIUM", "/usr/bin/chromium")


@pytest.fixture
def live_server(app):
    """Serve the test app on a free localhost port for the browser; yields its base URL."""
    import threading

    from werkzeug.serving import make_server

    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}"
    server.shutdown()
    thread.join(timeout=5)


@pytest.fixture(scope="session")
def browser():
    """Headless Debian Chromium driven by Playwright (no browser download)."""
    from playwright.sync_api import sync_playwright

    if not os.path.exists(CHROMIUM):
        pytest.fail(f"Chromium not found at {CHROMIUM}: install the 'chromium' package")
    pw = sync_playwright().start()
    browser = pw.chromium.launch(executable_path=CHROMIUM, headless=True, args=[
        "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
        "--disable-background-networking", "--disable-component-update", "--disable-sync"])
    yield browser
    browser.close()
    pw.stop()


@pytest.fixture
def page(browser, live_server):
    """A fresh browser page (own cookies) pointed at the live server."""
    context = browser.new_context(base_url=live_server, locale="zh-CN")
    page = context.new_page()
    page.set_default_timeout(10_000)
    yield page
    context.close()


def browser_login(page, app, role: str = "dispatcher", username: str | None = None) -> None:
    """Create a user and log in through the login form."""
    username = username or f"b-{role}"
    make_user(app, role, username)
    page.goto("/login")
    page.fill("#username", username)
    page.fill("#password", PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_url(lambda url: "/login" not in url)
