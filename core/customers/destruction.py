"""Destroying a customer file (档案销毁): proposal → approvals → destruction.

003: an obsolete file is destroyed only after approvals; PIPL art. 47: a customer may ask
for her data to be deleted. A proposal names the reason; it is carried out when
:data:`REQUIRED_APPROVALS` supervisors or admins other than the proposer have approved
(the second approval destroys). Destruction keeps the rows the accounts need (orders keep
their amounts and dates, the customer row its id, level and dates) and removes or
irreversibly overwrites the personal data in every table that holds it:

- the customer row: name, mobile (a placeholder), household and deactivation notes;
  her addresses and her place in the matching read model are deleted;
- every row that belongs to her (a ``customer_id`` column) or to one of her orders or
  complaints (``order_id`` / ``complaint_id``): its free-text columns are blanked where
  they may hold what she said, and every text or JSON column has her mobile, name and
  addresses replaced by ``***``;
- her mobile is also replaced in every text and JSON column of every other table (a
  phone number names nobody else);
- the audit trail is append-only and already holds no personal values
  (:mod:`core.audit.service`); the destruction adds one row naming the proposal, the
  reason and the approvers, and nothing of her.
"""
from __future__ import annotations

import sqlalchemy as sa
from sqlalchemy.orm import selectinload

from ..accounts.models import User
from ..audit.service import record
from ..errors import Conflict, Forbidden, NotFound
from ..extensions import db
from ..messages import Msg, bilingual
from ..pagination import apply_sort, paginate
from ..timeutil import utcnow
from ..transactions import transactional
from .models import Customer, CustomerAddress
from .models_access import AccessRequest, Destruction, DestructionApproval

ENTITY = "customer"
REQUIRED_APPROVALS = 2
#: who may propose a destruction, and who approves one (admin always may)
PROPOSER_ROLES = ("dispatcher", "supervisor", "admin")
APPROVER_ROLES = ("supervisor", "admin")
#: what overwrites personal text
REDACTED = "***"
#: free-text columns blanked in her own rows and her orders' / complaints' rows
FREE_TEXT = {"note", "notes", "details", "household_notes", "deactivation_note",
             "cancel_note", "reason", "summary", "answer", "comment", "comments",
             "address_text", "decision_note", "script_zh", "script_en"}
#: tables left alone: the append-only trail, the proposal itself
SKIP_TABLES = {"audit_events", "audit_chain_head", "customer_destructions",
               "customer_destruction_approvals", "alembic_version"}

NO_CUSTOMER = Msg("No such customer.", "找不到该客户。")
NO_PROPOSAL = Msg("No such destruction proposal.", "找不到该销毁申请。")
ALREADY_PROPOSED = Msg("This file already has a pending destruction proposal.",
                       "该档案已有待审批的销毁申请。")
ALREADY_DESTROYED = Msg("This file has been destroyed.", "该档案已销毁。")
ORDERS_OPEN = Msg("The customer has orders that are not finished or cancelled; a file in "
                  "use cannot be destroyed.", "该客户仍有未完成或未取消的订单，不能销毁档案。")
OWN_PROPOSAL = Msg("The proposer may not approve their own proposal.",
                   "提出销毁的人不能审批自己的申请。")
APPROVED_ALREADY = Msg("You have already approved this proposal.", "您已审批过该申请。")
NOT_PROPOSED = Msg("This proposal has already been carried out or cancelled.",
                   "该销毁申请已执行或已取消。")
NOT_APPROVER = Msg("Only supervisors and administrators approve the destruction of a file.",
                   "档案销毁须由客服主管或管理员审批。")
NOT_CANCELLER = Msg("Only the proposer or an administrator may cancel the proposal.",
                    "只有提出人或管理员可以取消销毁申请。")


def get_proposal(proposal_id: int) -> Destruction:
    """One proposal, or 404."""
    row = db.session.get(Destruction, proposal_id) if 0 < proposal_id < 2**31 else None
    if row is None:
        raise NotFound(NO_PROPOSAL)
    return row


