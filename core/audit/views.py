"""Audit trail page (操作记录): filter by person, record, kind and period; export for an
inspector (supervisors and admins)."""
import sqlalchemy as sa
from flask import Blueprint, render_template, request
from marshmallow import EXCLUDE, ValidationError

from ..access import current_principal, roles
from ..accounts.models import User
from ..errors import flatten_fields
from ..extensions import db
from ..inputs import load as load_checked
from ..pagination import page_number
from ..trainees import exports
from . import names, service
from .models import AuditEvent
from .schemas import AuditExportQuerySchema, AuditQuerySchema

bp = Blueprint("audit_pages", __name__, url_prefix="/audit")

_FILTERS = ("entity_type", "entity_id", "actor_id", "action", "kind", "since", "until")


def _load(schema):
    """The filters from the query string; bad ones dropped and reported (field → msgs)."""
    raw = {k: v for k, v in request.args.items() if v}
    if "page" in raw:   # pages page as every list page does: a page past the end is empty
        raw["page"] = page_number(raw["page"])
    try:
        return load_checked(schema, raw, unknown=EXCLUDE), {}
    except ValidationError as exc:
        good = {k: v for k, v in raw.items() if k not in exc.messages}
        return load_checked(schema, good, unknown=EXCLUDE), flatten_fields(exc.messages)


def _page_context(page) -> dict:
    """What the template needs besides the rows: people and record types for the filters,
    the names of the records on this page, the labels."""
    from ..orders.models import STATE_LABELS

    types = db.session.scalars(sa.select(AuditEvent.entity_type).distinct()).all()
    return {"people": _people(), "kinds": service.KINDS, "kind_of": service.kind_of,
            "record_types": sorted(types), "names": names.names_for(page["items"],
                                                                    current_principal()),
            "TYPES": names.TYPES, "ACTIONS": names.ACTIONS, "FIELDS": names.FIELDS,
            "REFERENCES": names.REFERENCES, "label": names.label,
            "order_states": STATE_LABELS}


def _people():
    return db.session.execute(sa.select(User.id, User.display_name, User.role)
                              .order_by(User.display_name, User.id)).all()


@bp.get("/")
@roles("supervisor")
def index():
    """The audit trail, newest first, filtered."""
    args, errors = _load(AuditQuerySchema())
    args.pop("q", None)
    page = service.search(**args)
    status = 400 if errors else 200
    return render_template("audit/index.html", page=page, args=request.args, errors=errors,
                           **_page_context(page)), status


@bp.get("/export")
@roles("supervisor")
def export():
    """Download the filtered trail (XLSX or CSV) for an inspector; the download is itself
    recorded."""
    args, errors = _load(AuditExportQuerySchema())
    if errors:
        page = service.search(page=1)
        return render_template("audit/index.html", page=page, args=request.args,
                               errors=errors, **_page_context(page)), 400
    fmt = args.pop("format")
    filters = {k: args[k] for k in _FILTERS if args.get(k) is not None}
    return exports.respond(service.EXPORT_HEADERS, service.export_trail(fmt, **filters), fmt,
                           "audit-trail")
