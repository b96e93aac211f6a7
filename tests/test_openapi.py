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


def login_op_security_is_public(spec) -> bool:
    return spec["paths"]["/api/v1/auth/tokens"]["post"]["security"] == []


def _resolve(spec, node):
    while isinstance(node, dict) and "$ref" in node:
        kind, name = node["$ref"].split("/")[-2:]
        node = spec["components"][kind][name]
    return node


def test_every_error_status_of_every_operation_is_the_one_envelope(anon):
    """No catch-all ``default``: each operation lists its error statuses, and each of
    them is the Error component, which is the body core/errors.py sends."""
    import jsonschema_rs  # comes with schemathesis (the test extra)

    spec = anon.get("/api/openapi.json").get_json()
    error = spec["components"]["schemas"]["Error"]
    assert set(error["properties"]) == {"status", "code", "message", "fields", "next_step"}
    assert sorted(error["required"]) == ["code", "message", "status"]
    assert error["additionalProperties"] is False
    wrong, operations = [], 0
    for path, item in spec["paths"].items():
        for method, operation in item.items():
            if method not in ("get", "post", "put", "patch", "delete"):
                continue
            operations += 1
            responses = operation["responses"]
            if "default" in responses:
                wrong.append((method, path, "default"))
            errors = {code for code in responses if code[0] in "45"}
            public = operation.get("security") == []
            if public and "403" in errors or not public and not {"401", "403"} <= errors:
                wrong.append((method, path, "public" if public else "no 401/403"))
            if "{" in path and "404" not in errors:
                wrong.append((method, path, "no 404"))
            if "requestBody" in operation and not {"400", "413", "422"} <= errors:
                wrong.append((method, path, "body without 400/413/422"))
            for code in errors:
                schema = _resolve(spec, responses[code])["content"]["application/json"][
                    "schema"]
                if schema != {"$ref": "#/components/schemas/Error"}:
                    wrong.append((method, path, code, schema))
    assert operations > 200 and wrong == []
    login = spec["paths"]["/api/v1/auth/tokens"]["post"]["responses"]
    assert {"401", "429"} <= set(login) and login_op_security_is_public(spec)  # wrong
    # password, throttled

    # what the API actually sends validates against the documented envelope
    schema = {"$ref": "#/components/schemas/Error", "components": spec["components"]}
    validator = jsonschema_rs.Draft4Validator(schema)
    sent = [anon.get("/api/v1/auth/me"),
            anon.client.post("/api/v1/auth/tokens", data="{", content_type="application/json"),
            anon.client.post("/api/v1/auth/tokens", json={"username": 1})]
    assert [r.status_code for r in sent] == [401, 400, 422]
    for resp in sent:
        validator.validate(resp.get_json())


def test_money_is_documented_as_the_decimal_string_it_is_sent_as(api_as, anon):
    import re

    spec = anon.get("/api/openapi.json").get_json()
    schemas = spec["components"]["schemas"]
    for schema, field in (("Order", "agreed_price"), ("Order", "quote_total"),
                          ("Payment", "amount"), ("PaymentCreate", "amount"),
                          ("Contract", "service_fee")):
        prop = schemas[schema]["properties"][field]
        assert prop["type"] == "string" and prop["pattern"], (schema, field, prop)
        assert "minimum" not in prop and "format" not in prop
    money = {"amount", "agreed_price", "quote_total", "price", "per_session", "service_fee",
             "worker_salary", "deposit", "final_payment", "compensation_limit"}
    numbers = [(name, field) for name, schema in schemas.items()
               for field, prop in schema.get("properties", {}).items()
               if field in money and prop.get("type") != "string"]
    assert numbers == [], "money documented as something other than a decimal string"
    pattern = re.compile(schemas["Order"]["properties"]["agreed_price"]["pattern"])
    for sent in ("35.00", "1234.50", "0.00"):
        assert pattern.match(sent)
    for wrong in ("35.0.0", "¥35", "3e5", ""):
        assert not pattern.match(wrong)
