"""Partner pages: the list with a create form, and one partner with contacts and notes.

Forms are read by the API's schemas (``parse_form``) and saved by the service's steps,
which commit, or roll back when refused (#11)."""
from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _

from ..access import roles
from ..errors import DomainError, Invalid
from ..i18n import reader_text
from ..pagination import page_number
from ..webforms import parse_form
from . import service
from .api import STAFF
from .models import COOPERATION_STATES, PARTNER_KINDS
from .schemas import ContactInSchema, NoteInSchema, PartnerCreateSchema, PartnerUpdateSchema

bp = Blueprint("partners", __name__, url_prefix="/partners")


def _flash_error(exc: DomainError) -> None:
    """Flash a refusal (the step, refused, has already rolled back)."""
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
    try:
        partner = service.create(parse_form(PartnerCreateSchema()))
    except Invalid as exc:
        page = service.search()
        return render_template("partners/index.html", page=page, args=request.args,
                               kinds=PARTNER_KINDS, states=COOPERATION_STATES,
                               errors=exc.fields or {}, form=request.form), 422
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
    service.get(partner_id)  # no such partner: 404, before the form is read
    try:
        service.add_contact(partner_id, parse_form(ContactInSchema()))
        flash(_("已添加联系人"))
    except Invalid as exc:
        _flash_error(exc)
    return redirect(url_for("partners.detail", partner_id=partner_id))


@bp.post("/<int:partner_id>/notes")
@roles(*STAFF)
def add_note(partner_id):
    """Record a liaison note from the form."""
    service.get(partner_id)  # no such partner: 404, before the form is read
    try:
        service.add_note(partner_id, parse_form(NoteInSchema())["text"])
        flash(_("已记录"))
    except Invalid as exc:
        _flash_error(exc)
    return redirect(url_for("partners.detail", partner_id=partner_id))


@bp.post("/<int:partner_id>/cooperation")
@roles(*STAFF)
def set_cooperation(partner_id):
    """Change where the cooperation (合作意向) stands."""
    service.get(partner_id)  # no such partner: 404, before the form is read
    try:
        data = parse_form(PartnerUpdateSchema(only=("version", "cooperation")))
        service.update(partner_id, data)
        flash(_("已保存"))
    except DomainError as exc:
        _flash_error(exc)
    return redirect(url_for("partners.detail", partner_id=partner_id))
