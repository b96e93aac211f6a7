"""Trainee pages: the list with the sheet upload, the import preview, the pipeline board and
one trainee's page with the forms for her next step. Thin: each form is read with
:func:`core.webforms.parse_form` and handed to one service step (:mod:`.steps`, which
commits, or rolls back when it refuses); a refusal is flashed in the page's language."""
from __future__ import annotations

import io

from flask import flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from marshmallow import ValidationError, fields

from ..access import current_principal, roles
from ..errors import DomainError, flatten_fields
from ..i18n import reader_text
from ..messages import bilingual
from ..pagination import page_number
from ..timeutil import business_today
from ..webforms import parse_form
from . import board as board_service
from . import certification, exports, handover, health, pipeline, registration, steps, uploads
from .blueprint import bp
from .models import STAGES
from .pipeline import MANAGERS, shown_id_number
from .schemas import IdCardReturnSchema, TraineeUpdateSchema
from .schemas_handover import NoSheetSchema
from .schemas_stages import (
    AttendanceInSchema,
    BookingInSchema,
    CertificateInSchema,
    EntryInSchema,
    ExceptionInSchema,
    MobileCheckInSchema,
)


def flash_error(exc: Exception) -> None:
    """Show what was refused (field errors or the reason) in the page's language; the
    refused step has already rolled its writes back."""
    fields = exc.fields if isinstance(exc, DomainError) else flatten_fields(exc.messages)
    for field, msgs in (fields or {}).items():
        for m in msgs:
            m = m if isinstance(m, dict) else bilingual(m)
            flash(f"{field}: {reader_text(m)}", "error")
    if isinstance(exc, DomainError) and not fields:
        m = bilingual(exc.message)
        flash(reader_text(m), "error")


def act(action, done: str, back: str):
    """Run ``action`` (read the form, call one service step, which commits) and flash
    ``done``; a refusal is flashed. Redirects to ``back``."""
    try:
        action()
        flash(done)
    except (DomainError, ValidationError) as exc:
        flash_error(exc)
    return redirect(back)


@bp.get("/")
@roles(*MANAGERS)
def index():
    """Trainees (学员), filtered by stage and name; upload the day's sheet; export."""
    args = request.args
    page = pipeline.search(q=args.get("q") or None,
                           stage=args.get("stage") if args.get("stage") in STAGES else None,
                           page=page_number(args.get("page")))
    return render_template("trainees/index.html", page=page, args=args, stages=STAGES,
                           show_id=shown_id_number, handover=handover.status())


@bp.post("/handover/none")
@roles(*handover.DESK_ROLES)
def no_sheet_today():
    """The desk records that no registration sheet came today, with the reason."""
    try:
        note = parse_form(NoSheetSchema(only=("note",)))["note"]
        handover.no_sheet(handover.status()["day"], note, current_principal().id)
    except DomainError as exc:
        flash_error(exc)
        return redirect(url_for("trainees.index"))
    flash(_("已登记今天没有学员登记表"))
    return redirect(url_for("trainees.index"))


@bp.post("/import/preview")
@roles(*MANAGERS)
def preview():
    """Preview an uploaded registration sheet: each row's status before anything is saved."""
    file = request.files.get("file")
    if not file or not file.filename:
        flash(_("请选择登记表文件") + " / Choose the registration sheet file.", "error")
        return redirect(url_for("trainees.index"))
    try:
        token = uploads.stash(io.BytesIO(file.read()), file.filename)
        with uploads.path_of(token).open("rb") as fh:
            result = registration.preview(fh, token)
    except DomainError as exc:
        flash_error(exc)
        return redirect(url_for("trainees.index"))
    return render_template("trainees/preview.html", result=result, token=token,
                           filename=file.filename, show_id=shown_id_number)


@bp.post("/import")
@roles(*MANAGERS)
def do_import():
    """Import the previewed sheet's valid new rows (checked again now)."""
    try:
        path = uploads.path_of(parse_form({"token": fields.String(load_default="")})["token"])
        with path.open("rb") as fh:
            result = steps.import_sheet(fh, path.name)
        path.unlink(missing_ok=True)
    except DomainError as exc:
        flash_error(exc)
        return redirect(url_for("trainees.index"))
    c = result.counts
    flash(_("已导入 %(created)s 名新学员；%(dup)s 行已备案，%(bad)s 行有误未导入",
            created=c["created"], dup=c["duplicate"], bad=c["invalid"]))
    return redirect(url_for("trainees.index"))


@bp.get("/export.<fmt>")
@roles(*MANAGERS)
def export(fmt):
    """Download the master list (学员名单) as XLSX or CSV."""
    if fmt not in exports.MIMETYPES:
        fmt = "xlsx"
    return steps.export_master(fmt, request.args.get("unmasked") == "1", "trainees")


