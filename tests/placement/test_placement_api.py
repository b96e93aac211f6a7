"""Placing a worker (上单) as 004 lists it: the 育婴师's willingness is recorded before her
profile goes to the customer; the profile card (no ID number, no phone) and each
sending of it are recorded; the 月嫂 signs a service agreement (服务协议) whose text is
versioned."""
from __future__ import annotations

from core.extensions import db
from tests.appointments.helpers import (
    advance,
    ago,
    arrange,
    beijing,
    fetch,
    interviewing,
    matching,
    move,
    outcome,
    send_profile,
    signed_contract,
)
from tests.orders.helpers import day


def _worker_row(app, worker_id):
    from core.workers.models import Worker

    with app.app_context():
        w = db.session.get(Worker, worker_id)
        return w.id_number, w.mobile


def test_a_nannys_profile_is_not_sent_before_her_willingness_is_recorded(
        desk, new_order, worker_for):
    nanny = worker_for("nanny")
    order = matching(desk, new_order("nanny"), nanny)
    url = f"/api/v1/orders/{order['id']}/profile-sendings"
    refused = desk.post(url, json={"channel": "wechat"})
    assert refused.status_code == 409
    body = refused.get_json()
    assert body["code"] == "willingness_not_recorded" and "意愿" in body["message"]["zh"]
    assert desk.get(url).get_json() == []  # nothing half-written
    no = desk.post(f"/api/v1/orders/{order['id']}/willingness", json={"willing": False})
    assert no.status_code == 422 and no.get_json()["fields"]["note"][0]["zh"]
    no = desk.post(f"/api/v1/orders/{order['id']}/willingness",
                   json={"willing": False, "note": "离家太远"})
    assert no.status_code == 201 and no.get_json()["worker_id"] == nanny
    unwilling = desk.post(url, json={"channel": "wechat"})
    assert unwilling.status_code == 409 and unwilling.get_json()["code"] == "worker_not_willing"
    yes = desk.post(f"/api/v1/orders/{order['id']}/willingness",
                    json={"willing": True, "note": "可以接受住家"})
    assert yes.status_code == 201
    sent = desk.post(url, json={"channel": "wechat", "note": "发到客户微信"})
    assert sent.status_code == 201, sent.get_json()
    row = sent.get_json()
    assert (row["channel"], row["sent_by"], row["worker_id"]) == (
        "wechat", "dispatcher user", nanny)
    history = [e["kind"] for e in desk.get(f"/api/v1/orders/{order['id']}/events").get_json()]
    assert "willingness_recorded" in history and "profile_sent" in history


def test_a_sending_names_a_known_channel_and_a_time_not_in_the_future(
        desk, new_order, worker_for):
    order = matching(desk, new_order("maternity_nurse"), worker_for("maternity_nurse"))
    url = f"/api/v1/orders/{order['id']}/profile-sendings"
    bad = desk.post(url, json={"channel": "pigeon"})
    assert bad.status_code == 422 and bad.get_json()["fields"]["channel"][0]["zh"]
    future = desk.post(url, json={"channel": "printed", "sent_at": ago(hours=-5)})
    assert future.status_code == 422 and "sent_at" in future.get_json()["fields"]
    # a 月嫂's line asks for no recorded willingness before the card goes
    ok = desk.post(url, json={"channel": "printed", "sent_at": ago(minutes=5)})
    assert ok.status_code == 201


def test_the_profile_card_shows_her_facts_credentials_and_ratings_but_no_id_or_phone(
        app, desk, new_order, worker_for):
    nurse = worker_for("maternity_nurse")
    order = matching(desk, new_order("maternity_nurse"), nurse)
    resp = desk.get(f"/api/v1/orders/{order['id']}/profile-cards/{nurse}")
    assert resp.status_code == 200, resp.get_json()
    card = resp.get_json()
    assert card["hometown"] == "安徽六安" and card["years_experience"] == 5
    assert card["age"] >= 18 and card["rating"]["count"] == 0
    kinds = {c["kind"]: c["state"] for c in card["credentials"]}
    assert kinds == {"health_certificate": "valid", "platform_certification": "valid",
                     "maternity_care": "valid"}
    id_number, mobile = _worker_row(app, nurse)
    text = resp.get_data(as_text=True)
    assert id_number not in text and mobile not in text
    assert "id_number" not in card and "mobile" not in card


