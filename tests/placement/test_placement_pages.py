"""The placing steps on people's pages: the order page's section (willingness, profile
sent, service agreement) and its forms, the printable profile card (no ID number, no
phone) and service agreement; English for every string."""
from __future__ import annotations

import re
from pathlib import Path

from core.extensions import db
from tests.appointments.helpers import interviewing, matching
from tests.conftest import csrf_from
from tests.orders.helpers import day


def _private(app, worker_id):
    from core.workers.models import Worker

    with app.app_context():
        w = db.session.get(Worker, worker_id)
        return w.id_number, w.mobile


def test_the_order_page_records_willingness_then_the_sending(app, web_as, desk, new_order,
                                                              worker_for):
    nanny = worker_for("nanny")
    order = matching(desk, new_order("nanny"), nanny)
    client = web_as("dispatcher")
    url = f"/orders/{order['id']}"
    page = client.get(url).get_data(as_text=True)
    assert 'id="placement"' in page and "发送资料前须先登记" in page
    refused = client.post(f"/placement/orders/{order['id']}/profile-sendings", data={
        "csrf_token": csrf_from(client, url), "worker_id": str(nanny), "channel": "wechat"})
    assert refused.status_code == 409 and "请先登记" in refused.get_data(as_text=True)
    ok = client.post(f"/placement/orders/{order['id']}/willingness", data={
        "csrf_token": csrf_from(client, url), "worker_id": str(nanny), "willing": "yes"})
    assert ok.status_code == 302 and ok.headers["Location"].endswith(f"{url}#placement")
    sent = client.post(f"/placement/orders/{order['id']}/profile-sendings", data={
        "csrf_token": csrf_from(client, url), "worker_id": str(nanny), "channel": "wechat"})
    assert sent.status_code == 302
    page = client.get(url).get_data(as_text=True)
    assert 'data-willing="yes"' in page and "微信" in page


def test_the_printable_profile_card_has_no_id_number_and_no_phone(app, web_as, desk, new_order,
                                                                 worker_for):
    nurse = worker_for("maternity_nurse")
    order = matching(desk, new_order("maternity_nurse"), nurse)
    resp = web_as("dispatcher").get(f"/placement/orders/{order['id']}/profile-cards/{nurse}")
    assert resp.status_code == 200
    html = resp.get_data(as_text=True)
    id_number, mobile = _private(app, nurse)
    # the order number holds today's date, which a mobile's last four digits may equal
    without_number = re.sub(r"JZ\d{8}-\d{4}", "", html)
    assert id_number not in html and mobile not in html and mobile[-4:] not in without_number
    assert "安徽六安" in html and "阿姨资料" in html and 'data-kind="health_certificate"' in html
    assert web_as("finance").get(
        f"/placement/orders/{order['id']}/profile-cards/{nurse}").status_code == 403


def test_the_agreement_is_drafted_printed_in_its_version_and_signed_on_the_page(
        web_as, desk, new_order, worker_for):
    nurse = worker_for("maternity_nurse")
    order = interviewing(desk, new_order("maternity_nurse"), nurse)
    client = web_as("dispatcher")
    url = f"/orders/{order['id']}"
    assert client.post(f"/placement/orders/{order['id']}/service-agreements",
                       data={"csrf_token": csrf_from(client, url)}).status_code == 302
    page = client.get(url).get_data(as_text=True)
    agreement_id = re.search(r"/service-agreements/(\d+)\"", page).group(1)
    printed = client.get(f"/placement/orders/{order['id']}/service-agreements/{agreement_id}")
    text = printed.get_data(as_text=True)
    assert printed.status_code == 200 and "月嫂服务协议" in text and "v1" in text
    assert order["number"] in text and "{worker}" not in text and "草稿" in text
    bad = client.post(f"/placement/orders/{order['id']}/service-agreements/{agreement_id}/sign",
                      data={"csrf_token": csrf_from(client, url), "signed_on": "soon"})
    assert bad.status_code == 422
    ok = client.post(f"/placement/orders/{order['id']}/service-agreements/{agreement_id}/sign",
                     data={"csrf_token": csrf_from(client, url),
                           "signed_on": day(0).isoformat()})
    assert ok.status_code == 302
    page = client.get(url).get_data(as_text=True)
    assert 'data-status="signed"' in page
    # her agreement is signed: nothing is left to draft for her, so no draft button
    assert 'id="draft-agreement"' not in page and "起草服务协议</button>" not in page


def test_every_string_on_the_placing_pages_has_an_english_translation():
    from babel.messages.pofile import read_po

    root = Path(__file__).resolve().parents[2] / "core"
    used = set()
    for path in [*(root / "templates" / "placement").glob("*.html"),
                 *(root / "placement").glob("*.py")]:
        used |= set(re.findall(r"""_\(\s*["']([^"']+)["']\s*\)""", path.read_text("utf-8")))
    translated = set()
    for po in (root / "translations" / "en" / "LC_MESSAGES").glob("*.po"):
        with po.open("rb") as fh:
            translated |= {m.id for m in read_po(fh) if m.id and m.string}
    assert used and used - translated == set()
