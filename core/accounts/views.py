"""Login and logout pages, and the admin's staff list."""
from urllib.parse import urlsplit

import sqlalchemy as sa
from flask import Blueprint, flash, redirect, render_template, request, session, url_for
from flask_babel import gettext as _
from flask_login import login_user, logout_user

from ..access import ANY_STAFF, current_principal, public, roles
from ..audit.service import record
from ..errors import DomainError, TooManyRequests
from ..extensions import db
from ..i18n import reader_text
from . import service
from .models import ROLE_LABELS, User

bp = Blueprint("accounts", __name__)

#: the session key holding the account's session generation at login
SESSION_GENERATION = "_jz_gen"


def _safe_next(target: str | None) -> str:
    if target and not urlsplit(target).netloc and target.startswith("/") and not target.startswith(
            "//"):
        return target
    return url_for("web.home")


@bp.route("/login", methods=["GET", "POST"])
@public
def login():
    """The login form; failures are throttled like the API's."""
    error = None
    if request.method == "POST":
        try:
            user = service.authenticate(request.form.get("username", ""),
                                        request.form.get("password", ""), request.remote_addr)
        except DomainError as exc:
            headers = {}
            if isinstance(exc, TooManyRequests):
                headers["Retry-After"] = str(exc.retry_after)
            return render_template("accounts/login.html", error=exc.message,
                                   username=request.form.get("username", "")), exc.status, headers
        login_user(user)
        session[SESSION_GENERATION] = user.session_generation or 0
        return redirect(_safe_next(request.args.get("next")))
    return render_template("accounts/login.html", error=error, username="")


@bp.post("/logout")
@roles(*ANY_STAFF)
def logout():
    """End the session — and every other web session of the same account."""
    user = db.session.get(User, current_principal().id)
    service.end_sessions(user, tokens=False)
    db.session.commit()
    logout_user()
    session.pop(SESSION_GENERATION, None)
    flash(_("已退出登录"))
    return redirect(url_for("accounts.login"))


@bp.get("/staff")
@roles()
def staff():
    """Staff accounts (admin)."""
    users = db.session.scalars(sa.select(User).order_by(User.role, User.username))
    return render_template("accounts/staff.html", users=list(users), role_labels=ROLE_LABELS)


@bp.post("/staff/<int:user_id>/platform-export")
@roles()
def staff_platform_export(user_id):
    """Grant or withdraw the 58到家 export permission (full ID numbers) from the staff page."""
    user = db.session.get(User, user_id)
    if user is None:
        flash(_("找不到该账号") + " / No such account.", "error")
        return redirect(url_for("accounts.staff"))
    try:
        service.update_user(user, {"platform_export": request.form.get("grant") == "1"},
                            current_principal().id)
        flash(_("已保存"))
    except DomainError as exc:
        db.session.rollback()
        for msgs in (exc.fields or {}).values():
            for m in msgs:
                flash(f"{m['zh']} / {m['en']}", "error")
    return redirect(url_for("accounts.staff"))


@bp.post("/staff")
@roles()
def staff_create():
    """Create a staff account from the admin's form."""
    form = request.form
    try:
        user = service.create_user(form.get("username", "").strip(), form.get("password", ""),
                                   form.get("role", ""), form.get("display_name") or None)
        record("create", "user", user.id, f"user {user.username} ({user.role})")
        db.session.commit()
        flash(_("已创建账号"))
    except DomainError as exc:
        db.session.rollback()
        for field, msgs in (exc.fields or {}).items():
            for m in msgs:
                flash(f"{field}: {reader_text(m)}", "error")
        if not exc.fields:
            flash(reader_text(exc.message), "error")
    return redirect(url_for("accounts.staff"))
