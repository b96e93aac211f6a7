"""Who may call what: every endpoint declares its roles, enforced in one place.

Decorate a view function (or a flask-smorest MethodView method) with
``@roles("dispatcher", "supervisor")`` or ``@public``. A before-request hook looks
the declaration up for the matched endpoint and method; an endpoint that declares
nothing is refused (deny by default), so forgetting a declaration cannot open a hole.
Admins may call every non-public endpoint.

API paths (``/api/…``) authenticate only by ``Authorization: Bearer <token>``; web pages
only by the login session (whose forms carry CSRF tokens). A browser's session cookie
therefore never authorises an API call, so the API needs no CSRF token.
"""
from __future__ import annotations

import datetime as dt
from collections.abc import Callable

from flask import Flask, current_app, g, request
from flask_login import current_user

from .errors import Forbidden, Unauthenticated
from .messages import Msg

ROLES = ("admin", "supervisor", "dispatcher", "trainer", "finance", "quality")
ANY_STAFF = ROLES

#: endpoints served without login by their nature (assets, the API description)
PUBLIC_ENDPOINTS = {"static", "api-docs.openapi_json", "api-docs.openapi_swagger_ui"}


def roles(*names: str) -> Callable:
    """Declare which roles may call the decorated view (admin always may)."""
    unknown = set(names) - set(ROLES)
    if unknown:
        raise ValueError(f"unknown roles: {sorted(unknown)}")

    def mark(func):
        func._jz_roles = frozenset(names) | {"admin"}
        return func

    return mark


def public(func: Callable) -> Callable:
    """Declare a view reachable without login (login form, health check)."""
    func._jz_public = True
    return func


def declaration(endpoint: str, method: str, app: Flask | None = None):
    """What the endpoint declares for this method: "public", a frozenset of roles, or None."""
    app = app or current_app
    if endpoint in PUBLIC_ENDPOINTS or endpoint.endswith(".static"):
        return "public"
    view = app.view_functions.get(endpoint)
    if view is None:
        return None
    target = view
    view_class = getattr(view, "view_class", None)
    if view_class is not None:
        name = method.lower()
        if name == "head":
            name = "get"
        target = getattr(view_class, name, None)
        if target is None:
            return None
    if getattr(target, "_jz_public", False) or getattr(view, "_jz_public", False):
        return "public"
    return getattr(target, "_jz_roles", None) or getattr(view, "_jz_roles", None)


def current_principal():
    """The staff user making this request (set by :func:`enforce`), or None."""
    return g.get("principal")


#: a token's last use is written at most this often (not on every request)
_LAST_USED_RESOLUTION = dt.timedelta(minutes=1)


def _bearer_user():
    from .accounts.service import note_token_use, resolve_token
    from .timeutil import utcnow

    header = request.headers.get("Authorization", "")
    if not header.lower().startswith("bearer "):
        return None
    token = resolve_token(header[7:].strip())
    if token is None:
        return None
    now = utcnow()
    if token.last_used_at is None or now - token.last_used_at > _LAST_USED_RESOLUTION:
        note_token_use(token, now)  # kept even when the request itself only reads
    g.api_token = token
    return token.user


def enforce() -> None:
    """Before each request: authenticate and check the endpoint's declared roles."""
    if request.endpoint is None or request.method == "OPTIONS":
        return  # 404/405 handled by routing
    rule = declaration(request.endpoint, request.method)
    is_api = request.path.startswith("/api/")
    user = _bearer_user() if is_api else (current_user if current_user.is_authenticated else None)
    g.principal = user
    if rule == "public":
        return
    if user is None:
        raise Unauthenticated()
    if rule is None:
        current_app.logger.error("endpoint %s declares no roles; refused", request.endpoint)
        raise Forbidden(Msg("This endpoint declares no roles and is closed.",
                            "该接口未声明可访问角色，已关闭。"))
    if user.role not in rule:
        raise Forbidden()


def has_role(*names: str) -> bool:
    """Whether the current principal has one of these roles (admin counts for all)."""
    user = current_principal()
    return bool(user) and (user.role == "admin" or user.role in names)
