"""The tutorial of docs/plugins.md ("Tutorial: 钟点工"), followed step by step.

Step 1's ``jiazheng new-plugin`` command is read from the page and run; every block the
page marks ``file=PATH`` is written over the scaffold, and the result must be
``examples/jiazheng-hourly-help`` byte for byte (so the page, the scaffold and the
example cannot part). Then the distribution is ``pip install``ed into a folder of this
test's own and found through its entry point by a fresh app, in which an order of the
line is created, quoted, matched (the senior rule leaves out a junior worker), given its
visit, the visit reported done and its follow-ups planned — through the API, as step 9
shows — and the order page is checked in the browser, as step 10 shows.
"""
from __future__ import annotations

import datetime as dt
import filecmp
import re
import shlex
import sys

import pytest
import sqlalchemy as sa

from core.extensions import db
from tests.appointments.helpers import advance, ago, assign, local
from tests.conftest import browser_login, make_test_app
from tests.orders.helpers import day, make_customer, make_worker
from tests.plugin_kit import ROOT, close_app, pip_install, scaffold

GUIDE = ROOT / "docs" / "plugins.md"
EXAMPLE = ROOT / "examples" / "jiazheng-hourly-help"
FILE_BLOCK = re.compile(r"^```\w+ file=(\S+)\n(.*?)^```$", re.MULTILINE | re.DOTALL)
#: what tools leave in a distribution's folder (git ignores them): not its text
BUILT = {"__pycache__", "build", ".pytest_cache", ".ruff_cache", ".hypothesis",
         "jiazheng_hourly_help.egg-info"}


def tutorial() -> str:
    text = GUIDE.read_text(encoding="utf-8")
    return text.split("\n## Tutorial:", 1)[1].split("\n## ", 1)[0]


def scaffold_command() -> list[str]:
    """Step 1's ``jiazheng new-plugin …`` arguments."""
    line = next(line for line in tutorial().splitlines()
                if line.startswith("jiazheng new-plugin "))
    return shlex.split(line)[2:]


def follow_the_tutorial(parent) -> object:
    """Steps 1–7: scaffold, then write each file the page shows; the distribution's folder."""
    dist = scaffold(parent, *scaffold_command())
    shown = FILE_BLOCK.findall(tutorial())
    assert len(shown) >= 7, "the tutorial shows the files it changes (```python file=…)"
    for path, text in shown:
        target = dist / path
        assert target.parent.is_dir(), f"the tutorial writes {path}: not in the scaffold's folders"
        target.write_text(text, encoding="utf-8")
    return dist


def _differences(left, right) -> list[str]:
    cmp = filecmp.dircmp(left, right, ignore=list(BUILT))
    out = [f"only in {cmp.left}: {n}" for n in cmp.left_only] + \
          [f"only in {cmp.right}: {n}" for n in cmp.right_only]
    _, mismatch, errors = filecmp.cmpfiles(left, right, cmp.common_files, shallow=False)
    out += [f"differs: {left / n}" for n in mismatch + errors]
    for sub in cmp.common_dirs:
        out += _differences(left / sub, right / sub)
    return out


def test_scaffold_plus_the_tutorials_files_is_the_example(tmp_path):
    dist = follow_the_tutorial(tmp_path)
    assert dist.name == EXAMPLE.name
    assert _differences(dist, EXAMPLE) == []


@pytest.fixture
def app(tmp_path, database_url, monkeypatch):
    """Steps 1–8: the tutorial's distribution installed (its own folder on sys.path), and
    an app that finds it through its entry point (no EXTRA_PLUGINS)."""
    site = tmp_path / "site"
    pip_install(follow_the_tutorial(tmp_path / "work"), site)
    mine = [name for name in sys.modules if name.split(".")[0] == "jiazheng_hourly_help"]
    for name in mine:  # imported from examples/ by another test: load the installed copy
        monkeypatch.delitem(sys.modules, name)
    monkeypatch.syspath_prepend(str(site))
    app = make_test_app(tmp_path, database_url)
    yield app
    close_app(app, database_url)
    for name in [n for n in sys.modules if n.split(".")[0] == "jiazheng_hourly_help"]:
        if name not in mine:
            del sys.modules[name]


