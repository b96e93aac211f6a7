"""Rules of customer files (客户档案): create, change, search, open, addresses.

Functions take plain values (already loaded by a schema) and the acting user, and record
each change in the audit trail in the same transaction. The service owns the transaction
(#11): what a page or the API calls is a step decorated with ``@transactional`` — it
commits when it returns and rolls back when it raises; the building blocks it calls
(``update_customer``, ``add_address`` …) only add to the step's unit of work. A recorded
read or refusal of a file is committed at once (see :func:`open_customer`), whatever the
step does next. Refusals are raised as core errors with bilingual messages.
"""
from __future__ import annotations

import re

import sqlalchemy as sa
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import selectinload
from sqlalchemy.orm.exc import StaleDataError

from ..accounts.models import User
from ..audit import service as audit
from ..audit.service import diff, record
from ..errors import Conflict, Forbidden, Invalid, NotFound
from ..extensions import db
from ..messages import Msg, bilingual
from ..pagination import apply_sort, paginate
from ..privacy import mask_mobile
from ..transactions import commit, transactional
from . import disclosure
from .models import Customer, CustomerAddress
from .schemas import COORDINATES_PAIRED, MAX_ADDRESSES, TOO_MANY_ADDRESSES

ENTITY = "customer"
_MAX_ID = 2**31 - 1

CUSTOMER_NOT_FOUND = Msg("No such customer.", "找不到该客户。")
ADDRESS_NOT_FOUND = Msg("No such address for this customer.", "该客户没有这个地址。")
DUPLICATE_MOBILE = Msg("Another customer already has this mobile number; search for it instead "
                       "of creating a second file.",
                       "已有客户使用此手机号，请先搜索该客户，不要重复建档。")
STALE_VERSION = Msg("Someone else changed this record after you opened it. Reload to see the "
                    "current version, then make your change again.",
                    "您打开后，此记录已被他人修改。请刷新页面查看最新内容，再重新修改。")
REASON_NEEDED = Msg("Give the reason for deactivating this customer.", "停用客户须选择停用原因。")
CLASSIFY_REFUSED = Msg("Only a supervisor may classify a customer file as top secret (绝密).",
                       "只有客服主管可以将客户档案定为绝密级。")
NOTE_NEEDED = Msg("Describe the reason when it is 'other'.", "停用原因为“其他”时，请填写说明。")

#: the customer's own fields, as recorded in the audit trail
_FIELDS = ("name", "mobile", "household_notes", "confidentiality", "lead_source", "status",
           "deactivation_reason", "deactivation_note")
_ADDRESS_FIELDS = ("label", "district", "detail", "latitude", "longitude", "is_default")
_SORTS = {"name": Customer.name, "created_at": Customer.created_at,
          "updated_at": Customer.updated_at}


# ------------------------------------------------------------------ reading

def get_customer(customer_id: int) -> Customer:
    """The customer with this id, or 404."""
    customer = db.session.get(Customer, customer_id) if 0 < customer_id <= _MAX_ID else None
    if customer is None:
        raise NotFound(CUSTOMER_NOT_FOUND)
    return customer


def open_customer(customer_id: int, actor: User, *, purpose: str = "read") -> Customer:
    """The customer file, for a person who is about to read (or change) it.

    A file that does not open to this person (机密 / 绝密 without a grant) is refused
    (403, code ``grant_required``) and the refusal recorded; reading a secret-or-above
    file records a ``read`` event. Both are committed here, so the trail keeps them
    whatever the request does next.
    """
    customer = get_customer(customer_id)
    seen = disclosure.sight(customer, actor)
    if not seen.opens:
        record(f"{purpose}_denied", ENTITY, customer.id,
               f"{customer.confidentiality} customer file refused to a {actor.role}",
               actor_id=actor.id)
        commit()  # the refusal stays on record even though the step is refused
        disclosure.check_may_open(customer, actor)
    if purpose == "read" and seen.recorded:
        record("read", ENTITY, customer.id, f"{customer.confidentiality} customer file read"
               + (" under a grant" if seen.granted else ""), actor_id=actor.id)
        commit()  # the read stays on record whatever the request does next
    return customer


def peek_customer(customer_id: int, actor: User) -> Customer:
    """The file for showing what may be shown of a closed one (name, level, the request
    form); a refused read is recorded like any other."""
    customer = get_customer(customer_id)
    if not disclosure.sight(customer, actor).opens:
        record("read_denied", ENTITY, customer.id,
               f"{customer.confidentiality} customer file refused to a {actor.role}",
               actor_id=actor.id)
        commit()  # the refusal stays on record whatever the request does next
    return customer


