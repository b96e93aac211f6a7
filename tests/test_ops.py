"""Production probes and observability: /healthz, /readyz, /metrics, request ids and the
JSON access log (core/ops)."""
from __future__ import annotations

import json
import logging

import pytest
import sqlalchemy as sa
from flask_migrate import stamp

from core.extensions import db
from core.ops.logs import JsonFormatter
from core.ops.probes import head_revisions

from .conftest import make_test_app
from .followups.helpers import make_order, move


def test_healthz_answers_without_login_or_database(client, app):
    resp = client.get("/healthz")
    assert resp.status_code == 200
    assert resp.get_json() == {"status": "ok"}


@pytest.fixture
def forget_migrations(app):
    """Drop the migration record a test stamped (PostgreSQL runs share one database)."""
    yield
    with app.app_context():
        db.session.remove()
        with db.engine.begin() as conn:
            conn.execute(sa.text("DROP TABLE IF EXISTS alembic_version"))


def test_readyz_wants_the_schema_at_the_newest_migration(client, app, forget_migrations):
    resp = client.get("/readyz")  # tables made by create_all: no migration recorded
    assert resp.status_code == 503
    assert resp.get_json() == {"status": "not_ready", "database": "ok", "redis": "ok",
                               "migrations": "not_migrated"}
    with app.app_context():
        stamp(revision="base")
        db.session.execute(sa.text("INSERT INTO alembic_version (version_num) "
                                   "VALUES ('0001_initial')"))
        db.session.commit()
    body = client.get("/readyz").get_json()
    assert body["migrations"] == "behind" and body["status"] == "not_ready"
    with app.app_context():
        stamp(revision="head")
        assert set(db.session.scalars(sa.text("SELECT version_num FROM alembic_version"))) \
            == set(head_revisions())
    resp = client.get("/readyz")
    assert resp.status_code == 200
    assert resp.get_json() == {"status": "ready", "database": "ok", "redis": "ok",
                               "migrations": "at_head"}
    with app.app_context():  # a newer release migrated the database: still serving
        db.session.execute(sa.text("UPDATE alembic_version SET version_num = '9999_newer'"))
        db.session.commit()
    resp = client.get("/readyz")
    assert resp.status_code == 200 and resp.get_json()["migrations"] == "ahead"


def test_readyz_says_when_redis_is_unreachable(app, forget_migrations):
    app.config["REDIS_URL"] = "redis://127.0.0.1:1/0"
    app.extensions.pop("jiazheng.redis", None)
    with app.app_context():
        stamp(revision="head")
    resp = app.test_client().get("/readyz")
    assert resp.status_code == 503
    assert resp.get_json() == {"status": "not_ready", "database": "ok",
                               "redis": "unreachable", "migrations": "at_head"}


def test_metrics_are_for_this_machine_or_the_token_only(tmp_path, database_url):
    app = make_test_app(tmp_path, database_url)
    client = app.test_client()
    assert client.get("/metrics").status_code == 200  # the test client is 127.0.0.1
    assert client.get("/metrics", headers={"X-Forwarded-For": "203.0.113.9"}).status_code \
        == 404  # through the proxy: refused, not advertised
    assert client.get("/metrics", environ_base={"REMOTE_ADDR": "10.0.0.8"}).status_code == 404
    app.config["METRICS_TOKEN"] = "scrape-me-please"
    assert client.get("/metrics").status_code == 404
    assert client.get("/metrics", headers={"Authorization": "Bearer wrong"}).status_code == 404
    resp = client.get("/metrics", environ_base={"REMOTE_ADDR": "10.0.0.8"},
                      headers={"Authorization": "Bearer scrape-me-please"})
    assert resp.status_code == 200
    with app.app_context():
        db.session.remove()
        db.engine.dispose()


def _samples(text: str) -> dict[str, float]:
    out = {}
    for line in text.splitlines():
        if line and not line.startswith("#"):
            name, _, value = line.rpartition(" ")
            out[name] = float(value)
    return out