def _set_grade(app, worker_id: int, grade: str) -> None:
    from core.workers.models import Worker

    with app.app_context():
        db.session.get(Worker, worker_id).grade = grade
        db.session.commit()


@pytest.mark.browser
def test_the_tutorials_order_is_quoted_matched_and_followed_up(tmp_path, app, api_as, page):
    from core.matching.profiles import MatchingProfile

    desk = api_as("dispatcher")
    lines = {line["code"]: line for line in desk.get("/api/v1/service-lines").get_json()}
    assert lines["hourly_help"]["plugin"] == "hourly_help"
    with app.app_context():
        entry = sys.modules["jiazheng_hourly_help.hooks"].__file__
    assert entry == str(tmp_path / "site" / "jiazheng_hourly_help" / "hooks.py")

    # step 9: an order, quoted — 3 hours of a senior worker at ¥55.00
    customer = make_customer(app)
    senior = make_worker(app, ("hourly_help",), name="王金牌")  # grade gold
    junior = make_worker(app, ("hourly_help",), name="李初级")
    _set_grade(app, junior, "junior")
    resp = desk.post("/api/v1/orders", json={
        "service_line": "hourly_help", "customer_id": customer, "intake": {
            "address": {"district": "鼓楼区", "detail": "中山北路 1 号 2 栋 301 室"},
            "grade": "senior", "hours": 3, "preferred_date": day(10).isoformat(),
            "preferred_time": "09:00"}})
    assert resp.status_code == 201, resp.get_json()
    order = resp.get_json()
    assert order["quote_total"] == "165.00"
    assert order["quote"]["lines"][0]["label_zh"] == "金牌阿姨 3 小时 × ¥55.00"

    # matched: the senior rule leaves the junior worker out, and says why
    order = advance(desk, advance(desk, order, "quoted"), "matching")
    with app.app_context():
        assert db.session.scalar(sa.select(sa.func.count()).select_from(MatchingProfile)) >= 2
    found = desk.get(f"/api/v1/orders/{order['id']}/candidates").get_json()["items"]
    assert [c["worker_id"] for c in found] == [senior]
    why = desk.get(f"/api/v1/orders/{order['id']}/candidates/{junior}/why-not").get_json()
    assert [f["code"] for f in why["failed"]] == ["senior_needs_gold"]
    assert why["failed"][0]["message"]["zh"] == "金牌阿姨订单需派金牌及以上等级的阿姨。"
    order = advance(desk, assign(desk, order, senior), "in_service",
                    start_date=day(0).isoformat())

    # its visit, and the follow-ups planned from it
    resp = desk.post(f"/api/v1/orders/{order['id']}/visits/plan")
    assert resp.status_code == 201, resp.get_json()
    [visit] = resp.get_json()
    assert (local(visit["starts_at"]), local(visit["ends_at"])) == (
        f"{day(10)} 09:00", f"{day(10)} 12:00")
    base = f"/api/v1/orders/{order['id']}/visits/{visit['id']}"
    assert desk.post(f"{base}/start", json={"started_at": ago(hours=3)}).status_code == 200
    finished = dt.datetime.fromisoformat(ago(minutes=10))
    resp = desk.post(f"{base}/finish", json={"finished_at": finished.isoformat()})
    assert resp.status_code == 200, resp.get_json()
    timeline = desk.get(f"/api/v1/followups/orders/{order['id']}/timeline").get_json()
    planned = {item["followup"]["rule_code"]: item["followup"] for item in timeline
               if item.get("followup")}
    assert set(planned) == {"survey", "day1"}
    assert dt.datetime.fromisoformat(planned["survey"]["due_at"]) == \
        finished + dt.timedelta(hours=2)
    assert local(planned["day1"]["due_at"]) == \
        f"{finished.date() + dt.timedelta(days=1)} 10:00"
    assert planned["day1"]["title_zh"] == "上门后第1天回访"

    # step 10: the order page in the browser
    browser_login(page, app)
    page.goto(f"/orders/{order['id']}")
    body = page.locator("main").inner_text()
    for seen in ("钟点工", "¥165.00", "王金牌", "回访记录"):
        assert seen in body, seen
    # the follow-up timeline; a later one may sit folded under 以后的回访 (text, not shown)
    timeline = page.locator("main").text_content()
    assert "上门后满意度调查" in timeline and "上门后第1天回访" in timeline
