"""The destruction page (档案销毁审批): the desk proposes on the file's page; supervisors
and admins see the pending proposals and approve or refuse them; a refusal is recorded
and leaves the file as it was."""
import re

from core.extensions import db
from tests.conftest import csrf_from

from .conftest import audit


def _propose(api_as, cid, role="dispatcher"):
    return api_as(role).post(f"/api/v1/customers/{cid}/destruction",
                             json={"reason": "obsolete", "note": "三年无服务"})


def test_refusal_by_an_approver_ends_the_proposal_and_keeps_the_file(api_as, file_at):
    f = file_at("normal", name="周小芳")
    pid = _propose(api_as, f["id"]).get_json()["id"]
    # the proposer may not refuse (nor approve) her own; a dispatcher may not refuse at all
    own = _propose(api_as, file_at("normal")["id"], role="supervisor").get_json()["id"]
    resp = api_as("supervisor").post(f"/api/v1/customers/destructions/{own}/refuse", json={})
    assert resp.status_code == 403 and resp.get_json()["code"] == "own_proposal"
    assert api_as("dispatcher").post(f"/api/v1/customers/destructions/{pid}/refuse",
                                     json={}).status_code == 403
    too_long = api_as("supervisor").post(f"/api/v1/customers/destructions/{pid}/refuse",
                                         json={"note": "长" * 501})
    assert too_long.status_code == 422 and "note" in too_long.get_json()["fields"]
    assert api_as("supervisor").post("/api/v1/customers/destructions/999999/refuse",
                                     json={}).status_code == 404
    done = api_as("supervisor").post(f"/api/v1/customers/destructions/{pid}/refuse",
                                     json={"note": "客户仍有复购意向"})
    assert done.status_code == 200, done.get_json()
    body = done.get_json()
    assert body["state"] == "refused" and body["refusal_note"] == "客户仍有复购意向"
    assert body["refused_by_id"] and not body["may_approve"] and not body["may_refuse"]
    # nothing more happens to a refused proposal; the file is intact; a new one may be made
    for action in ("approve", "refuse", "cancel"):
        resp = api_as("admin").post(f"/api/v1/customers/destructions/{pid}/{action}", json={}
                                    if action == "refuse" else None)
        assert resp.status_code == 409, action
    assert api_as("admin").get(f"/api/v1/customers/{f['id']}").get_json()["name"] == "周小芳"
    assert [e["action"] for e in audit(api_as, f["id"])][:2] == [
        "destruction_refused", "destruction_proposed"]
    assert _propose(api_as, f["id"]).status_code == 201
    queue = api_as("supervisor").get("/api/v1/customers/destructions",
                                     query_string={"state": "refused"}).get_json()
    assert [r["id"] for r in queue["items"]] == [pid]


