"""Moving an order's service period (上户 / 下户 dates) as ONE operation.

The order's start date, the worker's booking of her time (档期), the follow-up plan
(回访) and the contract term are one fact. :func:`move_period` changes them together, in
one transaction with one history entry and one audit event:

- the order's ``start_date`` / ``end_date`` (the end of an order still in service is its
  planned 下户);
- the contract versions in force (draft or signed): the one starting on the old 上户 moves
  to the new one, keeping its length unless a new 下户 is given; the last one ends on the
  new 下户; on a line priced by the term's days (月嫂) a term whose length changed is
  re-quoted from the price table (:func:`_reprice`: a draft takes the new amounts, a
  signed version is superseded by a new version to be signed);
- the broadcast ``handle_order_period_change`` moves the rest inside the same transaction: the
  bookings of the worker's time (core matching: 409 ``double_booking`` if she is busy in
  the new period — the move is then refused as a whole) and the pending follow-ups
  (core follow-ups: re-planned from the new dates).

Concurrency: the order row is locked first (``SELECT … FOR UPDATE`` on PostgreSQL, the
write lock on SQLite) and the version the caller read is checked under the lock; the
bookings take the matching area's no-double-booking path (exclusion constraint on
PostgreSQL).
"""
from __future__ import annotations

import datetime as dt

import sqlalchemy as sa

from .. import inputs, plugins
from ..audit.service import diff, record
from ..errors import Conflict, Invalid
from ..extensions import db
from ..messages import Msg
from ..timeutil import business_today
from ..transactions import transactional
from .events import add_event, check_version, commit, event_kind, flush, jsonable
from .models import Order
from .records import OrderContract

MOVED = event_kind("period_moved", "调整服务日期", "Service dates moved")
CORRECTED = event_kind("period_corrected", "更正服务日期", "Service dates corrected")
#: states in which the service period may move (before it is over)
MOVABLE_STATES = ("enquiry", "quoted", "matching", "interview", "contracted", "in_service")
#: who may correct the dates of a finished or cancelled order (with a reason)
CORRECTORS = ("supervisor", "admin")
#: a new 上户/下户 lies within a year back and two years ahead of the business date
DATE_WINDOW = {"before_days": 366, "after_days": 2 * 366}


def _field(name: str, en: str, zh: str) -> Invalid:
    return Invalid(fields={name: [{"en": en, "zh": zh}]})


def lock(order_id: int) -> Order:
    """The order, locked for the move (PostgreSQL row lock; SQLite write lock) and
    re-read, so the version check that follows sees the last committed one."""
    from ..locks import serialise_writers

    serialise_writers()
    order = db.session.scalar(sa.select(Order).where(Order.id == order_id)
                              .with_for_update()
                              .execution_options(populate_existing=True))
    if order is None:
        from .service import get_order

        return get_order(order_id)
    return order


def _bookings_now(order: Order) -> list[dict]:
    """The order's bookings in force after the move (for its history entry)."""
    from ..matching.models import Assignment
    from ..timeutil import to_business

    return [{"assignment_id": b.id, "worker_id": b.worker_id, "kind": b.kind,
             "starts_at": to_business(b.starts_at), "ends_at": to_business(b.ends_at)}
            for b in db.session.scalars(sa.select(Assignment).where(
                Assignment.order_id == order.id, Assignment.state == "active")
                .order_by(Assignment.id))]


def _current_start(order: Order) -> dt.date | None:
    if order.start_date is not None:
        return order.start_date
    from ..matching.periods import order_period

    period = order_period(order)
    return period.first_day if period is not None else None


def may_correct_closed(actor_id: int | None) -> bool:
    """Whether this user may correct the service dates of a finished or cancelled order
    (a supervisor or an admin; never a dispatcher)."""
    from ..accounts.models import User

    user = db.session.get(User, actor_id) if actor_id is not None else None
    return user is not None and user.role in CORRECTORS


def _move_contracts(order: Order, old_start: dt.date | None, start: dt.date | None,
                    end: dt.date | None) -> list[dict]:
    """Move the live contract versions' terms; returns what moved (for the history)."""
    live = list(db.session.scalars(sa.select(OrderContract).where(
        OrderContract.order_id == order.id, OrderContract.status.in_(("draft", "signed")))
        .order_by(OrderContract.version)))
    moved = []
    for i, contract in enumerate(live):
        before = (contract.start_date, contract.end_date)
        new_start, new_end = contract.start_date, contract.end_date
        if start is not None and old_start is not None and contract.start_date == old_start:
            shift = start - old_start
            new_start, new_end = start, contract.end_date + shift
        if end is not None and i == len(live) - 1:
            new_end = end
        if new_end < new_start:
            raise _field("end_date", f"Contract {contract.number} would end before it starts.",
                         f"合同 {contract.number} 的结束日期将早于开始日期。")
        if (new_start, new_end) != before:
            old_days = contract.term_days
            contract.start_date, contract.end_date = new_start, new_end
            moved.append({"contract": contract.number, "from": [before[0], before[1]],
                          "to": [new_start, new_end], "term_days": [old_days,
                                                                    contract.term_days]})
    return moved


