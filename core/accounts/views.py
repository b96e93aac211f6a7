"""Login and logout pages, and the admin's staff list."""
from urllib.parse import urlsplit

import sqlalchemy as sa
from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import login_user, logout_user

from ..access import ANY_STAFF, public, roles
from ..audit.service import record
from ..errors import DomainError, TooManyRequests
from ..extensions import db
from ..messages import zh_for
from . import service
from .models import ROLE_LABELS, User

bp = Blueprint("accounts", __name__)


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
        return redirect(_safe_next(request.args.get("next")))
    return render_template("accounts/login.html", error=error, username="")


@bp.post("/logout")
@roles(*ANY_STAFF)
def logout():
    """End the session."""
    logout_user()
    flash(_("已退出登录"))
    return redirect(url_for("accounts.login"))


@bp.get("/staff")
@roles()
def staff():
    """Staff accounts (admin)."""
    users = db.session.scalars(sa.select(User).order_by(User.role, User.username))
    return render_template("accounts/staff.html", users=list(users), role_labels=ROLE_LABELS)


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
                flash(f"{field}: {m['zh']} / {m['en']}", "error")
        if not exc.fields:
            flash(f"{zh_for(exc.message)} / {exc.message}", "error")
    return redirect(url_for("accounts.staff"))
