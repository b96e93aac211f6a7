"""The before-request gate: authenticate the caller and check the endpoint's declared
roles (see :mod:`core.access` for the rules and the declarations).

Apart from :mod:`core.access` because it resolves API tokens through
:mod:`core.accounts.service`, and the accounts import their roles from :mod:`core.access`.
"""
from __future__ import annotations

import datetime as dt

from flask import current_app, g, request
from flask_login import current_user

from .access import declaration
from .errors import Forbidden, Unauthenticated
from .messages import Msg
from .readcache import remember_bearer

#: a token's last use is written at most this often (not on every request)
LAST_USED_RESOLUTION = dt.timedelta(minutes=1)


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
    if token.last_used_at is None or now - token.last_used_at > LAST_USED_RESOLUTION:
        note_token_use(token, now)  # kept even when the request itself only reads
    g.api_token = token
    remember_bearer(header[7:].strip(), token, token.user,
                    token.last_used_at + LAST_USED_RESOLUTION)
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
