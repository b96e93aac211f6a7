"""Customers API: customer files (客户档案) and their addresses.

Dispatchers and supervisors read and change them; finance reads them with the mobile
number masked. Top-secret files open to supervisors and admins only.
"""

from ..access import current_principal, roles
from ..readcache import cached
from . import disclosure, history, service
from .blueprint import blp
from .schemas import (
    CustomerAddressInSchema,
    CustomerAddressPatchSchema,
    CustomerAddressSchema,
    CustomerCreateSchema,
    CustomerPageSchema,
    CustomerQuerySchema,
    CustomerSchema,
    CustomerUpdateSchema,
    HistoryQuerySchema,
    RevealInSchema,
    RevealSchema,
    ServiceHistorySchema,
)

READ, WRITE = disclosure.READ_ROLES, disclosure.WRITE_ROLES


@blp.route("")
@roles(*READ)
@cached()
@blp.arguments(CustomerQuerySchema, location="query")
@blp.response(200, CustomerPageSchema)
def list_customers(args):
    """Search customers by part of the name or 3+ digits of the mobile; filter and sort.

    Top-secret files show to roles that may not open them with the name only partly
    ("王**") and the mobile masked; finance always sees mobiles masked.
    """
    return service.search_customers(current_principal(), **args)


@blp.route("", methods=["POST"])
@roles(*WRITE)
@blp.arguments(CustomerCreateSchema)
@blp.response(201, CustomerSchema)
def create_customer(data):
    """Open a customer file, optionally with addresses (a mobile already on file → 409)."""
    actor = current_principal()
    customer = service.create_customer(data, actor)
    return _after_change(customer, actor)


@blp.route("/<int:customer_id>")
@roles(*READ)
@blp.response(200, CustomerSchema)
def get_customer(customer_id):
    """One customer file as your role may see it (docs/privacy.md). Reading a
    secret-or-above file is recorded; a confidential (机密) or top-secret (绝密) file that
    needs a grant you do not hold is refused (403, code ``grant_required``)."""
    actor = current_principal()
    return disclosure.detail(service.open_customer(customer_id, actor), actor)


@blp.route("/<int:customer_id>/service-history")
@roles(*READ)
@blp.arguments(HistoryQuerySchema, location="query")
@blp.response(200, ServiceHistorySchema)
def service_history(args, customer_id):
    """Her service history (服务记录): orders newest first (paged) with the worker and
    the evaluations of each, and a summary (workers who served her, mean score). Part
    of the file: refused (403 ``grant_required``) and recorded exactly as the file is."""
    actor = current_principal()
    return history.service_history(service.open_customer(customer_id, actor), **args)


@blp.route("/<int:customer_id>/reveal", methods=["POST"])
@roles(*WRITE)
@blp.arguments(RevealInSchema)
@blp.response(200, RevealSchema)
def reveal_mobile(data, customer_id):
    """Show a secret (秘密) file's full mobile, for the reason given (recorded)."""
    actor = current_principal()
    customer = service.reveal_mobile(customer_id, actor, data["reason"])
    return {"id": customer.id, "mobile": customer.mobile}


def _after_change(customer, actor):
    """The file as the person who just changed it may see it (a file they classified
    above what they may read answers with what shows of it)."""
    if disclosure.may_open(customer, actor):
        return disclosure.detail(customer, actor)
    return disclosure.closed_view(customer, actor)


@blp.route("/<int:customer_id>", methods=["PATCH"])
@roles(*WRITE)
@blp.arguments(CustomerUpdateSchema)
@blp.response(200, CustomerSchema)
def update_customer(data, customer_id):
    """Change a customer file; send the ``version`` you read (stale → 409, reload)."""
    actor = current_principal()
    customer = service.change_customer(customer_id, data, actor)
    return _after_change(customer, actor)


@blp.route("/<int:customer_id>/addresses", methods=["POST"])
@roles(*WRITE)
@blp.arguments(CustomerAddressInSchema)
@blp.response(201, CustomerAddressSchema)
def add_address(data, customer_id):
    """Add an address; the first one, or one sent with ``is_default``, becomes the default."""
    actor = current_principal()
    address = service.add_customer_address(customer_id, data, actor)
    return disclosure.address_view(address)


@blp.route("/<int:customer_id>/addresses/<int:address_id>", methods=["PATCH"])
@roles(*WRITE)
@blp.arguments(CustomerAddressPatchSchema)
@blp.response(200, CustomerAddressSchema)
def update_address(data, customer_id, address_id):
    """Change an address; send the address ``version`` you read (stale → 409)."""
    actor = current_principal()
    address = service.change_address(customer_id, address_id, data, actor)
    return disclosure.address_view(address)


@blp.route("/<int:customer_id>/addresses/<int:address_id>", methods=["DELETE"])
@roles(*WRITE)
@blp.response(204)
def delete_address(customer_id, address_id):
    """Remove an address (if it was the default, the oldest remaining one becomes default)."""
    actor = current_principal()
    service.remove_address(customer_id, address_id, actor)
