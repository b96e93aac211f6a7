"""Logging in: throttling of failed tries (API and web form) and CSRF on the web forms."""
from __future__ import annotations

from tests.conftest import PASSWORD, csrf_from, make_user


def test_sixth_failed_api_login_is_throttled_with_retry_after(app):
    make_user(app, "dispatcher", "xiaoli")
    client = app.test_client()
    for _ in range(5):  # LOGIN_PAIR_LIMITS: 5 per 15 minutes first
        resp = client.post("/api/v1/auth/tokens", json={"username": "xiaoli", "password": "bad"})
        assert resp.status_code == 401
        assert resp.get_json()["message"]["zh"] == "用户名或密码错误。"
    resp = client.post("/api/v1/auth/tokens", json={"username": "xiaoli", "password": PASSWORD})
    assert resp.status_code == 429  # even the right password, until the window lets one in
    assert resp.get_json()["code"] == "too_many_requests"
    assert 14 * 60 < int(resp.headers["Retry-After"]) <= 15 * 60
    assert "15 分钟" in resp.get_json()["message"]["zh"]


def test_sixth_failed_web_login_is_throttled_with_retry_after(app):
    make_user(app, "dispatcher", "xiaoli")
    client = app.test_client()
    token = csrf_from(client, "/login")
    for _ in range(5):
        resp = client.post("/login", data={"username": "xiaoli", "password": "bad",
                                           "csrf_token": token})
        assert resp.status_code == 401
        assert "用户名或密码错误" in resp.get_data(as_text=True)
    resp = client.post("/login", data={"username": "xiaoli", "password": PASSWORD,
                                       "csrf_token": token})
    assert resp.status_code == 429
    assert 14 * 60 < int(resp.headers["Retry-After"]) <= 15 * 60
    assert "登录失败次数过多" in resp.get_data(as_text=True)


def test_web_login_with_the_right_password_reaches_home(app):
    make_user(app, "dispatcher", "xiaoli")
    client = app.test_client()
    resp = client.post("/login", data={"username": "xiaoli", "password": PASSWORD,
                                       "csrf_token": csrf_from(client, "/login")})
    assert resp.status_code == 302 and resp.headers["Location"] == "/"
    assert client.get("/").status_code == 200


def test_web_login_ignores_a_next_url_on_another_site(app):
    make_user(app, "dispatcher", "xiaoli")
    client = app.test_client()
    resp = client.post("/login?next=https://evil.example/", data={
        "username": "xiaoli", "password": PASSWORD, "csrf_token": csrf_from(client, "/login")})
    assert resp.headers["Location"] == "/"


def test_login_form_without_csrf_token_is_refused(app):
    make_user(app, "dispatcher", "xiaoli")
    client = app.test_client()
    client.get("/login")
    resp = client.post("/login", data={"username": "xiaoli", "password": PASSWORD})
    assert resp.status_code == 400
    assert client.get("/").status_code == 302  # not logged in


def test_logout_without_csrf_token_is_refused(web_as):
    client = web_as("dispatcher")
    assert client.post("/logout").status_code == 400
    assert client.get("/").status_code == 200  # still logged in
    resp = client.post("/logout", data={"csrf_token": csrf_from(client, "/")})
    assert resp.status_code == 302 and resp.headers["Location"] == "/login"
    assert client.get("/").status_code == 302
