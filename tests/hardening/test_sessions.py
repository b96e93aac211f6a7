"""Web sessions end on the server (issue #16, "Sessions and login"): a saved cookie stops
working after logout, a password change, a role change or deactivation; the last admin
cannot be demoted or deactivated."""
from __future__ import annotations

import threading

import pytest

from core.accounts.models import User
from core.extensions import db

from ..conftest import PASSWORD, csrf_from, make_user, token_for


def _logged_in(app, username: str):
    """A browser-like client that logged in through the form."""
    client = app.test_client()
    resp = client.post("/login", data={"username": username, "password": PASSWORD,
                                       "csrf_token": csrf_from(client, "/login")})
    assert resp.status_code == 302, resp.get_data(as_text=True)[:300]
    assert client.get("/").status_code == 200
    return client


def _saved_cookie(client) -> str:
    return client.get_cookie("session").value


def _replayed(app, cookie: str):
    """A fresh client presenting a saved session cookie."""
    other = app.test_client()
    other.set_cookie("session", cookie)
    return other


def test_a_saved_cookie_no_longer_works_after_logout(app):
    make_user(app, "dispatcher", "xiaoli")
    first = _logged_in(app, "xiaoli")
    second = _logged_in(app, "xiaoli")  # the same person at another desk
    saved = _saved_cookie(first)
    resp = first.post("/logout", data={"csrf_token": csrf_from(first, "/")})
    assert resp.status_code == 302
    assert _replayed(app, saved).get("/").status_code == 302  # back to the login page
    assert second.get("/").status_code == 302  # logout ends every session at once
    assert _logged_in(app, "xiaoli").get("/").status_code == 200  # logging in again works


@pytest.mark.parametrize("change", [{"password": "another-horse-43"}, {"role": "finance"},
                                    {"active": False}])
def test_password_role_change_and_deactivation_end_web_sessions_and_tokens(app, api_as,
                                                                        change):
    admin = api_as("admin")
    user_id = make_user(app, "dispatcher", "xiaoli")
    client = _logged_in(app, "xiaoli")
    saved = _saved_cookie(client)
    token = token_for(app, "xiaoli")
    resp = admin.patch(f"/api/v1/users/{user_id}", json=change)
    assert resp.status_code == 200, resp.get_json()
    assert client.get("/").status_code == 302
    assert _replayed(app, saved).get("/").status_code == 302
    me = app.test_client().get("/api/v1/auth/me", headers={"Authorization": f"Bearer {token}"})
    assert me.status_code == 401


def test_a_name_change_keeps_sessions(app, api_as):
    admin = api_as("admin")
    user_id = make_user(app, "dispatcher", "xiaoli")
    client = _logged_in(app, "xiaoli")
    assert admin.patch(f"/api/v1/users/{user_id}",
                       json={"display_name": "小李"}).status_code == 200
    assert client.get("/").status_code == 200


def test_the_last_admin_cannot_demote_or_deactivate_herself(app, api_as):
    admin = api_as("admin")
    me = admin.get("/api/v1/auth/me").get_json()
    for change, field in (({"role": "supervisor"}, "role"), ({"active": False}, "active")):
        resp = admin.patch(f"/api/v1/users/{me['id']}", json=change)
        assert resp.status_code == 409, resp.get_json()
        body = resp.get_json()
        assert body["code"] == "last_admin" and field in body["fields"]
        assert "管理员" in body["message"]["zh"] and "administrator" in body["message"]["en"]
    after = admin.get("/api/v1/auth/me").get_json()
    assert after["role"] == "admin" and after["active"] is True


def test_with_two_admins_one_may_go_but_not_both(app, api_as):
    admin = api_as("admin")
    other_id = make_user(app, "admin", "admin2")
    me = admin.get("/api/v1/auth/me").get_json()
    assert admin.patch(f"/api/v1/users/{other_id}", json={"role": "supervisor"}
                       ).status_code == 200
    assert admin.patch(f"/api/v1/users/{me['id']}", json={"active": False}).status_code == 409


def test_two_admins_demoting_each_other_at_once_leave_one_admin(app):
    first_id = make_user(app, "admin", "admin-a")
    second_id = make_user(app, "admin", "admin-b")
    tokens = {first_id: token_for(app, "admin-a"), second_id: token_for(app, "admin-b")}
    barrier = threading.Barrier(2, timeout=20)
    statuses = []

    def demote(actor: int, target: int):
        client = app.test_client()
        barrier.wait()
        resp = client.patch(f"/api/v1/users/{target}", json={"role": "supervisor"},
                            headers={"Authorization": f"Bearer {tokens[actor]}"})
        statuses.append(resp.status_code)

    threads = [threading.Thread(target=demote, args=(first_id, second_id)),
               threading.Thread(target=demote, args=(second_id, first_id))]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=60)
    assert 500 not in statuses and statuses.count(200) <= 1, statuses
    with app.app_context():
        admins = db.session.query(User).filter_by(role="admin", active=True).count()
    assert admins >= 1, statuses
