"""Partner organisations (合作方) with contacts and liaison notes."""
from tests.conftest import csrf_from


def test_partner_is_created_with_contacts_and_listed_by_kind(api_as):
    api = api_as("dispatcher")
    resp = api.post("/api/v1/partners", json={
        "name": "58到家", "kind": "certification_platform",
        "contacts": [{"name": "于老师", "phone": "138 0000 1111", "title": "对接人"}]})
    assert resp.status_code == 201, resp.get_json()
    body = resp.get_json()
    assert body["contacts"][0]["name"] == "于老师"
    assert body["kind_label"] == {"zh": "认证平台（58到家）",
                                  "en": "Certification platform (58 Daojia)"}
    api.post("/api/v1/partners", json={"name": "爱维尔医院", "kind": "internship_hospital"})
    page = api.get("/api/v1/partners", query_string={"kind": "internship_hospital"}).get_json()
    assert [p["name"] for p in page["items"]] == ["爱维尔医院"]


def test_unknown_kind_and_bad_phone_are_422_in_both_languages(api_as):
    resp = api_as("dispatcher").post("/api/v1/partners", json={
        "name": "x", "kind": "bank", "contacts": [{"name": "a", "phone": "abc"}]})
    assert resp.status_code == 422
    fields = resp.get_json()["fields"]
    assert "kind" in fields
    assert fields["contacts.0.phone"][0]["zh"].startswith("请填写")


def test_stale_version_is_refused_with_409(api_as):
    api = api_as("dispatcher")
    pid = api.post("/api/v1/partners", json={"name": "月子中心A", "kind": "postpartum_centre",
                                             "cooperation": "negotiating"}).get_json()["id"]
    assert api.patch(f"/api/v1/partners/{pid}", json={"version": 1, "cooperation": "agreed"}
                     ).status_code == 200
    resp = api.patch(f"/api/v1/partners/{pid}", json={"version": 1, "notes": "x"})
    assert resp.status_code == 409 and resp.get_json()["code"] == "stale_version"


def test_liaison_notes_and_contacts_are_recorded_and_audited(api_as):
    api = api_as("trainer")
    pid = api.post("/api/v1/partners", json={"name": "家政公司B", "kind": "domestic_company"}
                   ).get_json()["id"]
    note = api.post(f"/api/v1/partners/{pid}/notes", json={"text": "约定下周群面会"})
    assert note.status_code == 201 and note.get_json()["author"] == "trainer user"
    contact = api.post(f"/api/v1/partners/{pid}/contacts", json={"name": "张经理"}).get_json()
    assert api.patch(f"/api/v1/partners/{pid}/contacts/{contact['id']}",
                     json={"phone": "0531-88886666"}).status_code == 200
    assert api.delete(f"/api/v1/partners/{pid}/contacts/{contact['id']}").status_code == 204
    detail = api.get(f"/api/v1/partners/{pid}").get_json()
    assert detail["contacts"] == [] and detail["liaison_notes"][0]["text"] == "约定下周群面会"
    events = api_as("supervisor").get("/api/v1/audit", query_string={
        "entity_type": "partner", "entity_id": pid}).get_json()["items"]
    assert len(events) == 5


def test_finance_may_not_see_partners(api_as):
    assert api_as("finance").get("/api/v1/partners").status_code == 403


def test_partner_pages_list_create_and_add_contact(web_as):
    web = web_as("dispatcher")
    token = csrf_from(web, "/partners/")
    resp = web.post("/partners/", data={"csrf_token": token, "name": "汪正影业",
                                        "kind": "photo_studio", "cooperation": "agreed"})
    assert resp.status_code == 302
    detail_url = resp.headers["Location"]
    resp = web.post(detail_url.rstrip("/") + "/contacts", data={
        "csrf_token": token, "name": "汪老师", "phone": "13900001111"})
    assert resp.status_code == 302
    html = web.get(detail_url).get_data(as_text=True)
    assert "汪正影业" in html and "汪老师" in html
    assert "汪正影业" in web.get("/partners/").get_data(as_text=True)


def test_partner_form_errors_are_shown_beside_the_fields(web_as):
    web = web_as("dispatcher")
    token = csrf_from(web, "/partners/")
    resp = web.post("/partners/", data={"csrf_token": token, "name": "", "kind": "photo_studio"})
    assert resp.status_code == 422
    assert 'data-field="name"' in resp.get_data(as_text=True)
