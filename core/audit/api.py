"""Audit trail API: supervisors and admins see who changed and read what."""
from flask_smorest import Blueprint

from ..access import roles
from . import service
from .schemas import AuditPageSchema, AuditQuerySchema

blp = Blueprint("audit", __name__, url_prefix="/api/v1/audit", description="Audit trail")


@blp.route("")
@roles("supervisor")
@blp.arguments(AuditQuerySchema, location="query")
@blp.response(200, AuditPageSchema)
def list_events(args):
    """List audit events, newest first (supervisor, admin)."""
    args.pop("q", None)
    return service.search(**args)
