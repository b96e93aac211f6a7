"""Rules of accounts: password hashing (argon2), login throttling, API tokens."""
from __future__ import annotations

import datetime as dt
import hashlib
import logging
import math
import secrets

import sqlalchemy as sa
from argon2 import PasswordHasher, profiles
from argon2.exceptions import InvalidHashError, VerificationError, VerifyMismatchError
from flask import current_app
from sqlalchemy import orm
from sqlalchemy.orm.attributes import set_committed_value

from ..errors import Conflict, Invalid, TooManyRequests, Unauthenticated
from ..extensions import db
from ..messages import Msg, bilingual
from ..timeutil import utcnow
from ..transactions import commit, transactional
from .models import ROLES, ApiToken, LoginAttempt, User

log = logging.getLogger(__name__)

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
    """Replace a user's password and end her sessions and API tokens."""
    check_password_rules(password)
    user.password_hash = hash_password(password)
    end_sessions(user)


def end_sessions(user: User, *, tokens: bool = True) -> None:
    """End every web session of the user at once (her cookies' generation no longer
    matches) and, with ``tokens``, revoke her API tokens too."""
    user.session_generation = (user.session_generation or 0) + 1
    if tokens:
        revoke_all_tokens(user)


def session_is_current(user: User, generation: object) -> bool:
    """Whether a web session made in ``generation`` is still valid for the user."""
    return user.active and generation == (user.session_generation or 0)


LAST_ADMIN = Msg("At least one active administrator must remain.",
                 "至少要保留一名在职的管理员。")


#: roles that may be given the 58到家 export permission (the roles that manage trainees)
PLATFORM_EXPORT_ROLES = ("trainer", "dispatcher", "supervisor", "admin")
PLATFORM_EXPORT_ROLE = Msg("Only trainer, dispatcher, supervisor and admin accounts may export "
                           "full ID numbers for the platform.",
                           "只有后勤老师、调度、主管和管理员账号可以获得58到家名单导出权限。")


@transactional
def add_user(username: str, password: str, role: str,
             display_name: str | None = None) -> User:
    """Step: create a staff account (:func:`create_user`) with its audit entry."""
    from ..audit.service import record

    user = create_user(username, password, role, display_name)
    record("create", "user", user.id, f"user {user.username} ({user.role})")
    return user


@transactional
def log_out(user_id: int) -> User:
    """Step: end every web session of the account (logging out ends them all)."""
    user = db.session.get(User, user_id)
    end_sessions(user, tokens=False)
    return user


@transactional
def update_user(user: User, changes: dict, actor_id: int) -> User:
    """Step: change a staff account (name, role, active flag, password), with an
    audit entry. A new password, role or deactivation ends her sessions and tokens.
    Refuses (409 ``last_admin``) to demote or deactivate the last active administrator,
    also when two admins demote each other at the same moment (the admins' rows are
    locked first on PostgreSQL; SQLite's write lock is taken before the count)."""
    from ..audit.service import diff, record

    before = {"display_name": user.display_name, "role": user.role, "active": user.active,
              "platform_export": user.platform_export}
    db.session.scalars(sa.select(User.id).where(User.role == "admin", User.active.is_(True))
                       .order_by(User.id).with_for_update()).all()
    if "password" in changes:
        set_password(user, changes.pop("password"))
    for key, value in changes.items():
        setattr(user, key, value)
    after = {"display_name": user.display_name, "role": user.role, "active": user.active,
             "platform_export": user.platform_export}
    if user.platform_export and user.role not in PLATFORM_EXPORT_ROLES:
        raise Invalid(fields={"platform_export": [bilingual(PLATFORM_EXPORT_ROLE)]})
    if (before["role"], before["active"]) != (after["role"], after["active"]):
        end_sessions(user)
    db.session.flush()
    admins = db.session.scalar(sa.select(sa.func.count(User.id)).where(
        User.role == "admin", User.active.is_(True)))
    if not admins:
        raise Conflict(LAST_ADMIN, code="last_admin", fields={
            "role" if after["role"] != "admin" else "active": [bilingual(LAST_ADMIN)]})
    record("update", "user", user.id, f"user {user.username}", diff(before, after),
           actor_id=actor_id)
    return user


