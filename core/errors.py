"""One error envelope for the whole API, built in one place.

Every API error, whatever raised it, is answered as::

    {"status": 422, "code": "validation_failed",
     "message": {"zh": "...", "en": "..."},
     "fields": {"mobile": [{"zh": "...", "en": "..."}]}}

``fields`` is present only when particular fields are at fault; nested fields are
named with dots (``addresses.0.district``). Web pages get an HTML page instead.
"""
from __future__ import annotations

import logging

from flask import Flask, jsonify, redirect, render_template, request, url_for
from marshmallow import ValidationError
from werkzeug.exceptions import HTTPException

from .messages import Msg, bilingual

log = logging.getLogger(__name__)

_DEFAULTS = {
    400: ("bad_request", Msg("The request is malformed.", "请求格式有误。")),
    401: ("unauthenticated", Msg("Please log in first.", "请先登录。")),
    403: ("forbidden", Msg("Your role may not do this.", "您的角色无权执行此操作。")),
    404: ("not_found", Msg("Not found.", "找不到该资源。")),
    405: ("method_not_allowed", Msg("Method not allowed.", "不支持该请求方法。")),
    409: ("conflict", Msg("This conflicts with the current state.", "与当前状态冲突。")),
    413: ("too_large", Msg("The upload is too large.", "上传内容过大。")),
    415: ("unsupported_media_type", Msg("Send JSON.", "请以 JSON 格式提交。")),
    422: ("validation_failed", Msg("Some fields are invalid.", "部分字段填写有误。")),
    429: ("too_many_requests", Msg("Too many attempts; wait and try again.",
                                   "尝试次数过多，请稍后再试。")),
    500: ("internal_error", Msg("Something went wrong on our side.", "系统内部错误，请稍后再试。")),
}


class NextStep:
    """What to do next when a refusal's cause is a missing step ("sign the contract
    first"): a ``code``, the words (``Msg``), and where it is done — a page
    (``endpoint`` + ``values`` + ``anchor``, resolved to ``href`` in the request) and,
    when there is one, the API path (``api``)."""

    def __init__(self, code: str, message: Msg, endpoint: str, *, anchor: str = "",
                 api: str | None = None, **values):
        self.code, self.message, self.endpoint = code, message, endpoint
        self.anchor, self.api, self.values = anchor, api, values

    def href(self) -> str:
        """The page where the step is done (with its section's anchor)."""
        return url_for(self.endpoint, **self.values) + (f"#{self.anchor}" if self.anchor else "")

    def as_dict(self) -> dict:
        """As the error envelope carries it."""
        out = {"code": self.code, "message": bilingual(self.message), "href": self.href()}
        if self.api:
            out["api"] = self.api
        return out


class DomainError(Exception):
    """A refusal from a business rule, carried to the client as an error envelope.

    ``next_step`` (a :class:`NextStep`) says what to do when the cause is a missing step;
    the envelope carries it as ``next_step`` and pages show it as a link."""

    status = 400
    code = "bad_request"

    def __init__(self, message: Msg | str | None = None, *, fields: dict | None = None,
                 code: str | None = None, status: int | None = None,
                 next_step: NextStep | None = None):
        self.status = status or self.status
        self.code = code or self.code
        self.message = message or _DEFAULTS.get(self.status, _DEFAULTS[400])[1]
        self.fields = fields
        self.next_step = next_step
        super().__init__(str(self.message))


class NotFound(DomainError):
    status, code = 404, "not_found"


class Conflict(DomainError):
    """The request is well-formed but the current state forbids it (409)."""

    status, code = 409, "conflict"


class Forbidden(DomainError):
    status, code = 403, "forbidden"


class Unauthenticated(DomainError):
    status, code = 401, "unauthenticated"


class Invalid(DomainError):
    """Field-level validation failure outside a schema (422)."""

    status, code = 422, "validation_failed"


