"""The order page shows bookings, ranked candidates, filters and the why-not box, and
assigns / holds / releases through the same no-double-booking path."""
from __future__ import annotations

import re

from tests.conftest import csrf_from


def test_order_page_lists_candidates_and_explains_why_not(app, web_as, matching_order,
                                                          qualified, worker_for):
    order = matching_order()
    good, unqualified = qualified(name="王阿姨"), worker_for(name="赵阿姨")
    web = web_as("dispatcher")
    html = web.get(f"/orders/{order['id']}").get_data(as_text=True)
    assert 'id="candidates"' in html and f'data-worker="{good}"' in html
    assert f'data-worker="{unqualified}"' not in html
    why = web.get(f"/orders/{order['id']}?why=赵阿姨").get_data(as_text=True)
    assert 'data-rule="credential:health_certificate"' in why
    assert web.get(f"/orders/{order['id']}?m_q=赵").get_data(as_text=True).count(
        "data-worker=") == 0


def test_hold_then_assign_then_release_from_the_page(app, web_as, matching_order, qualified):
    order = matching_order()
    worker = qualified()
    web = web_as("dispatcher")
    url = f"/orders/{order['id']}"
    token = csrf_from(web, url)
    resp = web.post(f"/matching/orders/{order['id']}/book", data={
        "csrf_token": token, "worker_id": worker, "kind": "hold", "version": order["version"]})
    assert resp.status_code == 302
    html = web.get(url).get_data(as_text=True)
    booking = re.search(r'data-booking="(\d+)" data-state="active"', html).group(1)
    resp = web.post(f"/matching/assignments/{booking}/release",
                    data={"csrf_token": token, "reason": "面试取消"})
    assert resp.status_code == 302
    resp = web.post(f"/matching/orders/{order['id']}/book", data={
        "csrf_token": token, "worker_id": worker, "kind": "assignment",
        "version": order["version"]})
    assert resp.status_code == 302
    html = web.get(url).get_data(as_text=True)
    assert html.count('data-state="active"') == 1 and 'data-state="released"' in html


def test_the_menu_leads_dispatchers_to_batch_planning(web_as):
    home = web_as("dispatcher").get("/").get_data(as_text=True)
    assert 'href="/matching/plan"' in home
    finance = web_as("finance").get("/").get_data(as_text=True)
    assert 'href="/matching/plan"' not in finance


def test_the_candidate_list_pages_through_every_candidate(app, web_as, matching_order,
                                                          qualified):
    order = matching_order()
    staff = {qualified() for _ in range(23)}
    web = web_as("dispatcher")
    first = web.get(f"/orders/{order['id']}?m_q=").get_data(as_text=True)
    assert 'id="candidate-pager"' in first and "1 / 2" in first
    second = web.get(f"/orders/{order['id']}?m_page=2").get_data(as_text=True)
    seen = set(map(int, re.findall(r'data-worker="(\d+)"', first))) | set(
        map(int, re.findall(r'data-worker="(\d+)"', second)))
    assert staff <= seen and len(re.findall(r'data-worker="', second)) >= 3
    assert "<td>21</td>" in second  # ranks go on from the first page


def test_the_candidate_table_explains_its_score_parts_and_ratings(
        web_as, matching_order, qualified):
    """A legend says what each score part means; each row says the rating and from how
    many evaluations (or none yet) and her district."""
    order = matching_order("cleaning")
    qualified("cleaning")
    client = web_as("dispatcher")
    html = client.get(f"/orders/{order['id']}").get_data(as_text=True)
    legend = html[html.index('id="score-legend"'):]
    assert "分数怎么算" in legend and "从业年限" in legend and "硬性条件" in legend
    assert "暂无评价" in html[html.index('id="candidates"'):html.index('id="score-legend"')]
    client.get("/lang/en")
    html = client.get(f"/orders/{order['id']}").get_data(as_text=True)
    assert "How the score is made" in html and "no evaluations yet" in html


def test_a_refused_book_or_release_form_is_422_and_leaves_the_bookings_as_they_were(
        app, web_as, matching_order, qualified):
    order = matching_order()
    worker = qualified()
    web = web_as("dispatcher")
    url = f"/orders/{order['id']}"
    token = csrf_from(web, url)
    resp = web.post(f"/matching/orders/{order['id']}/book", data={
        "csrf_token": token, "worker_id": "王阿姨", "kind": "hold"})
    assert resp.status_code == 422 and 'data-booking="' not in resp.get_data(as_text=True)
    resp = web.post(f"/matching/orders/{order['id']}/book", data={
        "csrf_token": token, "worker_id": worker, "kind": "hold", "version": order["version"]})
    assert resp.status_code == 302
    html = web.get(url).get_data(as_text=True)
    booking = re.search(r'data-booking="(\d+)" data-state="active"', html).group(1)
    resp = web.post(f"/matching/assignments/{booking}/release",
                    data={"csrf_token": token, "reason": "  "})
    assert resp.status_code == 422
    assert f'data-booking="{booking}" data-state="active"' in web.get(url).get_data(
        as_text=True)
