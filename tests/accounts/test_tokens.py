"""API bearer tokens: issue, use, revoke; expired, revoked and deactivated users' tokens fail."""
from __future__ import annotations

import datetime as dt

import sqlalchemy as sa

from core.accounts.models import ApiToken, User
from core.extensions import db
from tests.conftest import PASSWORD, ApiClient, make_user


def _issue(app, username):
    resp = app.test_client().post("/api/v1/auth/tokens",
                                  json={"username": username, "password": PASSWORD})
    assert resp.status_code == 201, resp.get_json()
    return resp.get_json()


def test_issued_token_authenticates_and_only_its_hash_is_stored(app):
    make_user(app, "dispatcher", "xiaoli")
    issued = _issue(app, "xiaoli")
    assert issued["token"].startswith("jz_") and issued["user"]["username"] == "xiaoli"
    me = ApiClient(app, issued["token"]).get("/api/v1/auth/me")
    assert me.status_code == 200 and me.get_json()["role"] == "dispatcher"
    with app.app_context():
        stored = db.session.scalar(sa.select(ApiToken))
        assert issued["token"] not in stored.token_hash and len(stored.token_hash) == 64
        assert stored.last_used_at is not None


def test_revoked_token_is_refused(app):
    make_user(app, "dispatcher", "xiaoli")
    client = ApiClient(app, _issue(app, "xiaoli")["token"])
    other = ApiClient(app, _issue(app, "xiaoli")["token"])
    assert client.delete("/api/v1/auth/tokens/current").status_code == 204
    resp = client.get("/api/v1/auth/me")
    assert resp.status_code == 401 and resp.get_json()["code"] == "unauthenticated"
    assert other.get("/api/v1/auth/me").status_code == 200  # only that token was revoked


def test_revoking_someone_elses_token_needs_an_admin(app, api_as):
    make_user(app, "dispatcher", "xiaoli")
    victim = ApiClient(app, _issue(app, "xiaoli")["token"])
    with app.app_context():
        token_id = db.session.scalar(sa.select(ApiToken.id))
    assert api_as("finance").delete(f"/api/v1/auth/tokens/{token_id}").status_code == 403
    assert victim.get("/api/v1/auth/me").status_code == 200
    assert api_as("admin").delete(f"/api/v1/auth/tokens/{token_id}").status_code == 204
    assert victim.get("/api/v1/auth/me").status_code == 401


def test_expired_token_is_refused(app):
    make_user(app, "dispatcher", "xiaoli")
    client = ApiClient(app, _issue(app, "xiaoli")["token"])
    with app.app_context():
        token = db.session.scalar(sa.select(ApiToken))
        token.expires_at = dt.datetime.now(dt.timezone.utc) - dt.timedelta(seconds=1)
        db.session.commit()
    assert client.get("/api/v1/auth/me").status_code == 401


def test_tokens_expire_after_the_configured_hours(app):
    make_user(app, "dispatcher", "xiaoli")
    issued = _issue(app, "xiaoli")
    expires = dt.datetime.fromisoformat(issued["expires_at"])
    left = expires - dt.datetime.now(dt.timezone.utc)
    hours = app.config["API_TOKEN_TTL_HOURS"]
    assert dt.timedelta(hours=hours) - dt.timedelta(minutes=1) < left <= dt.timedelta(hours=hours)


def test_deactivated_users_tokens_stop_working(app, api_as):
    user_id = make_user(app, "dispatcher", "xiaoli")
    client = ApiClient(app, _issue(app, "xiaoli")["token"])
    resp = api_as("admin").patch(f"/api/v1/users/{user_id}", json={"active": False})
    assert resp.status_code == 200 and resp.get_json()["active"] is False
    assert client.get("/api/v1/auth/me").status_code == 401
    with app.app_context():  # and revoked, so reactivating does not revive them
        revoked = db.session.scalar(sa.select(ApiToken.revoked_at).where(
            ApiToken.user_id == user_id))
        assert revoked is not None
    login = app.test_client().post("/api/v1/auth/tokens",
                                   json={"username": "xiaoli", "password": PASSWORD})
    assert login.status_code == 401


def test_inactive_user_is_refused_even_with_an_unrevoked_token(app):
    make_user(app, "dispatcher", "xiaoli")
    client = ApiClient(app, _issue(app, "xiaoli")["token"])
    with app.app_context():
        db.session.scalar(sa.select(User).where(User.username == "xiaoli")).active = False
        db.session.commit()
    assert client.get("/api/v1/auth/me").status_code == 401


def test_password_is_stored_as_an_argon2id_hash(app):
    make_user(app, "dispatcher", "xiaoli")
    with app.app_context():
        stored = db.session.scalar(sa.select(User.password_hash))
    assert stored.startswith("$argon2id$") and PASSWORD not in stored
