"""Every route, walked without login: the API answers 401 in the error envelope, pages send
the person to /login — unless the endpoint is declared public, and only the expected few are.

Walks ``app.url_map`` as it is, so routes added later by any area or plugin are covered.
"""
from __future__ import annotations

import re
import uuid
from urllib.parse import urlsplit

from core.access import declaration
from tests.conftest import csrf_from

#: Endpoints anyone may call: assets, the API description and its docs page, the login
#: form, the health check, the language switch and the API login (token issue).
#: (Blueprints' own ``<name>.static`` asset endpoints count as ``static``.)
EXPECTED_PUBLIC = {
    "static",
    "api-docs.openapi_json",
    "api-docs.openapi_swagger_ui",
    "accounts.login",
    "system.health",
    "web.switch_language",
    "accounts_api.issue_token",
    "followups.ical_feed",  # a private calendar feed: the secret token in its URL
    # the customer's satisfaction survey: the single-use secret token in its URL
    "surveys.answer_page",
    "surveys_api.public_survey",
    "surveys_api.public_answer",
    # the load balancer's probes; /metrics answers 404 unless the scraper's token or a
    # local address (core/ops/metrics.py)
    "ops.healthz",
    "ops.readyz",
    "ops.metrics",
}

_ARG = re.compile(r"<(?:(\w+)(?:\([^)]*\))?:)?(\w+)>")
_SAMPLES = {"int": "1", "float": "1.0", "uuid": str(uuid.UUID(int=1))}


def routes(app):
    """(rule, method) for every rule and method a client can call (not HEAD/OPTIONS)."""
    for rule in sorted(app.url_map.iter_rules(), key=lambda r: (r.rule, r.endpoint)):
        for method in sorted(rule.methods - {"HEAD", "OPTIONS"}):
            yield rule, method


def sample_path(rule) -> str:
    """The rule's path with every argument filled (1, or what its converter accepts)."""
    return _ARG.sub(lambda m: _SAMPLES.get(m.group(1) or "default", "1"), rule.rule)


def _asset(endpoint: str) -> bool:
    return endpoint == "static" or endpoint.endswith(".static")


def test_every_endpoint_declares_roles_or_public(app):
    undeclared = [(rule.rule, method, rule.endpoint) for rule, method in routes(app)
                  if declaration(rule.endpoint, method, app) is None]
    assert undeclared == [], "declare @roles(...) or @public on these"


def test_public_endpoints_are_exactly_the_expected_ones(app):
    public = {("static" if _asset(rule.endpoint) else rule.endpoint)
              for rule, method in routes(app)
              if declaration(rule.endpoint, method, app) == "public"}
    assert public == EXPECTED_PUBLIC


def test_without_login_api_answers_401_and_pages_redirect_to_login(app):
    client = app.test_client()
    token = csrf_from(client, "/login")  # so a page POST fails on login, not on CSRF
    wrong = []
    walked = 0
    for rule, method in routes(app):
        if declaration(rule.endpoint, method, app) == "public":
            continue
        walked += 1
        path = sample_path(rule)
        if path.startswith("/api/"):
            resp = client.open(path, method=method,
                               json=None if method in ("GET", "DELETE") else {})
            body = resp.get_json(silent=True) or {}
            if resp.status_code != 401 or body.get("code") != "unauthenticated" or set(
                    body.get("message", {})) != {"zh", "en"}:
                wrong.append((method, path, resp.status_code, body))
        else:
            data = None if method == "GET" else {"csrf_token": token}
            resp = client.open(path, method=method, data=data)
            location = urlsplit(resp.headers.get("Location", ""))
            if resp.status_code != 302 or location.path != "/login":
                wrong.append((method, path, resp.status_code, resp.headers.get("Location")))
    assert wrong == []
    assert walked >= 10  # the walk really covered the app
