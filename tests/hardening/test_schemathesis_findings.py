"""What the schemathesis run found, each pinned by a plain test (issue #16)."""
from __future__ import annotations

from tests.test_error_shape import assert_envelope

HUGE = "39834497686134252579032399872"  # far beyond 64 bits


def test_a_huge_id_is_404_on_every_method_not_405(api_as):
    """werkzeug chose 405 from the route patterns when GET and POST of one path are two
    routes and the POST one refused the number only when converting it."""
    admin = api_as("admin")
    assert_envelope(admin.post(f"/api/v1/orders/{HUGE}/contracts", json={}), 404, "not_found")
    assert_envelope(admin.patch(f"/api/v1/trainees/{HUGE}", json={}), 404, "not_found")
    assert_envelope(admin.get(f"/api/v1/orders/{HUGE}/contracts"), 404, "not_found")
    assert_envelope(admin.get(f"/api/v1/workers/{2 ** 63 - 1}"), 404, "not_found")


def test_an_amount_beyond_decimal_precision_is_422_naming_the_field(api_as):
    dispatcher = api_as("dispatcher")
    resp = dispatcher.post("/api/v1/quotes/preview", json={
        "service_line": "cleaning", "intake": {}, "agreed_price": "3" * 40 + ".80"})
    # the body is refused field by field, never a 500
    assert resp.status_code == 422, resp.get_json()
    resp = dispatcher.patch("/api/v1/orders/1", json={
        "version": 1, "agreed_price": "35546493303413806049345302004484430.80"})
    body = assert_envelope(resp, 422, "validation_failed", fields=True)
    assert body["fields"]["agreed_price"] == [{"en": "The amount must be below 100,000,000.",
                                               "zh": "金额须小于一亿。"}]


def test_a_survey_month_outside_1900_to_2100_is_refused_not_a_500(api_as, web_as):
    """``month=0000-01`` reached ``datetime(0, 1, 1)``: 500 on the API and the page."""
    dispatcher = api_as("dispatcher")
    for month in ("0000-01", "9999-12"):
        body = assert_envelope(dispatcher.get(f"/api/v1/surveys/results?month={month}"),
                               422, "validation_failed", fields=True)
        assert "1900" in body["fields"]["month"][0]["en"]
    assert dispatcher.get("/api/v1/surveys/results?month=2026-11").status_code == 200
    web = web_as("dispatcher")
    page = web.get("/surveys/?month=0000-01")
    assert page.status_code == 200 and "1900" in page.get_data(as_text=True)
