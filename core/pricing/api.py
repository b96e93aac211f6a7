"""Price tables API: read every line's current table; an admin replaces one."""
from flask_smorest import Blueprint

from ..access import current_principal, roles
from ..plugins import service_lines
from . import service
from .schemas import PriceTableInSchema, PriceTableOutSchema, PriceTableVersionSchema

blp = Blueprint("pricing_api", __name__, url_prefix="/api/v1/price-tables",
                description="Price tables (价目表) the quotes are computed from")


@blp.route("")
@roles("dispatcher", "supervisor", "finance")
@blp.response(200, PriceTableOutSchema(many=True))
def list_tables():
    """The current price table of every service line."""
    return [service.table_info(code) for code in service_lines()]


@blp.route("/<line>")
@roles("dispatcher", "supervisor", "finance")
@blp.response(200, PriceTableOutSchema)
def get_table(line):
    """The current price table of one line (the plugin's default until edited)."""
    return service.table_info(line)


@blp.route("/<line>", methods=["PUT"])
@roles()
@blp.arguments(PriceTableInSchema)
@blp.response(200, PriceTableOutSchema)
def put_table(data, line):
    """Replace a line's price table (admin); the plugin checks it, 422 names bad entries."""
    return service.save_table(line, data["table"], data["version"], current_principal().id)


@blp.route("/<line>/history")
@roles("supervisor", "finance")
@blp.response(200, PriceTableVersionSchema(many=True))
def table_history(line):
    """Every saved version of a line's table, newest first."""
    return service.history(line)
