"""Security headers (issue #16): a Content-Security-Policy with nonces instead of inline
script, no-store on pages and API responses, the session cookie Secure on HTTPS (or as
configured) and HSTS on HTTPS."""
from __future__ import annotations

import re

from ..conftest import PASSWORD, make_test_app, make_user


def _script_src(resp) -> str:
    csp = resp.headers["Content-Security-Policy"]
    return next(p for p in csp.split(";") if p.strip().startswith("script-src"))


def test_pages_carry_a_csp_without_inline_script_and_are_not_stored(web_as):
    desk = web_as("dispatcher")
    resp = desk.get("/customers/")
    assert resp.status_code == 200
    script = _script_src(resp)
    assert "'self'" in script and "'nonce-" in script and "unsafe-inline" not in script
    assert "frame-ancestors 'none'" in resp.headers["Content-Security-Policy"]
    assert resp.headers["Cache-Control"] == "no-store"
    html = resp.get_data(as_text=True)
    assert not re.search(r"<script(?![^>]*\bsrc=)(?![^>]*\bnonce=)", html)
    assert not re.search(r"\son[a-z]+=\"", html)


def test_each_response_gets_its_own_nonce_and_the_docs_page_script_carries_it(client):
    first, second = client.get("/api/docs"), client.get("/api/docs")
    assert first.status_code == 200
    nonce = re.search(r"'nonce-([^']+)'", _script_src(first)).group(1)
    assert nonce != re.search(r"'nonce-([^']+)'", _script_src(second)).group(1)
    assert f'<script nonce="{nonce}">' in first.get_data(as_text=True)


def test_api_responses_are_not_stored_but_static_files_may_be(api_as, client):
    assert api_as("dispatcher").get("/api/v1/customers").headers["Cache-Control"] == "no-store"
    assert client.get("/api/v1/health").headers["Cache-Control"] == "no-store"
    assert client.get("/static/app.css").headers.get("Cache-Control") != "no-store"


def _login(client, base_url: str):
    html = client.get("/login", base_url=base_url).get_data(as_text=True)
    token = re.search(r'name="csrf_token" value="([^"]+)"', html).group(1)
    return client.post("/login", base_url=base_url, headers={"Referer": f"{base_url}/login"},
                       data={"username": "xiaoli", "password": PASSWORD, "csrf_token": token})


def test_over_https_the_session_cookie_is_secure_and_hsts_is_sent(app):
    make_user(app, "dispatcher", "xiaoli")
    resp = _login(app.test_client(), "https://desk.example")
    assert resp.status_code == 302
    assert "Secure" in resp.headers["Set-Cookie"]
    assert resp.headers["Strict-Transport-Security"].startswith("max-age=")


def test_over_plain_http_no_hsts_and_the_cookie_follows_the_setting(app, tmp_path,
                                                                    database_url):
    make_user(app, "dispatcher", "xiaoli")
    resp = _login(app.test_client(), "http://localhost")
    assert resp.status_code == 302
    assert "Secure" not in resp.headers["Set-Cookie"]
    assert "Strict-Transport-Security" not in resp.headers
    forced = make_test_app(tmp_path / "forced", database_url, SESSION_COOKIE_SECURE=True)
    if database_url is None:  # a fresh SQLite file; PostgreSQL runs share the database
        make_user(forced, "dispatcher", "xiaoli")
    resp = _login(forced.test_client(), "http://localhost")
    assert resp.status_code == 302 and "Secure" in resp.headers["Set-Cookie"]
