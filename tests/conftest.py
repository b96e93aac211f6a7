"""Test fixtures: a fresh app and database per test, on SQLite or PostgreSQL.

``JIAZHENG_TEST_DATABASE_URL`` selects the database: unset means a fresh SQLite file
per test; a PostgreSQL URL means a test database created once per run (its tables
created once, emptied after each test). ``REDIS_URL`` selects a Redis server; unset
means the embedded one.
"""
from __future__ import annotations

import gc
import os
import warnings

import pytest

from core.extensions import db
from core.testing.apps import (  # noqa: F401 - re-exported: tests import them from here
    PASSWORD,
    ApiClient,
    empty_database,
    make_test_app,
    make_user,
    throwaway_database,
    token_for,
)
from core.testing.apps import apps_made as _apps_made


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


@pytest.fixture(scope="session")
def database_url(tmp_path_factory):
    """The database URL for this run; PostgreSQL databases are dropped at the end."""
    with throwaway_database() as url:
        yield url


@pytest.fixture
def app(request, tmp_path, database_url):
    # a test that counts what each request does asks for every answer to be computed
    off = request.node.get_closest_marker("read_cache_off") is not None
    app = make_test_app(tmp_path, database_url, **({"READ_CACHE": False} if off else {}))
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
