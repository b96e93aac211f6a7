"""The home page's work for today (今日待办): calls due, orders waiting for a worker,
interviews today, contracts to sign — each counted and linking to exactly those records."""
import datetime as dt
import re

import pytest

from core.timeutil import SHANGHAI
from tests.appointments.conftest import customer_id, desk, new_order, worker_for  # noqa: F401
from tests.appointments.helpers import arrange, interviewing, matching
from tests.conftest import login_session, make_user
from tests.orders.helpers import day


def _user_id(app, username):
    from core.accounts.models import User
    from core.extensions import db

    with app.app_context():
        return db.session.query(User).filter_by(username=username).one().id


def _soon_today() -> str:
    now = dt.datetime.now(SHANGHAI)
    last = now.replace(hour=23, minute=59, second=0, microsecond=0)
    return min(now + dt.timedelta(minutes=5), last).isoformat(timespec="minutes")


def _todo(html: str) -> dict:
    return {key: (int(n), href.replace("&amp;", "&")) for key, href, n in re.findall(
        r'data-todo="(\w+)"[^>]*><a href="([^"]+)"><span class="num">(\d+)</span>', html)}


@pytest.fixture
def desk_day(app, desk, new_order, worker_for):  # noqa: F811
    """One order waiting for a worker, one with an interview today, one with a contract
    drafted and not signed; all the demo dispatcher's (dispatcher1)."""
    waiting = matching(desk, new_order("cleaning"))
    nurse = worker_for("maternity_nurse")
    interviewed = interviewing(desk, new_order("maternity_nurse"), nurse)
    arrange(desk, interviewed, _soon_today())
    drafted = interviewing(desk, new_order("nanny"), worker_for("nanny"))
    resp = desk.post(f"/api/v1/orders/{drafted['id']}/contracts", json={
        "start_date": day(10).isoformat(), "end_date": day(40).isoformat()})
    assert resp.status_code == 201, resp.get_json()
    return {"waiting": waiting, "interview": interviewed, "contract": drafted}


def test_home_counts_todays_work_and_each_row_opens_the_filtered_list(app, desk_day):
    client = app.test_client()
    login_session(client, _user_id(app, "dispatcher1"))
    todo = _todo(client.get("/").get_data(as_text=True))
    assert set(todo) == {"calls", "waiting", "interviews", "contracts"}
    assert todo["waiting"][0] == 1 and todo["interviews"][0] == 1 and todo["contracts"][0] == 1
    for key, order in (("waiting", desk_day["waiting"]), ("interviews", desk_day["interview"]),
                       ("contracts", desk_day["contract"])):
        listed = client.get(todo[key][1]).get_data(as_text=True)
        numbers = set(re.findall(r"JZ[\w-]+", listed))
        assert order["number"] in numbers, key
        others = {o["number"] for o in desk_day.values()} - {order["number"]}
        assert not numbers & others, key


def test_another_dispatchers_home_counts_only_her_own_work(app, desk_day):
    client = app.test_client()
    login_session(client, make_user(app, "dispatcher", "other-desk"))
    todo = _todo(client.get("/").get_data(as_text=True))
    assert {k: n for k, (n, _h) in todo.items()} == {
        "calls": 0, "waiting": 0, "interviews": 0, "contracts": 0}
    supervisor = app.test_client()
    login_session(supervisor, make_user(app, "supervisor", "boss"))
    todo = _todo(supervisor.get("/").get_data(as_text=True))
    assert todo["waiting"][0] == 1 and todo["contracts"][0] == 1


def test_roles_off_the_desk_see_no_todays_work(app):
    client = app.test_client()
    login_session(client, make_user(app, "trainer", "teacher"))
    assert 'id="today"' not in client.get("/").get_data(as_text=True)


def test_an_interview_tomorrow_is_not_todays(app, desk, new_order, worker_for):  # noqa: F811
    order = interviewing(desk, new_order("maternity_nurse"), worker_for("maternity_nurse"))
    tomorrow = dt.datetime.combine(day(1), dt.time(10), SHANGHAI).isoformat()
    arrange(desk, order, tomorrow)
    client = app.test_client()
    login_session(client, _user_id(app, "dispatcher1"))
    assert _todo(client.get("/").get_data(as_text=True))["interviews"][0] == 0
