"""Destroying a customer file (档案销毁): two approvals, neither the proposer; afterwards
no text column of any table holds her mobile, name or address."""
import sqlalchemy as sa

from core.extensions import db
from tests.orders.conftest import advance
from tests.orders.helpers import intake

from .conftest import audit

ADDRESS = "望京街 8 号 3-1201"  # file_at's address


def _every_text_cell(app):
    """(table, column, value) of every text and JSON cell in the database."""
    with app.app_context():
        for table in db.metadata.sorted_tables:
            cols = [c for c in table.columns
                    if isinstance(c.type, (sa.String, sa.Text, sa.JSON))]
            if not cols:
                continue
            for row in db.session.execute(sa.select(*[sa.cast(c, sa.Text) for c in cols])):
                for c, value in zip(cols, row, strict=True):
                    if value:
                        yield table.name, c.name, value


def _propose(api_as, cid, role="dispatcher", reason="customer_request"):
    return api_as(role).post(f"/api/v1/customers/{cid}/destruction",
                             json={"reason": reason, "note": "客户来电要求删除个人信息"})


def test_two_approvals_other_than_the_proposer_destroy_and_nothing_personal_is_left(
        app, api_as, file_at):
    f = file_at("secret", name="钱多多", mobile="13987654321")
    other = api_as("admin").post("/api/v1/customers", json={
        "name": "孙悟空", "mobile": "13811112222",
        "addresses": [{"district": "海淀区", "detail": "花果山 1 号"}]}).get_json()
    cid = f["id"]
    # her data spreads: an order at her address, an access request, a do-not-send reason
    body = {"service_line": "cleaning", "customer_id": cid,
            "note": "钱多多说电话 13987654321 白天打",
            "intake": intake("cleaning", address={"district": "朝阳区", "detail": ADDRESS})}
    order = api_as("dispatcher").post("/api/v1/orders", json=body)
    assert order.status_code == 201, order.get_json()
    order = order.get_json()
    # an open order stops the proposal
    assert _propose(api_as, cid).status_code == 409
    order = advance(api_as("dispatcher"), order, "cancelled", cancel_reason="other",
                    cancel_note="钱多多 改期")
    order_id = order["id"]
    proposed = _propose(api_as, cid)
    assert proposed.status_code == 201, proposed.get_json()
    pid = proposed.get_json()["id"]
    # the proposer may not approve; nor may a dispatcher
    assert api_as("dispatcher").post(
        f"/api/v1/customers/destructions/{pid}/approve").status_code == 403
    first = api_as("supervisor").post(f"/api/v1/customers/destructions/{pid}/approve")
    assert first.status_code == 200 and first.get_json()["state"] == "proposed"
    # once each
    assert api_as("supervisor").post(
        f"/api/v1/customers/destructions/{pid}/approve").status_code == 409
    done = api_as("admin").post(f"/api/v1/customers/destructions/{pid}/approve")
    assert done.status_code == 200, done.get_json()
    assert done.get_json()["state"] == "destroyed"

    cells = list(_every_text_cell(app))
    for secret in ("13987654321", "钱多多", ADDRESS):
        found = [(t, c) for t, c, v in cells if secret in v]
        assert found == [], f"{secret} still in {found}"
    # the other customer is untouched
    assert any("13811112222" in v for _, _, v in cells)
    assert any("孙悟空" in v for _, _, v in cells)
    # the order keeps its amounts and dates
    kept = api_as("admin").get(f"/api/v1/orders/{order_id}")
    assert kept.status_code == 200, kept.get_json()
    for field in ("created_at", "quote_total", "agreed_price", "state", "number"):
        assert kept.get_json()[field] == order[field], field
    # one audit row says so, with nothing of her
    destroyed = audit(api_as, cid, "destroyed")
    assert len(destroyed) == 1 and "钱多多" not in str(destroyed)
    with app.app_context():
        from core.audit.service import verify_chain

        assert verify_chain().finding is None
    assert other["id"] != cid


def test_the_proposer_cannot_approve_even_as_an_admin(api_as, file_at):
    cid = file_at("normal")["id"]
    pid = _propose(api_as, cid, role="admin").get_json()["id"]
    resp = api_as("admin").post(f"/api/v1/customers/destructions/{pid}/approve")
    assert resp.status_code == 403 and resp.get_json()["code"] == "own_proposal"


def test_bad_proposals_are_refused_and_change_nothing(api_as, file_at):
    cid = file_at("normal")["id"]
    assert _propose(api_as, 999999).status_code == 404
    bad = api_as("dispatcher").post(f"/api/v1/customers/{cid}/destruction",
                                    json={"reason": "bored"})
    assert bad.status_code == 422 and "reason" in str(bad.get_json())
    assert _propose(api_as, cid).status_code == 201
    assert _propose(api_as, cid).status_code == 409
    assert api_as("finance").post(f"/api/v1/customers/{cid}/destruction",
                                  json={"reason": "obsolete"}).status_code == 403


def test_a_cancelled_proposal_destroys_nothing(api_as, file_at):
    f = file_at("normal", name="赵六")
    pid = _propose(api_as, f["id"]).get_json()["id"]
    assert api_as("dispatcher").post(
        f"/api/v1/customers/destructions/{pid}/cancel").status_code == 200
    assert api_as("supervisor").post(
        f"/api/v1/customers/destructions/{pid}/approve").status_code == 409
    assert api_as("admin").get(f"/api/v1/customers/{f['id']}").get_json()["name"] == "赵六"
