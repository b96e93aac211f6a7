"""The read cache (core/readcache.py): the same person asking the same list again is
answered from memory — until anything is written, by this process or another one on
the same database and Redis, or until the answer's time (a grant's end, ``max_age``)."""
from __future__ import annotations

import contextlib
import datetime as dt
import time

import sqlalchemy as sa

from core import readcache
from core.audit.models import AuditEvent
from core.customers.models import Customer
from core.customers.models_access import AccessRequest
from core.extensions import db
from core.timeutil import utcnow
from tests.conftest import ApiClient, make_test_app, make_user, token_for
from tests.orders.helpers import make_customer

SEARCH = "/api/v1/customers?q=%E7%8E%8B"  # q=王


@contextlib.contextmanager
def statements(app, containing: str = ""):
    """The statements (those containing ``containing``) sent while the block runs."""
    seen = []

    def count(conn, cursor, statement, *_):
        if containing in statement:
            seen.append(statement)
    with app.app_context():
        engine = db.engine
    sa.event.listen(engine, "before_cursor_execute", count)
    try:
        yield seen
    finally:
        sa.event.remove(engine, "before_cursor_execute", count)


def customer_reads(app):
    """The statements that read the customers table while the block runs."""
    return statements(app, "FROM customers")


def names(resp) -> list[str]:
    assert resp.status_code == 200, resp.get_json()
    return sorted(row["name"] for row in resp.get_json()["items"])


def test_the_same_list_again_is_answered_from_memory_byte_for_byte_with_no_statement(
        app, api_as):
    make_customer(app, "王一")
    desk = api_as("dispatcher")
    first = desk.get(SEARCH)
    with statements(app) as seen:  # not even the bearer's: a known bearer, nothing written
        again = desk.get(SEARCH)
    assert seen == []
    assert again.status_code == 200 and again.data == first.data
    assert names(again) == ["王一"]
    other_page = desk.get(SEARCH + "&per_page=1")  # another query string: its own answer
    assert other_page.get_json()["per_page"] == 1


def test_a_write_through_the_api_or_the_database_is_seen_at_once(app, api_as):
    make_customer(app, "王一")
    desk = api_as("dispatcher")
    assert names(desk.get(SEARCH)) == ["王一"]
    make_customer(app, "王二")  # the customers service commits: a new generation
    assert names(desk.get(SEARCH)) == ["王一", "王二"]
    with app.app_context(), db.engine.begin() as conn:  # a Core write, not the ORM's
        conn.execute(sa.update(Customer).where(Customer.name == "王二").values(name="王三"))
    assert names(desk.get(SEARCH)) == ["王一", "王三"]
    one = next(row for row in desk.get(SEARCH).get_json()["items"] if row["name"] == "王三")
    changed = desk.patch(f"/api/v1/customers/{one['id']}",
                         json={"name": "王四", "version": one["version"]})
    assert changed.status_code == 200, changed.get_json()
    assert names(desk.get(SEARCH)) == ["王一", "王四"]


def test_a_write_rolled_back_changes_nothing_and_leaves_the_answer_kept(app, api_as):
    make_customer(app, "王一")
    desk = api_as("dispatcher")
    desk.get(SEARCH)
    with app.app_context():
        db.session.get(Customer, 1).name = "王零"
        db.session.flush()
        db.session.rollback()
    with customer_reads(app) as seen:
        assert names(desk.get(SEARCH)) == ["王一"]
    assert seen == []


def test_a_write_by_another_app_server_on_the_same_database_is_seen(
        app, api_as, tmp_path, database_url):
    make_customer(app, "王一")
    desk = api_as("dispatcher")
    assert names(desk.get(SEARCH)) == ["王一"]
    other = make_test_app(tmp_path, database_url)  # its own memory; the same Redis key
    assert readcache.store(other) is not readcache.store(app)
    make_customer(other, "王二")
    assert names(desk.get(SEARCH)) == ["王一", "王二"]


def test_one_persons_answer_is_never_given_to_another(app, api_as):
    make_customer(app, "王一", mobile="13912345678")
    desk, finance = api_as("dispatcher"), api_as("finance")
    assert desk.get(SEARCH).get_json()["items"][0]["mobile"] == "13912345678"
    seen = finance.get(SEARCH).get_json()["items"][0]["mobile"]
    assert seen != "13912345678" and seen.startswith("139") and "*" in seen