@transactional
def authenticate(username: str, password: str, remote_addr: str) -> User:
    """Step: check a username and password, throttling repeated failures (see
    :mod:`core.accounts.throttle`: per account and address, with back-off, in Redis).

    Raises TooManyRequests (429, with the seconds to wait) while a limit that applies to
    this attempt is full — even for the right password — and Unauthenticated (401) for a
    bad login. A failure that starts a lock-out is an audit event for the admin; a
    success is recorded (``login_attempts``), which proves the address for the account.
    """
    from ..audit.service import record
    from . import throttle

    username = (username or "").strip()
    remote_addr = remote_addr or "unknown"
    verdict = throttle.check(username, remote_addr)
    if verdict.retry_after:
        minutes = max(1, math.ceil(verdict.retry_after / 60))
        raise TooManyRequests(Msg(f"Too many failed logins; try again in {minutes} minutes.",
                                  f"登录失败次数过多，请 {minutes} 分钟后再试。"),
                              retry_after=verdict.retry_after)
    user = db.session.scalar(sa.select(User).where(User.username == username))
    ok = False
    try:
        hasher, dummy = _argon2()
        ok = hasher.verify(user.password_hash if user else dummy, password or "")
    except (VerifyMismatchError, VerificationError, InvalidHashError):
        ok = False
    ok = ok and user is not None and user.active
    if not ok:
        lockouts = throttle.failed(username, remote_addr, verdict)
        for scope, seconds in lockouts:
            log.warning("login lock-out: scope=%s account_id=%s for %ss", scope,
                        user.id if user else None, seconds)
            record("login_lockout", "user", user.id if user else None,
                   f"login lock-out ({scope}) of "
                   + (f"user {user.username}" if user else "an unknown username"),
                   {"scope": scope, "seconds": seconds, "proven_address": verdict.proven,
                    "network": throttle.masked_address(remote_addr)}, actor_id=None)
        if lockouts:
            commit()  # the lock-out's audit entry outlives the refusal below (a rollback)
        raise Unauthenticated(Msg("Wrong username or password.", "用户名或密码错误。"))
    throttle.succeeded(username, remote_addr)
    db.session.add(LoginAttempt(username=username[:64], remote_addr=remote_addr[:64],
                                succeeded=True))
    if _argon2()[0].check_needs_rehash(user.password_hash):
        user.password_hash = hash_password(password)
    user.last_login_at = utcnow()
    return user


def _digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


@transactional
def log_in_for_token(username: str, password: str, remote_addr: str
                     ) -> tuple[str, ApiToken, User]:
    """Step: :func:`authenticate`, then :func:`issue_token` — (plain token, token, user)."""
    user = authenticate(username, password, remote_addr)
    plain, token = issue_token(user)
    return plain, token, user


@transactional
def issue_token(user: User) -> tuple[str, ApiToken]:
    """Step: a new bearer token for a user; the plain token is returned once, only its
    hash kept."""
    plain = "jz_" + secrets.token_urlsafe(32)
    hours = current_app.config["API_TOKEN_TTL_HOURS"]
    token = ApiToken(user_id=user.id, token_hash=_digest(plain),
                     expires_at=utcnow() + dt.timedelta(hours=hours))
    db.session.add(token)
    return plain, token


def resolve_token(plain: str) -> ApiToken | None:
    """The live token for a bearer string, or None if unknown, expired, revoked or inactive."""
    if not plain:
        return None
    token = db.session.scalar(sa.select(ApiToken).options(orm.joinedload(ApiToken.user))
                              .where(ApiToken.token_hash == _digest(plain)))
    now = utcnow()
    if token is None or token.revoked_at is not None or token.expires_at <= now:
        return None
    if not token.user.active:
        return None
    return token


def note_token_use(token: ApiToken, now: dt.datetime) -> None:
    """Record when a token was last used, in its own short transaction: the request's
    session keeps its loaded token and user (no reload after a commit), and a request
    that only reads writes nothing of its own.

    The session's read-only transaction (the token lookup) is ended first, keeping what it
    loaded, so a request never holds two pooled connections at once: twenty first uses at
    the same moment would otherwise exhaust the pool waiting on one another."""
    session = db.session()
    if session.in_transaction() and not (session.new or session.dirty or session.deleted):
        keep = session.expire_on_commit
        session.expire_on_commit = False
        try:
            session.commit()
        finally:
            session.expire_on_commit = keep
    with db.engine.begin() as conn:
        conn.execute(sa.update(ApiToken).where(ApiToken.id == token.id)
                     .values(last_used_at=now))
    set_committed_value(token, "last_used_at", now)


@transactional
def revoke_token(token: ApiToken) -> None:
    """Step: revoke one token (idempotent)."""
    if token.revoked_at is None:
        token.revoked_at = utcnow()


def revoke_all_tokens(user: User) -> None:
    """Revoke every live token of a user (on password change or deactivation)."""
    db.session.execute(sa.update(ApiToken).where(ApiToken.user_id == user.id,
                                                 ApiToken.revoked_at.is_(None))
                       .values(revoked_at=utcnow()))
