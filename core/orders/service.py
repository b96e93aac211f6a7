"""Orders: taking an order (intake → quote), changing it, and moving it through its
lifecycle. Every change is written with its history entry and audit event in one
transaction, and refused with 409 when the order changed meanwhile (``version``).
"""
from __future__ import annotations

import datetime as dt
from decimal import Decimal

import sqlalchemy as sa
from marshmallow import ValidationError
from sqlalchemy.exc import IntegrityError

from .. import plugins
from ..accounts.models import User
from ..audit.service import diff, record
from ..customers.models import Customer, CustomerAddress
from ..errors import Conflict, Invalid, NotFound, flatten_fields
from ..extensions import db
from ..messages import Msg
from ..pricing import service as pricing
from ..timeutil import business_today, utcnow
from ..types import Quote
from . import approvals, contracts, lifecycle
from .events import add_event, check_version, commit, flush, jsonable
from .models import Order

#: States in which the intake, price and address may still change.
EDITABLE_STATES = ("enquiry", "quoted", "matching", "interview")
_AUDITED = ("service_line", "customer_id", "address_text", "dispatcher_id", "state",
            "agreed_price", "quote_total", "worker_id", "start_date", "end_date",
            "cancel_reason", "cancel_note", "note")


def _field_error(name: str, en: str, zh: str) -> Invalid:
    return Invalid(fields={name: [{"en": en, "zh": zh}]})


def snapshot(order: Order) -> dict:
    """The audited facts of an order, for :func:`core.audit.service.diff`."""
    return {key: getattr(order, key) for key in _AUDITED}


def get_order(order_id: int) -> Order:
    """One order, or NotFound (404)."""
    order = db.session.get(Order, order_id)
    if order is None:
        raise NotFound(Msg("There is no such order.", "找不到该订单。"))
    return order


# ------------------------------------------------------------------------ intake and quote


def load_intake(code: str, raw: dict, prefix: str = "intake") -> dict:
    """The intake loaded by the line's schema (checked against today's business date);
    unknown line → 404, bad values → 422 naming each field under ``prefix``."""
    schema_cls = plugins.intake_schema(code)
    try:
        return schema_cls(today=business_today()).load(raw or {})
    except ValidationError as err:
        raise Invalid(fields=flatten_fields(err.messages, prefix)) from None


def preview_quote(code: str, raw: dict) -> Quote:
    """The quote of a raw intake from the company's price table, saving nothing."""
    return pricing.quote(code, load_intake(code, raw))[0]


def _set_intake(order: Order, loaded: dict) -> None:
    quote, table_version = pricing.quote(order.service_line, loaded)
    order.intake = jsonable(loaded)
    order.quote_total = quote.total
    order.quote_detail = {**quote.as_dict(), "price_table_version": table_version,
                          "quoted_at": utcnow().isoformat()}


def _review_intake_term(order: Order, loaded: dict, reason: str | None,
                        actor_id: int | None) -> None:
    policy = pricing.order_policy(order.service_line)
    if policy.term_field:
        approvals.review_term(order, policy, "intake_term", loaded.get(policy.term_field),
                              reason, actor_id)


# ------------------------------------------------------------------------ creating, changing


def _customer(customer_id: int) -> Customer:
    customer = db.session.get(Customer, customer_id)
    if customer is None:
        raise _field_error("customer_id", "There is no such customer.", "没有该客户。")
    if customer.status != "active":
        raise Conflict(Msg("This customer is deactivated; no new orders.",
                           "该客户已停用，不能下新订单。"), code="customer_inactive")
    return customer


def _dispatcher(user_id: int) -> User:
    user = db.session.get(User, user_id)
    if user is None or not user.active or user.role not in ("dispatcher", "supervisor",
                                                           "admin"):
        raise _field_error("dispatcher_id", "Choose an active dispatcher or supervisor.",
                           "请选择在职的客服专员或主管。")
    return user


