"""Customers API: create, search, filters, sort, paging, validation, conflicts, addresses."""
from core.extensions import db
from tests.customers.conftest import new_mobile

URL = "/api/v1/customers"


def _names(resp):
    assert resp.status_code == 200, resp.get_json()
    return [item["name"] for item in resp.get_json()["items"]]


def test_create_stores_normalised_mobile_and_inline_address(api_as):
    resp = api_as("dispatcher").post(URL, json={
        "name": " 李丽 ", "mobile": "+86 139-1234-5678", "lead_source": "meituan",
        "household_notes": "两个孩子，养一只猫", "confidentiality": "secret",
        "addresses": [{"district": "朝阳区", "detail": "望京 SOHO T1 1203", "label": "家",
                       "latitude": 39.99, "longitude": 116.47}]})
    assert resp.status_code == 201, resp.get_json()
    body = resp.get_json()
    assert body["name"] == "李丽"
    assert body["mobile"] == "139****5678"  # a secret (秘密) file shows its mobile masked
    assert body["version"] == 1 and body["status"] == "active"
    assert body["addresses"][0]["is_default"] is True
    assert body["addresses"][0]["district"] == "朝阳区"
    assert body["district"] == "朝阳区"


def test_bad_mobile_is_refused_with_the_field_named_in_both_languages(api_as):
    resp = api_as("dispatcher").post(URL, json={"name": "王五", "mobile": "1234567"})
    assert resp.status_code == 422
    messages = resp.get_json()["fields"]["mobile"]
    assert "手机号" in messages[0]["zh"] and "mobile" in messages[0]["en"]


def test_missing_name_unknown_field_and_bad_choice_each_name_their_field(api_as):
    resp = api_as("dispatcher").post(URL, json={
        "name": "  ", "mobile": new_mobile(), "confidentiality": "very", "colour": "red"})
    assert resp.status_code == 422
    fields = resp.get_json()["fields"]
    assert set(fields) >= {"name", "confidentiality", "colour"}
    assert "绝密" in fields["confidentiality"][0]["zh"]


def test_address_coordinates_out_of_range_or_unpaired_are_refused(api_as):
    resp = api_as("dispatcher").post(URL, json={
        "name": "赵六", "mobile": new_mobile(),
        "addresses": [{"district": "海淀区", "detail": "中关村大街 1 号", "latitude": 95,
                       "longitude": 116.3},
                      {"district": "海淀区", "detail": "中关村大街 2 号", "latitude": 39.9}]})
    assert resp.status_code == 422
    fields = resp.get_json()["fields"]
    assert "-90" in fields["addresses.0.latitude"][0]["en"]
    assert "经度和纬度" in fields["addresses.1.longitude"][0]["zh"]


def test_duplicate_mobile_is_a_conflict_naming_the_field_and_writes_nothing(api_as, app):
    api = api_as("dispatcher")
    assert api.post(URL, json={"name": "甲", "mobile": "13800000001"}).status_code == 201
    resp = api.post(URL, json={"name": "乙", "mobile": "138 0000 0001",
                               "addresses": [{"district": "西城区", "detail": "某街 1 号"}]})
    assert resp.status_code == 409
    assert "mobile" in resp.get_json()["fields"]
    from core.customers.models import CustomerAddress

    with app.app_context():
        assert db.session.query(CustomerAddress).count() == 0
    assert api.get(URL).get_json()["total"] == 1


def test_update_with_current_version_changes_and_bumps_version(api_as, add_customer):
    customer = add_customer("周七")
    api = api_as("dispatcher")
    resp = api.patch(f"{URL}/{customer['id']}", json={"version": 1, "name": "周七七",
                                                      "lead_source": "douyin"})
    assert resp.status_code == 200, resp.get_json()
    assert resp.get_json()["name"] == "周七七"
    assert resp.get_json()["version"] == 2


