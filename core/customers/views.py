"""Customer pages: the list, a file, and the create / edit forms.

Forms are loaded by the API's own schemas and saved by the same service calls, so a
page refuses exactly what the API refuses; a refused form is shown again with what the
person typed and each message next to its field.
"""
from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from marshmallow import EXCLUDE, ValidationError

from ..access import current_principal, has_role, roles
from ..errors import DomainError, Invalid
from ..extensions import db
from ..i18n import select_locale
from . import disclosure, forms, service
from .models import CONFIDENTIALITY, DEACTIVATION_REASONS, LEAD_SOURCES, STATUSES
from .schemas import (
    CustomerAddressInSchema,
    CustomerCreateSchema,
    CustomerQuerySchema,
    CustomerUpdateSchema,
)

bp = Blueprint("customers", __name__, url_prefix="/customers")

READ, WRITE = disclosure.READ_ROLES, disclosure.WRITE_ROLES
LABELS = {"confidentiality": CONFIDENTIALITY, "status": STATUSES, "lead_source": LEAD_SOURCES,
          "deactivation_reason": DEACTIVATION_REASONS}


def _options() -> dict:
    """``{field: [(code, label in the page's language)]}`` for the selects."""
    i = 0 if select_locale() == "zh" else 1
    return {field: [(code, names[i]) for code, names in labels.items()]
            for field, labels in LABELS.items()}


def _render(template: str, status: int = 200, **context):
    return render_template(template, labels=LABELS, options=_options(), **context), status


def _refused_status(exc: Exception) -> int:
    return exc.status if isinstance(exc, DomainError) else 422


@bp.get("/")
@roles(*READ)
def index():
    """The customer list: search by name or phone digits, filters, sortable columns, pages."""
    raw = {k: v for k, v in request.args.items() if v.strip()}
    errors = {}
    try:
        args = CustomerQuerySchema().load(raw, unknown=EXCLUDE)
    except ValidationError as exc:
        errors = forms.errors_of(exc)
        args = CustomerQuerySchema().load({})
    role = current_principal().role
    try:
        page = service.search_customers(role, **args)
    except Invalid as exc:  # an unknown sort key typed into the address bar
        errors.update(forms.errors_of(exc))
        page = service.search_customers(role, **{**args, "sort": None})
    return _render("customers/index.html", page=page, args=request.args, errors=errors)


@bp.route("/new", methods=["GET", "POST"])
@roles(*WRITE)
def create():
    """The new-customer form, with one address inline."""
    form, errors = {"confidentiality": "normal"}, {}
    if request.method == "POST":
        form = request.form
        try:
            data = CustomerCreateSchema().load(forms.create_input(form))
            customer = service.create_customer(data, current_principal())
            db.session.commit()
        except (ValidationError, DomainError) as exc:
            db.session.rollback()
            return _render("customers/form.html", _refused_status(exc), form=form,
                           errors=forms.errors_of(exc), customer=None)
        flash(_("客户已建档"))
        return redirect(url_for("customers.detail", customer_id=customer.id))
    return _render("customers/form.html", form=form, errors=errors, customer=None)


@bp.get("/<int:customer_id>")
@roles(*READ)
def detail(customer_id):
    """One customer file: facts, addresses, notes; its audit trail for supervisors."""
    return _detail_page(customer_id)


def _detail_page(customer_id, status=200, address_form=None, address_errors=None):
    actor = current_principal()
    customer = service.open_customer(customer_id, actor)
    trail = service.history(customer.id) if has_role("supervisor") else None
    return _render("customers/detail.html", status, c=disclosure.detail(customer, actor.role),
                   trail=trail, address_form=address_form or {},
                   address_errors=address_errors or {})


@bp.route("/<int:customer_id>/edit", methods=["GET", "POST"])
@roles(*WRITE)
def edit(customer_id):
    """The edit form; it carries the version read, and a stale one is refused (reload)."""
    actor = current_principal()
    if request.method == "GET":
        customer = service.open_customer(customer_id, actor)
        view = disclosure.detail(customer, actor.role)
        return _render("customers/form.html", form=view, errors={}, customer=view)
    customer = service.open_customer(customer_id, actor, purpose="change")
    view = disclosure.detail(customer, actor.role)
    try:
        data = CustomerUpdateSchema().load(forms.edit_input(request.form))
        service.update_customer(customer, data, actor)
        db.session.commit()
    except (ValidationError, DomainError) as exc:
        db.session.rollback()
        stale = getattr(exc, "code", None) == "stale_version"
        return _render("customers/form.html", _refused_status(exc), form=request.form,
                       errors=forms.errors_of(exc), customer=view, stale=stale)
    flash(_("已保存"))
    return redirect(url_for("customers.detail", customer_id=customer_id))


@bp.post("/<int:customer_id>/addresses")
@roles(*WRITE)
def add_address(customer_id):
    """Add an address from the form on the customer's page."""
    actor = current_principal()
    customer = service.open_customer(customer_id, actor, purpose="change")
    try:
        data = CustomerAddressInSchema().load(forms.address_input(request.form))
        service.add_address(customer, data, actor)
        db.session.commit()
    except (ValidationError, DomainError) as exc:
        db.session.rollback()
        return _detail_page(customer_id, _refused_status(exc), address_form=request.form,
                            address_errors=forms.errors_of(exc, address_prefix=""))
    flash(_("地址已添加"))
    return redirect(url_for("customers.detail", customer_id=customer_id))


@bp.post("/<int:customer_id>/addresses/<int:address_id>/default")
@roles(*WRITE)
def make_default_address(customer_id, address_id):
    """Make this address the default one (from the version shown)."""
    return _address_change(customer_id, lambda customer, actor: service.update_address(
        customer, address_id, {"version": request.form.get("version", type=int) or 0,
                               "is_default": True}, actor), _("已设为默认地址"))


@bp.post("/<int:customer_id>/addresses/<int:address_id>/delete")
@roles(*WRITE)
def delete_address(customer_id, address_id):
    """Remove an address."""
    return _address_change(customer_id, lambda customer, actor: service.delete_address(
        customer, address_id, actor), _("地址已删除"))


def _address_change(customer_id, change, done: str):
    actor = current_principal()
    customer = service.open_customer(customer_id, actor, purpose="change")
    try:
        change(customer, actor)
        db.session.commit()
        flash(done)
    except DomainError as exc:
        db.session.rollback()
        for messages in forms.errors_of(exc).values():
            for m in messages:
                flash(m["zh"] + " " + m["en"] if select_locale() == "zh" else m["en"], "error")
    return redirect(url_for("customers.detail", customer_id=customer_id))
