"""``jiazheng backup`` / ``restore`` on SQLite and PostgreSQL: a running app under writes
is backed up, restored into a fresh database, every table compared, the audit chain
verified; bad archives and keys are refused with nothing changed."""
from __future__ import annotations

import io
import os
import tarfile
import threading
import uuid

import pytest
import sqlalchemy as sa
from flask_migrate import upgrade

from core import create_app
from core.backup import MAGIC_PLAIN, code_revision, new_key
from core.cli import cli
from core.extensions import db
from tests.conftest import make_user, token_for

PG = os.environ.get("JIAZHENG_TEST_DATABASE_URL", "")
#: encrypted backups need cryptography ("cryptography>=42" belongs in setup.py's
#: install_requires: /work/main had uncommitted setup.py edits when this landed)
pytest.importorskip("cryptography")


@pytest.fixture
def fresh_url(tmp_path):
    """``fresh_url()`` → the URL of a new empty database of the run's kind."""
    made = []
    base = sa.make_url(PG.replace("postgresql://", "postgresql+psycopg://", 1)) if PG else None

    def _make():
        if not PG:
            return f"sqlite:///{tmp_path / f'db-{uuid.uuid4().hex[:6]}.sqlite'}"
        name = f"jz_bk_{uuid.uuid4().hex[:8]}"
        admin = sa.create_engine(base, isolation_level="AUTOCOMMIT")
        with admin.connect() as conn:
            conn.execute(sa.text(f'CREATE DATABASE "{name}"'))
        admin.dispose()
        made.append(name)
        return base.set(database=name).render_as_string(hide_password=False)

    yield _make
    if made:
        from sqlalchemy.pool import NullPool

        admin = sa.create_engine(base, isolation_level="AUTOCOMMIT", poolclass=NullPool)
        with admin.connect() as conn:
            for name in made:
                conn.execute(sa.text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


_made_apps: list = []


@pytest.fixture(autouse=True)
def _dispose_apps(fresh_url):
    """Close every app's connections at the end (the drop of its database needs it)."""
    yield
    while _made_apps:
        app = _made_apps.pop()
        with app.app_context():
            db.session.remove()
            db.engine.dispose()


def _app(url, instance, key=None):
    app = create_app({"TESTING": True, "SECRET_KEY": "x", "SQLALCHEMY_DATABASE_URI": url,
                      "INSTANCE_PATH": str(instance), "ARGON2_PROFILE": "CHEAPEST",
                      "WTF_CSRF_ENABLED": False, "BACKUP_KEY": key,
                      "REDIS_URL": os.environ.get("REDIS_URL") or None})
    _made_apps.append(app)
    return app


def _run(app, *args):
    result = app.test_cli_runner().invoke(cli, list(args))
    return result.exit_code, result.output


def _tables(app) -> dict[str, set[tuple]]:
    with app.app_context():
        out = {}
        with db.engine.connect() as conn:
            for table in db.metadata.sorted_tables:
                out[table.name] = {tuple(str(v) for v in row)
                                   for row in conn.execute(sa.select(table))}
        db.engine.dispose()
        return out


def _customer(client, token, n):
    resp = client.post("/api/v1/customers", headers={"Authorization": f"Bearer {token}"},
                       json={"name": f"客户{n}", "mobile": f"1390000{n:04d}",
                             "confidentiality": "secret",
                             "addresses": [{"district": "朝阳区", "detail": f"望京 {n} 号"}]})
    assert resp.status_code == 201, resp.get_json()


def test_backup_under_writes_then_restore_into_a_fresh_database(tmp_path, fresh_url):
    key = new_key()
    source = _app(fresh_url(), tmp_path / "src", key)
    with source.app_context():
        upgrade()
    make_user(source, "admin", "boss")
    token = token_for(source, "boss")
    client = source.test_client()
    for n in range(5):
        _customer(client, token, n)
    photo = tmp_path / "src" / "uploads" / "workers" / "w1.jpg"
    photo.parent.mkdir(parents=True)
    photo.write_bytes(b"\xff\xd8\xff photo bytes")

    stop, errors = threading.Event(), []

    def writer():
        n = 100
        try:
            while not stop.is_set() and n < 400:
                _customer(source.test_client(), token, n)
                n += 1
        except Exception as exc:  # pragma: no cover - reported below
            errors.append(exc)

    thread = threading.Thread(target=writer)
    thread.start()
    archive = tmp_path / "jz.backup"
    try:
        code, out = _run(source, "backup", str(archive))
    finally:
        stop.set()
        thread.join()
    assert code == 0, out
    assert errors == []
    assert "encrypted" in out and b"13900000001" not in archive.read_bytes()

    target = _app(fresh_url(), tmp_path / "dst", key)
    code, out = _run(target, "restore", str(archive))
    assert code == 0, out
    assert "audit trail intact" in out
    assert (tmp_path / "dst" / "uploads" / "workers" / "w1.jpg").read_bytes() == \
        photo.read_bytes()
    before, after = _tables(source), _tables(target)
    assert set(after) == set(before)
    written_during = {"customers", "customer_addresses", "audit_events", "audit_chain_head",
                      "api_tokens", "users"}
    for name, rows in after.items():
        if name in written_during:
            if name != "audit_chain_head":
                assert rows <= before[name], name  # a consistent snapshot of the source
        else:
            assert rows == before[name], name
    assert len(after["customers"]) >= 5
    code, out = _run(target, "audit", "verify")
    assert code == 0, out


def test_restore_refuses_a_wrong_key_another_schema_or_a_used_database(tmp_path, fresh_url):
    source = _app(fresh_url(), tmp_path / "src", new_key())
    with source.app_context():
        upgrade()
    make_user(source, "admin", "boss")
    sealed = tmp_path / "sealed.backup"
    assert _run(source, "backup", str(sealed))[0] == 0

    def empty(app):
        with app.app_context():
            names = sa.inspect(db.engine).get_table_names()
            db.engine.dispose()
            return names == []

    wrong = _app(fresh_url(), tmp_path / "d1", new_key())
    code, out = _run(wrong, "restore", str(sealed))
    assert code == 1 and "Wrong key" in out and empty(wrong)
    keyless = _app(fresh_url(), tmp_path / "d2", None)
    code, out = _run(keyless, "restore", str(sealed))
    assert code == 1 and "encrypted" in out and empty(keyless)

    # an unencrypted archive claiming another schema revision
    source.config["BACKUP_KEY"] = None
    plain = tmp_path / "plain.backup"
    assert _run(source, "backup", str(plain))[0] == 0
    raw = plain.read_bytes()[len(MAGIC_PLAIN):]
    old = tarfile.open(fileobj=io.BytesIO(raw))
    buf = io.BytesIO()
    with tarfile.open(fileobj=buf, mode="w") as new:
        for member in old.getmembers():
            data = old.extractfile(member).read() if member.isfile() else None
            if member.name == "manifest.json":
                data = data.replace(code_revision().encode(), b"0009_complaints")
                member.size = len(data)
            new.addfile(member, io.BytesIO(data) if data is not None else None)
    other = tmp_path / "other.backup"
    other.write_bytes(MAGIC_PLAIN + buf.getvalue())
    target = _app(fresh_url(), tmp_path / "d3", None)
    code, out = _run(target, "restore", str(other))
    assert code == 1 and "schema revision" in out and empty(target)

    # not into a database in use
    code, out = _run(source, "restore", str(plain))
    assert code == 1 and "not empty" in out
    # not a backup at all
    junk = tmp_path / "junk.backup"
    junk.write_bytes(b"hello")
    assert _run(target, "restore", str(junk))[0] == 1 and empty(target)