class TooManyRequests(DomainError):
    status, code = 429, "too_many_requests"

    def __init__(self, message=None, *, retry_after: int = 60, **kw):
        super().__init__(message, **kw)
        self.retry_after = retry_after


def flatten_fields(messages, prefix: str = "") -> dict[str, list[dict]]:
    """Flatten marshmallow's nested messages into ``{"a.b": [{"zh","en"}]}``."""
    out: dict[str, list[dict]] = {}
    if isinstance(messages, dict):
        for key, value in messages.items():
            if key in ("json", "form", "query", "files", "headers", "path_args") and not prefix:
                path = ""
            else:
                path = f"{prefix}.{key}" if prefix else str(key)
            for k, v in flatten_fields(value, path).items():
                out.setdefault(k, []).extend(v)
    elif isinstance(messages, (list, tuple)):
        flat = [m for m in messages if isinstance(m, str)]
        if flat:
            out.setdefault(prefix or "_schema", []).extend(bilingual(m) for m in flat)
        for m in messages:
            if not isinstance(m, str):
                for k, v in flatten_fields(m, prefix).items():
                    out.setdefault(k, []).extend(v)
    elif isinstance(messages, str):
        out.setdefault(prefix or "_schema", []).append(bilingual(messages))
    return out


def error_body(status: int, message=None, *, code: str | None = None, fields=None,
               next_step: NextStep | None = None) -> dict:
    """Build the one error envelope. The only place that shapes an error."""
    default_code, default_message = _DEFAULTS.get(status, _DEFAULTS[500 if status >= 500 else 400])
    body = {
        "status": status,
        "code": code or default_code,
        "message": bilingual(message or default_message),
    }
    if fields:
        body["fields"] = fields if _is_flat(fields) else flatten_fields(fields)
    if next_step is not None:
        body["next_step"] = next_step.as_dict()
    return body


def _is_flat(fields) -> bool:
    return isinstance(fields, dict) and all(
        isinstance(v, list) and all(isinstance(i, dict) and "en" in i for i in v)
        for v in fields.values()
    )


def wants_json() -> bool:
    """API paths answer in JSON; people's pages in HTML."""
    return request.path.startswith("/api/")


def _respond(status: int, body: dict, headers: dict | None = None):
    if wants_json():
        resp = jsonify(body)
        resp.status_code = status
    else:
        if status == 401:
            return redirect(url_for("accounts.login", next=request.full_path))
        resp = render_template("errors/error.html", error=body), status
        return resp
    for k, v in (headers or {}).items():
        resp.headers[k] = v
    return resp


def register_error_handlers(app: Flask) -> None:
    """Route every error, expected or not, through :func:`error_body`."""

    @app.errorhandler(DomainError)
    def _domain(err: DomainError):
        headers = {}
        if isinstance(err, TooManyRequests):
            headers["Retry-After"] = str(err.retry_after)
        return _respond(err.status, error_body(err.status, err.message, code=err.code,
                                               fields=err.fields, next_step=err.next_step),
                        headers)

    @app.errorhandler(ValidationError)
    def _validation(err: ValidationError):
        return _respond(422, error_body(422, fields=err.messages))

    @app.errorhandler(HTTPException)
    def _http(err: HTTPException):
        status = err.code or 500
        data = getattr(err, "data", None) or {}
        fields = data.get("messages")
        if status == 422 and fields:
            return _respond(422, error_body(422, fields=fields))
        if status == 400 and fields:
            return _respond(400, error_body(400, fields=fields))
        message = None
        if status not in _DEFAULTS:
            message = Msg(err.description or err.name, err.description or err.name)
        return _respond(status, error_body(status, message))

    @app.errorhandler(Exception)
    def _unexpected(err: Exception):
        log.exception("unhandled error on %s %s", request.method, request.endpoint)
        from .extensions import db

        try:
            db.session.rollback()
        except Exception:  # pragma: no cover - rollback of a broken connection
            log.warning("rollback after error failed")
        return _respond(500, error_body(500))
