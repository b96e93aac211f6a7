"""The appointments on people's pages: the order page's visits / sessions / interviews
sections and their forms, the printable service sheet (上户表), the tool-kit inventory,
who may see and do what, and an English translation for every string."""
from __future__ import annotations

import re
from pathlib import Path

from tests.conftest import csrf_from
from tests.orders.helpers import day

from .helpers import arrange, beijing, interviewing, send_profile


def _plan(desk, order) -> dict:
    return desk.post(f"/api/v1/orders/{order['id']}/visits/plan").get_json()[0]


def test_the_service_sheet_prints_customer_address_time_worker_and_tasks(
        web_as, desk, new_order):
    order = new_order("cleaning", notes="钥匙在物业")
    visit = _plan(desk, order)
    html = web_as("dispatcher").get(f"/appointments/visits/{visit['id']}/sheet").get_data(
        as_text=True)
    assert "保洁服务上户表" in html and order["number"] in html
    address = re.search(r'id="sheet-address">([^<]*)<', html).group(1)
    assert address == "鼓楼区 中山北路 1 号 2 栋 301 室"  # the address the intake gave
    assert re.search(r'id="sheet-customer">李女士<', html)
    assert f"{day(10)} 09:00" in html
    assert "开荒保洁 120㎡" in html and "脏乱程度：重度脏污" in html and "钥匙在物业" in html
    assert "客户签字" in html and "阿姨签字" in html
    assert "139" not in re.search(r"电话</th><td>([^<]*)<", html).group(1)[3:7]  # masked


def test_the_order_page_shows_the_visits_and_plans_them_from_its_form(web_as, desk, new_order):
    order = new_order("cleaning", frequency="weekly", visits=2)
    client = web_as("dispatcher")
    url = f"/orders/{order['id']}"
    page = client.get(url).get_data(as_text=True)
    assert 'id="visits"' in page and "按需求生成上门计划" in page
    token = csrf_from(client, url)
    resp = client.post(f"/appointments/orders/{order['id']}/visits/plan",
                       data={"csrf_token": token})
    assert resp.status_code == 302 and resp.headers["Location"].endswith(f"{url}#visits")
    page = client.get(url).get_data(as_text=True)
    assert page.count('data-status="planned"') == 2 and "上户表" in page


def test_a_refused_form_shows_the_reason_on_the_order_page(web_as, desk, new_order):
    order = new_order("cleaning")
    visit = _plan(desk, order)
    client = web_as("dispatcher")
    token = csrf_from(client, f"/orders/{order['id']}")
    resp = client.post(f"/appointments/orders/{order['id']}/visits/{visit['id']}/start",
                       data={"csrf_token": token})
    assert resp.status_code == 409
    assert "开始上门服务" in resp.get_data(as_text=True)


def test_the_order_page_books_a_session_and_shows_what_is_left(web_as, desk, new_order):
    from .helpers import advance

    order = advance(desk, new_order("child_massage"), "quoted")
    client = web_as("dispatcher")
    url = f"/orders/{order['id']}"
    assert "剩余次数" in client.get(url).get_data(as_text=True)
    resp = client.post(f"/appointments/orders/{order['id']}/sessions", data={
        "csrf_token": csrf_from(client, url), "starts_at": f"{day(2)}T15:00",
        "ends_at": f"{day(2)}T16:00", "place": "company"})
    assert resp.status_code == 302
    page = client.get(url).get_data(as_text=True)
    assert 'data-status="booked"' in page and f"{day(2)} 15:00" in page
    assert re.search(r'id="sessions-remaining"><strong>10<', page)


def test_the_order_page_arranges_an_interview_and_records_it_passed(
        web_as, desk, new_order, worker_for):
    order = interviewing(desk, new_order("maternity_nurse"), worker_for("maternity_nurse"))
    client = web_as("dispatcher")
    url = f"/orders/{order['id']}"
    assert "签约前须面试通过" in client.get(url).get_data(as_text=True)
    form = {"worker_id": order["worker_id"], "scheduled_at": f"{day(1)}T10:00",
            "place": "公司"}
    # 004: her profile goes to the customer before the interview — the page says so
    refused = client.post(f"/appointments/orders/{order['id']}/interviews",
                          data={"csrf_token": csrf_from(client, url), **form})
    assert refused.status_code == 409
    assert "请先发送阿姨资料" in refused.get_data(as_text=True)
    assert desk.get(f"/api/v1/orders/{order['id']}/interviews").get_json() == []
    send_profile(desk, order, order["worker_id"])
    resp = client.post(f"/appointments/orders/{order['id']}/interviews",
                       data={"csrf_token": csrf_from(client, url), **form})
    assert resp.status_code == 302
    row = desk.get(f"/api/v1/orders/{order['id']}/interviews").get_json()[0]
    resp = client.post(f"/appointments/orders/{order['id']}/interviews/{row['id']}/outcome",
                       data={"csrf_token": csrf_from(client, url), "version": row["version"],
                             "outcome": "passed"})
    assert resp.status_code == 302
    assert 'id="interview-passed"' in client.get(url).get_data(as_text=True)


