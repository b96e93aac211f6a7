"""Orders: taking an order (intake → quote), changing it, and moving it through its
lifecycle. Every change is written with its history entry and audit event in one
transaction, and refused with 409 when the order changed meanwhile (``version``).
"""
from __future__ import annotations

import datetime as dt
from decimal import Decimal

import sqlalchemy as sa
from marshmallow import ValidationError

from .. import inputs, numbering, plugins
from ..accounts.models import User
from ..audit.service import diff, record
from ..customers.models import Customer, CustomerAddress
from ..errors import Conflict, Invalid, NotFound, flatten_fields
from ..extensions import db
from ..messages import Msg
from ..pricing import service as pricing
from ..timeutil import business_today, utcnow
from ..transactions import transactional
from ..types import Quote
from . import approvals, contracts, lifecycle
from .events import add_event, check_version, commit, flush, jsonable
from .models import Order
from .policy import order_policy

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


#: an intake's dates (service start, expected delivery, preferred day) lie within a year
#: back and two years ahead of the business date
INTAKE_DATE_WINDOW = {"before_days": 366, "after_days": 2 * 366}


LATE_ENTRY = {"en": "A date already past: an order entered after the fact needs a reason "
                    "(late_entry_reason).",
              "zh": "日期已过：补录订单须填写补录原因（late_entry_reason）。"}


def load_intake(code: str, raw: dict, prefix: str = "intake", *,
                late_entry: bool = False) -> dict:
    """The intake loaded by the line's schema (checked against today's business date);
    unknown line → 404, bad values → 422 naming each field under ``prefix``.

    ``late_entry``: the order is entered after the fact (with a reason): dates already
    past pass the line's "not in the past" rules. Without it, an intake refused only for
    such a date also names ``late_entry_reason`` (how to enter it after the fact)."""
    schema_cls = plugins.intake_schema(code)
    today = business_today()
    try:
        loaded = schema_cls(today=today, allow_past=late_entry).load(raw or {})
    except ValidationError as err:
        fields = flatten_fields(err.messages, prefix)
        if not late_entry:
            try:
                schema_cls(today=today, allow_past=True).load(raw or {})
                fields["late_entry_reason"] = [LATE_ENTRY]
            except ValidationError:
                pass
        raise Invalid(fields=fields) from None
    loaded = inputs.checked({prefix: loaded})[prefix]
    for key, value in loaded.items():
        if isinstance(value, dt.date):
            inputs.check_business_date(value, f"{prefix}.{key}", today=today,
                                       **INTAKE_DATE_WINDOW)
    return loaded


def load_intake_is_late(code: str, raw: dict) -> bool:
    """Whether the intake passes only as an order entered after the fact (a date past)."""
    try:
        plugins.intake_schema(code)(today=business_today()).load(raw or {})
    except ValidationError:
        return True
    return False


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
    policy = order_policy(order.service_line)
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
    """The next order number of the business day, from that day's counter (so two
    orders taken at the same moment never share one)."""
    prefix = f"JZ{day:%Y%m%d}-"

    def last_used() -> int:
        last = db.session.scalar(sa.select(sa.func.max(Order.number)).where(
            Order.number.like(prefix + "%")))
        return int(last.rsplit("-", 1)[1]) if last else 0

    return f"{prefix}{numbering.next_value(f'order:{day:%Y%m%d}', last_used):04d}"


@transactional
def create_order(*, service_line: str, customer_id: int, actor_id: int,
                 intake: dict | None = None, address_id: int | None = None,
                 agreed_price: Decimal | None = None, price_reason: str | None = None,
                 term_reason: str | None = None, dispatcher_id: int | None = None,
                 note: str = "", late_entry_reason: str | None = None) -> Order:
    """Take an order (上单): check the intake and quote it from the company's table.

    Without ``intake`` the order is an enquiry still to be quoted. A price below the
    table's floor or a term outside the standard ones opens an approval request (the
    reason is required). A start date already past is refused for a new enquiry; an
    order entered after the fact (补录) passes with ``late_entry_reason``, kept in its
    history. Numbered JZ<business date>-NNNN; nothing is saved on error.
    """
    return _create(service_line, customer_id, actor_id, intake, address_id,
                   agreed_price, price_reason, term_reason, dispatcher_id, note,
                   (late_entry_reason or "").strip())


