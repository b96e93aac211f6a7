"""Home page for dispatchers, language switch, and the public health check."""
from flask import Blueprint, current_app, redirect, render_template, request, session

from ..access import ANY_STAFF, has_role, public, roles
from ..timeutil import business_today
from ..workcalendar.service import missing_schedule_warning
from . import dashboard, today

bp = Blueprint("web", __name__)


@bp.get("/")
@roles(*ANY_STAFF)
def home():
    """The dispatcher's home: today's figures and what needs attention; for the admin, a
    warning when a year's official holiday schedule is due (from 1 October) but unknown."""
    calendar_missing = missing_schedule_warning() if has_role() else None
    return render_template("web/home.html", summary=dashboard.summary(),
                           todo=today.work_for_today(), today=business_today(),
                           calendar_missing=calendar_missing)


@bp.get("/lang/<code>")
@public
def switch_language(code):
    """Switch the interface language (zh / en) and go back."""
    if code in current_app.config["LANGUAGES"]:
        session["lang"] = code
    back = request.referrer or "/"
    if not back.startswith(request.host_url) and not back.startswith("/"):
        back = "/"
    return redirect(back)