REVEAL_REFUSED = Msg("Only a secret (秘密) file's mobile is revealed on request, and only to "
                     "the desk.", "只有秘密级档案可申请显示手机号，且仅限客服人员。")


@transactional
def reveal_mobile(customer_id: int, actor: User, reason: str) -> Customer:
    """Show a secret (秘密) file's full mobile for a stated reason (recorded). A step."""
    customer = open_customer(customer_id, actor, purpose="reveal")
    if not disclosure.sight(customer, actor).may_reveal:
        raise Forbidden(REVEAL_REFUSED, code="reveal_refused")
    record("reveal", ENTITY, customer.id, "mobile revealed", {"reason": [None, reason]},
           actor_id=actor.id)
    return customer


def _mobile_digits(text: str) -> str | None:
    digits = re.sub(r"[\s\-()]", "", text)
    if digits.startswith("+86"):
        digits = digits[3:]
    return digits if digits.isdigit() and len(digits) >= 3 else None


def contains_text(column, text: str) -> sa.ColumnElement[bool]:
    """SQL: ``column`` contains ``text``, ignoring case. On SQLite ``LIKE`` already
    ignores ASCII case (and its ``lower()`` folds nothing else), so no ``lower()`` is
    computed on every row scanned — half the cost of a search over the names."""
    if db.session.get_bind().dialect.name == "sqlite":
        return column.contains(text, autoescape=True)
    return column.icontains(text, autoescape=True)


def match_clause(user: User, q: str) -> sa.ColumnElement[bool]:
    """SQL: customers whose shown name contains ``q``, or (3 or more digits) whose mobile
    holds them — only on what this person's row shows (see :func:`search_customers`).
    A search by phone digits is recorded (masked)."""
    name_rows = disclosure.view_clause(user, ("name", "masked", "full"))
    match = [sa.and_(name_rows, contains_text(Customer.name, q))]
    if len(q) == 1:  # a name shown as 王** matches its shown family name only
        match.append(sa.and_(disclosure.view_clause(user, ("partial",)),
                             Customer.name.startswith(q, autoescape=True)))
    digits = _mobile_digits(q)
    if digits:
        match.append(sa.and_(disclosure.view_clause(user, ("full",)),
                             Customer.mobile.contains(digits, autoescape=True)))
        shown = []
        if len(digits) <= 4:
            shown.append(Customer.mobile.endswith(digits, autoescape=True))
        if len(digits) <= 3:
            shown.append(Customer.mobile.startswith(digits, autoescape=True))
        if shown:
            match.append(sa.and_(disclosure.view_clause(user, ("masked",)), sa.or_(*shown)))
        record("search", ENTITY, None, "customers searched by phone digits",
               {"q": [None, _masked_query(digits)]}, actor_id=user.id)
        commit()  # the search by phone stays on record whatever the request does next
    return sa.or_(*match)


def search_customers(user: User, *, q=None, confidentiality=None, status=None, district=None,
                     lead_source=None, sort=None, page=1, per_page=None) -> dict:
    """A page of customers as this person may see them (rows from
    :func:`disclosure.list_row`).

    ``q`` matches part of the name, or (3 or more digits) part of the mobile number —
    but only on what the row shows this person: a full mobile anywhere, a masked one
    only on its shown first 3 or last 4 digits, a closed file's mobile not at all, and
    a top-secret name shown as 王** only on its family name. A search by phone digits
    is recorded in the audit trail (masked). ``district`` matches any address's
    district of files that open.
    """
    stmt = sa.select(Customer).options(selectinload(Customer.addresses))
    if q:
        stmt = stmt.where(match_clause(user, q))
    if confidentiality:
        stmt = stmt.where(Customer.confidentiality == confidentiality)
    if status:
        stmt = stmt.where(Customer.status == status)
    if lead_source:
        stmt = stmt.where(disclosure.view_clause(user, ("masked", "full")),
                          Customer.lead_source == lead_source)
    if district:
        stmt = stmt.where(disclosure.view_clause(user, ("masked", "full")), Customer.addresses.any(
            CustomerAddress.district.icontains(district, autoescape=True)))
    stmt = apply_sort(stmt, sort, _SORTS, [Customer.updated_at.desc(), Customer.id.desc()])
    result = paginate(stmt, page, per_page)
    result["items"] = [disclosure.list_row(c, user) for c in result["items"]]
    return result


def _masked_query(digits: str) -> str:
    """What a phone search is recorded as: long enough to be a number → masked."""
    return mask_mobile(digits) if len(digits) >= 7 else digits


