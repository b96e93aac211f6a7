"""Access requests → approve / refuse → grants that end by themselves; revoke; bad input."""
import sqlalchemy as sa

from core.customers.models_access import AccessRequest
from core.extensions import db

from .conftest import audit

REQ = "/api/v1/customers/access-requests"


def _ask(api, customer_id, hours=4, reason="核对地址"):
    return api.post(REQ, json={"customer_id": customer_id, "reason": reason, "hours": hours})


def _count(app):
    with app.app_context():
        return db.session.scalar(sa.select(sa.func.count(AccessRequest.id)))


def test_request_approve_read_then_the_grant_ends_by_itself(app, api_as, web_as, file_at, clock):
    file = file_at("confidential")
    dispatcher, supervisor = api_as("dispatcher"), api_as("supervisor")
    assert dispatcher.get(f"/api/v1/customers/{file['id']}").status_code == 403
    asked = _ask(dispatcher, file["id"], hours=2)
    assert asked.status_code == 201 and asked.get_json()["state"] == "pending"
    queue = supervisor.get(REQ, query_string={"state": "pending"}).get_json()
    assert [r["id"] for r in queue["items"]] == [asked.get_json()["id"]]
    home = web_as("supervisor", "web-sup").get("/").get_data(as_text=True)
    assert "待审批的档案查阅申请" in home
    done = supervisor.post(f"{REQ}/{asked.get_json()['id']}/approve", json={"note": "同意"})
    assert done.status_code == 200 and done.get_json()["state"] == "approved"
    assert dispatcher.get(f"/api/v1/customers/{file['id']}").status_code == 200
    granted = audit(api_as, file["id"], "grant")[0]
    assert granted["actor"] == "supervisor user"
    assert granted["changes"]["reason"][1] == "核对地址"
    assert granted["changes"]["expires_at"][1][:16] == done.get_json()["expires_at"][:16]
    clock(1.9)
    assert dispatcher.get(f"/api/v1/customers/{file['id']}").status_code == 200
    clock(2.01)
    assert dispatcher.get(f"/api/v1/customers/{file['id']}").status_code == 403
    mine = dispatcher.get(REQ, query_string={"mine": "true"}).get_json()["items"][0]
    assert mine["state"] == "expired"


def test_refuse_and_revoke(api_as, file_at):
    file = file_at("confidential")
    dispatcher, supervisor = api_as("dispatcher"), api_as("supervisor")
    first = _ask(dispatcher, file["id"]).get_json()
    refused = supervisor.post(f"{REQ}/{first['id']}/refuse", json={"note": "理由不足"})
    assert refused.status_code == 200 and refused.get_json()["state"] == "refused"
    assert dispatcher.get(f"/api/v1/customers/{file['id']}").status_code == 403
    second = _ask(dispatcher, file["id"]).get_json()
    supervisor.post(f"{REQ}/{second['id']}/approve", json={})
    assert dispatcher.get(f"/api/v1/customers/{file['id']}").status_code == 200
    assert supervisor.post(f"{REQ}/{second['id']}/revoke").status_code == 200
    assert dispatcher.get(f"/api/v1/customers/{file['id']}").status_code == 403
    kinds = {e["action"] for e in audit(api_as, file["id"])}
    assert {"grant_request", "grant", "grant_refused", "grant_revoked"} <= kinds


def test_top_secret_needs_an_admin_and_supervisors_must_ask_too(api_as, file_at):
    file = file_at("top_secret")
    supervisor, dispatcher = api_as("supervisor"), api_as("dispatcher")
    assert supervisor.get(f"/api/v1/customers/{file['id']}").status_code == 403
    asked = _ask(dispatcher, file["id"]).get_json()
    resp = supervisor.post(f"{REQ}/{asked['id']}/approve", json={})
    assert resp.status_code == 403 and resp.get_json()["code"] == "not_approver"
    own = _ask(supervisor, file["id"]).get_json()
    assert api_as("admin").post(f"{REQ}/{asked['id']}/approve", json={}).status_code == 200
    assert dispatcher.get(f"/api/v1/customers/{file['id']}").status_code == 200
    assert supervisor.get(f"/api/v1/customers/{file['id']}").status_code == 403
    assert own["state"] == "pending"


def test_bad_requests_are_refused_and_change_nothing(app, api_as, file_at):
    dispatcher, supervisor = api_as("dispatcher"), api_as("supervisor")
    normal, secret = file_at("normal"), file_at("secret")
    confidential, top = file_at("confidential"), file_at("top_secret")
    before = _count(app)
    too_long = _ask(dispatcher, confidential["id"], hours=7 * 24 + 1)
    assert too_long.status_code == 422 and "hours" in too_long.get_json()["fields"]
    assert _ask(dispatcher, top["id"], hours=3 * 24 + 1).status_code == 422
    for f in (normal, secret):
        resp = _ask(dispatcher, f["id"])
        assert resp.status_code == 422 and "customer_id" in resp.get_json()["fields"]
    assert _ask(dispatcher, 999_999).status_code == 404
    assert _ask(dispatcher, confidential["id"], reason="").status_code == 422
    assert dispatcher.post(REQ, json={"customer_id": confidential["id"], "reason": "x y",
                                      "hours": 2, "extra": 1}).status_code == 422
    already = _ask(supervisor, confidential["id"])  # supervisors read 机密 without asking
    assert already.status_code == 409
    assert _count(app) == before
    own = _ask(supervisor, top["id"]).get_json()
    resp = supervisor.post(f"{REQ}/{own['id']}/approve", json={})
    assert resp.status_code == 403 and resp.get_json()["code"] == "own_request"
    admin_own = api_as("admin")
    assert _ask(admin_own, top["id"]).status_code == 409
    assert dispatcher.post(f"{REQ}/{own['id']}/approve", json={}).status_code == 403
    assert _ask(supervisor, top["id"]).status_code == 409  # already asked
    assert api_as("admin").post(f"{REQ}/999999/approve", json={}).status_code == 404


def test_secret_file_reveals_its_mobile_only_for_a_reason_and_records_it(api_as, file_at):
    file = file_at("secret")
    dispatcher = api_as("dispatcher")
    assert dispatcher.post(f"/api/v1/customers/{file['id']}/reveal", json={}).status_code == 422
    resp = dispatcher.post(f"/api/v1/customers/{file['id']}/reveal",
                           json={"reason": "客户要求回电"})
    assert resp.status_code == 200 and resp.get_json()["mobile"] == file["mobile"]
    reveal = audit(api_as, file["id"], "reveal")
    assert len(reveal) == 1 and reveal[0]["changes"]["reason"][1] == "客户要求回电"
    assert api_as("finance").post(f"/api/v1/customers/{file['id']}/reveal",
                                  json={"reason": "对账"}).status_code == 403
    normal = file_at("normal")
    assert dispatcher.post(f"/api/v1/customers/{normal['id']}/reveal",
                           json={"reason": "回电"}).status_code == 403
