"""Configuration from the environment: the secret key, the database URL, disabled plugins."""
from __future__ import annotations

import os
import stat

import pytest

from core import create_app
from core.config import from_environment


@pytest.fixture
def clean_env(monkeypatch):
    for name in ("SECRET_KEY", "DATABASE_URL", "REDIS_URL", "JIAZHENG_DISABLED_PLUGINS"):
        monkeypatch.delenv(name, raising=False)
    return monkeypatch


def test_secret_key_is_generated_once_under_instance_and_reused(tmp_path, clean_env):
    first = from_environment(str(tmp_path))["SECRET_KEY"]
    key_file = tmp_path / "secret_key"
    assert len(first) == 64 and key_file.read_text() == first
    assert stat.S_IMODE(os.stat(key_file).st_mode) == 0o600
    assert from_environment(str(tmp_path))["SECRET_KEY"] == first
    assert from_environment(str(tmp_path / "other"))["SECRET_KEY"] != first


def test_secret_key_from_the_environment_wins(tmp_path, clean_env):
    from_environment(str(tmp_path))
    clean_env.setenv("SECRET_KEY", "from-the-environment")
    assert from_environment(str(tmp_path))["SECRET_KEY"] == "from-the-environment"


def test_the_app_signs_sessions_with_the_kept_key(tmp_path, clean_env):
    clean_env.setenv("JIAZHENG_INSTANCE_PATH", str(tmp_path / "instance"))
    first, second = create_app(), create_app()
    assert first.config["SECRET_KEY"] == second.config["SECRET_KEY"]
    assert first.config["SECRET_KEY"] == (tmp_path / "instance" / "secret_key").read_text()


@pytest.mark.parametrize("given, expected", [
    ("postgres://jz:pw@db.internal:5432/jiazheng",
     "postgresql+psycopg://jz:pw@db.internal:5432/jiazheng"),
    ("postgresql://postgres@127.0.0.1:5432/test", "postgresql+psycopg://postgres@127.0.0.1:5432/test"),
    ("postgresql+psycopg://u@h/d", "postgresql+psycopg://u@h/d"),
    ("sqlite:////srv/jiazheng.db", "sqlite:////srv/jiazheng.db"),
])
def test_database_url_is_normalised_to_the_psycopg_driver(tmp_path, clean_env, given, expected):
    clean_env.setenv("DATABASE_URL", given)
    assert from_environment(str(tmp_path))["SQLALCHEMY_DATABASE_URI"] == expected


def test_without_database_url_a_sqlite_file_under_instance_is_used(tmp_path, clean_env):
    uri = from_environment(str(tmp_path))["SQLALCHEMY_DATABASE_URI"]
    assert uri == f"sqlite:///{tmp_path / 'jiazheng.db'}"


def test_redis_url_unset_means_embedded(tmp_path, clean_env):
    assert from_environment(str(tmp_path))["REDIS_URL"] is None
    clean_env.setenv("REDIS_URL", "redis://127.0.0.1:6379/3")
    assert from_environment(str(tmp_path))["REDIS_URL"] == "redis://127.0.0.1:6379/3"


def test_disabled_plugins_are_a_comma_separated_list(tmp_path, clean_env):
    clean_env.setenv("JIAZHENG_DISABLED_PLUGINS", "nanny, ,child_massage ")
    assert from_environment(str(tmp_path))["DISABLED_PLUGINS"] == ("nanny", "child_massage")
