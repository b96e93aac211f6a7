"""Rules of accounts: password hashing (argon2), login throttling, API tokens."""
from __future__ import annotations

import datetime as dt
import hashlib
import secrets

import sqlalchemy as sa
from argon2 import PasswordHasher, profiles
from argon2.exceptions import InvalidHashError, VerificationError, VerifyMismatchError
from flask import current_app

from ..errors import Conflict, Invalid, TooManyRequests, Unauthenticated
from ..extensions import db
from ..messages import Msg
from ..timeutil import utcnow
from .models import ROLES, ApiToken, LoginAttempt, User

_HASHERS: dict[str, tuple[PasswordHasher, str]] = {}


def _argon2() -> tuple[PasswordHasher, str]:
    """The app's argon2id hasher (profile from ARGON2_PROFILE) and a dummy hash.

    The dummy is verified against when the username is unknown, so timing does not
    reveal which usernames exist. Tests use the CHEAPEST profile to stay fast.
    """
    name = current_app.config.get("ARGON2_PROFILE", "RFC_9106_LOW_MEMORY")
    if name not in _HASHERS:
        hasher = PasswordHasher.from_parameters(getattr(profiles, name))
        _HASHERS[name] = (hasher, hasher.hash("not-a-real-password"))
    return _HASHERS[name]

MIN_PASSWORD_LENGTH = 8


def hash_password(password: str) -> str:
    """Argon2id hash of a password."""
    return _argon2()[0].hash(password)


def check_password_rules(password: str) -> None:
    """Refuse passwords too short to be safe."""
    if len(password or "") < MIN_PASSWORD_LENGTH:
        raise Invalid(fields={"password": [{
            "en": f"At least {MIN_PASSWORD_LENGTH} characters.",
            "zh": f"密码至少 {MIN_PASSWORD_LENGTH} 位。"}]})


def create_user(username: str, password: str, role: str, display_name: str | None = None) -> User:
    """Create a staff account; refuses an unknown role or a taken username."""
    if role not in ROLES:
        raise Invalid(fields={"role": [{"en": f"Must be one of: {', '.join(ROLES)}.",
                                        "zh": f"角色必须是：{'、'.join(ROLES)}。"}]})
    check_password_rules(password)
    if db.session.scalar(sa.select(User.id).where(User.username == username)):
        raise Conflict(Msg("This username is taken.", "该用户名已被使用。"),
                       fields={"username": [{"en": "This username is taken.",
                                             "zh": "该用户名已被使用。"}]})
    user = User(username=username, role=role, display_name=display_name or username,
                password_hash=hash_password(password))
    db.session.add(user)
    db.session.flush()
    return user


def set_password(user: User, password: str) -> None:
    """Replace a user's password and revoke her API tokens."""
    check_password_rules(password)
    user.password_hash = hash_password(password)
    revoke_all_tokens(user)


def _recent_failures(username: str, remote_addr: str) -> int:
    window = current_app.config["LOGIN_FAILURE_WINDOW_SECONDS"]
    since = utcnow() - dt.timedelta(seconds=window)
    q = sa.select(sa.func.count(LoginAttempt.id)).where(
        LoginAttempt.at >= since, LoginAttempt.succeeded.is_(False),
        sa.or_(LoginAttempt.username == username, LoginAttempt.remote_addr == remote_addr))
    return db.session.scalar(q) or 0


def authenticate(username: str, password: str, remote_addr: str) -> User:
    """Check a username and password, throttling repeated failures.

    Raises TooManyRequests (429) once LOGIN_MAX_FAILURES failures for this username or
    this address fall inside the window, and Unauthenticated (401) for a bad login.
    The attempt is recorded either way (committed, so a refused login still counts).
    """
    username = (username or "").strip()
    remote_addr = remote_addr or "unknown"
    if _recent_failures(username, remote_addr) >= current_app.config["LOGIN_MAX_FAILURES"]:
        raise TooManyRequests(Msg("Too many failed logins; wait 15 minutes and try again.",
                                  "登录失败次数过多，请 15 分钟后再试。"),
                              retry_after=current_app.config["LOGIN_FAILURE_WINDOW_SECONDS"])
    user = db.session.scalar(sa.select(User).where(User.username == username))
    ok = False
    try:
        hasher, dummy = _argon2()
        ok = hasher.verify(user.password_hash if user else dummy, password or "")
    except (VerifyMismatchError, VerificationError, InvalidHashError):
        ok = False
    ok = ok and user is not None and user.active
    db.session.add(LoginAttempt(username=username[:64], remote_addr=remote_addr[:64],
                                succeeded=ok))
    if not ok:
        db.session.commit()
        raise Unauthenticated(Msg("Wrong username or password.", "用户名或密码错误。"))
    if _argon2()[0].check_needs_rehash(user.password_hash):
        user.password_hash = hash_password(password)
    user.last_login_at = utcnow()
    db.session.commit()
    return user


def _digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def issue_token(user: User) -> tuple[str, ApiToken]:
    """A new bearer token for a user; the plain token is returned once, only its hash kept."""
    plain = "jz_" + secrets.token_urlsafe(32)
    hours = current_app.config["API_TOKEN_TTL_HOURS"]
    token = ApiToken(user_id=user.id, token_hash=_digest(plain),
                     expires_at=utcnow() + dt.timedelta(hours=hours))
    db.session.add(token)
    db.session.commit()
    return plain, token


def resolve_token(plain: str) -> ApiToken | None:
    """The live token for a bearer string, or None if unknown, expired, revoked or inactive."""
    if not plain:
        return None
    token = db.session.scalar(sa.select(ApiToken).where(ApiToken.token_hash == _digest(plain)))
    now = utcnow()
    if token is None or token.revoked_at is not None or token.expires_at <= now:
        return None
    if not token.user.active:
        return None
    return token


def revoke_token(token: ApiToken) -> None:
    """Revoke one token (idempotent)."""
    if token.revoked_at is None:
        token.revoked_at = utcnow()
    db.session.commit()


def revoke_all_tokens(user: User) -> None:
    """Revoke every live token of a user (on password change or deactivation)."""
    db.session.execute(sa.update(ApiToken).where(ApiToken.user_id == user.id,
                                                 ApiToken.revoked_at.is_(None))
                       .values(revoked_at=utcnow()))