def test_an_audited_read_is_computed_and_recorded_every_time(app, api_as):
    make_customer(app, "王一", mobile="13912345678")
    desk = api_as("dispatcher")

    def recorded() -> int:
        with app.app_context():
            return db.session.scalar(sa.select(sa.func.count()).select_from(AuditEvent))
    before = recorded()
    for n in range(1, 4):
        resp = desk.get("/api/v1/customers?q=1391234")  # a phone search: recorded
        assert names(resp) == ["王一"]
        assert recorded() == before + n


def test_what_a_grant_opens_leaves_the_cached_answer_when_the_grant_ends(app, api_as):
    customer = make_customer(app, "王一", mobile="13912345678", confidentiality="confidential")
    desk = api_as("dispatcher")
    assert desk.get(SEARCH).get_json()["items"][0]["mobile"] is None  # name only
    with app.app_context():
        user = db.session.scalar(sa.text("SELECT id FROM users WHERE username = 'dispatcher1'"))
        db.session.add(AccessRequest(
            customer_id=customer, requester_id=user, level="confidential", reason="回访",
            hours=1, state="approved", decided_at=utcnow(),
            expires_at=utcnow() + dt.timedelta(seconds=2)))
        db.session.commit()
    assert desk.get(SEARCH).get_json()["items"][0]["mobile"] == "13912345678"
    time.sleep(2.2)  # the grant ends; nothing is written
    assert desk.get(SEARCH).get_json()["items"][0]["mobile"] is None


def test_an_answer_is_not_given_past_its_age(app, api_as, monkeypatch):
    make_customer(app, "王一")
    desk = api_as("dispatcher")
    desk.get(SEARCH)
    later = utcnow() + dt.timedelta(seconds=readcache.DEFAULT_MAX_AGE + 1)
    monkeypatch.setattr(readcache, "utcnow", lambda: later)
    with customer_reads(app) as seen:
        assert names(desk.get(SEARCH)) == ["王一"]
    assert seen


def test_without_redis_every_answer_is_computed(tmp_path, database_url):
    app = make_test_app(tmp_path, database_url, READ_CACHE_REDIS_URL="redis://127.0.0.1:1/0")
    make_user(app, "dispatcher", "dispatcher1")
    make_customer(app, "王一")
    desk = ApiClient(app, token_for(app, "dispatcher1"))
    for _ in range(2):
        with customer_reads(app) as seen:
            assert names(desk.get(SEARCH)) == ["王一"]
        assert seen
    make_customer(app, "王二")  # a write while Redis is away does not fail
    assert names(desk.get(SEARCH)) == ["王一", "王二"]


def test_statements_that_only_read_are_told_from_writes():
    for statement in ("SELECT 1", "  select * from orders FOR UPDATE", "SAVEPOINT sa_1",
                      "RELEASE SAVEPOINT sa_1", "SET LOCAL lock_timeout = 1",
                      "WITH t AS (SELECT 1) SELECT * FROM t"):
        assert not readcache._is_write(statement), statement
    for statement in ("INSERT INTO orders VALUES (1)", "update customers set name = 'x'",
                      "DELETE FROM orders", "TRUNCATE orders", "DROP TABLE orders",
                      "WITH t AS (DELETE FROM orders RETURNING id) SELECT * FROM t"):
        assert readcache._is_write(statement), statement


def test_memory_is_bounded_least_recently_used_first_out(app):
    cache = readcache.Store(app, readcache.store(app).client, "jz:test")
    cache.limit = 8 * 100
    ends = utcnow() + dt.timedelta(minutes=1)
    for n in range(10):
        cache.put(("k", n), readcache.Entry(200, [], b"x" * 100, ends))
    cache.get(("k", 2))  # used: moves to the back of the line
    cache.put(("k", 10), readcache.Entry(200, [], b"x" * 100, ends))
    assert cache.size <= cache.limit
    assert cache.get(("k", 2)) is not None and cache.get(("k", 10)) is not None
    assert cache.get(("k", 0)) is None
    cache.put(("big",), readcache.Entry(200, [], b"x" * 200, ends))  # over an eighth
    assert cache.get(("big",)) is None


