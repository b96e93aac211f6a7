"""The ``jiazheng`` command: Flask's CLI for this app plus the platform's own commands.

``jiazheng db upgrade`` (Flask-Migrate), ``jiazheng create-user``, ``jiazheng plugins``,
``jiazheng worker``, ``jiazheng serve`` and ``jiazheng new-plugin`` (a new service-line
plugin's distribution, see :mod:`core.scaffold`). Configuration comes from the environment
(see :mod:`core.config`).

Commands that live with the code they drive (``demo-data``, ``followups``, ``matching``,
``audit``, ``backup``, ``restore``) are imported by name and added at the end of this file.
"""
from __future__ import annotations

import sys
from pathlib import Path

import click
from flask import current_app
from flask.cli import FlaskGroup
from marshmallow import ValidationError

from . import create_app
from .access import ROLES
from .audit.cli import audit_group
from .backup_cli import backup_command, restore_command
from .demo import DEMO_LOGIN, demo_data
from .followups.cli import followups_group
from .matching.cli import matching_group


def _create_app():
    return create_app()


cli = FlaskGroup(name="jiazheng", create_app=_create_app, load_dotenv=False,
                 help="Jiazheng (家政) dispatch desk: web app, background worker, admin tasks.")


def _messages(fields: dict) -> str:
    """``field: English / 中文`` lines from an error's field messages."""
    from .errors import flatten_fields

    lines = []
    for field, msgs in flatten_fields(fields).items():
        for m in msgs:
            lines.append(f"{field}: {m['en']} / {m['zh']}")
    return "\n".join(lines)


def _read_password(from_stdin: bool) -> str:
    if from_stdin:
        return sys.stdin.readline().rstrip("\r\n")
    return click.prompt("Password", hide_input=True, confirmation_prompt=True)


@cli.command("create-user")
@click.argument("username")
@click.option("--role", required=True, type=click.Choice(ROLES), help="The account's role.")
@click.option("--name", "display_name", help="Display name (default: the username).")
@click.option("--password-stdin", is_flag=True,
              help="Read the password from the first line of standard input.")
def create_user_command(username: str, role: str, display_name: str | None,
                        password_stdin: bool) -> None:
    """Create a staff account (the first admin, typically).

    The password is asked for twice, or read from standard input with --password-stdin.
    """
    import sqlalchemy as sa

    from .accounts import service
    from .accounts.models import User
    from .accounts.schemas import UserCreateSchema
    from .audit.service import record
    from .errors import DomainError
    from .extensions import db

    if db.session.scalar(sa.select(User.id).where(User.username == username)):
        raise click.ClickException(f"username: This username is taken. / 该用户名已被使用。 "
                                   f"({username})")
    password = _read_password(password_stdin)
    data = {"username": username, "role": role, "password": password,
            "display_name": display_name}
    try:
        data = UserCreateSchema().load(data)
        user = service.create_user(data["username"], data["password"], data["role"],
                                   data["display_name"])
    except ValidationError as exc:
        raise click.ClickException(_messages(exc.messages)) from None
    except DomainError as exc:
        db.session.rollback()
        raise click.ClickException(_messages(exc.fields) if exc.fields else str(exc)) from None
    record("create", "user", user.id, f"user {user.username} ({user.role}) via command line")
    db.session.commit()
    click.echo(f"Created {user.role} account {user.username!r} (id {user.id}).")


@cli.command("plugins")
def plugins_command() -> None:
    """List the loaded plugins, their versions and the service lines each owns."""
    from .plugins import describe_plugins

    rows = [("PLUGIN", "VERSION", "DISTRIBUTION", "SERVICE LINES")]
    for p in describe_plugins():
        lines = ", ".join(f"{s.code} ({s.name_zh}, {s.name_en})" for s in p["service_lines"])
        rows.append((p["name"], p["version"], p["distribution"] or "-", lines or "-"))
    widths = [max(len(r[i]) for r in rows) for i in range(3)]
    for row in rows:
        click.echo("  ".join(c.ljust(w) for c, w in zip(row[:3], widths, strict=True)) +
                   "  " + row[3])
    disabled = current_app.config.get("DISABLED_PLUGINS") or ()
    if disabled:
        click.echo(f"Disabled: {', '.join(disabled)}")


@cli.command("worker")
@click.option("--burst", is_flag=True, help="Work off what is queued and due, then exit.")
@click.option("--queue", "queues", multiple=True, help="Queue to listen on (repeatable; "
              "default: the platform's queue).")
@click.option("--scheduler/--no-scheduler", default=True, show_default=True,
              help="Also run rq's scheduler (jobs enqueued for later).")
@click.option("--exit-with-parent", type=int, hidden=True,
              help="Stop when the process with this pid is gone (used by serve).")
