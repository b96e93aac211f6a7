"""The API description: /api/openapi.json and the interactive docs page, both public and
working offline (Swagger UI is served from core/static/swagger-ui/, no CDN)."""
from __future__ import annotations

import re

_ARG = re.compile(r"<(?:[^:<>]+:)?([^<>]+)>")
SWAGGER_FILES = ("swagger-ui-bundle.js", "swagger-ui-standalone-preset.js", "swagger-ui.css")


def test_docs_page_is_public_and_uses_only_the_vendored_swagger_ui(anon):
    resp = anon.client.get("/api/docs")
    assert resp.status_code == 200 and resp.mimetype == "text/html"
    html = resp.get_data(as_text=True)
    assets = re.findall(r'(?:src|href)="([^"]+)"', html)
    assert sorted(assets) == sorted(f"/static/swagger-ui/{name}" for name in SWAGGER_FILES)
    assert "/api/openapi.json" in html
    for asset in assets:
        served = anon.client.get(asset)
        assert served.status_code == 200 and len(served.data) > 1000, asset
        served.close()


def test_swagger_ui_licence_ships_with_it(anon):
    resp = anon.client.get("/static/swagger-ui/LICENSE")
    assert resp.status_code == 200 and b"Apache License" in resp.data
    resp.close()


def test_openapi_is_public_and_describes_every_api_route_with_its_responses(app, anon):
    resp = anon.client.get("/api/openapi.json")
    assert resp.status_code == 200
    spec = resp.get_json()
    assert spec["openapi"].startswith("3.") and spec["info"]["title"] == "Jiazheng API"
    assert spec["components"]["securitySchemes"]["bearerAuth"]["scheme"] == "bearer"
    assert spec["security"] == [{"bearerAuth": []}]  # so "Authorize" in /api/docs applies
    missing, schemaless = [], []
    for rule in app.url_map.iter_rules():
        if not rule.rule.startswith("/api/v1"):
            continue
        path = _ARG.sub(r"{\1}", rule.rule)
        for method in rule.methods - {"HEAD", "OPTIONS"}:
            operation = spec["paths"].get(path, {}).get(method.lower())
            if operation is None:
                missing.append((method, path))
                continue
            ok = {code: r for code, r in operation["responses"].items()
                  if code.startswith("2")}
            if len(ok) != 1:
                schemaless.append((method, path, "one success response", sorted(ok)))
                continue
            code, response = next(iter(ok.items()))
            if code != "204" and "schema" not in response.get("content", {}).get(
                    "application/json", {}):
                schemaless.append((method, path, code))
    assert missing == [], "routes absent from /api/openapi.json"
    assert schemaless == [], "operations without a success response schema"
