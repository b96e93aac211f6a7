"""Login throttling (issue #16): per (account, address) with back-off, proven addresses keep
working, one office address does not lock everyone, lock-outs audited for the admin, the
counts in Redis shared by app processes. Through the login page and the token API, on
the Redis the tests use (the server REDIS_URL names, else an embedded one)."""
from __future__ import annotations

import logging
import time

import sqlalchemy as sa

from core.audit.models import AuditEvent
from core.extensions import db
from tests.conftest import PASSWORD, csrf_from, make_test_app, make_user

OFFICE, HOME, ELSEWHERE = "198.51.100.7", "203.0.113.20", "192.0.2.{}"


def _api_login(client, username, password, address):
    return client.post("/api/v1/auth/tokens", json={"username": username, "password": password},
                       environ_base={"REMOTE_ADDR": address})


def _web_login(client, username, password, address):
    token = csrf_from(client, "/login")
    return client.post("/login", data={"username": username, "password": password,
                                       "csrf_token": token},
                       environ_base={"REMOTE_ADDR": address})


def _lockouts(app):
    with app.app_context():
        return list(db.session.scalars(sa.select(AuditEvent).where(
            AuditEvent.action == "login_lockout").order_by(AuditEvent.id)))


def test_an_attacker_elsewhere_cannot_lock_the_admin_out_of_her_proven_address(app, caplog,
                                                                              web_as):
    admin_id = make_user(app, "admin", "boss")
    client = app.test_client()
    assert _api_login(client, "boss", PASSWORD, HOME).status_code == 201  # proves HOME
    caplog.set_level(logging.INFO)
    # 20 wrong passwords from four addresses: each address's own limit (5) and then the
    # account's (20 per hour from addresses it never logged in from) fill up
    for attacker in range(4):
        for _ in range(5):
            assert _api_login(client, "boss", "guess", ELSEWHERE.format(attacker)
                              ).status_code == 401
    refused = _api_login(client, "boss", PASSWORD, ELSEWHERE.format(99))
    assert refused.status_code == 429, refused.get_json()  # a new address: account limit
    assert 0 < int(refused.headers["Retry-After"]) <= 3600
    assert _api_login(client, "boss", PASSWORD, HOME).status_code == 201
    assert _web_login(app.test_client(), "boss", PASSWORD, HOME).status_code == 302

    events = _lockouts(app)
    scopes = [e.changes["scope"] for e in events]
    assert scopes.count("pair") == 4 and scopes.count("account") == 1
    assert {e.entity_id for e in events} == {admin_id}
    assert {e.changes["network"] for e in events} == {"192.0.2.x"}
    page = web_as("admin", "web-admin").get("/audit/").get_data(as_text=True)
    assert page.count("login_lockout") == 5 and "192.0.2.x" in page
    # the log says a lock-out happened, never who or from where
    lines = [r.getMessage() for r in caplog.records if "lock-out" in r.getMessage()]
    assert len(lines) == 5
    assert not any("boss" in line or "192.0.2" in line for line in lines)


def test_one_office_address_does_not_lock_the_whole_office(app):
    for name in ("xiaoli", "xiaowang", "xiaozhao"):
        make_user(app, "dispatcher", name)
    client = app.test_client()
    assert _web_login(app.test_client(), "xiaowang", PASSWORD, OFFICE).status_code == 302
    for _ in range(5):  # someone at the office mistypes xiaoli's password five times
        assert _web_login(client, "xiaoli", "typo", OFFICE).status_code == 401
    locked = _web_login(client, "xiaoli", PASSWORD, OFFICE)
    assert locked.status_code == 429 and "登录失败次数过多" in locked.get_data(as_text=True)
    # her colleagues at the same address log in as usual, a newcomer too
    assert _web_login(app.test_client(), "xiaowang", PASSWORD, OFFICE).status_code == 302
    assert _web_login(app.test_client(), "xiaozhao", PASSWORD, OFFICE).status_code == 302
    # and xiaoli herself from another address
    assert _api_login(client, "xiaoli", PASSWORD, HOME).status_code == 201


def test_an_address_spraying_many_accounts_is_stopped_but_proven_colleagues_are_not(app):
    make_user(app, "dispatcher", "xiaowang")
    make_user(app, "dispatcher", "newcomer")
    client = app.test_client()
    assert _api_login(client, "xiaowang", PASSWORD, OFFICE).status_code == 201
    for i in range(30):  # LOGIN_ADDRESS_LIMITS: 30 per hour over accounts
        assert _api_login(client, f"guess{i}", "x", OFFICE).status_code == 401
    assert _api_login(client, "newcomer", PASSWORD, OFFICE).status_code == 429
    assert _api_login(client, "xiaowang", PASSWORD, OFFICE).status_code == 201
    assert any(e.changes["scope"] == "address" and e.entity_id is None
               for e in _lockouts(app))


def test_the_wait_grows_with_repeated_lockouts(app):
    app.config["LOGIN_PAIR_LIMITS"] = "2 per 2 seconds; 3 per 10 minutes"
    make_user(app, "dispatcher", "xiaoli")
    client = app.test_client()
    for _ in range(2):
        assert _api_login(client, "xiaoli", "bad", HOME).status_code == 401
    first = _api_login(client, "xiaoli", PASSWORD, HOME)
    assert first.status_code == 429 and int(first.headers["Retry-After"]) <= 2
    time.sleep(2.1)
    assert _api_login(client, "xiaoli", "bad", HOME).status_code == 401
    second = _api_login(client, "xiaoli", PASSWORD, HOME)
    assert second.status_code == 429 and int(second.headers["Retry-After"]) > 9 * 60
    assert [e.changes["scope"] for e in _lockouts(app)] == ["pair", "pair"]


def test_a_successful_login_clears_the_pairs_failures(app):
    make_user(app, "dispatcher", "xiaoli")
    client = app.test_client()
    for _ in range(4):
        assert _api_login(client, "xiaoli", "bad", HOME).status_code == 401
    assert _api_login(client, "xiaoli", PASSWORD, HOME).status_code == 201
    for _ in range(4):
        assert _api_login(client, "xiaoli", "bad", HOME).status_code == 401
    assert _api_login(client, "xiaoli", PASSWORD, HOME).status_code == 201


def test_two_app_processes_share_the_counts(app, tmp_path, database_url):
    """A second app on the same database, secret and Redis (another gunicorn worker):
    failures counted by one refuse the login on the other."""
    make_user(app, "dispatcher", "xiaoli")
    other = make_test_app(tmp_path, database_url, SECRET_KEY=app.config["SECRET_KEY"])
    for i in range(5):
        assert _api_login((app if i % 2 else other).test_client(), "xiaoli", "bad", HOME
                          ).status_code == 401
    assert _api_login(app.test_client(), "xiaoli", PASSWORD, HOME).status_code == 429
    assert _api_login(other.test_client(), "xiaoli", PASSWORD, HOME).status_code == 429
