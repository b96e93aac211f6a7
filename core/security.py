"""Security headers and the session cookie's Secure flag, set in one place.

- ``Content-Security-Policy`` on every page: scripts only from the app itself, plus inline
  script that carries this response's nonce (``{{ csp_nonce() }}`` in a template; only
  the API docs page needs it); no plugins, no framing, forms post only to the app.
  Styles still allow inline ``style`` attributes (see docs/security.md).
- ``Cache-Control: no-store`` on every page and API response (they carry personal data:
  names, phones, addresses); static files keep their caching.
- The session cookie is ``Secure`` when ``SESSION_COOKIE_SECURE`` is true, or when it is
  unset (the default) and the request came over HTTPS; ``Strict-Transport-Security``
  is sent on HTTPS responses.
"""
from __future__ import annotations

import secrets

from flask import Flask, g, request
from flask.sessions import SecureCookieSessionInterface

CSP = ("default-src 'self'; script-src 'self' 'nonce-{nonce}'; "
       "style-src 'self' 'unsafe-inline'; img-src 'self' data:; font-src 'self' data:; "
       "connect-src 'self'; object-src 'none'; base-uri 'self'; frame-ancestors 'none'; "
       "form-action 'self'")
HSTS = "max-age=31536000; includeSubDomains"


def csp_nonce() -> str:
    """This response's script nonce (made on first use)."""
    if "csp_nonce" not in g:
        g.csp_nonce = secrets.token_urlsafe(16)
    return g.csp_nonce


class SessionInterface(SecureCookieSessionInterface):
    """Flask's signed-cookie sessions, Secure on HTTPS unless configured either way."""

    def get_cookie_secure(self, app: Flask) -> bool:
        """``SESSION_COOKIE_SECURE`` when set; else whether this request is HTTPS."""
        configured = app.config.get("SESSION_COOKIE_SECURE")
        if configured is None:
            return bool(request) and request.is_secure
        return bool(configured)


def install(app: Flask) -> None:
    """Add the headers to every response and the nonce helper to templates."""
    app.session_interface = SessionInterface()
    app.jinja_env.globals["csp_nonce"] = csp_nonce

    @app.after_request
    def _security_headers(resp):
        resp.headers.setdefault("X-Content-Type-Options", "nosniff")
        resp.headers.setdefault("X-Frame-Options", "DENY")
        resp.headers.setdefault("Referrer-Policy", "same-origin")
        if resp.mimetype == "text/html":
            resp.headers.setdefault("Content-Security-Policy", CSP.format(nonce=csp_nonce()))
        static = request.endpoint == "static" or (request.endpoint or "").endswith(".static")
        if not static and "no-store" not in resp.headers.get("Cache-Control", ""):
            resp.headers["Cache-Control"] = "no-store"
            resp.headers.pop("Expires", None)
        if request.is_secure:
            resp.headers.setdefault("Strict-Transport-Security", HSTS)
        return resp
