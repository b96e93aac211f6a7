"""The three-party contract (三方合同: customer, worker, company) and its versions.

A line whose policy says ``needs_contract`` drafts a contract for the assigned worker
(term, fees, 定金 deposit, 尾款 final payment), then records its signing, which copies
the three parties' identities into it. Replacing the worker mid-term (换人) ends the
signed version on the change date (days served and the reason kept) and drafts the
next version for the new worker, from the change date to the old end date.
"""
from __future__ import annotations

import datetime as dt
from decimal import Decimal

import sqlalchemy as sa

from .. import inputs, numbering
from ..audit.service import record
from ..errors import Conflict, Invalid, NotFound
from ..extensions import db
from ..messages import Msg
from ..money import quantize
from ..timeutil import business_today, utcnow
from ..transactions import transactional
from ..workers.models import Worker
from . import approvals, lifecycle
from .company import DEFAULT_COMPANY, company_party  # noqa: F401
from .events import add_event, commit
from .models import Order
from .policy import order_policy
from .records import OrderContract

#: States in which a contract may be drafted.
DRAFTING_STATES = ("matching", "interview", "contracted", "in_service")
FEES = ("service_fee", "worker_salary", "deposit", "final_payment")


def versions(order: Order) -> list[OrderContract]:
    """Every contract version of the order, oldest first."""
    return list(db.session.scalars(sa.select(OrderContract).where(
        OrderContract.order_id == order.id).order_by(OrderContract.version)))


def current(order: Order) -> OrderContract | None:
    """The latest version still in force or to be signed (draft or signed)."""
    live = [c for c in versions(order) if c.status in ("draft", "signed")]
    return live[-1] if live else None


def signed_for_worker(order: Order) -> OrderContract | None:
    """The signed version for the order's current worker, if any."""
    contract = current(order)
    if contract and contract.status == "signed" and contract.worker_id == order.worker_id:
        return contract
    return None


def get(order: Order, contract_id: int) -> OrderContract:
    """One contract version of the order, or NotFound."""
    contract = db.session.get(OrderContract, contract_id)
    if contract is None or contract.order_id != order.id:
        raise NotFound(Msg("There is no such contract on this order.", "该订单没有这份合同。"))
    return contract


def _number(order: Order, version: int) -> str:
    return f"HT{order.number.removeprefix('JZ')}-{version}"


def _new_version(order: Order, **values) -> OrderContract:
    version = numbering.next_value(
        f"contract:{order.id}", lambda: max((c.version for c in versions(order)), default=0))
    contract = OrderContract(order=order, order_id=order.id, version=version,
                             number=_number(order, version), status="draft", **values)
    db.session.add(contract)
    return contract


#: a contract's term lies within a year back and five years ahead of the business date
CONTRACT_DATE_WINDOW = {"before_days": 366, "after_days": 5 * 366}


@transactional
def draft(order: Order, *, start_date: dt.date, end_date: dt.date, actor_id: int,
          term_reason: str | None = None, **fees: Decimal) -> OrderContract:
    """Draft the contract for the order's worker; a term outside the line's standard
    terms opens an approval request (reason required). An unsigned earlier draft is
    voided; a signed one must be changed by replacing the worker instead."""
    policy = order_policy(order.service_line)
    if not policy.needs_contract:
        raise Conflict(Msg("Orders of this service line sign no contract.",
                           "该业务线的订单不签合同。"), code="no_contract")
    if order.state not in DRAFTING_STATES:
        raise Conflict(Msg("A contract is drafted once a worker is being matched.",
                           "匹配阿姨后才能起草合同。"), code="contract_too_early")
    if order.worker_id is None:
        raise Conflict(Msg("Assign a worker first.", "请先指派阿姨。"), code="no_worker",
                       next_step=lifecycle.step(order, "assign_worker", "Assign a worker first.",
                                                "请先指派阿姨。", "worker", "/worker"))
    for name, day in (("start_date", start_date), ("end_date", end_date)):
        inputs.check_business_date(day, name, today=business_today(), **CONTRACT_DATE_WINDOW)
    if end_date < start_date:
        raise Invalid(fields={"end_date": [{"en": "The term cannot end before it starts.",
                                            "zh": "合同结束日期不能早于开始日期。"}]})
    live = current(order)
    if live is not None and live.status == "signed":
        raise Conflict(Msg("A signed contract is in force; replace the worker to change it.",
                           "已有生效的合同；如需换人请走换人流程。"), code="contract_signed")
    if live is not None:
        live.status = "void"
    contract = _new_version(order, worker_id=order.worker_id, start_date=start_date,
                            end_date=end_date, created_by_id=actor_id,
                            **{k: fees.get(k) or Decimal("0.00") for k in FEES})
    db.session.flush()
    approvals.review_term(order, policy, f"contract:{contract.number}", contract.term_days,
                          term_reason, actor_id)
    add_event(order, "contract_created", actor_id, touch=False, data={
        "contract": contract.number, "term_days": contract.term_days,
        **{k: getattr(contract, k) for k in FEES}})
    record("create", "order_contract", contract.id, f"contract {contract.number}",
           actor_id=actor_id)
    commit()
    return contract