def test_metrics_count_requests_by_endpoint_and_read_queues_and_overdue_calls(app, client,
                                                                             api_as):
    order = make_order(app, "nanny")
    move(app, order, "in_service", start_date="2026-01-05")  # its calls are long overdue
    desk = api_as("dispatcher")
    key = ('jiazheng_request_seconds_count{endpoint="orders_api.list_orders",method="GET",'
           'status="200"}')
    # the histogram is the process's (earlier tests in this process count too)
    before = _samples(client.get("/metrics").get_data(as_text=True)).get(key, 0)
    for _ in range(3):
        assert desk.get("/api/v1/orders").status_code == 200
    with app.app_context():
        from core.queue import enqueue

        enqueue(print, "queued, never run", job_id="ops-metrics-test")
    text = client.get("/metrics").get_data(as_text=True)
    samples = _samples(text)
    assert samples[key] - before == 3
    assert samples['jiazheng_rq_queue_depth{queue="jiazheng"}'] >= 1
    assert 'jiazheng_rq_failed_jobs{queue="jiazheng"}' in samples
    assert samples["jiazheng_followups_overdue"] >= 1
    assert samples["jiazheng_complaint_clocks_breached"] == 0
    assert samples["jiazheng_redis_up"] == 1
    assert "/api/v1/orders" not in text  # labels are endpoints, never URLs with ids


def test_every_response_carries_a_request_id_and_error_pages_show_it(client, api_as):
    resp = client.get("/healthz")
    assert len(resp.headers["X-Request-ID"]) == 32
    given = "nginx-7f3a9c0e11"
    assert client.get("/healthz", headers={"X-Request-ID": given}).headers[
        "X-Request-ID"] == given
    odd = client.get("/healthz", headers={"X-Request-ID": "<script>"})
    assert odd.headers["X-Request-ID"] != "<script>"  # not echoed: a fresh one instead

    page = client.get("/no-such-page", headers={"X-Request-ID": given})
    assert page.status_code == 404
    html = page.get_data(as_text=True)
    assert f'<code id="request-id">{given}</code>' in html and "请求编号" in html
    with client.session_transaction() as sess:
        sess["lang"] = "en"
    assert "Request ID" in client.get("/no-such-page").get_data(as_text=True)

    api = api_as("dispatcher").get("/api/v1/orders/999999")
    assert api.status_code == 404 and api.headers["X-Request-ID"]


def test_one_json_line_per_request_with_no_personal_data(app, client, api_as, caplog):
    desk = api_as("dispatcher")
    with caplog.at_level(logging.INFO, logger="jiazheng.access"):
        resp = desk.get("/api/v1/customers?q=13812345678",
                        headers={"X-Request-ID": "req-0001-abcdef"})
    assert resp.status_code == 200
    lines = [r for r in caplog.records if r.name == "jiazheng.access"]
    assert len(lines) == 1
    entry = json.loads(JsonFormatter().format(lines[0]))
    with app.app_context():
        from core.accounts.models import User

        desk_id = db.session.scalar(sa.select(User.id).where(User.username == "dispatcher1"))
    assert entry["request_id"] == "req-0001-abcdef"
    assert entry["user_id"] == desk_id
    assert entry["route"] == "/api/v1/customers" and entry["endpoint"] == \
        "customers_api.list_customers"
    assert entry["status"] == 200 and entry["ms"] >= 0 and entry["method"] == "GET"
    assert entry["level"] == "INFO" and entry["logger"] == "jiazheng.access"
    assert "13812345678" not in json.dumps(entry)


def test_json_log_lines_keep_id_numbers_and_phones_out(caplog):
    log = logging.getLogger("jiazheng.test")
    with caplog.at_level(logging.INFO, logger="jiazheng.test"):
        log.info("called %s about %s", "13812345678", "110105197711123061")
        try:
            raise ValueError("bad id 110105197711123061")
        except ValueError:
            log.exception("failed for 138 1234 5678")
    text = "\n".join(JsonFormatter().format(r) for r in caplog.records)
    assert "13812345678" not in text and "110105197711123061" not in text
    assert "1234 5678" not in text and "[mobile]" in text and "[id]" in text
    assert all(json.loads(line) for line in text.splitlines())
