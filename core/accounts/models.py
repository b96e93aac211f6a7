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
    "quality": ("质检员", "Quality reviewer"),
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
    #: may export trainees' full ID numbers for the platform (58到家); granted by an admin,
    #: separate from the role (docs/privacy.md, "The 58到家 list")
    platform_export: Mapped[bool] = mapped_column(default=False, server_default=sa.false())
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)
    last_login_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)
    #: bumped to end every web session of the user at once (logout, password, role,
    #: deactivation); a session cookie carries the generation it was made in
    session_generation: Mapped[int] = mapped_column(sa.Integer, default=0,
                                                    server_default="0")

    __table_args__ = (sa.CheckConstraint(
        "role IN ('admin','supervisor','dispatcher','trainer','finance','quality')",
        name="role_known"),)

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
    """A successful login: it proves the address for the account (see accounts/throttle.py;
    failed logins are counted in Redis, not here)."""

    __tablename__ = "login_attempts"

    id: Mapped[int] = mapped_column(primary_key=True)
    username: Mapped[str] = mapped_column(sa.String(64), index=True)
    remote_addr: Mapped[str] = mapped_column(sa.String(64), index=True)
    at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow, index=True)
    succeeded: Mapped[bool] = mapped_column(default=False)
