"""core.webforms: what a page's posted form becomes before its schema loads it, and how a
refusal is raised (Invalid, 422, each field named in Chinese and English)."""
import pytest
from marshmallow import fields, validate

from core.errors import Invalid
from core.trainees.schemas_stages import BookingInSchema, CertificateInSchema
from core.webforms import parse_form


def _parse(app, data, schema, **kwargs):
    with app.test_request_context("/x", method="POST", data=data):
        return parse_form(schema, **kwargs)


def test_text_is_stripped_blank_numbers_are_not_given_and_unknown_fields_ignored(app):
    argmap = {"name": fields.String(), "count": fields.Integer(load_default=None),
              "password": fields.String()}
    data = _parse(app, {"name": "  王秀英 ", "count": "", "password": " p w ",
                        "csrf_token": "t", "submit": "1"}, argmap)
    assert data == {"name": "王秀英", "count": None, "password": " p w "}


def test_a_blank_text_box_takes_the_default_or_is_the_empty_text(app):
    argmap = {"unit": fields.String(load_default="件"), "notes": fields.String()}
    assert _parse(app, {"unit": " ", "notes": " "}, argmap) == {"unit": "件", "notes": ""}


def test_an_unticked_checkbox_named_as_such_is_false(app):
    data = _parse(app, {"trainee_id": "3"}, BookingInSchema(),
                  checkboxes=("details_confirmed",))
    assert data["details_confirmed"] is False and data["payment"] == "company"
    data = _parse(app, {"trainee_id": "3", "details_confirmed": "on"}, BookingInSchema())
    assert data["details_confirmed"] is True


def test_a_list_field_takes_every_value_posted_under_its_name(app):
    with app.test_request_context("/x", method="POST", data={"tag": ["a", " ", "b "]}):
        assert parse_form({"tag": fields.List(fields.String())}) == {"tag": ["a", "b"]}


@pytest.mark.parametrize("data, field, zh", [
    ({"number": "A1", "issued_on": "2026-02-30", "expires_on": "2027-01-01"}, "issued_on",
     "不是有效的日期（格式 YYYY-MM-DD）。"),
    ({"number": "A1", "issued_on": "2026-01-01", "expires_on": ""}, "expires_on",
     "必填项，不能为空。"),
    ({"number": "A1", "issued_on": "2026-01-01", "expires_on": "2025-01-01"}, "expires_on",
     "有效期须晚于发证日期。"),
    ({"number": "", "issued_on": "2026-01-01", "expires_on": "2027-01-01"}, "number",
     "长度必须在 1 到 64 之间。"),
])
def test_a_refused_value_is_invalid_naming_the_field_in_both_languages(app, data, field, zh):
    with pytest.raises(Invalid) as caught:
        _parse(app, data, CertificateInSchema())
    assert caught.value.status == 422
    assert caught.value.fields[field][0]["zh"] == zh and caught.value.fields[field][0]["en"]


def test_the_apis_bounds_hold_for_forms_too(app):
    argmap = {"n": fields.Integer(), "t": fields.String(validate=validate.Length(max=5))}
    with pytest.raises(Invalid) as caught:
        _parse(app, {"n": "99999999999999999999", "t": "\u200b\u200b"}, argmap)
    assert set(caught.value.fields) == {"n", "t"}
    assert caught.value.fields["n"][0]["en"] == "The number is too large."