def worker_command(burst: bool, queues: tuple[str, ...], scheduler: bool,
                   exit_with_parent: int | None) -> None:
    """Run the background worker (rq, with its scheduler) until Ctrl-C."""
    from .queue import QUEUE_NAME
    from .runner import run_worker

    run_worker(current_app._get_current_object(), queues=queues or (QUEUE_NAME,),
               burst=burst, with_scheduler=scheduler, parent_pid=exit_with_parent)


@cli.command("new-plugin", with_appcontext=False)
@click.argument("name")
@click.option("--code", help="The service line's code (default: NAME with '-' as '_').")
@click.option("--name-zh", help="The line's Chinese name, e.g. 钟点工 (default: the English name).")
@click.option("--name-en", help="The line's English name, e.g. 'Hourly help' (default: from NAME).")
@click.option("--dir", "directory", type=click.Path(file_okay=False, path_type=Path),
              default=Path("."), show_default=True,
              help="Where to make the distribution's folder jiazheng-NAME.")
def new_plugin_command(name: str, code: str | None, name_zh: str | None,
                       name_en: str | None, directory: Path) -> None:
    """Make a new service-line plugin: the distribution jiazheng-NAME, ready to install,
    whose tests pass as made (docs/plugins.md has the tutorial)."""
    from .scaffold import ScaffoldError, check_names, new_plugin

    try:
        names = check_names(name, code, name_zh, name_en)
        target = new_plugin(names, directory)
    except ScaffoldError as exc:
        raise click.ClickException(str(exc)) from None
    click.echo(f"Made {target} (plugin {names.code}: {names.name_zh}, {names.name_en}).")
    click.echo("Next / 下一步:")
    click.echo(f"  cd {target} && python -m pytest     # its tests pass as made")
    click.echo(f"  pip install -e {target}           # then `jiazheng plugins` lists it")


def _demo_login_line() -> list[str]:
    """The demo account to log in with, when the demo data has been loaded."""
    login = DEMO_LOGIN
    import sqlalchemy as sa

    from .accounts.models import User
    from .extensions import db

    try:
        exists = db.session.scalar(sa.select(User.id).where(User.username == login[0]))
    except Exception:  # no tables yet: the banner says how to load the demo instead
        db.session.rollback()
        exists = None
    if not exists:
        return ["No demo data: run `jiazheng db upgrade && jiazheng demo-data` to load it."]
    return [f"Demo login: {login[0]} / {login[1]}"]


@cli.command("serve")
@click.option("--host", default="127.0.0.1", show_default=True)
@click.option("--port", default=5000, show_default=True, type=int)
@click.option("--workers", type=click.IntRange(1, 64), default=None,
              help="gunicorn worker processes (default: config WEB_WORKERS).")
@click.option("--threads", type=click.IntRange(1, 64), default=None,
              help="Threads per gunicorn worker (default: config WEB_THREADS).")
@click.option("--rq-workers", type=click.IntRange(0, 32), default=None,
              help="Background (rq) worker processes (default: config RQ_WORKERS).")
@click.option("--dev", is_flag=True,
              help="Werkzeug's development server and one worker in place of gunicorn.")
def serve_command(host: str, port: int, workers: int | None, threads: int | None,
                  rq_workers: int | None, dev: bool) -> None:
    """Run the web app (gunicorn) and the background workers, each restarted when it
    dies; Ctrl-C stops them all. ``--dev``: Werkzeug's server instead."""
    app = current_app._get_current_object()
    try:
        if dev:
            from .runner import serve

            status = serve(app, host, port, say=click.echo,
                           banner_extra=_demo_login_line())
        else:
            from .ops import serve as production

            settings = production.settings_from(app, host, port, workers, threads,
                                                rq_workers)
            status = production.serve(app, settings, say=click.echo,
                                      banner_extra=_demo_login_line())
    except OSError as exc:
        raise click.ClickException(f"cannot listen on {host}:{port}: {exc.strerror or exc}"
                                   " (is Jiazheng already running? choose another --port)"
                                   ) from None
    sys.exit(status)


@cli.group("cache")
def cache_group() -> None:
    """The read cache of the desk's lists (see core/readcache.py)."""


@cache_group.command("clear")
def cache_clear_command() -> None:
    """Start a new data generation: every app server forgets its cached answers (after
    a change made around the app, e.g. with psql)."""
    from .readcache import store

    cache = store()
    if cache is None:
        raise click.ClickException("the read cache is off (JIAZHENG_READ_CACHE=0): "
                                   "nothing to clear")
    if not cache.bump():
        raise click.ClickException("Redis did not answer; nothing was cleared")
    click.echo("read cache cleared: a new data generation")


cli.add_command(demo_data, "demo-data")
cli.add_command(followups_group, "followups")
cli.add_command(matching_group, "matching")
cli.add_command(audit_group, "audit")
cli.add_command(backup_command, "backup")
cli.add_command(restore_command, "restore")


def main() -> None:
    """Entry point of the ``jiazheng`` console script."""
    cli.main(prog_name="jiazheng")


if __name__ == "__main__":
    main()
