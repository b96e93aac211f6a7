"""The order lifecycle (订单状态机): which moves are legal and which facts each needs.

    enquiry → quoted → matching → [interview] → [contracted] → in_service → finished
                                   interview → matching  (the interview failed)
    any state but finished/cancelled → cancelled (with a reason)

``interview`` and ``contracted`` are steps only for lines whose
:class:`core.types.OrderPolicy` asks for them (月嫂, 育婴师). Each move checks that it is
legal for the line and that the facts it needs are present; a refusal is a
:class:`core.errors.Conflict` (409) whose bilingual message says why.

This module is pure: the service gathers the facts (:class:`TransitionFacts`) and
applies the move. Other core areas add their own conditions for entering a state with
:func:`guard` (e.g. appointments: "interview → contracted needs an interview that
went well"); a guard raises ``Conflict`` to refuse.
"""
from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass

from ..errors import Conflict, NextStep
from ..messages import Msg
from ..types import OrderPolicy
from .models import CANCEL_REASONS, FINAL_STATES, STATE_LABELS

#: Extra conditions other areas put on entering a state: to_state → [check(order, facts)].
_GUARDS: dict[str, list[Callable]] = {}


@dataclass(frozen=True)
class TransitionFacts:
    """What a move may need, gathered by the service before asking :func:`check`.

    ``start_date``/``end_date``: the 上户/下户 dates given with the move (or already on
    the order); ``signed_contract``: the current worker has a signed contract version;
    ``open_exceptions``: approval requests (特批) pending or rejected on the order.
    """

    start_date: dt.date | None = None
    end_date: dt.date | None = None
    cancel_reason: str | None = None
    cancel_note: str = ""
    signed_contract: bool = False
    open_exceptions: int = 0


def guard(to_state: str) -> Callable:
    """Register ``check(order, facts)`` to run before any move into ``to_state``.

    For core areas that own a step of the lifecycle; the check raises
    :class:`core.errors.Conflict` with a bilingual message to refuse the move.
    """
    if to_state not in STATE_LABELS:
        raise ValueError(f"unknown state {to_state!r}")

    def register(check: Callable) -> Callable:
        if check not in _GUARDS.setdefault(to_state, []):
            _GUARDS[to_state].append(check)
        return check

    return register


def forward_path(policy: OrderPolicy) -> list[str]:
    """The states an order of a line with this policy passes through, in order."""
    path = ["enquiry", "quoted", "matching"]
    if policy.needs_interview:
        path.append("interview")
    if policy.needs_contract:
        path.append("contracted")
    return path + ["in_service", "finished"]


def next_states(state: str, policy: OrderPolicy) -> list[str]:
    """The states an order in ``state`` may legally move to (facts aside)."""
    if state in FINAL_STATES:
        return []
    path = forward_path(policy)
    targets = []
    if state in path and path.index(state) + 1 < len(path):
        targets.append(path[path.index(state) + 1])
    if state == "interview":
        targets.append("matching")
    return targets + ["cancelled"]


def label(state: str) -> Msg:
    """The state's name in both languages."""
    zh, en = STATE_LABELS.get(state, (state, state))
    return Msg(en, zh)


def _refuse(en: str, zh: str, next_step: NextStep | None = None, **values) -> Conflict:
    return Conflict(Msg(en, zh).format(**values), code="transition_refused",
                    next_step=next_step)


def step(order, code: str, en: str, zh: str, anchor: str, api: str | None = None,
         endpoint: str = "orders.show") -> NextStep:
    """The missing step of a refusal on ``order``: done in the order page's ``anchor``
    section (or at ``endpoint``), through ``api`` (a path under /api/v1/orders/<id>)."""
    return NextStep(code, Msg(en, zh), endpoint, anchor=anchor, order_id=order.id,
                    api=f"/api/v1/orders/{order.id}{api}" if api is not None else None)


def sign_first(order) -> NextStep:
    """"Sign the contract first" (the contract section of the order page)."""
    return step(order, "sign_contract", "Sign the three-party contract first.",
                "请先签订三方合同。", "contracts", "/contracts")