def _create(service_line, customer_id, actor_id, intake, address_id, agreed_price,
            price_reason, term_reason, dispatcher_id, note, late_reason="") -> Order:
    order_policy(service_line)  # 404 for an unknown line
    customer = _customer(customer_id)
    dispatcher = _dispatcher(dispatcher_id if dispatcher_id is not None else actor_id)
    loaded = load_intake(service_line, intake, late_entry=bool(late_reason)) \
        if intake is not None else None
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
    late = bool(late_reason) and loaded is not None and \
        load_intake_is_late(service_line, intake)
    add_event(order, "created", actor_id, to_state="enquiry",
              note=f"补录 / entered after the fact: {late_reason}" if late else "",
              data={"quote_total": order.quote_total, "agreed_price": agreed_price,
                    **({"late_entry_reason": late_reason[:500]} if late else {})})
    if loaded is not None:
        _review_intake_term(order, loaded, term_reason, actor_id)
    approvals.review_price(order, price_reason, actor_id)
    db.session.flush()
    record("create", "order", order.id, f"order {order.number} ({service_line})",
           diff({}, snapshot(order), withhold=True), actor_id=actor_id)
    commit()
    return order


def _load_changed_intake(order: Order, raw: dict, late_reason: str) -> tuple[dict, bool]:
    """The changed intake, loaded; and whether it moved a date into the past.

    A date already past that the stored intake had already (an order entered after the
    fact, edited later) passes as it is. A date *moved* into the past needs
    ``late_entry_reason``, as at intake (422 naming it otherwise)."""
    if late_reason:
        loaded = load_intake(order.service_line, raw, late_entry=True)
        return loaded, bool(_newly_past(order, loaded))
    try:
        return load_intake(order.service_line, raw), False
    except Invalid as exc:
        if "late_entry_reason" not in (exc.fields or {}):
            raise
        loaded = load_intake(order.service_line, raw, late_entry=True)
        if _newly_past(order, loaded):
            raise
        return loaded, False


def _newly_past(order: Order, loaded: dict) -> list[str]:
    """The intake's dates that are past and differ from the stored intake's."""
    today, stored = business_today(), order.intake or {}
    return [k for k, v in loaded.items() if isinstance(v, dt.date)
            and not isinstance(v, dt.datetime) and v < today
            and str(stored.get(k)) != v.isoformat()]


