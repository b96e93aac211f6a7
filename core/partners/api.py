"""Partners API (/api/v1/partners): partner organisations, contacts, liaison notes."""
from flask_smorest import Blueprint

from ..access import roles
from . import service
from .schemas import (
    ContactInSchema,
    ContactSchema,
    ContactUpdateSchema,
    NoteInSchema,
    NoteSchema,
    PartnerCreateSchema,
    PartnerDetailSchema,
    PartnerPageSchema,
    PartnerQuerySchema,
    PartnerUpdateSchema,
)

blp = Blueprint("partners_api", __name__, url_prefix="/api/v1/partners",
                description="Partner organisations (合作方) with contacts and liaison notes")

#: who works with partners: the training teacher, dispatchers and supervisors (admin implied)
STAFF = ("trainer", "dispatcher", "supervisor")


@blp.route("")
@roles(*STAFF)
@blp.arguments(PartnerQuerySchema, location="query")
@blp.response(200, PartnerPageSchema)
def list_partners(args):
    """List partners, filtered by kind (e.g. exam_hospital) and name."""
    return service.search(**args)


@blp.route("", methods=["POST"])
@roles(*STAFF)
@blp.arguments(PartnerCreateSchema)
@blp.response(201, PartnerDetailSchema)
def create_partner(data):
    """Create a partner organisation, optionally with contacts."""
    return service.create(data)


@blp.route("/<int:partner_id>")
@roles(*STAFF)
@blp.response(200, PartnerDetailSchema)
def get_partner(partner_id):
    """One partner with its contacts and liaison notes."""
    return service.get(partner_id)


@blp.route("/<int:partner_id>", methods=["PATCH"])
@roles(*STAFF)
@blp.arguments(PartnerUpdateSchema)
@blp.response(200, PartnerDetailSchema)
def update_partner(data, partner_id):
    """Edit a partner; send the ``version`` you read (stale → 409)."""
    return service.update(partner_id, data)


@blp.route("/<int:partner_id>/contacts", methods=["POST"])
@roles(*STAFF)
@blp.arguments(ContactInSchema)
@blp.response(201, ContactSchema)
def add_contact(data, partner_id):
    """Add a contact person to a partner."""
    return service.add_contact(partner_id, data)


@blp.route("/<int:partner_id>/contacts/<int:contact_id>", methods=["PATCH"])
@roles(*STAFF)
@blp.arguments(ContactUpdateSchema)
@blp.response(200, ContactSchema)
def update_contact(data, partner_id, contact_id):
    """Edit a contact person."""
    return service.update_contact(partner_id, contact_id, data)


@blp.route("/<int:partner_id>/contacts/<int:contact_id>", methods=["DELETE"])
@roles(*STAFF)
@blp.response(204)
def remove_contact(partner_id, contact_id):
    """Remove a contact person."""
    service.remove_contact(partner_id, contact_id)


@blp.route("/<int:partner_id>/notes", methods=["POST"])
@roles(*STAFF)
@blp.arguments(NoteInSchema)
@blp.response(201, NoteSchema)
def add_note(data, partner_id):
    """Record a liaison note (接洽记录), e.g. the cooperation agreed with a 月子中心."""
    return service.add_note(partner_id, data["text"])