def test_the_page_proposes_lists_approves_and_refuses(app, web_as, api_as, file_at):
    keep = file_at("normal", name="吴可留")
    gone = file_at("normal", name="郑要删")
    desk = web_as("dispatcher", "web-desk")
    for f in (keep, gone):
        token = csrf_from(desk, f"/customers/{f['id']}")
        resp = desk.post(f"/customers/{f['id']}/destruction",
                         data={"csrf_token": token, "reason": "customer_request",
                               "note": "客户要求删除"})
        assert resp.status_code == 302
    page = desk.get(f"/customers/{gone['id']}").get_data(as_text=True)
    assert 'id="destruction-state"' in page and 'id="destruction-form"' not in page
    assert 'id="destruction-cancel"' in page  # the proposer may cancel her own
    assert 'id="destruction-cancel"' not in web_as("supervisor", "web-sup2").get(
        f"/customers/{gone['id']}").get_data(as_text=True)
    # the proposer cancels a third one from the file's page
    third = file_at("normal", name="韩取消")
    token = csrf_from(desk, f"/customers/{third['id']}")
    desk.post(f"/customers/{third['id']}/destruction",
              data={"csrf_token": token, "reason": "obsolete", "note": ""})
    pid = api_as("admin").get("/api/v1/customers/destructions", query_string={
        "customer_id": third["id"]}).get_json()["items"][0]["id"]
    resp = desk.post(f"/customers/destructions/{pid}/cancel",
                     data={"csrf_token": token, "next": str(third["id"])})
    assert resp.status_code == 302 and resp.headers["Location"].endswith(
        f"/customers/{third['id']}#destruction")
    assert api_as("admin").get("/api/v1/customers/destructions", query_string={
        "customer_id": third["id"]}).get_json()["items"][0]["state"] == "cancelled"
    # a bad reason typed in: refused with the field named, nothing proposed
    other = file_at("normal")
    token = csrf_from(desk, f"/customers/{other['id']}")
    desk.post(f"/customers/{other['id']}/destruction",
              data={"csrf_token": token, "reason": "whim", "note": ""})
    assert api_as("admin").get("/api/v1/customers/destructions", query_string={
        "customer_id": other["id"]}).get_json()["total"] == 0
    # the dispatcher does not see the approvers' page
    assert desk.get("/customers/destructions").status_code == 403

    boss = web_as("supervisor", "web-boss")
    html = boss.get("/customers/destructions").get_data(as_text=True)
    rows = dict(re.findall(r'data-proposal="(\d+)" data-state="(\w+)"', html))
    assert len(rows) == 2 and set(rows.values()) == {"proposed"}
    assert "吴可留" in html and "郑要删" in html
    # newest first: "gone" was proposed last
    ids = {f["id"]: int(p) for p, f in zip(
        re.findall(r'data-proposal="(\d+)"', html), [gone, keep], strict=True)}
    token = csrf_from(boss, "/customers/destructions")
    assert boss.post(f"/customers/destructions/{ids[keep['id']]}/refuse",
                     data={"csrf_token": token, "note": "还有未结账款"}).status_code == 302
    assert boss.post(f"/customers/destructions/{ids[gone['id']]}/approve",
                     data={"csrf_token": token}).status_code == 302
    html = boss.get("/customers/destructions").get_data(as_text=True)
    assert f'data-proposal="{ids[keep["id"]]}"' not in html  # pending only by default
    assert "1 / 2" in html
    # a second approver (an admin) destroys
    admin = web_as("admin", "web-admin")
    token = csrf_from(admin, "/customers/destructions")
    assert admin.post(f"/customers/destructions/{ids[gone['id']]}/approve",
                      data={"csrf_token": token}).status_code == 302
    html = admin.get("/customers/destructions?state=destroyed").get_data(as_text=True)
    assert "已销毁" in html and "郑要删" not in html
    html = admin.get("/customers/destructions?state=refused").get_data(as_text=True)
    assert "还有未结账款" in html and "supervisor user" in html
    # a bad filter is a 400 page naming the field, not a 500
    resp = admin.get("/customers/destructions?state=eaten")
    assert resp.status_code == 400 and "state" in resp.get_data(as_text=True)
    resp = admin.get("/customers/destructions?sort=colour")
    assert resp.status_code == 400 and "sort" in resp.get_data(as_text=True)
    with app.app_context():
        from core.customers.models import Customer

        assert db.session.get(Customer, keep["id"]).name == "吴可留"
        assert db.session.get(Customer, gone["id"]).name == "已销毁"


def test_destroying_scrubs_her_proposals_notes_and_her_rechecks(app, api_as, file_at):
    from core.customers.models_access import Destruction
    from core.customers.models_checks import FileCheck

    f = file_at("normal", name="蒋秘密", mobile="13955556666")
    cid = f["id"]
    assert api_as("dispatcher").post(f"/api/v1/customers/{cid}/checks", json={
        "note": "蒋秘密 13955556666 地址已核对"}).status_code == 201
    first = api_as("dispatcher").post(f"/api/v1/customers/{cid}/destruction", json={
        "reason": "customer_request", "note": "蒋秘密来电（13955556666）要求删除"}).get_json()
    api_as("supervisor").post(f"/api/v1/customers/destructions/{first['id']}/refuse",
                              json={"note": "先核实是否蒋秘密本人"})
    second = api_as("dispatcher").post(f"/api/v1/customers/{cid}/destruction", json={
        "reason": "customer_request", "note": "蒋秘密本人已核实"}).get_json()
    for role in ("supervisor", "admin"):
        assert api_as(role).post(
            f"/api/v1/customers/destructions/{second['id']}/approve").status_code == 200
    with app.app_context():
        notes = [(d.note, d.refusal_note) for d in db.session.scalars(
            db.select(Destruction).where(Destruction.customer_id == cid))]
        checks = [c.note for c in db.session.scalars(
            db.select(FileCheck).where(FileCheck.customer_id == cid))]
    assert len(notes) == 2 and checks == [""]
    assert not any("蒋秘密" in n or "13955556666" in n for pair in notes for n in pair)
    assert "先核实是否***本人" in {r for _, r in notes}
