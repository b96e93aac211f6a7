"""Staff accounts, API tokens and login attempts."""
from __future__ import annotations

import datetime as dt

import sqlalchemy as sa
from flask_login import UserMixin
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..access import ROLES  # noqa: F401 - the one list of roles, re-exported for accounts
from ..extensions import db
from ..timeutil import UTCDateTime, utcnow

#: Labels of the roles (``ROLES``), in the order shown to people.
ROLE_LABELS = {
    "admin": ("管理员", "Administrator"),
    "supervisor": ("客服主管", "Supervisor"),
    "dispatcher": ("客服专员", "Dispatcher"),
    "trainer": ("后勤老师", "Trainer"),
    "finance": ("财务", "Finance"),
}


class User(UserMixin, db.Model):
    """A member of staff who logs in (never a customer or a worker)."""

    __tablename__ = "users"

    id: Mapped[int] = mapped_column(primary_key=True)
    username: Mapped[str] = mapped_column(sa.String(64), unique=True)
    display_name: Mapped[str] = mapped_column(sa.String(64))
    role: Mapped[str] = mapped_column(sa.String(16))
    password_hash: Mapped[str] = mapped_column(sa.String(255))
    active: Mapped[bool] = mapped_column(default=True)
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)
    last_login_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)

    __table_args__ = (sa.CheckConstraint(
        "role IN ('admin','supervisor','dispatcher','trainer','finance')", name="role_known"),)

    @property
    def is_active(self) -> bool:  # flask-login
        return self.active


class ApiToken(db.Model):
    """A bearer token for the API; only its SHA-256 is stored. Revocable."""

    __tablename__ = "api_tokens"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id", ondelete="CASCADE"), index=True)
    token_hash: Mapped[str] = mapped_column(sa.String(64), unique=True)
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)
    expires_at: Mapped[dt.datetime] = mapped_column(UTCDateTime)
    revoked_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)
    last_used_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)

    user: Mapped[User] = relationship()


class LoginAttempt(db.Model):
    """One try to log in; failures inside a window throttle further tries."""

    __tablename__ = "login_attempts"

    id: Mapped[int] = mapped_column(primary_key=True)
    username: Mapped[str] = mapped_column(sa.String(64), index=True)
    remote_addr: Mapped[str] = mapped_column(sa.String(64), index=True)
    at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow, index=True)
    succeeded: Mapped[bool] = mapped_column(default=False)