def is_destroyed(customer: Customer) -> bool:
    """Whether the file has been destroyed (its personal data is gone)."""
    return db.session.scalar(sa.select(sa.func.count()).select_from(Destruction).where(
        Destruction.customer_id == customer.id, Destruction.state == "destroyed")) > 0


def latest(customer_id: int) -> Destruction | None:
    """The file's newest destruction proposal, if any (for its page)."""
    return db.session.scalars(sa.select(Destruction).where(
        Destruction.customer_id == customer_id).order_by(Destruction.id.desc()).limit(1)).first()


@transactional
def propose(customer_id: int, actor: User, reason: str, note: str = "") -> Destruction:
    """Propose destroying a file (``reason``: obsolete / customer_request). 404 for no
    such file; 409 when one is pending, the file is destroyed, or her orders are open."""
    customer = db.session.get(Customer, customer_id) if 0 < customer_id < 2**31 else None
    if customer is None:
        raise NotFound(NO_CUSTOMER, fields={"customer_id": [bilingual(NO_CUSTOMER)]})
    states = set(db.session.scalars(sa.select(Destruction.state).where(
        Destruction.customer_id == customer.id)))
    if "destroyed" in states:
        raise Conflict(ALREADY_DESTROYED, code="destroyed")
    if "proposed" in states:
        raise Conflict(ALREADY_PROPOSED, code="already_proposed")
    _check_no_open_orders(customer)
    row = Destruction(customer_id=customer.id, reason=reason, note=note,
                      proposed_by_id=actor.id)
    db.session.add(row)
    db.session.flush()
    record("destruction_proposed", ENTITY, customer.id,
           f"destruction #{row.id} proposed ({reason})", actor_id=actor.id)
    return row


def _check_no_open_orders(customer: Customer) -> None:
    from ..orders.models import FINAL_STATES, Order

    open_orders = db.session.scalar(sa.select(sa.func.count()).select_from(Order).where(
        Order.customer_id == customer.id, Order.state.not_in(FINAL_STATES)))
    if open_orders:
        raise Conflict(ORDERS_OPEN, code="orders_open")


@transactional
def approve(proposal_id: int, actor: User) -> Destruction:
    """Approve a proposal (never one's own, once per person); the approval that makes
    :data:`REQUIRED_APPROVALS` destroys the file in the same transaction."""
    row = get_proposal(proposal_id)
    if actor.role not in APPROVER_ROLES:
        raise Forbidden(NOT_APPROVER, code="not_approver")
    if row.state != "proposed":
        raise Conflict(NOT_PROPOSED, code="not_proposed")
    if row.proposed_by_id == actor.id:
        raise Forbidden(OWN_PROPOSAL, code="own_proposal")
    if any(a.approver_id == actor.id for a in row.approvals):
        raise Conflict(APPROVED_ALREADY, code="already_approved")
    row.approvals.append(DestructionApproval(approver_id=actor.id))
    db.session.flush()
    record("destruction_approved", ENTITY, row.customer_id,
           f"destruction #{row.id} approved ({len(row.approvals)} of {REQUIRED_APPROVALS})",
           actor_id=actor.id)
    if len(row.approvals) >= REQUIRED_APPROVALS:
        customer = db.session.get(Customer, row.customer_id)
        _check_no_open_orders(customer)
        _destroy(customer)
        row.state, row.destroyed_at = "destroyed", utcnow()
        record("destroyed", ENTITY, row.customer_id,
               f"customer file destroyed: destruction #{row.id} ({row.reason}), approved by "
               f"users {', '.join(str(a.approver_id) for a in row.approvals)}",
               actor_id=actor.id)
    return row


@transactional
def cancel(proposal_id: int, actor: User) -> Destruction:
    """Cancel a pending proposal (the proposer or an admin)."""
    row = get_proposal(proposal_id)
    if row.state != "proposed":
        raise Conflict(NOT_PROPOSED, code="not_proposed")
    if actor.id != row.proposed_by_id and actor.role != "admin":
        raise Forbidden(NOT_CANCELLER, code="not_canceller")
    row.state = "cancelled"
    record("destruction_cancelled", ENTITY, row.customer_id,
           f"destruction #{row.id} cancelled", actor_id=actor.id)
    return row