def test_cache_clear_on_the_command_line_forgets_every_answer(app, api_as):
    from core.cli import cli

    make_customer(app, "王一")
    desk = api_as("dispatcher")
    desk.get(SEARCH)
    with app.app_context():  # a change made around the app: SQLAlchemy does not see it
        db.session.connection().connection.driver_connection.cursor().execute(
            "UPDATE customers SET name = '王二'")
        db.session.commit()
    result = app.test_cli_runner().invoke(cli, ["cache", "clear"])
    assert result.exit_code == 0, result.output
    assert names(desk.get(SEARCH)) == ["王二"]


def test_a_revoked_token_or_a_deactivated_person_is_refused_though_answers_are_kept(
        app, api_as):
    from core.accounts.models import ApiToken, User

    make_customer(app, "王一")
    desk, other = api_as("dispatcher"), api_as("supervisor")
    for client in (desk, other):
        client.get(SEARCH)
        assert client.get(SEARCH).status_code == 200
    with app.app_context():
        db.session.execute(sa.update(ApiToken).where(ApiToken.user_id == db.session.scalar(
            sa.select(User.id).where(User.username == "dispatcher1"))).values(
            revoked_at=utcnow()))
        db.session.scalar(sa.select(User).where(User.username == "supervisor1")).active = False
        db.session.commit()
    assert desk.get(SEARCH).status_code == 401
    assert other.get(SEARCH).status_code == 401


def test_a_token_that_runs_out_is_refused_though_its_answer_is_kept(app, api_as):
    from core.accounts.models import ApiToken

    make_customer(app, "王一")
    desk = api_as("dispatcher")
    with app.app_context():
        db.session.execute(sa.update(ApiToken).values(
            expires_at=utcnow() + dt.timedelta(seconds=2)))
        db.session.commit()
    desk.get(SEARCH)
    assert desk.get(SEARCH).status_code == 200
    time.sleep(2.2)  # nothing written: the token's end alone
    assert desk.get(SEARCH).status_code == 401


def test_a_write_that_changes_no_row_keeps_the_answers(app, api_as):
    make_customer(app, "王一")
    desk = api_as("dispatcher")
    desk.get(SEARCH)
    with app.app_context():  # a sweep finding nothing to do
        db.session.execute(sa.update(Customer).where(Customer.name == "无此人").values(
            name="王二"))
        db.session.commit()
    with customer_reads(app) as seen:
        assert names(desk.get(SEARCH)) == ["王一"]
    assert seen == []


def test_a_write_redis_missed_is_announced_when_redis_answers_again(app, api_as):
    make_customer(app, "王一")
    desk = api_as("dispatcher")
    desk.get(SEARCH)
    mine = readcache.store(app)
    other = readcache.Store(app, mine.client, mine.key)  # another server's view
    before = other.generation()
    real, mine.client = mine.client, __import__("redis").Redis.from_url(
        "redis://127.0.0.1:1/0", socket_connect_timeout=0.5)
    make_customer(app, "王二")  # committed while Redis is away: the renewal is owed
    assert mine.owed and other.generation() == before
    assert names(desk.get(SEARCH)) == ["王一", "王二"]  # computed meanwhile
    mine.client, mine.retry_at = real, 0.0  # Redis is back
    assert names(desk.get(SEARCH)) == ["王一", "王二"]
    assert not mine.owed and other.generation() != before


def test_a_shared_value_is_made_once_a_generation_and_afresh_by_a_request_that_wrote(app):
    from flask import g

    made = []

    def make():
        made.append(len(made) + 1)
        return made[-1]
    with app.test_request_context("/"):
        assert readcache.shared("n", make) == 1
        assert readcache.shared("n", make) == 1  # the same generation: made once
    make_customer(app, "王一")  # a committed write: a new generation
    with app.test_request_context("/"):
        assert readcache.shared("n", make) == 2
        g._jz_wrote = True  # this request changed something: it must see its change
        assert readcache.shared("n", make) == 3
    with app.app_context():  # a job: no request, always made afresh
        assert readcache.shared("n", make) == 4

