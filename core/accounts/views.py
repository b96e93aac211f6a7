"""Login and logout pages, and the admin's staff list."""
from urllib.parse import urlsplit

import sqlalchemy as sa
from flask import Blueprint, flash, redirect, render_template, request, session, url_for
from flask_babel import gettext as _
from flask_login import login_user, logout_user
from marshmallow import fields

from ..access import ANY_STAFF, current_principal, public, roles
from ..errors import DomainError, TooManyRequests
from ..extensions import db
from ..i18n import reader_text
from ..webforms import parse_form
from . import service
from .models import ROLE_LABELS, User
from .schemas import UserCreateSchema

bp = Blueprint("accounts", __name__)

#: the session key holding the account's session generation at login
SESSION_GENERATION = "_jz_gen"

#: the login form: what is not typed is tried as empty (a wrong login, throttled like any)
_LOGIN_FORM = {"username": fields.String(load_default=""),
               "password": fields.String(load_default="")}
#: the staff page's permission button: grant=1 grants, anything else withdraws
_GRANT_FORM = {"grant": fields.String(load_default="")}


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
            form = parse_form(_LOGIN_FORM)
            user = service.authenticate(form["username"], form["password"],
                                        request.remote_addr)
        except DomainError as exc:  # a failure's throttling counts were kept by the step
            headers = {}
            if isinstance(exc, TooManyRequests):
                headers["Retry-After"] = str(exc.retry_after)
            return render_template("accounts/login.html", error=exc.message,
                                   form=request.form), exc.status, headers
        login_user(user)
        session[SESSION_GENERATION] = user.session_generation or 0
        return redirect(_safe_next(request.args.get("next")))
    return render_template("accounts/login.html", error=error, form={})


@bp.post("/logout")
@roles(*ANY_STAFF)
def logout():
    """End the session — and every other web session of the same account."""
    service.log_out(current_principal().id)
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
        flash(_("找不到该账号"), "error")
        return redirect(url_for("accounts.staff"))
    try:
        grant = parse_form(_GRANT_FORM)["grant"] == "1"
        service.update_user(user, {"platform_export": grant}, current_principal().id)
        flash(_("已保存"))
    except DomainError as exc:  # refused: the step rolled back
        for msgs in (exc.fields or {}).values():
            for m in msgs:
                flash(reader_text(m), "error")
        if not exc.fields:
            flash(reader_text(exc.message), "error")
    return redirect(url_for("accounts.staff"))


@bp.post("/staff")
@roles()
def staff_create():
    """Create a staff account from the admin's form."""
    try:
        data = parse_form(UserCreateSchema())
        service.add_user(data["username"], data["password"], data["role"],
                         data["display_name"])
        flash(_("已创建账号"))
    except DomainError as exc:  # refused (by the schema or the step, which rolled back)
        for field, msgs in (exc.fields or {}).items():
            for m in msgs:
                flash(f"{field}: {reader_text(m)}", "error")
        if not exc.fields:
            flash(reader_text(exc.message), "error")
    return redirect(url_for("accounts.staff"))
