"""The OpenAPI document (/api/openapi.json) says what the API sends, in one place.

- **One error envelope.** :class:`ErrorSchema` is the body :func:`core.errors.error_body`
  builds for every error; it is the ``Error`` component, and flask-smorest's response
  components (``UNAUTHORIZED``, ``NOT_FOUND``, …) all refer to it. There is no catch-all
  ``default`` response: :class:`ErrorResponsesPlugin` gives every operation the error
  statuses it can answer with, worked out from what the operation is (see
  :func:`error_statuses`), so a client (or schemathesis) can hold the API to them.
- **Money as decimal strings.** Amounts are sent as strings (``"1234.50"``), never JSON
  numbers; :func:`decimal_as_string` documents every ``Decimal``, :class:`~core.money.Money`
  and :class:`~core.money.Rate` field as a string with a pattern.
"""
from __future__ import annotations

import re
import threading
from decimal import Decimal
from http import HTTPStatus

from apispec import BasePlugin
from flask import Flask
from flask_smorest import Api
from marshmallow import Schema, fields

from .access import declaration

#: a money amount or any exact decimal as sent: ``"35.00"``, ``"-12.50"``
DECIMAL_PATTERN = r"^-?[0-9]+(\.[0-9]+)?$"
MONEY_PATTERN = r"^[0-9]+(\.[0-9]{1,2})?$"

#: path arguments whose record the customer gate (core/customers/guard.py) checks
GUARDED_ARGS = {"customer_id", "order_id", "visit_id"}
#: statuses beyond the ones an operation's shape implies, by endpoint
EXTRA = {"accounts_api.issue_token": {401, 429}}  # wrong password; throttled
WRITES = {"post", "put", "patch", "delete"}


class TextSchema(Schema):
    """A message in both languages."""

    zh = fields.String(required=True, metadata={"example": "部分字段填写有误。"})
    en = fields.String(required=True, metadata={"example": "Some fields are invalid."})


class NextStepSchema(Schema):
    """What to do next when a refusal's cause is a missing step."""

    code = fields.String(required=True, metadata={
        "description": "The step: ``sign_contract``, ``assign_worker``, ``draft_contract``, "
                       "``interview``, ``agree_price``, ``fill_intake``, ``settle_approval``, "
                       "``set_period``",
        "example": "sign_contract"})
    message = fields.Nested(TextSchema, required=True)
    href = fields.String(required=True, metadata={
        "description": "The page (and section) where it is done.",
        "example": "/orders/12#contracts"})
    api = fields.String(metadata={"description": "The API path that does it, when there is "
                                                 "one.", "example": "/api/v1/orders/12/contracts"})


class ErrorSchema(Schema):
    """The one error envelope every API error is answered with (see core/errors.py)."""

    status = fields.Integer(required=True, metadata={
        "description": "The HTTP status, repeated.", "example": 422})
    code = fields.String(required=True, metadata={
        "description": "A stable machine-readable reason: ``validation_failed``, "
                       "``not_found``, ``conflict``, ``forbidden``, ``grant_required``, …",
        "example": "validation_failed"})
    message = fields.Nested(TextSchema, required=True, metadata={
        "description": "What went wrong, in Chinese and English."})
    fields_ = fields.Dict(
        data_key="fields", keys=fields.String(),
        values=fields.List(fields.Nested(TextSchema)),
        metadata={"description": "Present only when particular fields are at fault: each "
                                 "field (nested ones named with dots, ``addresses.0.district``;"
                                 " ``_schema`` for the whole body) with its messages."})
    next_step = fields.Nested(NextStepSchema, metadata={
        "description": "Present when the cause is a missing step (409): what to do next "
                       "(e.g. sign the contract first) and where."})


class JiazhengApi(Api):
    """flask-smorest's Api documenting our envelope instead of its own, with no ``default``
    response (each operation lists its statuses).

    The blueprints' operations are written into the OpenAPI document when the document is
    first read (``/api/openapi.json``, Swagger UI, ``flask openapi print``, a test), not at
    start-up: flask-smorest's ``register_blueprint`` documents every view at once, which
    cost ≈ 0.8 s of the ≈ 1.4 s an app took to build — paid by every test and every
    worker process, for a document most processes never serve. The routes themselves are
    registered at once, as before; the document read is the same either way.
    """

    ERROR_SCHEMA = ErrorSchema
    DEFAULT_ERROR_RESPONSE_NAME = None

    def __init__(self, *args, **kwargs):
        self._undocumented: list[tuple] = []  # (blueprint, name, parameters), in order
        self._doc_lock = threading.Lock()
        self._documenting = False
        super().__init__(*args, **kwargs)

    @property
    def spec(self):
        """The APISpec, with every registered blueprint's operations written into it."""
        spec = self.__dict__.get("_spec")
        if spec is None or not self._undocumented or self._documenting:
            return spec  # (documenting reads the spec itself: it is not finished yet)
        with self._doc_lock:  # another thread waits here until the document is whole
            self._documenting = True
            try:
                while self._undocumented:  # the document's order is registration's
                    blp, name, parameters = self._undocumented.pop(0)
                    blp.register_views_in_doc(self, self._app, spec, name=name,
                                              parameters=parameters)
                    spec.tag({"name": name, "description": blp.description})
            finally:
                self._documenting = False
        return spec

    @spec.setter
    def spec(self, value):
        self.__dict__["_spec"] = value

    def register_blueprint(self, blp, *, parameters=None, **options):
        """Register the blueprint's routes now; document its views when the document is
        read (see the class)."""
        name = options.get("name", blp.name)
        self._app.extensions["flask-smorest"]["blp_name_to_api"][name] = self
        self._app.register_blueprint(blp, **options)
        self._undocumented.append((blp, name, parameters))


