"""Customer pages: the list, a file, and the create / edit forms.

Forms are read by the API's own schemas (``parse_form``) and saved by the same service
steps, so a page refuses exactly what the API refuses; a refused form is shown again with
what the person typed and each message next to its field. The step commits or, refused,
has already rolled back: a page never commits (#11).
"""
from flask import flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from marshmallow import EXCLUDE, ValidationError

from ..access import current_principal, has_role, roles
from ..errors import DomainError, Invalid
from ..i18n import reader_text, select_locale
from ..inputs import load as load_checked
from ..pagination import page_number
from ..webforms import parse_form
from . import disclosure, forms, history, service
from .blueprint import bp
from .models import CONFIDENTIALITY, DEACTIVATION_REASONS, LEAD_SOURCES, STATUSES
from .schemas import (
    CustomerAddressInSchema,
    CustomerAddressPatchSchema,
    CustomerQuerySchema,
    RevealInSchema,
)

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
        args = load_checked(CustomerQuerySchema(), raw, unknown=EXCLUDE)
    except ValidationError as exc:
        errors = forms.errors_of(exc)
        args = load_checked(CustomerQuerySchema(), {})
    user = current_principal()
    try:
        page = service.search_customers(user, **args)
    except Invalid as exc:  # an unknown sort key typed into the address bar
        errors.update(forms.errors_of(exc))
        page = service.search_customers(user, **{**args, "sort": None})
    return _render("customers/index.html", page=page, args=request.args, errors=errors)


@bp.route("/new", methods=["GET", "POST"])
@roles(*WRITE)
def create():
    """The new-customer form, with one address inline."""
    form, errors = {"confidentiality": "normal"}, {}
    # a plain read: only a new-order form's local path passes _order_form_back, else None
    back = _order_form_back(request.values.get("next"))
    if request.method == "GET" and request.args.get("q"):  # typed into the order form's picker
        typed = request.args["q"].strip()
        form["mobile" if typed.replace(" ", "").isdigit() else "name"] = typed
    if request.method == "POST":
        form = request.form  # shown again as typed when refused
        try:
            data = parse_form(forms.CustomerCreateForm())
            customer = service.create_customer(data, current_principal())
        except DomainError as exc:
            return _render("customers/form.html", _refused_status(exc), form=form,
                           errors=forms.errors_of(exc), customer=None)
        flash(_("客户已建档"))
        if back:  # back to the new-order form it was started from, with her chosen
            return redirect(f"{back}?customer_id={customer.id}")
        return redirect(url_for("customers.detail", customer_id=customer.id))
    return _render("customers/form.html", form=form, errors=errors, customer=None, back=back)


def _order_form_back(target: str | None) -> str | None:
    """``next`` when it is a new-order form of this site (no open redirect), else None."""
    import re

    if target and re.fullmatch(r"/orders/new/[a-z_]{1,40}", target):
        return target
    return None


@bp.get("/<int:customer_id>")
@roles(*READ)
def detail(customer_id):
    """One customer file: facts, addresses, notes; its audit trail for supervisors."""
    return _detail_page(customer_id)


def _detail_page(customer_id, status=200, address_form=None, address_errors=None,
                 revealed=False, reveal_errors=None):
    actor = current_principal()
    customer = service.peek_customer(customer_id, actor)
    if not disclosure.may_open(customer, actor):
        return closed_page(customer, actor)
    customer = service.open_customer(customer_id, actor)
    trail = service.history(customer.id) if has_role("supervisor") else None
    from ..orders.models import STATE_LABELS

    served = history.service_history(customer, page_number(request.args.get("history_page")),
                                     10)
    from . import checks, destruction
    from .models_access import DESTRUCTION_REASONS

    return _render("customers/detail.html", status,
                   file_checks=checks.file_checks(customer.id),
                   destruction=destruction.latest(customer.id),
                   destruction_reasons=DESTRUCTION_REASONS,
                   c=disclosure.detail(customer, actor, revealed=revealed),
                   served=served, order_states=STATE_LABELS,
                   trail=trail, address_form=address_form or {},
                   address_errors=address_errors or {}, reveal_errors=reveal_errors or {})


def closed_page(customer, actor, form=None, errors=None, status=403):
    """What shows of a file that does not open: its name as allowed, its level, the
    request form (with this person's requests for it)."""
    from . import grants

    mine = grants.search(actor, customer_id=customer.id, mine=True, per_page=10)
    return _render("customers/closed.html", status, c=disclosure.closed_view(customer, actor),
                   requests=[grants.view(r, actor) for r in mine["items"]],
                   form=form or {}, errors=errors or {},
                   max_hours=grants.max_hours(customer.confidentiality)
                   if customer.confidentiality in disclosure.APPROVER_ROLES else None)


