"""The read cache (core/readcache.py) keeps no recorded read: behind an order, a file
the reader may not open is withheld and the read recorded on every request, and a
file a grant opened closes again in the kept answers when the grant ends."""
import json

from .conftest import audit
from .test_leaks import _order_of


def test_every_read_of_a_withheld_file_behind_an_order_is_recorded(app, api_as, file_at):
    file = file_at("top_secret")
    order = _order_of(api_as, file)
    dispatcher = api_as("dispatcher")
    before = len(audit(api_as, file["id"], action="read"))
    for n in range(1, 4):
        one = dispatcher.get(f"/api/v1/orders/{order['id']}")
        assert one.status_code == 200 and one.get_json()["customer_withheld"] is True
        assert "王小明" not in json.dumps(one.get_json(), ensure_ascii=False)
        assert len(audit(api_as, file["id"], action="read")) == before + n


def test_an_order_list_kept_for_a_grant_closes_when_the_grant_is_revoked(
        app, api_as, file_at, grant):
    file = file_at("confidential")
    _order_of(api_as, file)
    dispatcher = api_as("dispatcher")
    given = grant("dispatcher", file["id"])
    for _ in range(2):
        listed = dispatcher.get("/api/v1/orders").get_json()["items"][0]
        assert listed["customer_withheld"] is False
    revoked = api_as("admin").post(
        f"/api/v1/customers/access-requests/{given['id']}/revoke", json={"note": "结束"})
    assert revoked.status_code == 200, revoked.get_json()
    assert dispatcher.get("/api/v1/orders").get_json()["items"][0]["customer_withheld"] is True