@transactional
def update_order(order: Order, version: int, actor_id: int, **changes) -> Order:
    """Change an order's intake (re-quoted), agreed price, address, dispatcher or note.

    Refused with 409 when ``version`` is stale or the order is past the interview
    (its terms are then in the contract); 422 when a value is wrong. An intake date
    moved into the past needs ``late_entry_reason`` (kept in the history entry).
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
        loaded, late = None, False
        late_reason = (changes.get("late_entry_reason") or "").strip()
        if changes.get("intake") is not None:
            loaded, late = _load_changed_intake(order, changes["intake"], late_reason)
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
        changed = diff(before, after, withhold=True)
        if loaded is not None:
            changed.update(diff({f"intake.{k}": v for k, v in intake_before.items()},
                                {f"intake.{k}": v for k, v in order.intake.items()},
                                withhold=True))
            _review_intake_term(order, loaded, changes.get("term_reason"), actor_id)
        if loaded is not None or "agreed_price" in changed:
            approvals.review_price(order, changes.get("price_reason"), actor_id)
        if changed:
            add_event(order, "updated", actor_id,
                      note=f"补录 / entered after the fact: {late_reason}" if late else "",
                      data={"changed": sorted(changed),
                            **({"late_entry_reason": late_reason[:500]} if late else {})})
            record("update", "order", order.id, f"order {order.number}", changed,
                   actor_id=actor_id)
    commit()
    return order


# ------------------------------------------------------------------------------ lifecycle


@transactional
def transition(order: Order, to_state: str, version: int, actor_id: int, *,
               start_date: dt.date | None = None, end_date: dt.date | None = None,
               cancel_reason: str | None = None, cancel_note: str = "",
               note: str = "", finish_reason: str = "", start_reason: str = "") -> Order:
    """Move an order to ``to_state`` if the lifecycle allows it and its facts are there
    (else 409 saying why); kept in its history and broadcast to plugins
    (``handle_order_state_change``) inside the same transaction.

    Finishing (下户) needs the end date today or past — a later one only with
    ``finish_reason``, kept in the history. A 上户/下户 date given with the move that
    differs from the order's is a move of its service period too: the worker's booking
    follows (``handle_order_period_change``; 409 if she is busy then).

    Entering service on a 上户 date before the signed contract's start needs
    ``start_reason`` (422 naming ``start_date`` otherwise), kept in the history."""
    check_version(order, version)
    policy = order_policy(order.service_line)
    signed = contracts.signed_for_worker(order)
    facts = lifecycle.TransitionFacts(
        start_date=start_date or order.start_date, end_date=end_date or order.end_date,
        cancel_reason=cancel_reason, cancel_note=cancel_note or "",
        signed_contract=signed is not None,
        open_exceptions=len(approvals.open_requests(order)))
    lifecycle.check(order, to_state, policy, facts)
    start_reason = (start_reason or "").strip()
    early = (to_state == "in_service" and signed is not None
             and facts.start_date < signed.start_date)
    if early and not start_reason:
        raise _field_error(
            "start_date",
            f"The 上户 date ({facts.start_date}) is before the contract starts "
            f"({signed.start_date}): give the contract's date, or say why (start_reason).",
            f"上户日期（{facts.start_date}）早于合同开始日期（{signed.start_date}）："
            "请按合同日期上户，或填写提前上户的原因。")
    finish_reason = (finish_reason or "").strip()
    if to_state == "finished":
        end = facts.end_date
        if end is not None and end > business_today() and not finish_reason:
            raise _field_error(
                "end_date" if end_date else "finish_reason",
                f"The end date ({end}) is still ahead: an order finishes on its 下户 day or "
                "later — earlier only with a reason (finish_reason).",
                f"下户日期（{end}）还未到：到下户当天或之后才能完成订单；提前完成请填写原因。")
    before, from_state = snapshot(order), order.state
    data: dict = {}
    if to_state == "quoted" and order.agreed_price is None:
        order.agreed_price = order.quote_total
    if to_state == "matching" and from_state == "interview":
        data["released_worker_id"] = order.worker_id
        order.worker_id = None
    if to_state == "in_service":
        if (end_date is None and order.start_date is not None and order.end_date is not None
                and facts.start_date != order.start_date):
            # service starts on another day than booked: the term keeps its length
            order.end_date = order.end_date + (facts.start_date - order.start_date)
        order.start_date = data["start_date"] = facts.start_date
        if early:
            data["start_reason"] = start_reason[:500]
            note = note or start_reason
    if to_state == "finished":
        order.end_date = data["end_date"] = facts.end_date
        if facts.end_date > business_today():
            data["finish_reason"] = finish_reason[:500]
            note = note or finish_reason
    if to_state == "cancelled":
        order.cancel_reason, order.cancel_note = cancel_reason, (cancel_note or "")[:255]
        data.update(cancel_reason=cancel_reason, cancel_note=cancel_note)
    order.state = to_state
    add_event(order, "transition", actor_id, from_state=from_state, to_state=to_state,
              note=note, data=data or None)
    record("status", "order", order.id, f"order {order.number}: {from_state} → {to_state}",
           diff(before, snapshot(order), withhold=True), actor_id=actor_id)
    flush()
    plugins.notify_order_state_changed(order_id=order.id, service_line=order.service_line,
                                       from_state=from_state, to_state=to_state)
    if (order.start_date, order.end_date) != (before["start_date"], before["end_date"]):
        plugins.notify_order_period_changed(
            order_id=order.id, service_line=order.service_line,
            previous_start=before["start_date"], previous_end=before["end_date"],
            start_date=order.start_date, end_date=order.end_date)
    commit()
    return order
