"""A closed file leaks through nothing else: orders, contracts, matching, the do-not-send
list, searches (issue #16, "Personal data"); searches by ID / phone are masked to what
the role sees, and recorded."""
import json

from tests.orders.helpers import intake, make_worker

from .conftest import audit


def _order_of(api_as, file):
    resp = api_as("admin").post("/api/v1/orders", json={
        "service_line": "cleaning", "customer_id": file["id"],
        "intake": intake("cleaning", address={"district": "朝阳区", "detail": "望京街 8 号"})})
    assert resp.status_code == 201, resp.get_json()
    return resp.get_json()


def test_a_top_secret_customers_order_shows_nothing_of_her_to_a_dispatcher(
        app, api_as, web_as, file_at, grant):
    file = file_at("top_secret")
    order = _order_of(api_as, file)
    dispatcher = api_as("dispatcher")
    one = dispatcher.get(f"/api/v1/orders/{order['id']}")
    assert one.status_code == 200
    body = json.dumps(one.get_json(), ensure_ascii=False)
    masked = file["mobile"][:3] + "****" + file["mobile"][-4:]
    assert "望京街" not in body and masked not in body and "王小明" not in body
    assert one.get_json()["customer_withheld"] is True
    assert one.get_json()["address_text"] is None and one.get_json()["customer_mobile"] is None
    listed = json.dumps(dispatcher.get("/api/v1/orders").get_json(), ensure_ascii=False)
    assert "望京街" not in listed and "王小明" not in listed
    page = web_as("dispatcher", "web-disp").get(f"/orders/{order['id']}")
    assert page.status_code == 403 and "望京街" not in page.get_data(as_text=True)
    patch = dispatcher.patch(f"/api/v1/orders/{order['id']}",
                             json={"version": order["version"], "note": "x"})
    assert patch.status_code == 403 and patch.get_json()["code"] == "grant_required"
    for url in (f"/api/v1/customers/{file['id']}/excluded-workers",
                f"/api/v1/orders/{order['id']}/contracts",
                f"/api/v1/orders/{order['id']}/events",
                f"/api/v1/orders/{order['id']}/candidates"):
        assert dispatcher.get(url).status_code == 403, url
    worker = make_worker(app)
    assert dispatcher.post(f"/api/v1/customers/{file['id']}/excluded-workers",
                           json={"worker_id": worker, "reason": "x"}).status_code == 403
    kinds = [e["action"] for e in audit(api_as, file["id"])]
    assert kinds.count("read_denied") >= 5 and "change_denied" in kinds and "read" in kinds
    grant("dispatcher", file["id"])
    seen = dispatcher.get(f"/api/v1/orders/{order['id']}").get_json()
    assert seen["address_text"].endswith("望京街 8 号") and seen["customer_withheld"] is False
    assert dispatcher.get(f"/api/v1/customers/{file['id']}/excluded-workers").status_code == 200


def test_order_search_matches_only_what_the_order_list_shows(api_as, file_at):
    top = file_at("top_secret", name="王小明", mobile="13955556666")
    order = _order_of(api_as, top)
    dispatcher = api_as("dispatcher")

    def ids(q):
        return [o["id"] for o in dispatcher.get("/api/v1/orders", query_string={"q": q})
                .get_json()["items"]]

    assert ids("王小明") == [] and ids("6666") == [] and ids("13955556666") == []
    assert ids(order["number"]) == [order["id"]]
    assert ids("王小明") == [] and audit(api_as, None, "search", entity_type="order")


def test_customer_search_never_matches_hidden_digits(api_as, file_at):
    secret = file_at("secret", name="李四", mobile="13811112222")
    closed = file_at("confidential", name="周五", mobile="13833334444")
    dispatcher = api_as("dispatcher")

    def ids(api, q):
        return [c["id"] for c in api.get("/api/v1/customers", query_string={"q": q})
                .get_json()["items"]]

    assert ids(dispatcher, "13811112222") == []  # masked: the hidden digits are not searchable
    assert ids(dispatcher, "2222") == [secret["id"]]
    assert ids(dispatcher, "138111") == []
    assert ids(dispatcher, "13833334444") == [] and ids(dispatcher, "4444") == []
    assert ids(dispatcher, "周五") == [closed["id"]]  # the name of a 机密 file shows
    assert ids(api_as("admin"), "13833334444") == [closed["id"]]
    searches = audit(api_as, None, "search")
    assert searches and all("1111" not in str(e["changes"]) for e in searches)


def test_worker_search_by_id_number_only_on_what_the_role_sees(app, api_as):
    worker_id = make_worker(app, name="赵阿姨")
    full = api_as("supervisor").get(f"/api/v1/workers/{worker_id}").get_json()["id_number"]
    dispatcher = api_as("dispatcher")

    def ids(api, q):
        return [w["id"] for w in api.get("/api/v1/workers", query_string={"q": q})
                .get_json()["items"]]

    assert ids(dispatcher, full) == []
    assert ids(dispatcher, full[-6:]) == []
    assert ids(dispatcher, full[-4:]) == [worker_id]
    assert ids(api_as("supervisor"), full) == [worker_id]
    finance = api_as("finance")
    mobile = api_as("supervisor").get(f"/api/v1/workers/{worker_id}").get_json()["mobile"]
    assert ids(finance, mobile) == [] and ids(finance, mobile[-4:]) == [worker_id]
    assert ids(dispatcher, mobile) == [worker_id]
    recorded = audit(api_as, None, "search", entity_type="worker")
    assert recorded and all(full not in str(e["changes"]) for e in recorded)