def _address(order: Order, customer: Customer, address_id: int | None,
             intake: dict | None) -> None:
    """Where the service happens: a customer's address, else the intake's, else the
    customer's default — kept as text so later edits of the customer keep the order's."""
    if address_id is not None:
        address = db.session.get(CustomerAddress, address_id)
        if address is None or address.customer_id != customer.id:
            raise _field_error("address_id", "This is not one of the customer's addresses.",
                               "该地址不属于此客户。")
        order.address_id, order.address_text = address.id, f"{address.district} {address.detail}"
    elif isinstance((intake or {}).get("address"), dict):
        parts = intake["address"]
        order.address_id = None
        order.address_text = " ".join(str(parts.get(k) or "") for k in ("district", "detail"))
    elif order.address_id is None and customer.default_address is not None:
        address = customer.default_address
        order.address_id, order.address_text = address.id, f"{address.district} {address.detail}"
    order.address_text = order.address_text.strip()[:300]


def _number_for(day: dt.date) -> str:
    prefix = f"JZ{day:%Y%m%d}-"
    last = db.session.scalar(sa.select(sa.func.max(Order.number)).where(
        Order.number.like(prefix + "%")))
    return f"{prefix}{(int(last.rsplit('-', 1)[1]) + 1) if last else 1:04d}"


def create_order(*, service_line: str, customer_id: int, actor_id: int,
                 intake: dict | None = None, address_id: int | None = None,
                 agreed_price: Decimal | None = None, price_reason: str | None = None,
                 term_reason: str | None = None, dispatcher_id: int | None = None,
                 note: str = "") -> Order:
    """Take an order (上单): check the intake and quote it from the company's table.

    Without ``intake`` the order is an enquiry still to be quoted. A price below the
    table's floor or a term outside the standard ones opens an approval request (the
    reason is required). Numbered JZ<business date>-NNNN; nothing is saved on error.
    """
    for attempt in range(5):
        try:
            return _create(service_line, customer_id, actor_id, intake, address_id,
                           agreed_price, price_reason, term_reason, dispatcher_id, note)
        except IntegrityError as exc:  # two orders took the same number at once
            db.session.rollback()
            if "number" not in str(exc.orig).lower() or attempt == 4:
                raise
    raise AssertionError("unreachable")


def _create(service_line, customer_id, actor_id, intake, address_id, agreed_price,
            price_reason, term_reason, dispatcher_id, note) -> Order:
    pricing.order_policy(service_line)  # 404 for an unknown line
    customer = _customer(customer_id)
    dispatcher = _dispatcher(dispatcher_id if dispatcher_id is not None else actor_id)
    loaded = load_intake(service_line, intake) if intake is not None else None
    if agreed_price is not None and loaded is None:
        raise _field_error("agreed_price", "Fill in the intake first, so there is a quote.",
                           "请先填写需求信息，生成报价后再定价。")
    now = utcnow()
    order = Order(service_line=service_line, customer=customer, dispatcher=dispatcher,
                  state="enquiry", note=note or "", agreed_price=agreed_price,
                  created_by_id=actor_id, updated_by_id=actor_id, created_at=now,
                  updated_at=now, number=_number_for(business_today()), address_text="")
    _address(order, customer, address_id, loaded)
    if loaded is not None:
        _set_intake(order, loaded)
    db.session.add(order)
    add_event(order, "created", actor_id, to_state="enquiry",
              data={"quote_total": order.quote_total, "agreed_price": agreed_price})
    if loaded is not None:
        _review_intake_term(order, loaded, term_reason, actor_id)
    approvals.review_price(order, price_reason, actor_id)
    db.session.flush()
    record("create", "order", order.id, f"order {order.number} ({service_line})",
           diff({}, snapshot(order)), actor_id=actor_id)
    commit()
    return order


