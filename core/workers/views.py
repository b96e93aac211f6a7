"""Pages for workers (阿姨): list, profile with credentials at a glance, forms. Thin: the
forms are validated by the API's schemas and changed through the same service."""
from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, request, send_file, url_for
from flask_babel import gettext as _
from marshmallow import ValidationError, post_load

from ..access import current_principal, roles
from ..errors import DomainError, Invalid, NotFound, error_body, flatten_fields
from ..i18n import reader_text, select_locale
from ..inputs import load as load_checked
from ..plugins import credential_kinds, service_lines
from ..webforms import parse_form
from . import credentials, photos, service
from .credentials import STATE_CLASSES, STATE_LABELS
from .models import (
    BLACKLIST_REASON_LABELS,
    CERTIFICATION_LABELS,
    GRADE_LABELS,
    SEX_LABELS,
    STATUS_LABELS,
)
from .schemas import (
    CredentialCreateSchema,
    IdNumberField,
    StatusChangeSchema,
    VersionSchema,
    WorkerCreateSchema,
    WorkerQuerySchema,
    WorkerUpdateSchema,
)
from .service import READ_ROLES, WRITE_ROLES
from .work import work_of

bp = Blueprint("workers", __name__, url_prefix="/workers")

_WORKER_FIELDS = ("name", "id_number", "mobile", "hometown", "dialect", "years_experience",
                  "grade")


@bp.context_processor
def _labels():
    def bilingual_name(zh, en):
        return zh if select_locale() == "zh" else en

    def kind_name(code):
        kind = credential_kinds().get(code)
        return bilingual_name(kind.name_zh, kind.name_en) if kind else code

    def line_name(code):
        line = service_lines().get(code)
        return bilingual_name(line.name_zh, line.name_en) if line else code

    user = current_principal()
    return {"kind_name": kind_name, "line_name": line_name,
            "STATUS_LABELS": STATUS_LABELS, "GRADE_LABELS": GRADE_LABELS,
            "SEX_LABELS": SEX_LABELS, "REASON_LABELS": BLACKLIST_REASON_LABELS,
            "CERT_LABELS": CERTIFICATION_LABELS, "STATE_LABELS": STATE_LABELS,
            "STATE_CLASSES": STATE_CLASSES, "credential_kinds": credential_kinds(),
            "can_write": user is not None and user.role in WRITE_ROLES + ("admin",)}


def _errors_of(exc: Exception) -> tuple[dict, dict | None]:
    """(field errors, general message) of a schema or service refusal, for a form."""
    if isinstance(exc, ValidationError):
        return flatten_fields(exc.messages), None
    body = error_body(exc.status, exc.message, code=exc.code, fields=exc.fields)
    fields = body.get("fields", {})
    return fields, (None if fields else body["message"])


class _EditFormSchema(WorkerUpdateSchema):
    """The edit page's form: the API's schema, except that a blank ID number box leaves
    the number unchanged (the box is blank for those who see it masked)."""

    id_number = IdNumberField(load_default=None)

    @post_load
    def _unchanged_id(self, data, **kwargs):
        if data.get("id_number") is None:
            data.pop("id_number", None)
        return data


@bp.get("/")
@roles(*READ_ROLES)
def index():
    """Workers with search, filters (incl. credential states), sorting and pages."""
    service.catch_up_expired_health()  # an expired 健康证 never shows as 空闲
    raw = {k: request.args[k].strip() for k in request.args if k != "status"
           and request.args[k].strip()}
    statuses = [s for s in request.args.getlist("status") if s.strip()]
    if statuses:
        raw["status"] = statuses
    errors, page = {}, None
    try:
        page = service.search(**load_checked(WorkerQuerySchema(), raw))
    except (ValidationError, DomainError) as exc:
        errors = _errors_of(exc)[0]
    empty = {"items": [], "total": 0, "page": 1, "per_page": 20, "pages": 1}
    return render_template("workers/index.html", page=page or empty, errors=errors,
                           args=request.args, health=credentials.kind_state,
                           full_mobile=service.sees_full_mobile(current_principal())), (
        422 if errors else 200)


def _form(worker=None, values=None, errors=None, message=None, status=200):
    return render_template("workers/form.html", worker=worker, values=values or {},
                           errors=errors or {}, message=message), status


@bp.route("/new", methods=["GET", "POST"])
@roles(*WRITE_ROLES)
def new():
    """Register a worker (with an optional photo)."""
    if request.method == "GET":
        return _form(values={"grade": "junior", "years_experience": 0, "service_lines": []})
    return _save(None, WorkerCreateSchema())


@bp.route("/<int:worker_id>/edit", methods=["GET", "POST"])
@roles(*WRITE_ROLES)
def edit(worker_id):
    """Change a worker's record (optimistic locking by the version the form carries)."""
    worker = service.get_worker(worker_id)
    if request.method == "GET":
        values = {f: getattr(worker, f) for f in _WORKER_FIELDS}
        values.update(service_lines=worker.service_line_codes, version=worker.version)
        if service.sees_full_id(current_principal()):
            service.show_full_id(worker)  # the form shows it in full
        else:
            values.pop("id_number")
        return _form(worker, values)
    return _save(worker, _EditFormSchema())


