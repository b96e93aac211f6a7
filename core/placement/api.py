"""Placing API: a worker's willingness (意愿) for an order, her profile card (个人资料)
and its sendings to the customer, the service agreement (服务协议) and its versions.
Dispatchers and supervisors act (admin implied); supervisors add agreement versions."""
from flask_smorest import Blueprint

from ..access import current_principal, roles
from ..appointments.checks import get_order
from . import service
from .schemas import (
    AgreementSchema,
    AgreementSignSchema,
    ProfileCardSchema,
    SendingInSchema,
    SendingSchema,
    TemplateInSchema,
    TemplateSchema,
    WillingnessInSchema,
    WillingnessSchema,
)

blp = Blueprint("placement_api", __name__, url_prefix="/api/v1",
                description="Placing a worker (上单): willingness, profile cards, service "
                            "agreements")

WRITERS = ("dispatcher", "supervisor")


def _me() -> int:
    return current_principal().id


@blp.route("/orders/<int:order_id>/willingness")
@roles(*WRITERS)
@blp.response(200, WillingnessSchema(many=True))
def list_willingness(order_id):
    """Every answer recorded on the order, newest first (the latest per worker counts)."""
    return service.willingness_of(get_order(order_id))


@blp.route("/orders/<int:order_id>/willingness", methods=["POST"])
@roles(*WRITERS)
@blp.arguments(WillingnessInSchema)
@blp.response(201, WillingnessSchema)
def record_willingness(data, order_id):
    """Her answer when told of the order (了解阿姨的意愿): willing, or not with the reason."""
    return service.record_willingness(get_order(order_id), data["worker_id"], data["willing"],
                                      data["note"], _me())


@blp.route("/orders/<int:order_id>/profile-cards/<int:worker_id>")
@roles(*WRITERS)
@blp.response(200, ProfileCardSchema)
@blp.alt_response(409, response="CONFLICT")  # a line that sends no profile cards
def profile_card(order_id, worker_id):
    """Her profile card for this order's customer: photo flag, age, hometown,
    experience, credentials with their states, ratings — no ID number, no mobile. The
    printable page is ``/placement/orders/<order_id>/profile-cards/<worker_id>``."""
    return service.profile_card(get_order(order_id), worker_id)


@blp.route("/orders/<int:order_id>/profile-sendings")
@roles(*WRITERS)
@blp.response(200, SendingSchema(many=True))
def list_sendings(order_id):
    """When, how and by whom profile cards went to the customer, newest first."""
    return service.sendings_of(get_order(order_id))


@blp.route("/orders/<int:order_id>/profile-sendings", methods=["POST"])
@roles(*WRITERS)
@blp.arguments(SendingInSchema)
@blp.response(201, SendingSchema)
def record_sending(data, order_id):
    """Her profile card went to the customer. On a line that asks for it (育婴师) her
    willingness comes first: 409 ``willingness_not_recorded`` / ``worker_not_willing``."""
    return service.record_sending(get_order(order_id), data["worker_id"], data["channel"],
                                  _me(), data["sent_at"], data["note"])


@blp.route("/service-lines/<line>/agreement-templates")
@roles(*WRITERS)
@blp.response(200, TemplateSchema(many=True))
def list_templates(line):
    """The line's service-agreement versions, newest first (409 for a line without one)."""
    return service.templates_of(line)


@blp.route("/service-lines/<line>/agreement-templates", methods=["POST"])
@roles("supervisor")
@blp.arguments(TemplateInSchema)
@blp.response(201, TemplateSchema)
def add_template(data, line):
    """A new version of the line's agreement text; earlier versions stay unchanged."""
    return service.add_template(line, data, _me())


@blp.route("/orders/<int:order_id>/service-agreements")
@roles(*WRITERS)
@blp.response(200, AgreementSchema(many=True))
def list_agreements(order_id):
    """The order's service agreements, newest first."""
    return service.agreements_of(get_order(order_id))


@blp.route("/orders/<int:order_id>/service-agreements", methods=["POST"])
@roles(*WRITERS)
@blp.response(201, AgreementSchema)
def draft_agreement(order_id):
    """Draft the order's worker's agreement from the line's newest version (printable
    at ``/placement/orders/<order_id>/service-agreements/<id>``)."""
    return service.draft_agreement(get_order(order_id), _me())


@blp.route("/orders/<int:order_id>/service-agreements/<int:agreement_id>/sign",
           methods=["POST"])
@roles(*WRITERS)
@blp.arguments(AgreementSignSchema)
@blp.response(200, AgreementSchema)
def sign_agreement(data, order_id, agreement_id):
    """She signed the printed agreement on ``signed_on``; the version signed is kept."""
    order = get_order(order_id)
    return service.sign_agreement(order, service.get_agreement(order, agreement_id),
                                  data["signed_on"], _me())
