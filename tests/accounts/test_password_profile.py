"""Production hashes passwords with RFC 9106's argon2id parameters; tests use a cheap profile."""
from core.accounts.service import hash_password
from core.config import Defaults
from tests.conftest import make_test_app


def test_default_profile_is_rfc_9106_low_memory_argon2id(tmp_path, database_url):
    app = make_test_app(tmp_path, database_url, ARGON2_PROFILE="RFC_9106_LOW_MEMORY")
    with app.app_context():
        stored = hash_password("a long passphrase")
    assert stored.startswith("$argon2id$v=19$m=65536,t=3,p=4$")


def test_the_shipped_default_is_the_rfc_profile():
    assert Defaults.ARGON2_PROFILE == "RFC_9106_LOW_MEMORY"