def test_update_with_stale_version_is_409_asking_to_reload(api_as, add_customer):
    customer = add_customer("吴八")
    api = api_as("dispatcher")
    assert api.patch(f"{URL}/{customer['id']}", json={"version": 1, "name": "吴八一"}
                     ).status_code == 200
    resp = api.patch(f"{URL}/{customer['id']}", json={"version": 1, "name": "吴八二"})
    assert resp.status_code == 409
    body = resp.get_json()
    assert body["code"] == "stale_version"
    assert "Reload" in body["message"]["en"] and "刷新" in body["message"]["zh"]
    assert api.get(f"{URL}/{customer['id']}").get_json()["name"] == "吴八一"


def test_update_to_a_mobile_another_customer_has_is_409(api_as, add_customer):
    add_customer("甲", mobile="13700000001")
    other = add_customer("乙", mobile="13700000002")
    resp = api_as("dispatcher").patch(f"{URL}/{other['id']}",
                                      json={"version": 1, "mobile": "13700000001"})
    assert resp.status_code == 409
    assert "mobile" in resp.get_json()["fields"]


def test_deactivating_needs_a_reason_and_reactivating_clears_it(api_as, add_customer):
    customer = add_customer("郑九")
    api = api_as("dispatcher")
    url = f"{URL}/{customer['id']}"
    resp = api.patch(url, json={"version": 1, "status": "inactive"})
    assert resp.status_code == 422
    assert "deactivation_reason" in resp.get_json()["fields"]
    resp = api.patch(url, json={"version": 1, "status": "inactive",
                                "deactivation_reason": "moved"})
    assert resp.status_code == 200 and resp.get_json()["deactivation_reason"] == "moved"
    resp = api.patch(url, json={"version": 2, "status": "active"})
    assert resp.status_code == 200 and resp.get_json()["deactivation_reason"] is None


def test_search_by_name_part_and_by_partial_phone_digits(api_as, add_customer):
    add_customer("王小明", mobile="13912340001")
    add_customer("李小红", mobile="13698760002")
    add_customer("王大山", mobile="13512345555")
    api = api_as("dispatcher")
    assert sorted(_names(api.get(URL, query_string={"q": "王"}))) == ["王大山", "王小明"]
    assert _names(api.get(URL, query_string={"q": "9876"})) == ["李小红"]
    assert sorted(_names(api.get(URL, query_string={"q": "1234"}))) == ["王大山", "王小明"]
    assert _names(api.get(URL, query_string={"q": "没有这个人"})) == []


def test_filters_by_confidentiality_status_district_and_lead_source(api_as, add_customer):
    add_customer("甲", confidentiality="secret", lead_source="douyin",
                 addresses=[{"district": "朝阳区", "detail": "一号"}])
    b = add_customer("乙", lead_source="referral",
                     addresses=[{"district": "海淀区", "detail": "二号"}])
    api = api_as("supervisor")
    api.patch(f"{URL}/{b['id']}", json={"version": 1, "status": "inactive",
                                        "deactivation_reason": "do_not_contact"})
    assert _names(api.get(URL, query_string={"confidentiality": "secret"})) == ["甲"]
    assert _names(api.get(URL, query_string={"status": "inactive"})) == ["乙"]
    assert _names(api.get(URL, query_string={"district": "朝阳"})) == ["甲"]
    assert _names(api.get(URL, query_string={"lead_source": "referral"})) == ["乙"]
    resp = api.get(URL, query_string={"lead_source": "tv"})
    assert resp.status_code == 422 and "lead_source" in resp.get_json()["fields"]


def test_sort_by_name_both_ways_and_unknown_sort_is_422(api_as, add_customer):
    for name in ("Carol", "alice", "Bob"):
        add_customer(name)
    api = api_as("dispatcher")
    ascending = _names(api.get(URL, query_string={"sort": "name"}))
    descending = _names(api.get(URL, query_string={"sort": "-name"}))
    assert ascending == list(reversed(descending)) and len(ascending) == 3
    created = _names(api.get(URL, query_string={"sort": "-created_at"}))
    assert created == ["Bob", "alice", "Carol"]
    resp = api.get(URL, query_string={"sort": "mobile"})
    assert resp.status_code == 422 and "sort" in resp.get_json()["fields"]


