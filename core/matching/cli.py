"""``jiazheng matching …``: rebuild the matching profiles after a bulk load."""
from __future__ import annotations

import click
from flask.cli import with_appcontext


@click.group("matching")
def matching_group() -> None:
    """Matching (派单匹配): maintenance of its read model."""


@matching_group.command("rebuild-profiles")
@with_appcontext
def rebuild_profiles_command() -> None:
    """Recompute every worker's matching profile from the source tables (after data
    was loaded around the application, e.g. straight into the database)."""
    from ..extensions import db
    from .profiles import rebuild

    written = rebuild()
    db.session.commit()
    click.echo(f"{written} profiles")
