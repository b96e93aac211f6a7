"""Home page for dispatchers, language switch, and the public health check."""
from flask import Blueprint, current_app, redirect, render_template, request, session

from ..access import ANY_STAFF, public, roles
from . import dashboard

bp = Blueprint("web", __name__)


@bp.get("/")
@roles(*ANY_STAFF)
def home():
    """The dispatcher's home: today's figures and what needs attention."""
    return render_template("web/home.html", summary=dashboard.summary())


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
