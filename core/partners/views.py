"""Partner pages: the list with a create form, and one partner with contacts and notes."""
from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from marshmallow import ValidationError

from ..access import roles
from ..errors import DomainError, flatten_fields
from ..extensions import db
from ..i18n import reader_text
from ..inputs import int64
from ..inputs import load as load_checked
from ..pagination import page_number
from . import service
from .api import STAFF
from .models import COOPERATION_STATES, PARTNER_KINDS
from .schemas import ContactInSchema, NoteInSchema, PartnerCreateSchema

bp = Blueprint("partners", __name__, url_prefix="/partners")


def _form(keys) -> dict:
    return {k: request.form.get(k, "").strip() for k in keys if k in request.form}


def _flash_error(exc: DomainError) -> None:
    db.session.rollback()
    for field, msgs in (exc.fields or {}).items():
        for m in msgs:
            flash(f"{field}: {reader_text(m)}", "error")
    if not exc.fields:
        from ..messages import bilingual

        m = bilingual(exc.message)
        flash(reader_text(m), "error")


@bp.get("/")
@roles(*STAFF)
def index():
    """Partner organisations, filtered by kind; a form to add one."""
    args = request.args
    page = service.search(q=args.get("q") or None, kind=args.get("kind") or None,
                          page=page_number(args.get("page")))
    return render_template("partners/index.html", page=page, args=args, kinds=PARTNER_KINDS,
                           states=COOPERATION_STATES, errors={}, form={})


@bp.post("/")
@roles(*STAFF)
def create():
    """Create a partner from the form (422-style errors shown beside the fields)."""
    form = _form(("name", "kind", "cooperation", "address", "notes"))
    try:
        data = load_checked(PartnerCreateSchema(), form)
        partner = service.create(data)
        db.session.commit()
    except ValidationError as exc:
        page = service.search()
        return render_template("partners/index.html", page=page, args=request.args,
                               kinds=PARTNER_KINDS, states=COOPERATION_STATES,
                               errors=flatten_fields(exc.messages), form=form), 422
    flash(_("已添加合作方"))
    return redirect(url_for("partners.detail", partner_id=partner.id))


@bp.get("/<int:partner_id>")
@roles(*STAFF)
def detail(partner_id):
    """One partner: contacts, liaison notes, and forms to add both."""
    return render_template("partners/detail.html", partner=service.get(partner_id),
                           kinds=PARTNER_KINDS, states=COOPERATION_STATES)


@bp.post("/<int:partner_id>/contacts")
@roles(*STAFF)
def add_contact(partner_id):
    """Add a contact person from the form."""
    partner = service.get(partner_id)
    try:
        service.add_contact(partner, load_checked(ContactInSchema(),
            _form(("name", "title", "phone", "wechat", "notes"))))
        db.session.commit()
        flash(_("已添加联系人"))
    except ValidationError as exc:
        _flash_error(DomainError(fields=flatten_fields(exc.messages)))
    return redirect(url_for("partners.detail", partner_id=partner_id))


@bp.post("/<int:partner_id>/notes")
@roles(*STAFF)
def add_note(partner_id):
    """Record a liaison note from the form."""
    partner = service.get(partner_id)
    try:
        service.add_note(partner, load_checked(NoteInSchema(), _form(("text",)))["text"])
        db.session.commit()
        flash(_("已记录"))
    except ValidationError as exc:
        _flash_error(DomainError(fields=flatten_fields(exc.messages)))
    return redirect(url_for("partners.detail", partner_id=partner_id))


@bp.post("/<int:partner_id>/cooperation")
@roles(*STAFF)
def set_cooperation(partner_id):
    """Change where the cooperation (合作意向) stands."""
    partner = service.get(partner_id)
    try:
        service.update(partner, {"version": request.form.get("version", type=int64),
                                 "cooperation": request.form.get("cooperation", "")})
        if partner.cooperation not in COOPERATION_STATES:
            raise DomainError(status=422)
        db.session.commit()
        flash(_("已保存"))
    except DomainError as exc:
        _flash_error(exc)
    return redirect(url_for("partners.detail", partner_id=partner_id))
