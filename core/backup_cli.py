"""``jiazheng backup`` and ``jiazheng restore``."""
from __future__ import annotations

import time
from pathlib import Path

import click
from flask import current_app
from flask.cli import with_appcontext


@click.command("backup")
@click.argument("out", type=click.Path(dir_okay=False, path_type=Path), required=False)
@click.option("--new-key", is_flag=True, help="Print a new key for JIAZHENG_BACKUP_KEY and "
              "stop.")
@with_appcontext
def backup_command(out: Path | None, new_key: bool) -> None:
    """Back up the database and the uploaded files to OUT (encrypted when
    JIAZHENG_BACKUP_KEY is set). Safe while the app runs."""
    from . import backup
    from .extensions import db

    if new_key:
        click.echo(backup.new_key())
        return
    if out is None:
        raise click.UsageError("Missing argument 'OUT' (the archive to write).")
    started = time.perf_counter()
    try:
        manifest = backup.backup(db.engine, current_app.instance_path, out,
                                 current_app.config.get("BACKUP_KEY"))
    except backup.BackupError as exc:
        raise click.ClickException(str(exc)) from None
    click.echo(f"backup written / 备份完成: {out} ({out.stat().st_size:,} bytes, "
               f"{'encrypted' if manifest['encrypted'] else 'NOT encrypted'}, schema "
               f"{manifest['schema_revision']}, {time.perf_counter() - started:.1f} s)")


@click.command("restore")
@click.argument("archive", type=click.Path(dir_okay=False, path_type=Path))
@with_appcontext
def restore_command(archive: Path) -> None:
    """Restore ARCHIVE into the configured (empty) database and the instance folder, then
    check the audit chain. Refuses another schema version, another database kind, a wrong
    key or a non-empty database, before changing anything."""
    from . import backup
    from .audit.service import verify_chain
    from .extensions import db

    started = time.perf_counter()
    try:
        manifest = backup.restore(db.engine, current_app.instance_path, archive,
                                  current_app.config.get("BACKUP_KEY"))
    except backup.BackupError as exc:
        raise click.ClickException(str(exc)) from None
    report = verify_chain()
    took = time.perf_counter() - started
    if report.finding:
        raise click.ClickException(f"restored, but the audit trail is BROKEN: "
                                   f"{report.finding.message}")
    click.echo(f"restored / 恢复完成: backup of {manifest['created_at']}, schema "
               f"{manifest['schema_revision']}; audit trail intact ({report.rows} rows); "
               f"{took:.1f} s")