FEE_LABELS = {"service_fee": ("service fee", "客户服务费"),
              "worker_salary": ("worker's salary", "阿姨工资"),
              "deposit": ("deposit (定金)", "定金"),
              "final_payment": ("final payment (尾款)", "尾款")}


def prefill(order: Order, policy=None) -> dict:
    """What the contract form starts from, so nothing known is typed again: the term is
    the order's service period (上户 … 下户, the booked period), the service fee the agreed
    price, the worker's salary and 定金 the line's standard shares of it (the price table,
    through the order policy), the 尾款 what is left; and the parties as they stand."""
    policy = policy or order_policy(order.service_line)
    fee = order.agreed_price if order.agreed_price is not None else order.quote_total
    values: dict = {"start_date": order.start_date, "end_date": order.end_date,
                    "service_fee": fee, "worker_salary": None, "deposit": None,
                    "final_payment": None}
    if fee is not None:
        if policy.worker_salary_share is not None:
            values["worker_salary"] = quantize(fee * policy.worker_salary_share)
        if policy.deposit_share is not None:
            values["deposit"] = quantize(fee * policy.deposit_share)
            values["final_payment"] = fee - values["deposit"]
    values["customer"] = order.customer.name if order.customer else None
    values["worker"] = order.worker.name if order.worker else None
    values["company"] = company_party()["name"]
    return values


def missing_amounts(contract: OrderContract, policy) -> list[str]:
    """The amounts the line needs (``OrderPolicy.contract_amounts``) that are zero or
    missing on ``contract``."""
    return [k for k in policy.contract_amounts
            if getattr(contract, k, None) is None or getattr(contract, k) <= 0]


def _parties(order: Order, worker: Worker) -> tuple[dict, dict]:
    customer = order.customer
    return ({"name": customer.name, "mobile": customer.mobile, "address": order.address_text},
            {"name": worker.name, "id_number": worker.id_number, "mobile": worker.mobile,
             "hometown": worker.hometown})


@transactional
def sign(order: Order, contract: OrderContract, signed_on: dt.date, actor_id: int
         ) -> OrderContract:
    """Record that the three parties signed a draft (签约): the parties' identities as
    they are today are copied into it."""
    if contract.status != "draft":
        raise Conflict(Msg("Only a draft can be signed; this one is {status}.",
                           "只有待签的合同才能签订；该合同状态为 {status}。").format(
            status=contract.status), code="contract_not_draft")
    if contract.worker_id != order.worker_id:
        raise Conflict(Msg("This draft is for another worker than the order's.",
                           "该合同的阿姨与订单当前的阿姨不一致。"), code="contract_worker")
    from ..placement.service import require_agreement_for_handover

    require_agreement_for_handover(order, contract)  # 换人: her 服务协议 first (月嫂)
    missing = missing_amounts(contract, order_policy(order.service_line))
    if missing:
        raise Conflict(Msg("The contract cannot be signed with a zero or missing {what}: "
                           "draft it again with the amounts.",
                           "{what_zh}为 0 或未填写的合同不能签订：请重新起草并填写金额。").format(
            what=", ".join(FEE_LABELS[k][0] for k in missing),
            what_zh="、".join(FEE_LABELS[k][1] for k in missing)),
            code="contract_amounts_missing",
            next_step=lifecycle.step(order, "draft_contract", "Draft the contract again with "
                                     "the amounts.", "重新起草合同并填写金额。",
                                     "contract-form", "/contracts"))
    contract.customer_party, contract.worker_party = _parties(order, contract.worker)
    contract.company_party = company_party()
    contract.status, contract.signed_on, contract.signed_by_id = "signed", signed_on, actor_id
    add_event(order, "contract_signed", actor_id, touch=False,
              data={"contract": contract.number, "signed_on": signed_on})
    record("status", "order_contract", contract.id, f"contract {contract.number} signed",
           {"status": ["draft", "signed"]}, actor_id=actor_id)
    commit()
    return contract


def hand_over(order: Order, new_worker: Worker, change_date: dt.date, reason: str,
              actor_id: int, worker_salary: Decimal | None = None) -> OrderContract | None:
    """换人: end the live contract version on ``change_date`` (days served kept) and draft
    the next one for ``new_worker`` until the old end date. Not committed here."""
    old = current(order)
    if old is None:
        return None
    if old.status == "draft":
        old.status = "void"
        start = old.start_date
    else:
        if not old.start_date <= change_date <= old.end_date:
            raise Invalid(fields={"change_date": [{
                "en": "The change date must fall within the contract's term.",
                "zh": "换人日期必须在合同期限之内。"}]})
        old.status, old.replaced_on = "replaced", change_date
        old.days_served = (change_date - old.start_date).days
        old.replacement_reason = (reason or "")[:255]
        start = change_date
    fees = {k: getattr(old, k) for k in FEES}
    if worker_salary is not None:
        fees["worker_salary"] = worker_salary
    new = _new_version(order, worker_id=new_worker.id, start_date=start,
                       end_date=old.end_date, replaces_id=old.id, created_by_id=actor_id,
                       created_at=utcnow(), **fees)
    db.session.flush()
    return new