def history(customer_id: int, page: int = 1) -> dict:
    """The audit trail of one customer file (changes and recorded reads), newest first."""
    return audit.search(entity_type=ENTITY, entity_id=customer_id, page=page, per_page=50)


# ------------------------------------------------------------------ changing

def snapshot(customer: Customer) -> dict:
    """The customer's own fields, for the audit diff."""
    return {f: getattr(customer, f) for f in _FIELDS}


def _address_snapshot(address: CustomerAddress) -> dict:
    return {f"address.{address.id}.{f}": getattr(address, f) for f in _ADDRESS_FIELDS}


def _flush() -> None:
    """Flush, turning a lost race into the same 409 a person would get otherwise."""
    try:
        db.session.flush()
    except StaleDataError:
        db.session.rollback()
        raise Conflict(STALE_VERSION, code="stale_version",
                       fields={"version": [bilingual(STALE_VERSION)]}) from None
    except IntegrityError as exc:
        db.session.rollback()
        if "mobile" in str(exc.orig):
            raise _duplicate_mobile() from None
        raise Conflict() from None


def _duplicate_mobile() -> Conflict:
    return Conflict(DUPLICATE_MOBILE, code="duplicate_mobile",
                    fields={"mobile": [bilingual(DUPLICATE_MOBILE)]})


def _ensure_mobile_free(mobile: str, exclude_id: int | None = None) -> None:
    stmt = sa.select(Customer.id).where(Customer.mobile == mobile)
    if exclude_id is not None:
        stmt = stmt.where(Customer.id != exclude_id)
    if db.session.scalar(stmt) is not None:
        raise _duplicate_mobile()


def check_version(record_version: int, sent_version: int) -> None:
    """Refuse (409) a change made from a stale read."""
    if record_version != sent_version:
        raise Conflict(STALE_VERSION, code="stale_version",
                       fields={"version": [bilingual(STALE_VERSION)]})


def _check_may_classify(level: str | None, actor: User) -> None:
    """A file only a supervisor may open is classified top secret only by a supervisor."""
    if level == "top_secret" and actor.role not in disclosure.TOP_SECRET_ROLES:
        raise Forbidden(CLASSIFY_REFUSED, code="top_secret",
                        fields={"confidentiality": [bilingual(CLASSIFY_REFUSED)]})


@transactional
def create_customer(data: dict, actor: User) -> Customer:
    """Open a new customer file (with its addresses, the first one default unless one is
    flagged). Refuses a mobile number another customer has (409), and top secret from
    anyone but a supervisor (403). A step."""
    _check_may_classify(data.get("confidentiality"), actor)
    _ensure_mobile_free(data["mobile"])
    addresses = [dict(a) for a in data.get("addresses") or []]
    if addresses and not any(a.get("is_default") for a in addresses):
        addresses[0]["is_default"] = True
    customer = Customer(**{f: data.get(f) for f in (
        "name", "mobile", "household_notes", "confidentiality", "lead_source")},
        status="active", created_by_id=actor.id, updated_by_id=actor.id,
        addresses=[CustomerAddress(**a) for a in addresses])
    db.session.add(customer)
    _flush()
    after = snapshot(customer)
    for address in customer.addresses:
        after.update(_address_snapshot(address))
    after = {k: v for k, v in after.items() if v not in (None, "")}
    record("create", ENTITY, customer.id, "customer file created",
           diff({}, after, withhold=True), actor_id=actor.id)
    return customer


def _deactivation_rules(values: dict) -> None:
    if values["status"] == "active":
        values.update(deactivation_reason=None, deactivation_note="")
        return
    if not values.get("deactivation_reason"):
        raise Invalid(fields={"deactivation_reason": [bilingual(REASON_NEEDED)]})
    if values["deactivation_reason"] == "other" and not values.get("deactivation_note"):
        raise Invalid(fields={"deactivation_note": [bilingual(NOTE_NEEDED)]})


def update_customer(customer: Customer, data: dict, actor: User) -> Customer:
    """Change a customer file from the version the person read (stale → 409).

    Deactivating needs a reason (and a note for 'other'); reactivating clears them.
    A change of status is recorded as action ``status``, any other as ``update``.
    """
    data = dict(data)
    check_version(customer.version, data.pop("version"))
    if data.get("confidentiality") != customer.confidentiality:
        _check_may_classify(data.get("confidentiality"), actor)
    before = snapshot(customer)
    if data.get("mobile") not in (None, customer.mobile):
        _ensure_mobile_free(data["mobile"], exclude_id=customer.id)
    values = {**before, **data}
    _deactivation_rules(values)
    changes = diff(before, values, withhold=True)
    if not changes:
        return customer
    for field in _FIELDS:
        setattr(customer, field, values[field])
    customer.updated_by_id = actor.id
    _flush()
    action = "status" if "status" in changes else "update"
    record(action, ENTITY, customer.id, "customer file changed", changes, actor_id=actor.id)
    return customer