def _requote(order: Order, policy, days: int) -> dict:
    """The contract amounts of a ``days``-day term of the order, from the company's
    current price table: the service fee is the line's quote for the order's intake with
    its term (``OrderPolicy.term_field``) set to ``days``; the worker's salary and 定金
    the line's standard shares of it, the 尾款 what the 定金 leaves."""
    from ..money import quantize
    from ..pricing import service as pricing

    intake = {**(order.intake or {}), policy.term_field: days}
    quote, table_version = pricing.quote(order.service_line, intake)
    fee = quote.total
    amounts = {"service_fee": fee}
    if policy.worker_salary_share is not None:
        amounts["worker_salary"] = quantize(fee * policy.worker_salary_share)
    if policy.deposit_share is not None:
        amounts["deposit"] = quantize(fee * policy.deposit_share)
        amounts["final_payment"] = fee - amounts["deposit"]
    return {"amounts": amounts, "quote": quote, "table_version": table_version}


def _reprice(order: Order, moved: list[dict], actor_id: int | None) -> list[dict]:
    """On a line priced by the term (its intake has a ``term_field``: 月嫂, per day of the
    term), a contract whose term changed length is re-quoted from the price table: a
    draft takes the new amounts; a signed version keeps what was signed (its dates and
    amounts) and is superseded (``replaced``, the reason saying why) by a new version for
    the new term with the new amounts, **to be signed** by the three parties. The
    order's intake term and quote follow. Lines priced by the month (育婴师) or by the
    visit/session keep their amounts. Returns what was re-quoted (for the history)."""
    from ..timeutil import business_today, utcnow
    from . import contracts
    from .policy import order_policy

    policy = order_policy(order.service_line)
    if not policy.term_field:
        return []
    done = []
    for item in moved:
        before_days, after_days = item["term_days"]
        if before_days == after_days:
            continue
        contract = db.session.scalar(sa.select(OrderContract).where(
            OrderContract.order_id == order.id, OrderContract.number == item["contract"]))
        quoted = _requote(order, policy, after_days)
        old_amounts = {k: getattr(contract, k) for k in contracts.FEES}
        new_amounts = {**old_amounts, **quoted["amounts"]}
        entry = {"contract": contract.number, "term_days": [before_days, after_days],
                 "from": old_amounts, "to": new_amounts}
        if contract.status == "draft":
            for key, value in new_amounts.items():
                setattr(contract, key, value)
        else:
            new_start, new_end = contract.start_date, contract.end_date
            contract.start_date, contract.end_date = item["from"]  # as signed
            contract.status, contract.replaced_on = "replaced", business_today()
            contract.replacement_reason = (
                f"服务期 {before_days}→{after_days} 天，按价目表重新报价 / term "
                f"{before_days} → {after_days} days, re-quoted")[:255]
            successor = contracts._new_version(
                order, worker_id=contract.worker_id, start_date=new_start, end_date=new_end,
                replaces_id=contract.id, created_by_id=actor_id, created_at=utcnow(),
                **new_amounts)
            db.session.flush()
            item["contract"] = entry["new_version"] = successor.number
            item["to"] = [new_start, new_end]
        order.intake = {**(order.intake or {}), policy.term_field: after_days}
        order.quote_total = quoted["quote"].total
        order.quote_detail = {**quoted["quote"].as_dict(),
                              "price_table_version": quoted["table_version"],
                              "quoted_at": utcnow().isoformat()}
        order.agreed_price = new_amounts["service_fee"]
        done.append(jsonable(entry))
        record("update", "order_contract", contract.id,
               f"contract {contract.number}: re-quoted for {after_days} days",
               {k: [str(old_amounts[k]), str(new_amounts[k])] for k in new_amounts
                if old_amounts[k] != new_amounts[k]}, actor_id=actor_id)
    return done


def _review_terms(order: Order, moved: list[dict], reason: str, reason_field: str,
                  actor_id: int | None) -> None:
    """A contract whose term changed length is checked against the line's standard
    terms again (:func:`core.orders.approvals.review_term`): a term now outside them opens
    a request for a supervisor's approval with the move's reason (422 on
    ``reason_field`` without one); back within them, its open request is superseded."""
    from . import approvals
    from .policy import order_policy

    policy = order_policy(order.service_line)
    for item in moved:
        before_days, after_days = item["term_days"]
        if before_days != after_days:
            approvals.review_term(order, policy, f"contract:{item['contract']}", after_days,
                                  reason, actor_id, field=reason_field)