@bp.get("/board")
@roles(*MANAGERS)
def board():
    """The pipeline board: stages with counts and trainees, and who is stuck."""
    return render_template("trainees/board.html", board=board_service.board(),
                           stuck_labels=board_service.STUCK)


@bp.get("/<int:trainee_id>")
@roles(*MANAGERS)
def detail(trainee_id):
    """One trainee: her record, where she stands, and the forms for her next step."""
    trainee = pipeline.get(trainee_id)
    today = business_today()
    return render_template(
        "trainees/detail.html", t=trainee, stages=STAGES, show_id=shown_id_number,
        batches=[b for b in health.list_batches() if b.exam_date >= today],
        lists=[cl for cl in certification.list_lists()
               if not any(e.result for e in cl.entries)],
        blocker=certification.listing_blocker(trainee, today),
        booking=next((b for b in trainee.bookings if b.attendance is None), None))


def _back(trainee_id: int) -> str:
    return url_for("trainees.detail", trainee_id=trainee_id)


@bp.post("/<int:trainee_id>/edit")
@roles(*MANAGERS)
def edit(trainee_id):
    """Correct her details (version-checked)."""
    return act(lambda: steps.update_trainee(trainee_id, parse_form(TraineeUpdateSchema())),
               _("已保存"), _back(trainee_id))


@bp.post("/<int:trainee_id>/book")
@roles(*MANAGERS)
def book(trainee_id):
    """Book her into an exam batch (details confirmed, ID card collected, who pays)."""
    def run():
        form = BookingInSchema.from_dict({"batch_id": fields.Integer(required=True)})
        data = parse_form(form(exclude=("trainee_id",)), checkboxes=("details_confirmed",))
        steps.book(data.pop("batch_id"), trainee_id, **data)
    return act(run, _("已预约体检"), _back(trainee_id))


@bp.post("/<int:trainee_id>/attendance")
@roles(*MANAGERS)
def attendance(trainee_id):
    """Record whether she came to her booked exam."""
    def run():
        attended = parse_form(AttendanceInSchema(only=("attended",)))["attended"]
        steps.record_own_attendance(trainee_id, attended)
    return act(run, _("已登记到检情况"), _back(trainee_id))


@bp.post("/<int:trainee_id>/id-card")
@roles(*MANAGERS)
def id_card(trainee_id):
    """Collect her original ID card, or return it (``returned_to`` given)."""
    pipeline.get(trainee_id)  # an unknown trainee is the 404 page, not a flash
    if "returned_to" in parse_form({"returned_to": fields.String()}):
        return act(lambda: steps.return_id_card(
            trainee_id, parse_form(IdCardReturnSchema())["returned_to"]), _("已归还身份证"),
            _back(trainee_id))
    return act(lambda: steps.collect_id_card(trainee_id), _("已收取身份证原件"),
               _back(trainee_id))


@bp.post("/<int:trainee_id>/exception")
@roles("supervisor")
def exception(trainee_id):
    """A supervisor records an exception: one more company-paid exam."""
    return act(lambda: steps.grant_exception(trainee_id,
                                             parse_form(ExceptionInSchema())["reason"]),
               _("已记录特批"), _back(trainee_id))


@bp.post("/<int:trainee_id>/certificate")
@roles(*MANAGERS)
def certificate(trainee_id):
    """Record her health certificate received, or (``handover``) handed to her."""
    pipeline.get(trainee_id)  # an unknown trainee is the 404 page, not a flash
    if parse_form({"handover": fields.Boolean(load_default=False)})["handover"]:
        return act(lambda: steps.hand_over_certificate(trainee_id), _("已发放健康证"),
                   _back(trainee_id))

    def run():
        steps.receive_certificate(trainee_id, **parse_form(CertificateInSchema()))
    return act(run, _("已登记健康证"), _back(trainee_id))


@bp.post("/<int:trainee_id>/mobile-check")
@roles(*MANAGERS)
def mobile_check(trainee_id):
    """Record whether her mobile was ever registered on 58同城."""
    return act(lambda: steps.check_mobile(
        trainee_id, parse_form(MobileCheckInSchema())["registered"]),
               _("已记录手机号核查"), _back(trainee_id))


@bp.post("/<int:trainee_id>/list")
@roles(*MANAGERS)
def put_on_list(trainee_id):
    """Put her on a certification list (a new one when none is chosen)."""
    def run():
        form = EntryInSchema.from_dict({"list_id": fields.Integer(load_default=None)})
        data = parse_form(form(exclude=("trainee_id",)), checkboxes=("details_confirmed",))
        steps.put_on_list(trainee_id, data["list_id"], data["details_confirmed"])
    return act(run, _("已列入58认证名单"), _back(trainee_id))


@bp.post("/<int:trainee_id>/graduate")
@roles(*MANAGERS)
def graduate(trainee_id):
    """Turn her into a worker in one step."""
    return act(lambda: steps.graduate(trainee_id), _("已转为阿姨"), _back(trainee_id))
