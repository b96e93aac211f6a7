"""Audit trail page."""
from flask import Blueprint, render_template, request

from ..access import roles
from . import service

bp = Blueprint("audit_pages", __name__, url_prefix="/audit")


@bp.get("/")
@roles("supervisor")
def index():
    """Audit trail with filters by record type, id and action."""
    args = request.args
    entity_id = args.get("entity_id", type=int)
    page = service.search(entity_type=args.get("entity_type") or None, entity_id=entity_id,
                          action=args.get("action") or None,
                          page=max(1, args.get("page", 1, type=int)))
    return render_template("audit/index.html", page=page, args=args)