@transactional
def refuse(proposal_id: int, actor: User, note: str = "") -> Destruction:
    """Refuse a pending proposal (a supervisor or admin other than the proposer): it ends,
    the file stays, and the refusal is recorded with who refused it."""
    row = get_proposal(proposal_id)
    if actor.role not in APPROVER_ROLES:
        raise Forbidden(NOT_APPROVER, code="not_approver")
    if row.state != "proposed":
        raise Conflict(NOT_PROPOSED, code="not_proposed")
    if row.proposed_by_id == actor.id:
        raise Forbidden(OWN_PROPOSAL, code="own_proposal")
    row.state, row.refused_by_id, row.refusal_note = "refused", actor.id, note
    record("destruction_refused", ENTITY, row.customer_id,
           f"destruction #{row.id} refused", actor_id=actor.id)
    return row


def search(*, state: str | None = None, customer_id: int | None = None, page=1,
           per_page=None, sort=None, reason: str | None = None) -> dict:
    """Proposals, newest first (``state=proposed``: the approvers' queue)."""
    stmt = sa.select(Destruction).options(
        selectinload(Destruction.approvals).selectinload(DestructionApproval.approver),
        selectinload(Destruction.proposed_by), selectinload(Destruction.refused_by))
    if state:
        stmt = stmt.where(Destruction.state == state)
    if customer_id:
        stmt = stmt.where(Destruction.customer_id == customer_id)
    if reason:
        stmt = stmt.where(Destruction.reason == reason)
    stmt = apply_sort(stmt, sort, {"created_at": Destruction.created_at,
                                   "customer_id": Destruction.customer_id,
                                   "state": Destruction.state},
                      [Destruction.created_at.desc(), Destruction.id.desc()])
    return paginate(stmt, page, per_page)


def view(row: Destruction, actor: User) -> dict:
    """A proposal as the API shows it (the customer by id only: nothing personal)."""
    approvers = [a.approver_id for a in row.approvals]
    return {"id": row.id, "customer_id": row.customer_id, "reason": row.reason,
            "note": row.note, "state": row.state, "proposed_by_id": row.proposed_by_id,
            "approver_ids": approvers, "approvals_needed": REQUIRED_APPROVALS,
            "created_at": row.created_at, "destroyed_at": row.destroyed_at,
            "refused_by_id": row.refused_by_id, "refusal_note": row.refusal_note,
            "may_approve": (row.state == "proposed" and actor.role in APPROVER_ROLES
                            and actor.id != row.proposed_by_id and actor.id not in approvers),
            "may_refuse": (row.state == "proposed" and actor.role in APPROVER_ROLES
                           and actor.id != row.proposed_by_id),
            "may_cancel": (row.state == "proposed"
                           and (actor.id == row.proposed_by_id or actor.role == "admin"))}


# ---- the destruction itself -------------------------------------------------------------

def _text_columns(table: sa.Table) -> list[sa.Column]:
    return [c for c in table.columns if isinstance(c.type, (sa.String, sa.Text))
            and not isinstance(c.type, sa.Enum)]


def _json_columns(table: sa.Table) -> list[sa.Column]:
    return [c for c in table.columns if isinstance(c.type, sa.JSON)]


def _scrub(value, secrets: list[str]):
    """``value`` (text or JSON) with every secret replaced by :data:`REDACTED`."""
    if isinstance(value, str):
        for s in secrets:
            value = value.replace(s, REDACTED)
        return value
    if isinstance(value, dict):
        return {k: _scrub(v, secrets) for k, v in value.items()}
    if isinstance(value, list):
        return [_scrub(v, secrets) for v in value]
    return value