def error_statuses(app: Flask, rule, method: str, operation: dict) -> set[int]:
    """The error statuses one operation can answer with.

    - 401 and 403 unless public (403: a role outside the declared ones, the customer
      gate on routes naming a customer, an order or a visit, or a rule of the record);
    - 404 when the path names a record, and on every change (its body names records);
    - 400 (malformed JSON) and 413 (body too large) when a body is sent;
    - 422 when the request carries arguments, and on every change (business rules name
      the field at fault); 409 on every change (the record's state or version forbids it);
    - 401 (wrong password) and 429 (throttled) on the login (:data:`EXTRA`).

    A view documents a status beyond these next to its code, with flask-smorest's
    ``@blp.alt_response(409, response="CONFLICT")`` (the same envelope).
    """
    statuses: set[int] = set()
    rule_ = declaration(rule.endpoint, method.upper(), app)
    if rule_ != "public":
        statuses |= {401, 403}
    if rule.arguments or (method in WRITES and rule_ != "public"):
        statuses.add(404)  # the record the path (or a change's body) names
    if "requestBody" in operation:
        statuses |= {400, 413, 422}
    if any(p.get("in") in ("query", "path") for p in operation.get("parameters", [])
           if isinstance(p, dict)):
        statuses.add(422)
    if method in WRITES and rule_ != "public":
        statuses |= {409, 422}
    statuses |= EXTRA.get(rule.endpoint, set())
    return statuses


class ErrorResponsesPlugin(BasePlugin):
    """Give every operation a reference to the error response for each status it can
    answer with (the components all carry :class:`ErrorSchema`)."""

    def __init__(self, app: Flask):
        self.app = app

    def operation_helper(self, path=None, operations=None, **kwargs):
        rule = kwargs.get("rule")
        if rule is None or operations is None:
            return
        for method, operation in operations.items():
            if method not in ("get", "post", "put", "patch", "delete"):
                continue
            if declaration(rule.endpoint, method.upper(), self.app) == "public":
                operation["security"] = []  # no token needed
            responses = operation.setdefault("responses", {})
            for status in sorted(error_statuses(self.app, rule, method, operation)):
                responses.setdefault(str(status), HTTPStatus(status).name)


_ARG = re.compile(r"<(?:[^:<>]+:)?([^<>]+)>")


def flask_rule(app: Flask, path: str, method: str):
    """The Flask rule behind an OpenAPI path (``/api/v1/orders/{order_id}``) and method."""
    for rule in app.url_map.iter_rules():
        if _ARG.sub(r"{\1}", rule.rule) == path and method.upper() in (rule.methods or ()):
            return rule
    raise LookupError(f"no route for {method.upper()} {path}")


def decimal_as_string(self, field, ret, **kwargs) -> dict:
    """apispec attribute function: Decimal, Money and Rate fields are sent as strings."""
    from .money import Money, Rate

    if isinstance(field, Money):
        pattern, example = MONEY_PATTERN, "35.00"
    elif isinstance(field, fields.Decimal):
        places = getattr(field, "places", None)  # marshmallow keeps it as Decimal("0.01")
        exponent = -places.as_tuple().exponent if isinstance(places, Decimal) else places
        digits = f"{{1,{exponent}}}" if isinstance(exponent, int) and exponent > 0 else "+"
        pattern, example = rf"^-?[0-9]+(\.[0-9]{digits})?$", "35.00"
    elif isinstance(field, Rate):
        pattern, example = r"^[0-9]+(\.[0-9]+)?$", "0.95"
    else:
        return {}
    for key in ("format", "minimum", "maximum", "exclusiveMinimum", "exclusiveMaximum"):
        ret.pop(key, None)
    out = {"type": "string", "pattern": pattern}
    if "example" not in ret:
        out["example"] = example
    return out


def make_api(app: Flask) -> Api:
    """The Api of the app, documenting the envelope, the error statuses and money."""
    api = JiazhengApi(app, spec_kwargs={
        "info": {"description": "Jiazheng dispatch desk API. Authenticate with a Bearer token "
                               "from POST /api/v1/auth/tokens. Every error is answered with "
                               "the Error envelope; amounts are decimal strings (\"35.00\")."},
        # every call sends the token (Swagger UI's Authorize too)
        "security": [{"bearerAuth": []}],
        "extra_plugins": [ErrorResponsesPlugin(app)],
    })
    api.spec.components.security_scheme("bearerAuth", {"type": "http", "scheme": "bearer"})
    api.ma_plugin.converter.add_attribute_function(decimal_as_string)
    return api


__all__ = ["ErrorSchema", "JiazhengApi", "make_api", "error_statuses"]