def check(order, to_state: str, policy: OrderPolicy, facts: TransitionFacts) -> None:
    """Refuse (409) a move that is illegal for the line or lacks a fact it needs."""
    if to_state not in STATE_LABELS:
        raise _refuse("There is no order state {to!r}.", "没有订单状态 {to!r}。", to=to_state)
    src, dst = label(order.state), label(to_state)
    if order.state in FINAL_STATES:
        raise _refuse("The order is {src} already; it cannot change any more.",
                      "订单已{src_zh}，不能再变更。", src=src, src_zh=src.zh)
    if to_state not in next_states(order.state, policy):
        allowed = [label(s) for s in next_states(order.state, policy)]
        raise _refuse("An order that is {src} cannot become {dst}; it can become: {ok}.",
                      "订单当前为「{src_zh}」，不能变为「{dst_zh}」；可以变为：{ok_zh}。",
                      src=src, dst=dst, src_zh=src.zh, dst_zh=dst.zh,
                      ok=", ".join(allowed), ok_zh="、".join(s.zh for s in allowed))
    _check_facts(order, to_state, policy, facts)
    for extra in _GUARDS.get(to_state, []):
        extra(order, facts)


def _check_facts(order, to_state: str, policy: OrderPolicy, facts: TransitionFacts) -> None:
    if to_state == "cancelled":
        if facts.cancel_reason not in CANCEL_REASONS:
            raise _refuse("Say why the order is cancelled: one of {codes}.",
                          "请选择取消原因：{codes}。", codes=", ".join(CANCEL_REASONS))
        if facts.cancel_reason == "other" and not facts.cancel_note.strip():
            raise _refuse("Cancelled for another reason: describe it.",
                          "取消原因为「其他」时请写明原因。")
        return
    if to_state == "quoted" and order.quote_total is None:
        raise _refuse("There is no quote yet: fill in the intake first.",
                      "还没有报价：请先填写需求信息。", step(
                          order, "fill_intake", "Fill in the intake.", "填写需求信息。", "",
                          "", endpoint="orders.edit"))
    if to_state != "quoted" and facts.open_exceptions:
        raise _refuse("An exception on this order awaits a supervisor's approval or was "
                      "rejected; settle it first.",
                      "本订单有特批申请待主管审批或已被驳回，请先处理。", step(
                          order, "settle_approval", "Settle the exception request.",
                          "处理特批申请。", "approvals", "/approvals"))
    if to_state == "matching" and order.state == "quoted" and order.agreed_price is None:
        raise _refuse("Agree a price with the customer first.", "请先与客户确定成交价格。",
                      step(order, "agree_price", "Enter the agreed price.", "填写成交价。",
                           "", "", endpoint="orders.edit"))
    if to_state in ("interview", "contracted", "in_service") and order.worker_id is None:
        raise _refuse("Assign a worker first.", "请先指派阿姨。", step(
            order, "assign_worker", "Assign a worker first.", "请先指派阿姨。", "worker",
            "/worker"))
    if to_state == "contracted" and not facts.signed_contract:
        raise _refuse("The three-party contract with this worker is not signed yet.",
                      "与该阿姨的三方合同尚未签订。", sign_first(order))
    if to_state == "in_service":
        if policy.needs_contract and not facts.signed_contract:
            raise _refuse("The three-party contract with this worker is not signed yet.",
                          "与该阿姨的三方合同尚未签订。", sign_first(order))
        if facts.start_date is None:
            raise _refuse("Give the date service starts (上户).", "请填写上户日期。")
    if to_state == "finished":
        if facts.end_date is None:
            raise _refuse("Give the date service ended (下户).", "请填写下户日期。")
        if facts.start_date is not None and facts.end_date < facts.start_date:
            raise _refuse("Service cannot end ({end}) before it started ({start}).",
                          "下户日期（{end}）不能早于上户日期（{start}）。",
                          end=facts.end_date.isoformat(), start=facts.start_date.isoformat())