def test_lines_without_the_step_refuse_it(desk, new_order, worker_for):
    order = matching(desk, new_order("cleaning"), worker_for("cleaning"))
    resp = desk.post(f"/api/v1/orders/{order['id']}/profile-sendings", json={"channel": "sms"})
    assert resp.status_code == 409 and resp.get_json()["code"] == "no_profile_step"
    nanny_order = matching(desk, new_order("nanny"), worker_for("nanny"))
    resp = desk.post(f"/api/v1/orders/{nanny_order['id']}/service-agreements")
    assert resp.status_code == 409 and resp.get_json()["code"] == "no_agreement_step"


def test_the_nurse_signs_the_service_agreement_in_its_version(
        desk, new_order, worker_for, api_as):
    nurse = worker_for("maternity_nurse")
    order = new_order("maternity_nurse")
    early = desk.post(f"/api/v1/orders/{order['id']}/service-agreements")
    assert early.status_code == 409 and early.get_json()["code"] == "order_state"
    order = interviewing(desk, order, nurse)
    templates = desk.get("/api/v1/service-lines/maternity_nurse/agreement-templates").get_json()
    assert [t["version"] for t in templates] == [1] and templates[0]["title_zh"] == "月嫂服务协议"
    drafted = desk.post(f"/api/v1/orders/{order['id']}/service-agreements")
    assert drafted.status_code == 201, drafted.get_json()
    first = drafted.get_json()
    assert (first["status"], first["template_version"]) == ("draft", 1)
    # a supervisor publishes version 2; the dispatcher may not
    body = {"title_zh": "月嫂服务协议（2027版）", "title_en": "Agreement 2027",
            "body_zh": "乙方：{worker}\n一、按时上户。", "body_en": "Nurse: {worker}\n1. On time."}
    assert desk.post("/api/v1/service-lines/maternity_nurse/agreement-templates",
                     json=body).status_code == 403
    v2 = api_as("supervisor").post("/api/v1/service-lines/maternity_nurse/agreement-templates",
                                   json=body)
    assert v2.status_code == 201 and v2.get_json()["version"] == 2
    bad = api_as("supervisor").post("/api/v1/service-lines/maternity_nurse/agreement-templates",
                                    json={**body, "body_zh": ""})
    assert bad.status_code == 422 and "body_zh" in bad.get_json()["fields"]
    url = f"/api/v1/orders/{order['id']}/service-agreements/{first['id']}/sign"
    future = desk.post(url, json={"signed_on": day(3).isoformat()})
    assert future.status_code == 422 and "signed_on" in future.get_json()["fields"]
    signed = desk.post(url, json={"signed_on": day(0).isoformat()})
    assert signed.status_code == 200, signed.get_json()
    assert (signed.get_json()["status"], signed.get_json()["template_version"]) == ("signed", 1)
    assert desk.post(url, json={"signed_on": day(0).isoformat()}).status_code == 409
    again = desk.post(f"/api/v1/orders/{order['id']}/service-agreements")
    assert again.status_code == 409 and again.get_json()["code"] == "agreement_signed"
    versions = desk.get("/api/v1/service-lines/maternity_nurse/agreement-templates").get_json()
    assert [t["version"] for t in versions] == [2, 1]


def test_the_placing_api_is_for_the_desk_only(api_as, desk, new_order, worker_for):
    order = matching(desk, new_order("nanny"), worker_for("nanny"))
    for role in ("finance", "trainer", "quality"):
        client = api_as(role)
        assert client.get(f"/api/v1/orders/{order['id']}/willingness").status_code == 403
        assert client.post(f"/api/v1/orders/{order['id']}/profile-sendings",
                           json={"channel": "sms"}).status_code == 403