def test_paging_splits_the_list(api_as, add_customer):
    for i in range(5):
        add_customer(f"客户{i}")
    api = api_as("dispatcher")
    body = api.get(URL, query_string={"per_page": 2, "page": 3, "sort": "name"}).get_json()
    assert body["total"] == 5 and body["pages"] == 3 and body["page"] == 3
    assert [i["name"] for i in body["items"]] == ["客户4"]


def test_addresses_add_update_default_and_delete(api_as, add_customer):
    customer = add_customer("钱十", addresses=[
        {"district": "东城区", "detail": "一号", "label": "家"}])
    api = api_as("dispatcher")
    base = f"{URL}/{customer['id']}/addresses"
    first = customer["addresses"][0]
    resp = api.post(base, json={"district": "西城区", "detail": "二号", "label": "公司",
                                "is_default": True})
    assert resp.status_code == 201, resp.get_json()
    second = resp.get_json()
    addresses = api.get(f"{URL}/{customer['id']}").get_json()["addresses"]
    assert [a["is_default"] for a in addresses] == [False, True]
    resp = api.patch(f"{base}/{second['id']}", json={"version": second["version"],
                                                     "detail": "二号院 3 楼"})
    assert resp.status_code == 200 and resp.get_json()["detail"] == "二号院 3 楼"
    stale = api.patch(f"{base}/{second['id']}", json={"version": second["version"],
                                                      "detail": "又改了"})
    assert stale.status_code == 409
    assert api.delete(f"{base}/{second['id']}").status_code == 204
    addresses = api.get(f"{URL}/{customer['id']}").get_json()["addresses"]
    assert [(a["id"], a["is_default"]) for a in addresses] == [(first["id"], True)]
    assert api.delete(f"{base}/99999").status_code == 404


def test_unknown_customer_is_404_even_for_huge_ids(api_as):
    api = api_as("dispatcher")
    assert api.get(f"{URL}/12345").status_code == 404
    assert api.get(f"{URL}/99999999999999").status_code == 404


def test_nul_character_in_text_is_422_not_500(api_as):
    api = api_as("dispatcher")
    resp = api.post(URL, json={"name": "坏\x00名", "mobile": new_mobile()})
    assert resp.status_code == 422 and "name" in resp.get_json()["fields"]
    assert api.get(URL, query_string={"q": "a\x00b"}).status_code == 422


def test_every_change_is_audited_with_the_mobile_masked(api_as, add_customer):
    customer = add_customer("孙一", mobile="13611112222")
    api = api_as("supervisor")
    api.patch(f"{URL}/{customer['id']}", json={"version": 1, "mobile": "13633334444"})
    api.post(f"{URL}/{customer['id']}/addresses", json={"district": "丰台区", "detail": "三号"})
    events = api.get("/api/v1/audit", query_string={
        "entity_type": "customer", "entity_id": customer["id"]}).get_json()["items"]
    assert [e["action"] for e in events] == ["update", "update", "create"]
    assert events[1]["changes"]["mobile"] == ["136****2222", "136****4444"]
    assert "13611112222" not in str(events)
    assert any(k.endswith(".district") for k in events[0]["changes"])


def test_customer_endpoints_are_in_the_openapi_document(anon):
    spec = anon.get("/api/openapi.json").get_json()
    assert {"/api/v1/customers", "/api/v1/customers/{customer_id}",
            "/api/v1/customers/{customer_id}/addresses"} <= set(spec["paths"])
    assert {"CustomerCreate", "CustomerUpdate", "CustomerPage"} <= set(
        spec["components"]["schemas"])