def _scrub_rows(table: sa.Table, where, secrets: list[str], blank_free_text: bool) -> None:
    """Scrub the rows of ``table`` matching ``where`` (None: all rows holding a secret)."""
    texts, jsons = _text_columns(table), _json_columns(table)
    if not (texts or jsons) or not secrets:
        return
    pk = list(table.primary_key.columns)
    stmt = sa.select(*pk, *texts, *jsons)
    if where is not None:
        stmt = stmt.where(where)
    else:
        hits = [c.contains(s, autoescape=True) for c in texts for s in secrets]
        hits += [sa.cast(c, sa.Text).contains(s, autoescape=True) for c in jsons
                 for s in secrets]
        stmt = stmt.where(sa.or_(*hits))
    for row in db.session.execute(stmt).all():
        values = {}
        for c in texts + jsons:
            old = row._mapping[c]
            new = _scrub(old, secrets)
            if blank_free_text and c.name in FREE_TEXT and old and not c.unique:
                new = ""
            if new != old:
                values[c.name] = new
        if values:
            db.session.execute(sa.update(table).where(
                *[col == row._mapping[col] for col in pk]).values(**values))


def _destroy(customer: Customer) -> None:
    """Remove or overwrite the customer's personal data everywhere (see the module).

    Her rows are found through the foreign keys: the rows that point at her, the rows
    that point at those (her orders' events, visits, follow-ups and their outcomes,
    complaints and their actions …), and so on down.
    """
    secrets = [customer.mobile, customer.name] + [
        a.detail for a in customer.addresses if a.detail]
    secrets = sorted({s for s in secrets if s and len(s) >= 2}, key=len, reverse=True)
    db.session.flush()
    # her access requests end (a grant to a destroyed file means nothing)
    db.session.execute(sa.update(AccessRequest).where(
        AccessRequest.customer_id == customer.id,
        AccessRequest.state.in_(("pending", "approved"))).values(state="withdrawn"))
    # her proposals themselves are kept (the record of the decision), their notes scrubbed
    for proposal in db.session.scalars(sa.select(Destruction).where(
            Destruction.customer_id == customer.id)):
        proposal.note = _scrub(proposal.note or "", secrets)
        proposal.refusal_note = _scrub(proposal.refusal_note or "", secrets)
    owned: dict[str, list[int]] = {"customers": [customer.id]}
    order_ids: list[int] = []
    for table in db.metadata.sorted_tables:
        if table.name in SKIP_TABLES or table.name == "customers":
            continue
        links = [fk.parent.in_(owned[fk.column.table.name]) for fk in table.foreign_keys
                 if owned.get(fk.column.table.name) and fk.column.name == "id"]
        if links:
            where = sa.or_(*links)
            if "id" in table.c and len(table.primary_key.columns) == 1:
                ids = list(db.session.scalars(sa.select(table.c.id).where(where)))
                owned[table.name] = ids
                if table.name == "orders":
                    order_ids = ids
            _scrub_rows(table, where, secrets, blank_free_text=True)
        # her phone number, anywhere else
        _scrub_rows(table, None, [customer.mobile], blank_free_text=False)
    _anonymise_orders(order_ids)
    db.session.execute(sa.delete(CustomerAddress).where(
        CustomerAddress.customer_id == customer.id))
    db.session.expire(customer, ["addresses"])
    customer.name = "已销毁"
    customer.mobile = f"D{customer.id:010d}"
    customer.household_notes = ""
    customer.deactivation_note = ""
    customer.status, customer.deactivation_reason = "inactive", "other"
    customer.lead_source = None
    db.session.flush()


def _anonymise_orders(order_ids: list[int]) -> None:
    """Her orders keep line, state, amounts and dates; the address goes (the district
    stays, for the accounts' regional figures)."""
    from ..orders.models import Order

    if not order_ids:
        return
    for order in db.session.scalars(sa.select(Order).where(Order.id.in_(order_ids))):
        order.address_text = ""
        order.address_id = None
        intake = dict(order.intake or {})
        address = intake.get("address")
        if isinstance(address, dict):
            intake["address"] = {k: (v if k == "district" else REDACTED)
                                 for k, v in address.items()}
        elif isinstance(address, str):
            intake["address"] = REDACTED
        order.intake = intake