def _arrange(desk, order, worker_id=None):
    return desk.post(f"/api/v1/orders/{order['id']}/interviews", json={
        "scheduled_at": beijing(day(2), "10:00"), "place": "公司",
        **({"worker_id": worker_id} if worker_id else {})})


def test_a_nurses_interview_waits_for_her_profile_to_be_sent(desk, new_order, worker_for):
    nurse = worker_for("maternity_nurse")
    order = interviewing(desk, new_order("maternity_nurse"), nurse)
    refused = _arrange(desk, order)
    assert refused.status_code == 409, refused.get_json()
    body = refused.get_json()
    assert body["code"] == "profile_not_sent"
    assert "send her profile card" in body["message"]["en"]
    assert "请先发送阿姨资料" in body["message"]["zh"]
    assert desk.get(f"/api/v1/orders/{order['id']}/interviews").get_json() == []
    # the profile of another worker does not count for her
    other = worker_for("maternity_nurse")
    send_profile(desk, order, other)
    assert _arrange(desk, order).status_code == 409
    send_profile(desk, order, nurse)
    assert _arrange(desk, order).status_code == 201


def test_a_nannys_interview_refusal_names_her_willingness_first(desk, new_order, worker_for):
    nanny = worker_for("nanny")
    order = interviewing(desk, new_order("nanny"), nanny)
    refused = _arrange(desk, order)
    assert refused.status_code == 409 and refused.get_json()["code"] == "profile_not_sent"
    assert "willingness" in refused.get_json()["message"]["en"]
    assert "意愿" in refused.get_json()["message"]["zh"]
    send_profile(desk, order, nanny)  # willingness, then the profile
    assert _arrange(desk, order).status_code == 201


def _contracted(desk, order, worker_id):
    interview = arrange(desk, order, beijing(day(1), "10:00"))
    assert outcome(desk, order, interview, "passed").status_code == 200
    signed_contract(desk, fetch(desk, order), day(10), day(35))
    return advance(desk, fetch(desk, order), "contracted")


def test_a_nurse_starts_service_only_with_her_service_agreement_signed(
        desk, new_order, worker_for):
    nurse = worker_for("maternity_nurse")
    order = _contracted(desk, interviewing(desk, new_order("maternity_nurse"), nurse), nurse)
    refused = move(desk, order, "in_service", start_date=day(10).isoformat())
    assert refused.status_code == 409, refused.get_json()
    body = refused.get_json()
    assert body["code"] == "agreement_not_signed"
    assert "service agreement" in body["message"]["en"] and "服务协议" in body["message"]["zh"]
    assert fetch(desk, order)["state"] == "contracted"
    # a draft is not enough
    draft = desk.post(f"/api/v1/orders/{order['id']}/service-agreements", json={})
    assert draft.status_code == 201
    assert move(desk, order, "in_service",
                start_date=day(10).isoformat()).status_code == 409
    signed = desk.post(f"/api/v1/orders/{order['id']}/service-agreements/"
                       f"{draft.get_json()['id']}/sign", json={"signed_on": day(0).isoformat()})
    assert signed.status_code == 200, signed.get_json()
    started = advance(desk, fetch(desk, order), "in_service", start_date=day(10).isoformat())
    assert started["state"] == "in_service"


def test_a_nanny_signs_no_service_agreement_and_starts_without_one(desk, new_order,
                                                                  worker_for):
    nanny = worker_for("nanny")
    order = _contracted(desk, interviewing(desk, new_order("nanny"), nanny), nanny)
    started = advance(desk, order, "in_service", start_date=day(10).isoformat())
    assert started["state"] == "in_service"


