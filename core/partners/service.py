"""Rules of partner organisations (合作方): create, edit with optimistic locking, contacts
and liaison notes (接洽记录). The service owns the transaction (#11): each change is a
step (``@transactional``) taking ids and loaded values; it commits with its audit row when
it returns and rolls both back when it is refused."""
from __future__ import annotations

import sqlalchemy as sa

from ..access import current_principal
from ..audit.service import diff, record
from ..errors import Conflict, Invalid, NotFound
from ..extensions import db
from ..messages import Msg
from ..pagination import apply_sort, paginate
from ..transactions import transactional
from .models import PARTNER_KINDS, Partner, PartnerContact, PartnerNote

STALE = Msg("Someone changed this record since you read it; reload and try again.",
            "该记录已被他人修改，请刷新后重试。")
_FIELDS = ("name", "kind", "cooperation", "address", "notes", "active")


def _snapshot(partner: Partner) -> dict:
    return {f: getattr(partner, f) for f in _FIELDS}


def get(partner_id: int) -> Partner:
    """One partner, or 404."""
    partner = db.session.get(Partner, partner_id)
    if partner is None:
        raise NotFound(Msg("No such partner.", "找不到该合作方。"))
    return partner


def require_kind(partner_id: int, *kinds: str) -> Partner:
    """A partner that must be of one of ``kinds`` (e.g. the exam batch's hospital, 体检医院)."""
    partner = get(partner_id)
    if partner.kind not in kinds:
        names_en = ", ".join(PARTNER_KINDS[k][1] for k in kinds)
        names_zh = "、".join(PARTNER_KINDS[k][0] for k in kinds)
        raise Invalid(fields={"partner_id": [{
            "en": f"This partner is not a {names_en}.", "zh": f"该合作方不是{names_zh}。"}]})
    return partner


def search(*, q=None, kind=None, active=None, page=1, per_page=None, sort=None) -> dict:
    """Partners filtered by kind, activity and name, paged."""
    stmt = sa.select(Partner)
    if q:
        stmt = stmt.where(Partner.name.contains(q.strip(), autoescape=True))
    if kind:
        stmt = stmt.where(Partner.kind == kind)
    if active is not None:
        stmt = stmt.where(Partner.active.is_(active))
    stmt = apply_sort(stmt, sort, {"name": Partner.name, "kind": Partner.kind,
                                   "created_at": Partner.created_at}, [Partner.id])
    return paginate(stmt, page, per_page)


def options(*kinds: str) -> list[Partner]:
    """Active partners of these kinds, for a form's drop-down."""
    stmt = sa.select(Partner).where(Partner.active.is_(True)).order_by(Partner.name)
    if kinds:
        stmt = stmt.where(Partner.kind.in_(kinds))
    return list(db.session.scalars(stmt))


@transactional
def create(data: dict) -> Partner:
    """Create a partner, with any contacts given."""
    contacts = data.pop("contacts", []) or []
    partner = Partner(**data)
    partner.contacts = [PartnerContact(**c) for c in contacts]
    db.session.add(partner)
    db.session.flush()
    record("create", "partner", partner.id, f"partner {partner.name} ({partner.kind})")
    return partner


@transactional
def update(partner_id: int, data: dict) -> Partner:
    """Edit a partner; ``version`` must be the one read (else 409)."""
    partner = get(partner_id)
    data = dict(data)
    version = data.pop("version")
    if version != partner.version:
        raise Conflict(STALE, code="stale_version")
    before = _snapshot(partner)
    for key, value in data.items():
        setattr(partner, key, value)
    changes = diff(before, _snapshot(partner))
    if changes:
        partner.version += 1
        record("update", "partner", partner.id, f"partner {partner.name}", changes)
    return partner


@transactional
def add_contact(partner_id: int, data: dict) -> PartnerContact:
    """Add a contact person to a partner."""
    partner = get(partner_id)
    contact = PartnerContact(partner=partner, **data)
    db.session.add(contact)
    db.session.flush()
    record("update", "partner", partner.id, f"contact {contact.name} added")
    return contact


def contact_of(partner: Partner, contact_id: int) -> PartnerContact:
    """One of the partner's contacts, or 404."""
    contact = db.session.get(PartnerContact, contact_id)
    if contact is None or contact.partner_id != partner.id:
        raise NotFound(Msg("No such contact.", "找不到该联系人。"))
    return contact


@transactional
def update_contact(partner_id: int, contact_id: int, data: dict) -> PartnerContact:
    """Edit a contact person."""
    contact = contact_of(get(partner_id), contact_id)
    fields_ = ("name", "title", "phone", "wechat", "notes")
    before = {f: getattr(contact, f) for f in fields_}
    for key, value in data.items():
        setattr(contact, key, value)
    record("update", "partner", contact.partner_id, f"contact {contact.name} changed",
           diff(before, {f: getattr(contact, f) for f in fields_}))
    return contact


@transactional
def remove_contact(partner_id: int, contact_id: int) -> None:
    """Remove a contact person."""
    contact = contact_of(get(partner_id), contact_id)
    record("update", "partner", contact.partner_id, f"contact {contact.name} removed")
    db.session.delete(contact)


@transactional
def add_note(partner_id: int, text: str) -> PartnerNote:
    """Record a liaison note (接洽记录) by the current member of staff."""
    partner = get(partner_id)
    user = current_principal()
    note = PartnerNote(partner=partner, text=text, author_id=user.id if user else None)
    db.session.add(note)
    db.session.flush()
    record("update", "partner", partner.id, "liaison note added")
    return note