@transactional
def change_customer(customer_id: int, data: dict, actor: User) -> Customer:
    """The step of an edit: open the file for a change (a closed file → 403, the refusal
    recorded) and change it from the version read (:func:`update_customer`)."""
    customer = open_customer(customer_id, actor, purpose="change")
    return update_customer(customer, data, actor)


# ------------------------------------------------------------------ addresses

def _address_of(customer: Customer, address_id: int) -> CustomerAddress:
    address = next((a for a in customer.addresses if a.id == address_id), None)
    if address is None:
        raise NotFound(ADDRESS_NOT_FOUND)
    return address


def _clear_default(customer: Customer, keep: CustomerAddress | None = None) -> None:
    """Unflag the current default first, so the one-default index never sees two."""
    for other in customer.addresses:
        if other is not keep and other.is_default:
            other.is_default = False
    _flush()


def add_address(customer: Customer, data: dict, actor: User) -> CustomerAddress:
    """Add an address; the first one, or one flagged default, becomes the default."""
    if len(customer.addresses) >= MAX_ADDRESSES:
        raise Invalid(fields={"addresses": [bilingual(TOO_MANY_ADDRESSES)]})
    data = dict(data)
    make_default = data.pop("is_default", False) or not customer.addresses
    if make_default:
        _clear_default(customer)
    address = CustomerAddress(**data, is_default=make_default)
    customer.addresses.append(address)
    _flush()
    record("update", ENTITY, customer.id, "address added",
           diff({}, _address_snapshot(address), withhold=True), actor_id=actor.id)
    return address


def update_address(customer: Customer, address_id: int, data: dict,
                   actor: User) -> CustomerAddress:
    """Change an address from the version read (stale → 409); flagging it default
    unflags the previous default."""
    address = _address_of(customer, address_id)
    data = dict(data)
    check_version(address.version, data.pop("version"))
    latitude = data.get("latitude", address.latitude)
    longitude = data.get("longitude", address.longitude)
    if (latitude is None) != (longitude is None):
        missing = "latitude" if latitude is None else "longitude"
        raise Invalid(fields={missing: [bilingual(COORDINATES_PAIRED)]})
    before = _address_snapshot(address)
    if data.get("is_default") and not address.is_default:
        _clear_default(customer, keep=address)
    for field, value in data.items():
        setattr(address, field, value)
    changes = diff(before, _address_snapshot(address), withhold=True)
    if changes:
        _flush()
        record("update", ENTITY, customer.id, "address changed", changes, actor_id=actor.id)
    return address


def delete_address(customer: Customer, address_id: int, actor: User) -> None:
    """Remove an address; if it was the default, the oldest remaining one becomes default."""
    address = _address_of(customer, address_id)
    before, was_default = _address_snapshot(address), address.is_default
    customer.addresses.remove(address)
    _flush()
    if was_default and customer.addresses:
        customer.addresses[0].is_default = True
        _flush()
    record("update", ENTITY, customer.id, "address removed", diff(before, {}, withhold=True),
           actor_id=actor.id)


@transactional
def add_customer_address(customer_id: int, data: dict, actor: User) -> CustomerAddress:
    """The step of adding an address to a file that opens to ``actor`` (:func:`add_address`)."""
    return add_address(open_customer(customer_id, actor, purpose="change"), data, actor)


@transactional
def change_address(customer_id: int, address_id: int, data: dict,
                   actor: User) -> CustomerAddress:
    """The step of changing one of a file's addresses (:func:`update_address`)."""
    customer = open_customer(customer_id, actor, purpose="change")
    return update_address(customer, address_id, data, actor)


@transactional
def remove_address(customer_id: int, address_id: int, actor: User) -> None:
    """The step of removing one of a file's addresses (:func:`delete_address`)."""
    delete_address(open_customer(customer_id, actor, purpose="change"), address_id, actor)


@transactional
def record_export(actor: User, fmt: str, rows: int) -> None:
    """Record that ``actor`` exported the customer list (the file is already made)."""
    record("export", ENTITY, None, f"customer list exported as {fmt} ({rows} rows)",
           actor_id=actor.id)