def _replace(desk, order, worker_id, change_date):
    resp = desk.post(f"/api/v1/orders/{order['id']}/worker", json={
        "worker_id": worker_id, "version": fetch(desk, order)["version"],
        "reason": "客户要求换人", "change_date": change_date.isoformat()})
    assert resp.status_code == 200, resp.get_json()
    return resp.get_json()


def test_a_replacement_nurse_takes_over_only_with_her_own_agreement_signed(
        desk, new_order, worker_for):
    """换人 in service: the new nurse's contract version (the hand-over) is not signed
    until she signed her own service agreement; the first nurse's does not count."""
    first, second = worker_for("maternity_nurse"), worker_for("maternity_nurse")
    order = _contracted(desk, interviewing(desk, new_order("maternity_nurse"), first), first)
    base = f"/api/v1/orders/{order['id']}"
    drafted = desk.post(f"{base}/service-agreements", json={}).get_json()
    assert desk.post(f"{base}/service-agreements/{drafted['id']}/sign",
                     json={"signed_on": day(0).isoformat()}).status_code == 200
    order = advance(desk, fetch(desk, order), "in_service", start_date=day(10).isoformat())
    order = _replace(desk, order, second, day(15))
    assert order["worker_id"] == second and order["state"] == "in_service"
    handover = desk.get(f"{base}/contracts").get_json()[-1]
    assert handover["worker_id"] == second and handover["status"] == "draft"
    refused = desk.post(f"{base}/contracts/{handover['id']}/sign",
                        json={"signed_on": day(0).isoformat()})
    assert refused.status_code == 409, refused.get_json()
    body = refused.get_json()
    assert body["code"] == "agreement_not_signed"
    assert "service agreement" in body["message"]["en"] and "服务协议" in body["message"]["zh"]
    assert body["next_step"]["code"] == "sign_agreement"
    assert body["next_step"]["href"].endswith(f"/orders/{order['id']}#placement")
    assert body["next_step"]["api"] == f"{base}/service-agreements"
    assert desk.get(f"{base}/contracts").get_json()[-1]["status"] == "draft"  # nothing saved
    # a draft of hers is not enough either
    mine = desk.post(f"{base}/service-agreements", json={})
    assert mine.status_code == 201 and mine.get_json()["worker_id"] == second
    assert desk.post(f"{base}/contracts/{handover['id']}/sign",
                     json={"signed_on": day(0).isoformat()}).status_code == 409
    assert desk.post(f"{base}/service-agreements/{mine.get_json()['id']}/sign",
                     json={"signed_on": day(0).isoformat()}).status_code == 200
    signed = desk.post(f"{base}/contracts/{handover['id']}/sign",
                       json={"signed_on": day(0).isoformat()})
    assert signed.status_code == 200 and signed.get_json()["status"] == "signed"


def test_the_in_service_refusal_names_the_agreement_step(desk, new_order, worker_for):
    nurse = worker_for("maternity_nurse")
    order = _contracted(desk, interviewing(desk, new_order("maternity_nurse"), nurse), nurse)
    refused = move(desk, order, "in_service", start_date=day(10).isoformat())
    assert refused.status_code == 409
    step = refused.get_json()["next_step"]
    assert step["code"] == "sign_agreement" and step["href"].endswith("#placement")
    assert step["api"] == f"/api/v1/orders/{order['id']}/service-agreements"


def test_a_nanny_replacement_signs_her_contract_version_without_an_agreement(
        desk, new_order, worker_for):
    first, second = worker_for("nanny"), worker_for("nanny")
    order = _contracted(desk, interviewing(desk, new_order("nanny"), first), first)
    order = advance(desk, order, "in_service", start_date=day(10).isoformat())
    order = _replace(desk, order, second, day(15))
    base = f"/api/v1/orders/{order['id']}"
    handover = desk.get(f"{base}/contracts").get_json()[-1]
    signed = desk.post(f"{base}/contracts/{handover['id']}/sign",
                       json={"signed_on": day(0).isoformat()})
    assert signed.status_code == 200, signed.get_json()
