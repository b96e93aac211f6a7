"""What each role may see of a customer file (客户档案): masking and confidentiality.

- dispatchers, supervisors and admins see the mobile number; finance sees it masked;
- a top-secret (绝密) file is opened only by supervisors and admins; in lists other
  roles see its name only partly ("王**") and its mobile masked, and nothing else.

Functions here turn a :class:`Customer` into the plain dict the schemas and templates show.
"""
from __future__ import annotations

from ..errors import Forbidden
from ..messages import Msg
from ..privacy import mask_mobile
from .models import RECORDED_LEVELS, Customer, CustomerAddress

#: roles that read customers at all; of them, the ones that may also change them
READ_ROLES = ("dispatcher", "supervisor", "finance")
WRITE_ROLES = ("dispatcher", "supervisor")
#: roles that see a customer's full mobile number
FULL_MOBILE_ROLES = frozenset({"admin", "supervisor", "dispatcher"})
#: roles that may open a top-secret (绝密) file
TOP_SECRET_ROLES = frozenset({"admin", "supervisor"})

TOP_SECRET_REFUSED = Msg(
    "This customer file is top secret (绝密): reading or changing it needs a supervisor's "
    "approval. Ask a supervisor.",
    "该客户档案为绝密级，查看或修改须经客服主管批准，请联系主管。")


def partial_name(name: str) -> str:
    """王小明 → 王** (the family name only)."""
    return name[:1] + "*" * max(len(name) - 1, 1) if name else name


def may_open(customer: Customer, role: str) -> bool:
    """Whether this role may open the file itself (top secret: supervisors and admins only)."""
    return customer.confidentiality != "top_secret" or role in TOP_SECRET_ROLES


def check_may_open(customer: Customer, role: str) -> None:
    """Refuse (403) a role that may not open this file."""
    if not may_open(customer, role):
        raise Forbidden(TOP_SECRET_REFUSED, code="top_secret")


def read_is_recorded(customer: Customer) -> bool:
    """Reads of secret (秘密) files and above go into the audit trail."""
    return customer.confidentiality in RECORDED_LEVELS


def _mobile_for(customer: Customer, role: str) -> tuple[str, bool]:
    if role in FULL_MOBILE_ROLES and may_open(customer, role):
        return customer.mobile, False
    return mask_mobile(customer.mobile), True


def list_row(customer: Customer, role: str) -> dict:
    """A list row as this role may see it."""
    mobile, masked = _mobile_for(customer, role)
    address = customer.default_address
    row = {
        "id": customer.id, "name": customer.name, "mobile": mobile,
        "confidentiality": customer.confidentiality, "status": customer.status,
        "lead_source": customer.lead_source, "district": address.district if address else None,
        "masked": masked, "created_at": customer.created_at, "updated_at": customer.updated_at,
        "version": customer.version, "openable": may_open(customer, role),
    }
    if not row["openable"]:
        row.update(name=partial_name(customer.name), district=None, lead_source=None)
    return row


def address_view(address: CustomerAddress) -> dict:
    """An address as shown."""
    return {k: getattr(address, k) for k in (
        "id", "label", "district", "detail", "latitude", "longitude", "is_default", "version")}


def detail(customer: Customer, role: str) -> dict:
    """The whole file as this role may see it (call :func:`check_may_open` first)."""
    check_may_open(customer, role)
    view = list_row(customer, role)
    view.update({
        "household_notes": customer.household_notes,
        "deactivation_reason": customer.deactivation_reason,
        "deactivation_note": customer.deactivation_note,
        "addresses": [address_view(a) for a in customer.addresses],
        "created_by_id": customer.created_by_id, "updated_by_id": customer.updated_by_id,
        "created_by": customer.created_by.display_name if customer.created_by else None,
        "updated_by": customer.updated_by.display_name if customer.updated_by else None,
    })
    return view
