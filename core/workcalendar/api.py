"""Calendar API (/api/v1/calendar): the schedule in force per year, and an administrator's
schedules (放假安排) for years no package carries yet."""
from __future__ import annotations

from flask_smorest import Blueprint

from ..access import ANY_STAFF, current_principal, roles
from . import service
from .schemas import ScheduleInSchema, ScheduleVersionSchema, YearSchema

blp = Blueprint("calendar_api", __name__, url_prefix="/api/v1/calendar",
                description="The official working-day calendar (法定节假日与调休)")


@blp.route("/years/<int:year>")
@roles(*ANY_STAFF)
@blp.response(200, YearSchema)
def get_year(year):
    """The schedule in force for a year: its source, days off, make-up working days and
    the versions an administrator entered."""
    return service.year_overview(year)


@blp.route("/years/<int:year>/schedules", methods=["POST"])
@roles("admin")
@blp.arguments(ScheduleInSchema)
@blp.response(201, ScheduleVersionSchema)
def add_schedule(data, year):
    """Enter a new version of a year's official schedule; the future pickup dates and
    greetings are re-computed and ``moved`` lists what changed."""
    principal = current_principal()
    return service.save(year, data["days_off"], data["make_up_days"], data["note"],
                        principal.id if principal else None)


@blp.route("/years/<int:year>/schedules/<int:version>")
@roles("admin")
@blp.response(200, ScheduleVersionSchema)
def get_schedule(year, version):
    """One version of an entered schedule, with what its saving moved."""
    return service.get_version(year, version)