def _save(worker, schema):
    """Read the form and the photo (both refused together, before anything is written),
    then save them in one step; a refusal re-renders the form with what was typed."""
    upload = request.files.get("photo")
    photo, data, errors = None, None, {}
    try:
        data = parse_form(schema)
    except Invalid as exc:
        errors = _errors_of(exc)[0]
    if upload is not None and upload.filename:
        try:
            photo = photos.read_upload(upload)
        except DomainError as exc:
            errors.update(_errors_of(exc)[0])
    if errors:
        return _form(worker, request.form, errors, status=422)
    try:
        saved = service.save_worker(worker.id if worker else None, data, current_principal(),
                                    photo)
    except DomainError as exc:  # the step rolled back and deleted the new photo file
        fields, message = _errors_of(exc)
        return _form(worker, request.form, fields, message, exc.status)
    flash(_("已保存"))
    return redirect(url_for("workers.detail", worker_id=saved.id))


def _detail(worker, status=200, **forms):
    full_id = service.sees_full_id(current_principal())
    if full_id:
        service.show_full_id(worker)
    return render_template(
        "workers/detail.html", w=worker, full_id=full_id,
        full_mobile=service.sees_full_mobile(current_principal()),
        required=credentials.kind_states(worker), state_of=credentials.credential_state,
        cred=forms.get("cred", {}), status_form=forms.get("status_form", {}),
        work=work_of(worker.id, current_principal().role), work_labels=_work_labels()), status


def _work_labels() -> dict:
    from ..matching.models import KIND_LABELS
    from ..matching.models import STATE_LABELS as BOOKING_STATES
    from ..orders.models import STATE_LABELS as ORDER_STATES

    return {"kinds": KIND_LABELS, "bookings": BOOKING_STATES, "orders": ORDER_STATES,
            "verdicts": {"satisfied": ("满意", "Satisfied"),
                         "not_satisfied": ("不满意", "Not satisfied")}}


@bp.get("/<int:worker_id>")
@roles(*READ_ROLES)
def detail(worker_id):
    """Her profile: every required credential at a glance, credentials, status, history."""
    service.catch_up_expired_health()
    return _detail(service.get_worker(worker_id))


@bp.post("/<int:worker_id>/status")
@roles(*WRITE_ROLES)
def change_status(worker_id):
    """Change her status from the profile's form."""
    service.get_worker(worker_id)
    try:
        service.set_status(worker_id, parse_form(StatusChangeSchema()), current_principal())
    except DomainError as exc:  # refused: the step rolled back
        fields, message = _errors_of(exc)
        return _detail(service.get_worker(worker_id), exc.status, status_form={
            "values": request.form, "errors": fields, "message": message})
    flash(_("状态已更新"))
    return redirect(url_for("workers.detail", worker_id=worker_id))


@bp.post("/<int:worker_id>/credentials")
@roles(*WRITE_ROLES)
def add_credential(worker_id):
    """Record a credential from the profile's form."""
    service.get_worker(worker_id)
    try:
        service.record_credential(worker_id, parse_form(CredentialCreateSchema()),
                                  current_principal())
    except DomainError as exc:  # refused: the step rolled back
        fields, message = _errors_of(exc)
        return _detail(service.get_worker(worker_id), exc.status, cred={
            "values": request.form, "errors": fields, "message": message})
    flash(_("证书已登记"))
    return redirect(url_for("workers.detail", worker_id=worker_id))


def _credential_action(worker_id, credential_id, action, done):
    service.get_worker(worker_id)
    try:
        version = parse_form(VersionSchema())["version"]
        if action == "verify":
            service.verify_credential(worker_id, credential_id, version, current_principal())
        else:
            service.delete_credential(worker_id, credential_id, version)
        flash(done)
    except DomainError as exc:  # refused: the step rolled back
        flash(reader_text(exc.message), "error")
    return redirect(url_for("workers.detail", worker_id=worker_id))


@bp.post("/<int:worker_id>/credentials/<int:credential_id>/verify")
@roles(*WRITE_ROLES)
def verify_credential(worker_id, credential_id):
    """Record that the original document was checked (核验)."""
    return _credential_action(worker_id, credential_id, "verify", _("证书已核验"))


@bp.post("/<int:worker_id>/credentials/<int:credential_id>/delete")
@roles(*WRITE_ROLES)
def delete_credential(worker_id, credential_id):
    """Delete a credential recorded in error."""
    return _credential_action(worker_id, credential_id, "delete", _("证书已删除"))


@bp.get("/<int:worker_id>/photo")
@roles(*WRITE_ROLES)
def photo(worker_id):
    """Her photo, to staff who dispatch or train only."""
    worker = service.get_worker(worker_id)
    path = photos.path_of(worker.photo_filename)
    if path is None:
        raise NotFound()
    resp = send_file(path, mimetype=photos.mimetype_of(worker.photo_filename))
    resp.headers["Cache-Control"] = "private, no-store"
    return resp