def apply(order: Order, actor_id: int | None, *, start_date: dt.date | None = None,
          end_date: dt.date | None = None, reason: str = "", late_entry_reason: str = "",
          reason_field: str = "reason") -> dict:
    """Move the period of an order already locked and version-checked; doesn't commit.
    Returns the history entry's data (what moved).

    ``late_entry_reason`` (补录原因): a 上户 already past on an order not yet in service
    passes with it (or with ``reason``), as at intake. A finished or cancelled order's
    dates are *corrected*, only by a supervisor (or admin) and with a reason
    (``period_corrected``). ``reason_field`` names the reason in refusals (``reason`` on
    ``POST …/period``, ``period_reason`` on ``PATCH``)."""
    reason = (reason or "").strip()
    late_reason = (late_entry_reason or "").strip()
    closed = order.state not in MOVABLE_STATES
    if closed and not may_correct_closed(actor_id):
        raise Conflict(Msg("The order is finished or cancelled: its service dates are "
                           "corrected by a supervisor, with a reason.",
                           "订单已完成或已取消：服务日期须由主管更正，并写明原因。"),
                       code="order_closed")
    if start_date is None and end_date is None:
        raise _field("start_date", "Give the new start date (上户), end date (下户) or both.",
                     "请填写新的上户日期、下户日期或两者。")
    if closed and not reason:
        raise _field(reason_field, "Say why the dates of a finished or cancelled order are "
                     "corrected (kept in its history).",
                     "更正已完成或已取消订单的服务日期须写明原因（记入订单历史）。")
    today = business_today()
    for name, day in (("start_date", start_date), ("end_date", end_date)):
        inputs.check_business_date(day, name, today=today, **DATE_WINDOW)
    old_start, old_end = order.start_date, order.end_date
    current_start = _current_start(order)
    new_start = start_date or order.start_date
    new_end = end_date or order.end_date
    if start_date is not None and end_date is None and old_start is not None \
            and old_end is not None:
        new_end = old_end + (start_date - old_start)  # the start alone moves: term kept
    if new_start is not None and new_end is not None and new_end < new_start:
        raise _field("end_date" if end_date else "start_date",
                     f"Service cannot end ({new_end}) before it starts ({new_start}).",
                     f"下户日期（{new_end}）不能早于上户日期（{new_start}）。")
    late = start_date is not None and start_date < today and order.state in MOVABLE_STATES \
        and order.state != "in_service"
    if late and not (reason or late_reason):
        raise _field("late_entry_reason", "The new start date is in the past: an order "
                     "entered after the fact needs a reason (late_entry_reason).",
                     "新的上户日期已过：补录订单须填写补录原因（late_entry_reason）。")
    if end_date is not None and order.state != "in_service" and start_date is None \
            and new_start is None:
        raise _field("start_date", "Give the start date (上户) first.", "请先填写上户日期。")
    if (new_start, new_end) == (old_start, old_end):
        raise Conflict(Msg("These are the order's dates already.", "订单已是这些日期。"),
                       code="period_unchanged")
    contracts_moved = _move_contracts(order, current_start, start_date, end_date)
    repriced = []
    if not closed:  # a supervisor's correction is itself the approval (reason kept)
        with db.session.no_autoflush:
            repriced = _reprice(order, contracts_moved, actor_id)
        _review_terms(order, contracts_moved, reason or late_reason, reason_field, actor_id)
    before = {"start_date": old_start, "end_date": old_end}
    with db.session.no_autoflush:
        order.start_date, order.end_date = new_start, new_end
    note = reason
    if late and late_reason:
        note = f"补录 / entered after the fact: {late_reason}" + (f" · {reason}" if reason
                                                                 else "")
    data = {"start_date": [old_start, new_start], "end_date": [old_end, new_end],
            "contracts": contracts_moved, "reason": reason,
            **({"repriced": repriced} if repriced else {}),
            **({"late_entry_reason": late_reason[:500]} if late and late_reason else {}),
            **({"corrected_in_state": order.state} if closed else {})}
    event = add_event(order, CORRECTED if closed else MOVED, actor_id, note=note[:500],
                      data=data)
    flush()
    # the bookings (matching) and the follow-ups (follow-ups) move with it, here
    plugins.notify_order_period_changed(
        order_id=order.id, service_line=order.service_line, previous_start=old_start,
        previous_end=old_end, start_date=new_start, end_date=new_end)
    bookings = _bookings_now(order)
    if bookings:
        event.data = {**event.data, "bookings": jsonable(bookings)}
    changed = diff(before, {"start_date": new_start, "end_date": new_end})
    if contracts_moved:
        changed["contracts"] = [[c["contract"], [str(d) for d in c["from"]]]
                                for c in contracts_moved]
    what = "corrected after it closed" if closed else "moved"
    record("update", "order", order.id, f"order {order.number}: service dates {what}",
           changed, actor_id=actor_id)
    flush()
    return event.data


@transactional
def move_period(order_id: int, version: int | None, actor_id: int | None, *,
                start_date: dt.date | None = None, end_date: dt.date | None = None,
                reason: str = "", late_entry_reason: str = "",
                reason_field: str = "reason") -> Order:
    """Move the order's 上户 and/or 下户 with everything that hangs on them, as one
    operation (see the module); a stale ``version`` → 409 ``stale_version``; the worker
    busy in the new period → 409 ``double_booking``; nothing is saved on any error."""
    order = lock(order_id)
    check_version(order, version)
    apply(order, actor_id, start_date=start_date, end_date=end_date, reason=reason,
          late_entry_reason=late_entry_reason, reason_field=reason_field)
    commit()
    return order
