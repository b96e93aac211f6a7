"""One error envelope for the whole API: {status, code, message: {zh, en}, [fields]}."""
from __future__ import annotations

from core.access import public
from tests.conftest import make_test_app


def assert_envelope(resp, status: int, code: str, *, fields: bool = False) -> dict:
    """The response is the error envelope with this status and code (and fields or not)."""
    assert resp.status_code == status, resp.get_data(as_text=True)
    assert resp.mimetype == "application/json"
    body = resp.get_json()
    assert set(body) == ({"status", "code", "message", "fields"} if fields
                         else {"status", "code", "message"}), body
    assert body["status"] == status and body["code"] == code
    assert set(body["message"]) == {"zh", "en"}
    assert body["message"]["zh"] and body["message"]["en"]
    if fields:
        for name, msgs in body["fields"].items():
            assert name and msgs, body
            for m in msgs:
                assert set(m) == {"zh", "en"} and m["zh"] and m["en"], body
    return body


def test_every_api_error_has_the_one_envelope(tmp_path, database_url, api_as, anon):
    admin = api_as("admin")
    dispatcher = api_as("dispatcher")

    # 400: a body that is not JSON at all
    resp = anon.client.post("/api/v1/auth/tokens", data="{not json",
                            content_type="application/json")
    assert_envelope(resp, 400, "bad_request", fields=True)

    # 401: no token, and a token nobody issued
    assert_envelope(anon.get("/api/v1/auth/me"), 401, "unauthenticated")
    resp = anon.get("/api/v1/auth/me", headers={"Authorization": "Bearer jz_forged"})
    assert_envelope(resp, 401, "unauthenticated")

    # 403: a dispatcher may not list staff accounts
    assert_envelope(dispatcher.get("/api/v1/users"), 403, "forbidden")

    # 404: an unknown record, and an unknown API path
    assert_envelope(admin.patch("/api/v1/users/99999", json={"display_name": "x"}), 404,
                    "not_found")
    assert_envelope(admin.get("/api/v1/no-such-thing"), 404, "not_found")

    # 409: a username that is taken
    new = {"username": "dup", "role": "dispatcher", "password": "long-enough-1"}
    assert admin.post("/api/v1/users", json=new).status_code == 201
    body = assert_envelope(admin.post("/api/v1/users", json=new), 409, "conflict", fields=True)
    assert body["fields"]["username"] == [{"en": "This username is taken.",
                                           "zh": "该用户名已被使用。"}]

    # 422: field messages in both languages, naming each field at fault
    body = assert_envelope(admin.post("/api/v1/users", json={
        "username": "x y", "role": "boss", "password": "short", "extra": 1}),
        422, "validation_failed", fields=True)
    assert set(body["fields"]) == {"username", "role", "password", "extra"}
    assert body["fields"]["extra"] == [{"en": "Unknown field.", "zh": "不认识的字段。"}]
    assert body["fields"]["password"][0]["zh"] == "长度必须在 8 到 256 之间。"


def test_an_unexpected_error_answers_500_without_leaking_the_traceback(tmp_path, database_url):
    app = make_test_app(tmp_path, database_url)

    @public
    def explode():
        raise RuntimeError("secret internals: db password hunter2")

    app.add_url_rule("/api/v1/_explode", view_func=explode)
    resp = app.test_client().get("/api/v1/_explode")
    body = assert_envelope(resp, 500, "internal_error")
    text = resp.get_data(as_text=True)
    for leak in ("Traceback", "RuntimeError", "hunter2", "secret internals"):
        assert leak not in text
    assert body["message"]["en"] == "Something went wrong on our side."