def test_finance_sees_the_sections_without_forms_and_a_trainer_sees_nothing(
        web_as, desk, new_order, worker_for):
    order = interviewing(desk, new_order("nanny"), worker_for("nanny"))
    arrange(desk, order, beijing(day(1), "10:00"))
    finance = web_as("finance")
    page = finance.get(f"/orders/{order['id']}").get_data(as_text=True)
    assert 'id="interviews"' in page and "登记结果" not in page
    assert finance.get("/appointments/tool-kits").status_code == 200
    token = csrf_from(finance, "/appointments/tool-kits")
    assert finance.post("/appointments/tool-kits/items",
                        data={"csrf_token": token, "name": "抹布"}).status_code == 403
    trainer = web_as("trainer")
    assert trainer.get("/appointments/tool-kits").status_code == 403


def test_the_tool_kit_page_adds_items_recounts_and_makes_a_kit(web_as):
    client = web_as("dispatcher")
    url = "/appointments/tool-kits"
    resp = client.post(f"{url}/items", data={"csrf_token": csrf_from(client, url),
                                             "name": "抹布", "stock": "12", "unit": "块"})
    assert resp.status_code == 302
    dup = client.post(f"{url}/items", data={"csrf_token": csrf_from(client, url),
                                            "name": "抹布"})
    assert dup.status_code == 422 and "该名称已存在" in dup.get_data(as_text=True)
    page = client.get(url).get_data(as_text=True)
    item_id = re.search(r'data-item="(\d+)"', page).group(1)
    resp = client.post(f"{url}/items/{item_id}", data={
        "csrf_token": csrf_from(client, url), "version": "1", "stock": "9", "active": "1"})
    assert resp.status_code == 302
    resp = client.post(url, data={"csrf_token": csrf_from(client, url), "name": "日常包",
                                  f"qty_{item_id}": "3"})
    assert resp.status_code == 302
    page = client.get(url).get_data(as_text=True)
    assert 'data-stock="9"' in page and "日常包" in page and "抹布 × 3" in page


def test_every_string_on_the_appointment_pages_has_an_english_translation():
    from babel.messages.pofile import read_po

    root = Path(__file__).resolve().parents[2] / "core"
    used = set()
    for path in [*(root / "templates" / "appointments").glob("*.html"),
                 *(root / "appointments").glob("*.py")]:
        used |= set(re.findall(r"""_\(\s*["']([^"']+)["']\s*\)""", path.read_text("utf-8")))
    with (root / "translations" / "en" / "LC_MESSAGES" / "appointments.po").open("rb") as fh:
        translated = {m.id for m in read_po(fh) if m.id and m.string}
    assert used and used - translated == set()


def test_a_kit_count_that_is_not_a_number_is_422_on_that_item_and_makes_no_kit(web_as):
    client = web_as("dispatcher")
    url = "/appointments/tool-kits"
    resp = client.post(f"{url}/items", data={"csrf_token": csrf_from(client, url),
                                             "name": "水桶", "stock": "4", "unit": "个"})
    assert resp.status_code == 302
    item_id = re.search(r'data-item="(\d+)"', client.get(url).get_data(as_text=True)).group(1)
    resp = client.post(url, data={"csrf_token": csrf_from(client, url), "name": "周末包",
                                  f"qty_{item_id}": "三"})
    html = resp.get_data(as_text=True)
    assert resp.status_code == 422 and f'data-field="qty_{item_id}"' in html
    # what was typed goes back into the kit's form, not the add-an-item form beside it
    assert 'id="k-name" name="name" required value="周末包"' in html
    assert 'id="t-name" name="name" required value=""' in html
    assert "周末包" not in client.get(url).get_data(as_text=True)


def test_a_kit_takes_only_the_items_whose_box_is_filled(web_as):
    """The page says "leave empty for none": with two items, a blank box is not refused."""
    client = web_as("dispatcher")
    url = "/appointments/tool-kits"
    for name in ("拖把", "手套"):
        assert client.post(f"{url}/items", data={"csrf_token": csrf_from(client, url),
                                                 "name": name, "stock": "6"}).status_code == 302
    ids = re.findall(r'data-item="(\d+)"', client.get(url).get_data(as_text=True))
    assert len(ids) == 2
    resp = client.post(url, data={"csrf_token": csrf_from(client, url), "name": "擦窗包",
                                  f"qty_{ids[0]}": "2", f"qty_{ids[1]}": ""})
    assert resp.status_code == 302
    page = client.get(url).get_data(as_text=True)
    kit = re.search(r'data-kit="\d+"><h3>擦窗包</h3>\s*<ul>(.*?)</ul>', page, re.S).group(1)
    assert kit.count("<li>") == 1
