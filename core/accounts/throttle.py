"""Login throttling: failed logins counted in Redis, per (account, address) with back-off.

Three moving windows count failed logins (the :pypi:`limits` library, the engine of
Flask-Limiter, on its Redis storage, so every app process and host shares them):

- the **pair** (account, address): ``LOGIN_PAIR_LIMITS``, e.g. 5 in 15 minutes, 10 in an
  hour, 20 in a day — each step locks the pair out for longer (back-off). It always
  applies, so one address cannot guess one account's password fast.
- the **account** from anywhere: ``LOGIN_ACCOUNT_LIMITS`` — guessing spread over many
  addresses.
- the **address** over all accounts: ``LOGIN_ADDRESS_LIMITS`` — one address trying many
  accounts.

The account and address limits do not apply to a *proven* pair: an address the account
logged in from successfully within ``LOGIN_PROVEN_DAYS`` (``login_attempts`` rows). So
an attacker elsewhere can lock an account only for addresses it has never used, and
colleagues behind one office address keep logging in while a stranger's guesses there
run out. A successful login clears the pair's count.

Each lock-out (a failure that fills a limit) is an audit event ``login_lockout`` (the
account when it exists, the scope, how long) for the admin; the log line carries neither
the username nor the address. Keys in Redis are HMACs of the username and address under
the app's secret key, so Redis holds no personal data either, and two deployments
sharing one Redis never mix counts.

When Redis cannot be reached, logins are not throttled (a warning is logged): the desk
keeps working, and the password check itself is unchanged.
"""
from __future__ import annotations

import dataclasses
import datetime as dt
import hashlib
import hmac
import logging
import math
import time

import redis
import sqlalchemy as sa
from flask import Flask, current_app
from limits import RateLimitItem, parse_many
from limits.storage import RedisStorage
from limits.strategies import MovingWindowRateLimiter

from ..extensions import db
from ..timeutil import utcnow
from .models import LoginAttempt

log = logging.getLogger(__name__)

SCOPES = ("pair", "account", "address")


@dataclasses.dataclass
class Verdict:
    """What the throttle says about one login attempt."""

    proven: bool
    #: seconds until a refused attempt may try again; 0: allowed
    retry_after: int = 0


def _limiter(app: Flask) -> MovingWindowRateLimiter:
    """The app's limiter, made once: on ``LOGIN_THROTTLE_REDIS_URL`` when set (the tests
    share one embedded Redis this way), else the app's Redis (``REDIS_URL`` or the
    embedded one)."""
    limiter = app.extensions.get("jiazheng.login_limiter")
    if limiter is None:
        url = app.config.get("LOGIN_THROTTLE_REDIS_URL") or app.config.get("REDIS_URL")
        if url:
            # short timeouts, as for the queue: a login must never hang on Redis
            storage = RedisStorage(url.replace("redis+unix://", "unix://", 1),
                                   key_prefix="jz-login", socket_connect_timeout=1.0,
                                   socket_timeout=3.0)
        else:
            from ..queue import connection

            storage = RedisStorage("redis://", key_prefix="jz-login",
                                   connection_pool=connection(app).connection_pool)
        limiter = MovingWindowRateLimiter(storage)
        app.extensions["jiazheng.login_limiter"] = limiter
    return limiter


def _limits(scope: str) -> list[RateLimitItem]:
    return parse_many(current_app.config[f"LOGIN_{scope.upper()}_LIMITS"])


def _keys(username: str, address: str) -> dict[str, str]:
    """The scope → Redis identifier of an attempt (HMACs: no username or address)."""
    secret = current_app.config["SECRET_KEY"].encode()

    def mac(*parts: str) -> str:
        return hmac.new(secret, "\x1f".join(parts).encode(), hashlib.sha256).hexdigest()[:32]

    account = username.casefold()
    return {"pair": mac("pair", account, address), "account": mac("account", account),
            "address": mac("address", address)}


def is_proven(username: str, address: str) -> bool:
    """Whether the account logged in successfully from this address lately."""
    since = utcnow() - dt.timedelta(days=current_app.config["LOGIN_PROVEN_DAYS"])
    return db.session.scalar(sa.select(LoginAttempt.id).where(
        LoginAttempt.username == username[:64], LoginAttempt.remote_addr == address[:64],
        LoginAttempt.succeeded.is_(True), LoginAttempt.at >= since).limit(1)) is not None


def _applicable(proven: bool) -> tuple[str, ...]:
    return ("pair",) if proven else SCOPES


def _wait(limiter: MovingWindowRateLimiter, scope: str, key: str) -> int:
    """Seconds until the first full limit of a scope lets one more attempt in (0: none
    is full)."""
    wait = 0
    for item in _limits(scope):
        if not limiter.test(item, key):
            reset = limiter.get_window_stats(item, key).reset_time
            wait = max(wait, math.ceil(reset - time.time()), 1)
    return wait


def check(username: str, address: str) -> Verdict:
    """Before the password is checked: may this attempt go ahead?"""
    proven = is_proven(username, address)
    try:
        limiter = _limiter(current_app)
        keys = _keys(username, address)
        wait = max(_wait(limiter, scope, keys[scope]) for scope in _applicable(proven))
    except (redis.RedisError, OSError):
        log.warning("login throttle: redis unreachable; this attempt is not throttled")
        return Verdict(proven)
    return Verdict(proven, wait)


def failed(username: str, address: str, verdict: Verdict) -> list[tuple[str, int]]:
    """Count a failed login in every scope; return the lock-outs it started, as
    (scope, seconds) — limits this failure filled for the attempts that obey them."""
    try:
        limiter = _limiter(current_app)
        keys = _keys(username, address)
        for scope in SCOPES:
            for item in _limits(scope):
                limiter.hit(item, keys[scope])
        return [(scope, wait) for scope in _applicable(verdict.proven)
                if (wait := _wait(limiter, scope, keys[scope]))]
    except (redis.RedisError, OSError):
        log.warning("login throttle: redis unreachable; a failed login was not counted")
        return []


def succeeded(username: str, address: str) -> None:
    """A successful login clears the pair's failures (the account's and address's stay)."""
    try:
        limiter = _limiter(current_app)
        key = _keys(username, address)["pair"]
        for item in _limits("pair"):
            limiter.clear(item, key)
    except (redis.RedisError, OSError):
        log.warning("login throttle: redis unreachable; the pair's failures were not cleared")


def masked_address(address: str) -> str:
    """The network of an address for the admin's audit entry: 203.0.113.x, 2001:db8:1:2::/64."""
    import ipaddress

    try:
        ip = ipaddress.ip_address(address)
    except ValueError:
        return "unknown"
    if ip.version == 4:
        return ".".join(str(ip).split(".")[:3]) + ".x"
    return str(ipaddress.ip_network(f"{ip}/64", strict=False))
