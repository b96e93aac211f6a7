"""Who may call what: every endpoint declares its roles, enforced in one place.

Decorate a view function (or a flask-smorest MethodView method) with
``@roles("dispatcher", "supervisor")`` or ``@public``. A before-request hook looks
the declaration up for the matched endpoint and method; an endpoint that declares
nothing is refused (deny by default), so forgetting a declaration cannot open a hole.
Admins may call every non-public endpoint.

API paths (``/api/…``) authenticate only by ``Authorization: Bearer <token>``; web pages
only by the login session (whose forms carry CSRF tokens). A browser's session cookie
therefore never authorises an API call, so the API needs no CSRF token.

The hook itself (:func:`core.gate.enforce`) lives in :mod:`core.gate`: it resolves API
tokens through :mod:`core.accounts`, whose models import the roles from here.
"""
from __future__ import annotations

from collections.abc import Callable

from flask import Flask, current_app, g

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


def has_role(*names: str) -> bool:
    """Whether the current principal has one of these roles (admin counts for all)."""
    user = current_principal()
    return bool(user) and (user.role == "admin" or user.role in names)
