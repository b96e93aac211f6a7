"""Who may read and change customers, masking, and confidential (涉密) files."""
import pytest

URL = "/api/v1/customers"


def _audit(api_as, customer_id, action):
    events = api_as("admin").get("/api/v1/audit", query_string={
        "entity_type": "customer", "entity_id": customer_id, "action": action}).get_json()
    return events["items"]


def test_unauthenticated_is_401_on_list_and_create(anon):
    assert anon.get(URL).status_code == 401
    assert anon.post(URL, json={"name": "甲", "mobile": "13800000000"}).status_code == 401


def test_trainer_has_no_access_at_all(api_as, add_customer):
    customer = add_customer()
    trainer = api_as("trainer")
    assert trainer.get(URL).status_code == 403
    assert trainer.get(f"{URL}/{customer['id']}").status_code == 403
    assert trainer.post(URL, json={"name": "甲", "mobile": "13800000000"}).status_code == 403


def test_finance_reads_with_mobile_masked_and_cannot_write(api_as, add_customer):
    customer = add_customer("冯一", mobile="13812345678")
    finance = api_as("finance")
    row = finance.get(URL).get_json()["items"][0]
    assert row["mobile"] == "138****5678" and row["masked"] is True
    one = finance.get(f"{URL}/{customer['id']}")
    assert one.status_code == 200 and one.get_json()["mobile"] == "138****5678"
    assert finance.post(URL, json={"name": "甲", "mobile": "13800000000"}).status_code == 403
    assert finance.patch(f"{URL}/{customer['id']}", json={"version": 1, "name": "改"}
                         ).status_code == 403
    assert finance.post(f"{URL}/{customer['id']}/addresses",
                        json={"district": "朝阳区", "detail": "一号"}).status_code == 403


def test_dispatcher_sees_the_full_mobile_of_an_ordinary_customer(api_as, add_customer):
    add_customer("陈二", mobile="13812345678")
    row = api_as("dispatcher").get(URL).get_json()["items"][0]
    assert row["mobile"] == "13812345678" and row["masked"] is False


@pytest.mark.parametrize("level,role", [("secret", "dispatcher"), ("confidential", "supervisor")])
def test_reading_a_secret_or_confidential_file_records_a_read_event(api_as, add_customer, level,
                                                                    role):
    customer = add_customer("褚三", confidentiality=level)
    assert _audit(api_as, customer["id"], "read") == []
    resp = api_as(role).get(f"{URL}/{customer['id']}")
    assert resp.status_code == 200
    reads = _audit(api_as, customer["id"], "read")
    assert len(reads) == 1 and reads[0]["actor"] == f"{role} user"


def test_reading_an_ordinary_file_records_no_read_event(api_as, add_customer):
    customer = add_customer("卫四")
    api_as("dispatcher").get(f"{URL}/{customer['id']}")
    assert _audit(api_as, customer["id"], "read") == []


def test_top_secret_file_is_refused_to_a_dispatcher_saying_a_request_is_needed(
        api_as, add_customer):
    customer = add_customer("蒋五", confidentiality="top_secret")
    dispatcher = api_as("dispatcher")
    resp = dispatcher.get(f"{URL}/{customer['id']}")
    assert resp.status_code == 403
    message = resp.get_json()["message"]
    assert "申请" in message["zh"] and "request" in message["en"]
    assert resp.get_json()["code"] == "grant_required"
    assert dispatcher.patch(f"{URL}/{customer['id']}", json={"version": 1, "name": "x"}
                            ).status_code == 403
    assert _audit(api_as, customer["id"], "read_denied")
    assert _audit(api_as, customer["id"], "read") == []
    assert api_as("supervisor").get(f"{URL}/{customer['id']}").status_code == 403
    assert api_as("admin").get(f"{URL}/{customer['id']}").status_code == 200
    assert len(_audit(api_as, customer["id"], "read")) == 1


def test_top_secret_shows_in_lists_with_partial_name_and_no_mobile(api_as, add_customer):
    add_customer("王小明", mobile="13912345678", confidentiality="top_secret",
                 addresses=[{"district": "朝阳区", "detail": "一号"}])
    row = api_as("dispatcher").get(URL).get_json()["items"][0]
    assert row["name"] == "王**" and row["mobile"] is None
    assert row["district"] is None and row["masked"] is True
    assert api_as("supervisor").get(URL).get_json()["items"][0]["name"] == "王**"
    full = api_as("admin").get(URL).get_json()["items"][0]
    assert full["name"] == "王小明" and full["mobile"] == "13912345678"


def test_only_a_supervisor_may_classify_a_file_top_secret(api_as, add_customer):
    resp = api_as("dispatcher").post(URL, json={"name": "沈六", "mobile": "13800000009",
                                                "confidentiality": "top_secret"})
    assert resp.status_code == 403 and "confidentiality" in resp.get_json()["fields"]
    customer = add_customer("韩七")
    resp = api_as("dispatcher").patch(f"{URL}/{customer['id']}",
                                      json={"version": 1, "confidentiality": "top_secret"})
    assert resp.status_code == 403
    resp = api_as("supervisor").patch(f"{URL}/{customer['id']}",
                                      json={"version": 1, "confidentiality": "top_secret"})
    assert resp.status_code == 200
