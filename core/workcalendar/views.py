"""The calendar pages (/calendar/): each year's schedule and where it comes from, and the
administrator's form to enter a year's official schedule (放假安排)."""
from __future__ import annotations

import datetime as dt

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from marshmallow import fields

from ..access import ANY_STAFF, current_principal, roles
from ..errors import DomainError, Invalid
from ..i18n import select_locale
from ..webforms import parse_form
from . import service
from .schemas import ScheduleInSchema
from .sources import KNOWN_NAMES

bp = Blueprint("calendar", __name__, url_prefix="/calendar")


@bp.get("/")
@roles(*ANY_STAFF)
def index():
    """The years around today: source, official or estimated, and the missing-year warning."""
    years = [service.year_overview(y) for y in service.years_shown()]
    return render_template("calendar/index.html", years=years,
                           missing=service.missing_schedule_warning())


@bp.get("/<int:year>")
@roles(*ANY_STAFF)
def year_page(year):
    """One year: its days off and make-up days in force, and the entered versions."""
    return render_template("calendar/year.html", y=service.year_overview(year),
                           names=KNOWN_NAMES, form=None, errors={})


def _bad(field: str, zh: str, en: str) -> Invalid:
    return Invalid(fields={field: [{"zh": zh, "en": en}]})


#: the schedule form: two text boxes read line by line (:func:`read_schedule`), a note
SCHEDULE_FORM = {"days_off": fields.String(load_default=""),
                 "make_up_days": fields.String(load_default=""),
                 "note": ScheduleInSchema().fields["note"]}


def read_schedule(form: dict) -> tuple[list[dict], list[dt.date]]:
    """The form's two text boxes: days off one per line as ``2027-01-01 元旦`` and make-up
    days one date per line (or separated by commas or spaces)."""
    days_off = []
    for n, line in enumerate(form.get("days_off", "").splitlines(), start=1):
        if not line.strip():
            continue
        parts = line.replace("，", " ").replace(",", " ").split(None, 1)
        try:
            day = dt.date.fromisoformat(parts[0])
        except ValueError:
            raise _bad("days_off", f"第 {n} 行的日期看不懂（应为 2027-01-01 元旦）。",
                       f"Line {n}: the date is unreadable (write 2027-01-01 元旦).") from None
        days_off.append({"date": day, "holiday": parts[1].strip() if len(parts) > 1 else ""})
    make_up = []
    for token in form.get("make_up_days", "").replace("，", " ").replace(",", " ").split():
        try:
            make_up.append(dt.date.fromisoformat(token))
        except ValueError:
            raise _bad("make_up_days", f"看不懂的日期：{token}",
                       f"Unreadable date: {token}") from None
    return days_off, make_up


@bp.post("/<int:year>")
@roles()
def save(year):
    """Save a new version of the year's schedule from the admin's form."""
    try:
        form = parse_form(SCHEDULE_FORM)
        days_off, make_up = read_schedule(form)
        principal = current_principal()
        row = service.save(year, days_off, make_up, form["note"],
                           principal.id if principal else None)
    except DomainError as exc:  # refused before or inside the step: nothing was saved
        errors = {f: " ".join(m["zh"] if select_locale() == "zh" else m["en"] for m in msgs)
                  for f, msgs in (exc.fields or {}).items()}
        return render_template("calendar/year.html", y=service.year_overview(year),
                               names=KNOWN_NAMES, form=request.form, errors=errors), exc.status
    flash(_("已保存第 %(v)s 版，%(n)s 个日期随之变动。", v=row.version, n=len(row.moved or [])))
    return redirect(url_for("calendar.year_page", year=year))



