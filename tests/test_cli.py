"""The ``jiazheng`` command line: create-user and plugins (worker/serve: test_jobs, test_serve)."""
from __future__ import annotations

import pytest
import sqlalchemy as sa

from core.accounts.models import User
from core.audit.models import AuditEvent
from core.cli import cli
from core.extensions import db


def _run(app, *args, input=None):
    return app.test_cli_runner().invoke(cli, list(args), input=input)


def test_create_user_reads_password_from_stdin_and_stores_an_argon2_hash(app):
    result = _run(app, "create-user", "laowang", "--role", "supervisor", "--name", "王主管",
                  "--password-stdin", input="a-long-password\n")
    assert result.exit_code == 0, result.output
    assert "Created supervisor account 'laowang'" in result.output
    with app.app_context():
        user = db.session.scalar(sa.select(User).where(User.username == "laowang"))
        assert (user.role, user.display_name) == ("supervisor", "王主管")
        assert user.password_hash.startswith("$argon2id$")
        event = db.session.scalar(sa.select(AuditEvent).where(AuditEvent.entity_id == user.id))
        assert event.action == "create" and "command line" in event.summary
    token = app.test_client().post("/api/v1/auth/tokens", json={
        "username": "laowang", "password": "a-long-password"})
    assert token.status_code == 201


def test_create_user_prompts_for_the_password_twice(app):
    result = _run(app, "create-user", "boss", "--role", "admin",
                  input="first-password\nfirst-password\n")
    assert result.exit_code == 0, result.output
    assert result.output.count("Password") >= 1 and "Repeat for confirmation" in result.output


def test_create_user_refuses_a_mismatched_confirmation(app):
    result = _run(app, "create-user", "boss", "--role", "admin",
                  input="first-password\nother-password\n")
    assert result.exit_code != 0
    with app.app_context():
        assert db.session.scalar(sa.select(User.id).where(User.username == "boss")) is None


def test_create_user_refuses_a_taken_username_with_a_clear_message(app):
    assert _run(app, "create-user", "zhang", "--role", "dispatcher", "--password-stdin",
                input="a-long-password\n").exit_code == 0
    result = _run(app, "create-user", "zhang", "--role", "finance", "--password-stdin",
                  input="another-password\n")
    assert result.exit_code == 1
    assert "This username is taken" in result.output and "该用户名已被使用" in result.output
    with app.app_context():
        assert db.session.scalar(sa.select(sa.func.count(User.id))) == 1


def test_create_user_refuses_an_unknown_role(app):
    result = _run(app, "create-user", "li", "--role", "boss", "--password-stdin",
                  input="a-long-password\n")
    assert result.exit_code == 2
    assert "Invalid value for '--role'" in result.output and "dispatcher" in result.output


def test_create_user_refuses_a_short_password_in_both_languages(app):
    result = _run(app, "create-user", "li", "--role", "dispatcher", "--password-stdin",
                  input="short\n")
    assert result.exit_code == 1
    assert "password: Length must be between 8 and 256." in result.output
    assert "长度必须在 8 到 256 之间" in result.output


def test_create_user_refuses_a_malformed_username(app):
    result = _run(app, "create-user", "li lei", "--role", "dispatcher", "--password-stdin",
                  input="a-long-password\n")
    assert result.exit_code == 1
    assert result.output.startswith("Error: username:")


def test_plugins_command_lists_plugins_versions_and_service_lines(app):
    result = _run(app, "plugins")
    assert result.exit_code == 0, result.output
    lines = result.output.splitlines()
    assert lines[0].split() == ["PLUGIN", "VERSION", "DISTRIBUTION", "SERVICE", "LINES"]
    rows = {line.split()[0]: line for line in lines[1:]}
    assert set(rows) == {"cleaning", "maternity_nurse", "child_massage", "nanny"}
    assert rows["cleaning"].split()[1:3] == ["0.1.0", "jiazheng"]
    assert "maternity_nurse (月嫂, Maternity nurse)" in rows["maternity_nurse"]


def test_plugins_command_names_disabled_plugins(tmp_path, database_url):
    from tests.conftest import make_test_app

    app = make_test_app(tmp_path, database_url, DISABLED_PLUGINS=("nanny",))
    result = _run(app, "plugins")
    assert result.exit_code == 0, result.output
    assert "nanny (" not in result.output
    assert result.output.splitlines()[-1] == "Disabled: nanny"


@pytest.mark.parametrize("dev", [False, True], ids=["gunicorn", "werkzeug"])
def test_serve_on_a_port_in_use_says_so_and_starts_nothing(app, dev):
    import socket

    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        result = _run(app, "serve", "--port", str(port), *(["--dev"] if dev else []))
    assert result.exit_code == 1
    # werkzeug's own words, or the socket's
    assert (f"Port {port} is in use" if dev else "Address already in use") in result.output
    if not dev:
        assert f"cannot listen on 127.0.0.1:{port}" in result.output
    assert "Background worker" not in result.output


def test_serve_banner_shows_the_demo_login_once_the_demo_account_exists(app):
    from core import demo
    from core.cli import _demo_login_line
    from tests.conftest import make_user

    with app.app_context():
        assert "jiazheng demo-data" in _demo_login_line()[0]
    make_user(app, "dispatcher", demo.DEMO_LOGIN[0])
    with app.app_context():
        assert _demo_login_line() == [f"Demo login: {demo.DEMO_LOGIN[0]} / {demo.DEMO_LOGIN[1]}"]


def test_the_commands_that_live_with_their_code_are_all_on_the_cli():
    from core.cli import cli

    assert {"demo-data", "followups", "matching", "audit", "backup", "restore",
            "create-user", "plugins", "worker", "serve", "new-plugin", "cache"} <= set(cli.commands)