@bp.post("/<int:customer_id>/reveal")
@roles(*WRITE)
def reveal(customer_id):
    """Show a secret (秘密) file's full mobile for the reason typed (recorded)."""
    try:
        data = parse_form(RevealInSchema())
        service.reveal_mobile(customer_id, current_principal(), data["reason"])
    except DomainError as exc:
        return _detail_page(customer_id, _refused_status(exc), reveal_errors=forms.errors_of(exc))
    return _detail_page(customer_id, revealed=True)


@bp.route("/<int:customer_id>/edit", methods=["GET", "POST"])
@roles(*WRITE)
def edit(customer_id):
    """The edit form; it carries the version read, and a stale one is refused (reload)."""
    actor = current_principal()
    if request.method == "GET":
        customer = service.open_customer(customer_id, actor)
        view = disclosure.detail(customer, actor)
        return _render("customers/form.html", form=view, errors={}, customer=view)
    # a file that does not open is refused here (403, recorded), not shown in the form
    customer = service.open_customer(customer_id, actor, purpose="change")
    view = disclosure.detail(customer, actor)
    try:
        data = parse_form(forms.CustomerEditForm())
        service.change_customer(customer_id, data, actor)
    except DomainError as exc:
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
    service.open_customer(customer_id, actor, purpose="change")  # closed file → 403, recorded
    try:
        data = parse_form(CustomerAddressInSchema(), checkboxes=("is_default",))
        service.add_customer_address(customer_id, data, actor)
    except DomainError as exc:
        return _detail_page(customer_id, _refused_status(exc), address_form=request.form,
                            address_errors=forms.errors_of(exc, address_prefix=""))
    flash(_("地址已添加"))
    return redirect(url_for("customers.detail", customer_id=customer_id))


@bp.post("/<int:customer_id>/addresses/<int:address_id>/default")
@roles(*WRITE)
def make_default_address(customer_id, address_id):
    """Make this address the default one (from the version shown)."""
    def change(actor):
        data = parse_form(CustomerAddressPatchSchema(only=("version",)))
        service.change_address(customer_id, address_id, {**data, "is_default": True}, actor)

    return _address_change(customer_id, change, _("已设为默认地址"))


@bp.post("/<int:customer_id>/addresses/<int:address_id>/delete")
@roles(*WRITE)
def delete_address(customer_id, address_id):
    """Remove an address."""
    return _address_change(customer_id, lambda actor: service.remove_address(
        customer_id, address_id, actor), _("地址已删除"))


def _address_change(customer_id, change, done: str):
    """Read the form and run the step (``change(actor)``); a refusal is flashed."""
    actor = current_principal()
    service.open_customer(customer_id, actor, purpose="change")  # closed file → 403, recorded
    try:
        change(actor)
        flash(done)
    except DomainError as exc:
        for messages in forms.errors_of(exc).values():
            for m in messages:
                flash(reader_text(m), "error")
    return redirect(url_for("customers.detail", customer_id=customer_id))




EXPORT_HEADERS = ["编号 id", "姓名 name", "手机 mobile", "密级 level", "状态 status",
                  "区 district", "建档 created"]


@bp.get("/export.<fmt>")
@roles(*READ)
def export(fmt):
    """The customer list (the list's filters) as XLSX or CSV, each row as the matrix shows
    it to this person (closed files: the name or 王** only; secret files masked)."""
    from ..trainees import exports

    if fmt not in ("xlsx", "csv"):
        fmt = "xlsx"
    raw = {k: v for k, v in request.args.items() if v.strip() and k not in ("page", "per_page")}
    try:
        args = load_checked(CustomerQuerySchema(), raw, unknown=EXCLUDE)
    except ValidationError as exc:
        return _render("customers/index.html", 400, page=service.search_customers(
            current_principal()), args=request.args, errors=forms.errors_of(exc))
    user = current_principal()
    args.pop("page", None)
    args.pop("per_page", None)
    rows, number = [], 1
    while True:
        page = service.search_customers(user, **args, page=number, per_page=200)
        for r in page["items"]:
            rows.append([r["id"], r["name"], r["mobile"] or "",
                         CONFIDENTIALITY[r["confidentiality"]][0], STATUSES[r["status"]][0],
                         r["district"] or "",
                         r["created_at"].date().isoformat()])
        if number >= page["pages"]:
            break
        number += 1
    resp = exports.respond(EXPORT_HEADERS, rows, fmt, "customers")
    service.record_export(user, fmt, len(rows))
    return resp
