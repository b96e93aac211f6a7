"""The health check's look at the database (kept out of the API module, which never
commits or rolls back: #11)."""
import sqlalchemy as sa

from ..extensions import db


def database_status() -> str:
    """``ok`` when the database answers ``SELECT 1``; else ``unreachable``, the broken
    session rolled back so the request ends cleanly (reported, not raised)."""
    try:
        db.session.execute(sa.text("SELECT 1"))
    except Exception:  # reported, not raised: this is the health check
        db.session.rollback()
        return "unreachable"
    return "ok"
