"""The admin's staff page reads its forms with the API's schema and saves in one service
step (#11): a refused value is named in the reader's language (never a 500) and nothing is
written; a refused permission change leaves the account as it was."""
from __future__ import annotations

import html as htmllib

import sqlalchemy as sa

from core.accounts.models import User
from core.audit.models import AuditEvent
from core.extensions import db
from tests.conftest import csrf_from, make_user


def _count(app, model, *where) -> int:
    with app.app_context():
        return db.session.scalar(sa.select(sa.func.count(model.id)).where(*where))


def test_a_username_the_api_schema_refuses_is_named_on_the_page_and_nothing_is_created(
        app, web_as):
    users = _count(app, User)
    for lang, words in (("zh", "username: 用户名须为 2–64 位字母、数字或 . _ -。"),
                        ("en", "username: Use 2–64 letters, digits, '.', '_' or '-'.")):
        admin = web_as("admin", f"web-admin-{lang}")
        with admin.session_transaction() as sess:
            sess["lang"] = lang
        resp = admin.post("/staff", data={"csrf_token": csrf_from(admin, "/staff"),
                                          "username": "王 芳", "role": "dispatcher",
                                          "password": "long-enough-1"})
        assert resp.status_code == 302
        assert words in htmllib.unescape(admin.get("/staff").get_data(as_text=True))
    assert _count(app, User) == users + 2  # the two admins only
    assert _count(app, AuditEvent, AuditEvent.entity_type == "user") == 0


def test_a_good_staff_form_creates_the_account_with_its_audit_entry(app, web_as):
    admin = web_as("admin")
    resp = admin.post("/staff", data={"csrf_token": csrf_from(admin, "/staff"),
                                      "username": " wangfang ", "display_name": "",
                                      "role": "dispatcher", "password": " spaced pass "})
    assert resp.status_code == 302
    with app.app_context():
        user = db.session.scalar(sa.select(User).where(User.username == "wangfang"))
        assert user.display_name == "wangfang"
    assert _count(app, AuditEvent, AuditEvent.entity_type == "user",
                  AuditEvent.action == "create") == 1
    login = app.test_client()
    assert login.post("/login", data={"csrf_token": csrf_from(login, "/login"),
                                      "username": "wangfang",
                                      "password": " spaced pass "}).status_code == 302


def test_granting_the_export_to_a_role_that_may_not_have_it_changes_nothing(app, web_as):
    admin = web_as("admin")
    finance = make_user(app, "finance", "caiwu")
    resp = admin.post(f"/staff/{finance}/platform-export",
                      data={"csrf_token": csrf_from(admin, "/staff"), "grant": "1"})
    assert resp.status_code == 302
    page = admin.get("/staff").get_data(as_text=True)
    assert "只有后勤老师、调度、主管和管理员账号" in page and "Only trainer" not in page
    admin.get("/lang/en")  # the refusal in the reader's language only
    admin.post(f"/staff/{finance}/platform-export",
               data={"csrf_token": csrf_from(admin, "/staff"), "grant": "1"})
    page = admin.get("/staff").get_data(as_text=True)
    assert "Only trainer, dispatcher, supervisor and admin" in page
    assert "只有后勤老师" not in page
    with app.app_context():
        assert db.session.get(User, finance).platform_export is False
    assert _count(app, AuditEvent, AuditEvent.entity_type == "user",
                  AuditEvent.action == "update") == 0
