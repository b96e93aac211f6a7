"""Partner pages read their forms with the API's schemas and save through the service's
steps (#11): a refused form writes nothing and names the field, never a 500."""
import re

import sqlalchemy as sa

from core.audit.models import AuditEvent
from core.extensions import db
from core.partners.models import Partner, PartnerContact
from tests.conftest import csrf_from


def _committed(app, stmt):
    with app.app_context(), db.engine.connect() as conn:
        return conn.execute(stmt).all()


def _flashes(web) -> list[tuple[str, str]]:
    with web.session_transaction() as session:
        return list(session.get("_flashes", []))


def _partner(api_as) -> dict:
    resp = api_as("dispatcher").post("/api/v1/partners", json={
        "name": "月子中心C", "kind": "postpartum_centre", "cooperation": "negotiating"})
    assert resp.status_code == 201
    return resp.get_json()


def test_an_unknown_kind_is_a_422_naming_the_field_in_both_languages(web_as, app):
    web = web_as("dispatcher")
    form = {"csrf_token": csrf_from(web, "/partners/"), "name": "某银行", "kind": "bank"}
    zh = web.post("/partners/", data=form)
    assert zh.status_code == 422
    zh_error = re.findall(r'data-field="kind">([^<]*)', zh.get_data(as_text=True))
    web.get("/lang/en")
    en = web.post("/partners/", data=form)
    assert en.status_code == 422
    en_error = re.findall(r'data-field="kind">([^<]*)', en.get_data(as_text=True))
    assert zh_error and en_error and zh_error != en_error
    assert 'value="某银行"' in en.get_data(as_text=True)
    assert _committed(app, sa.select(Partner.id)) == []


def test_a_cooperation_the_schema_refuses_changes_nothing(web_as, api_as, app):
    partner = _partner(api_as)
    web = web_as("dispatcher")
    url = f"/partners/{partner['id']}"
    resp = web.post(f"{url}/cooperation", data={
        "csrf_token": csrf_from(web, url), "version": "1", "cooperation": "married"})
    assert resp.status_code == 302
    flashes = _flashes(web)
    assert flashes and flashes[0][0] == "error" and flashes[0][1].startswith("cooperation")
    assert _committed(app, sa.select(Partner.cooperation, Partner.version)) == [
        ("negotiating", 1)]


def test_a_stale_cooperation_change_is_refused_and_writes_nothing(web_as, api_as, app):
    partner = _partner(api_as)
    assert api_as("dispatcher").patch(f"/api/v1/partners/{partner['id']}", json={
        "version": 1, "notes": "先改了"}).status_code == 200
    web = web_as("dispatcher")
    url = f"/partners/{partner['id']}"
    resp = web.post(f"{url}/cooperation", data={
        "csrf_token": csrf_from(web, url), "version": "1", "cooperation": "ended"})
    assert resp.status_code == 302
    assert [kind for kind, _ in _flashes(web)] == ["error"]
    assert _committed(app, sa.select(Partner.cooperation, Partner.version)) == [
        ("negotiating", 2)]
    updates = _committed(app, sa.select(AuditEvent.id).where(
        AuditEvent.entity_type == "partner", AuditEvent.action == "update"))
    assert len(updates) == 1


def test_the_cooperation_form_saves_through_the_step(web_as, api_as, app):
    partner = _partner(api_as)
    web = web_as("dispatcher")
    url = f"/partners/{partner['id']}"
    resp = web.post(f"{url}/cooperation", data={
        "csrf_token": csrf_from(web, url), "version": "1", "cooperation": "agreed"})
    assert resp.status_code == 302 and _flashes(web)[0][0] != "error"
    assert _committed(app, sa.select(Partner.cooperation, Partner.version)) == [("agreed", 2)]


def test_a_contact_with_a_bad_phone_is_refused_and_not_added(web_as, api_as, app):
    partner = _partner(api_as)
    web = web_as("dispatcher")
    url = f"/partners/{partner['id']}"
    resp = web.post(f"{url}/contacts", data={
        "csrf_token": csrf_from(web, url), "name": "钱老师", "phone": "abc"})
    assert resp.status_code == 302
    flashes = _flashes(web)
    assert flashes and flashes[0][0] == "error" and flashes[0][1].startswith("phone")
    assert _committed(app, sa.select(PartnerContact.id)) == []


def test_a_page_for_no_such_partner_is_a_404(web_as):
    web = web_as("dispatcher")
    token = csrf_from(web, "/partners/")
    assert web.post("/partners/999/notes", data={"csrf_token": token,
                                                 "text": "x"}).status_code == 404
