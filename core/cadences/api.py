"""Follow-up cadence API: read a line's effective rules; an admin saves or resets them."""
from flask_smorest import Blueprint

from ..access import current_principal, roles
from ..plugins import service_lines
from . import service
from .schemas import CadenceInSchema, CadenceOutSchema, CadenceVersionArgs, CadenceVersionSchema

blp = Blueprint("cadences_api", __name__, url_prefix="/api/v1/followup-cadences",
                description="Follow-up cadences (回访节奏): the company's days and channels "
                            "of each line's follow-up rules")


@blp.route("")
@roles("dispatcher", "supervisor")
@blp.response(200, CadenceOutSchema(many=True))
def list_cadences():
    """The effective follow-up rules of every service line."""
    return [service.info(code) for code in service_lines()]


@blp.route("/<line>")
@roles("dispatcher", "supervisor")
@blp.response(200, CadenceOutSchema)
def get_cadence(line):
    """A line's effective follow-up rules (the plugin's until edited) and the version."""
    return service.info(line)


@blp.route("/<line>", methods=["PUT"])
@roles()
@blp.arguments(CadenceInSchema)
@blp.response(200, CadenceOutSchema)
def put_cadence(data, line):
    """Save the company's cadence as a new version (admin); 422 names bad entries, 409 if
    someone saved meanwhile. New orders are planned with it; orders already planned keep
    theirs."""
    return service.save(line, data["rules"], data["version"], current_principal().id)


@blp.route("/<line>", methods=["DELETE"])
@roles()
@blp.arguments(CadenceVersionArgs, location="query")
@blp.response(200, CadenceOutSchema)
def reset_cadence(args, line):
    """Back to the plugin's rules (admin), saved as a new version; 409 if stale."""
    return service.reset(line, args["version"], current_principal().id)


@blp.route("/<line>/history")
@roles("supervisor")
@blp.response(200, CadenceVersionSchema(many=True))
def cadence_history(line):
    """Every saved version of a line's cadence, newest first."""
    return service.history(line)