def update_order(order: Order, version: int, actor_id: int, **changes) -> Order:
    """Change an order's intake (re-quoted), agreed price, address, dispatcher or note.

    Refused with 409 when ``version`` is stale or the order is past the interview
    (its terms are then in the contract); 422 when a value is wrong.
    """
    check_version(order, version)
    if order.is_final:
        raise Conflict(Msg("A finished or cancelled order cannot be changed.",
                           "已完成或已取消的订单不能修改。"), code="order_closed")
    terms = {"intake", "agreed_price", "address_id"} & {k for k, v in changes.items()
                                                      if v is not None}
    if terms and order.state not in EDITABLE_STATES:
        raise Conflict(Msg("Intake, price and address are fixed once the contract is made.",
                           "签约后需求、价格和地址不能再修改。"), code="order_terms_fixed")
    with db.session.no_autoflush:  # one UPDATE of the order, one version step
        before, intake_before = snapshot(order), order.intake or {}
        loaded = None
        if changes.get("intake") is not None:
            loaded = load_intake(order.service_line, changes["intake"])
            _set_intake(order, loaded)
        if changes.get("agreed_price") is not None:
            if order.quote_total is None:
                raise _field_error("agreed_price", "Fill in the intake first, so there is "
                                   "a quote.", "请先填写需求信息，生成报价后再定价。")
            order.agreed_price = changes["agreed_price"]
        if changes.get("address_id") is not None or loaded is not None:
            _address(order, order.customer, changes.get("address_id"), loaded)
        if changes.get("dispatcher_id") is not None:
            order.dispatcher = _dispatcher(changes["dispatcher_id"])
        if changes.get("note") is not None:
            order.note = changes["note"]
        after = snapshot(order)
        changed = diff(before, after)
        if loaded is not None:
            changed.update(diff({f"intake.{k}": v for k, v in intake_before.items()},
                                {f"intake.{k}": v for k, v in order.intake.items()}))
            _review_intake_term(order, loaded, changes.get("term_reason"), actor_id)
        if loaded is not None or "agreed_price" in changed:
            approvals.review_price(order, changes.get("price_reason"), actor_id)
        if changed:
            add_event(order, "updated", actor_id, data={"changed": sorted(changed)})
            record("update", "order", order.id, f"order {order.number}", changed,
                   actor_id=actor_id)
    commit()
    return order


# ------------------------------------------------------------------------------ lifecycle


def transition(order: Order, to_state: str, version: int, actor_id: int, *,
               start_date: dt.date | None = None, end_date: dt.date | None = None,
               cancel_reason: str | None = None, cancel_note: str = "",
               note: str = "") -> Order:
    """Move an order to ``to_state`` if the lifecycle allows it and its facts are there
    (else 409 saying why); kept in its history and broadcast to plugins
    (``order_state_changed``) inside the same transaction."""
    check_version(order, version)
    policy = pricing.order_policy(order.service_line)
    facts = lifecycle.TransitionFacts(
        start_date=start_date or order.start_date, end_date=end_date or order.end_date,
        cancel_reason=cancel_reason, cancel_note=cancel_note or "",
        signed_contract=contracts.signed_for_worker(order) is not None,
        open_exceptions=len(approvals.open_requests(order)))
    lifecycle.check(order, to_state, policy, facts)
    before, from_state = snapshot(order), order.state
    data: dict = {}
    if to_state == "quoted" and order.agreed_price is None:
        order.agreed_price = order.quote_total
    if to_state == "matching" and from_state == "interview":
        data["released_worker_id"] = order.worker_id
        order.worker_id = None
    if to_state == "in_service":
        order.start_date = data["start_date"] = facts.start_date
    if to_state == "finished":
        order.end_date = data["end_date"] = facts.end_date
    if to_state == "cancelled":
        order.cancel_reason, order.cancel_note = cancel_reason, (cancel_note or "")[:255]
        data.update(cancel_reason=cancel_reason, cancel_note=cancel_note)
    order.state = to_state
    add_event(order, "transition", actor_id, from_state=from_state, to_state=to_state,
              note=note, data=data or None)
    record("status", "order", order.id, f"order {order.number}: {from_state} → {to_state}",
           diff(before, snapshot(order)), actor_id=actor_id)
    flush()
    plugins.notify_order_state_changed(order_id=order.id, service_line=order.service_line,
                                       from_state=from_state, to_state=to_state)
    commit()
    return order
