"""Trainees API (/api/v1/trainees …): registration import, master list, details, ID cards,
exam exceptions, health certificates, the 58同城 mobile check, graduation, the board.

The stages' endpoints (exam batches, certification lists, group interviews, internships)
live in :mod:`core.trainees.api_stages` on the same blueprint.
"""
from __future__ import annotations

import io

from ..access import current_principal, roles
from ..timeutil import business_today
from . import board as board_service
from . import handover, health, pipeline, registration, steps
from .blueprint import blp
from .pipeline import MANAGERS
from .schemas import (
    FILE_RESPONSES,
    BoardSchema,
    CertificateSchema,
    ExportQuerySchema,
    GraduateSchema,
    GraduationSchema,
    IdCardCollectSchema,
    IdCardReturnSchema,
    IdCardSchema,
    ImportResultSchema,
    MobileCheckSchema,
    TableSchema,
    TraineeDetailSchema,
    TraineePageSchema,
    TraineeQuerySchema,
    TraineeUpdateSchema,
    UploadSchema,
)
from .schemas_handover import (
    HandoverPageSchema,
    HandoverQuerySchema,
    HandoverSchema,
    HandoverStatusSchema,
    NoSheetSchema,
)
from .schemas_stages import (
    CertificateInSchema,
    ExceptionInSchema,
    ExceptionSchema,
    MobileCheckInSchema,
)


def _upload(file) -> tuple[io.BytesIO, str]:
    return io.BytesIO(file.read()), file.filename or ""


@blp.route("/trainees")
@roles(*MANAGERS)
@blp.arguments(TraineeQuerySchema, location="query")
@blp.response(200, TraineePageSchema)
def list_trainees(args):
    """List trainees, filtered by stage and registration day; ``q`` matches name, mobile or
    ID number."""
    return pipeline.search(**args)


@blp.route("/trainees/imports/preview", methods=["POST"])
@roles(*MANAGERS)
@blp.arguments(UploadSchema, location="files")
@blp.response(200, ImportResultSchema)
def preview_import(files):
    """Preview a registration sheet (学员登记表): each row new, already registered (same ID
    number) or invalid with its reasons. Nothing is written."""
    stream, name = _upload(files["file"])
    return registration.preview(stream, name)


@blp.route("/trainees/imports", methods=["POST"])
@roles(*MANAGERS)
@blp.arguments(UploadSchema, location="files")
@blp.response(201, ImportResultSchema)
def import_sheet(files):
    """Import a sheet's valid new rows in one transaction; re-importing creates nothing."""
    stream, name = _upload(files["file"])
    return steps.import_sheet(stream, name)


@blp.route("/trainees/handovers/today")
@roles(*MANAGERS)
@blp.response(200, HandoverStatusSchema)
def handover_today():
    """Today's registration hand-over (16:00 sheet): ``off`` (not a working day),
    ``waiting``, ``due`` (16:00–17:00), ``overdue`` (after 17:00: the desk was reminded)
    or ``done`` (a sheet imported, or no sheet recorded with the reason)."""
    return handover.status()


@blp.route("/trainees/handovers")
@roles(*MANAGERS)
@blp.arguments(HandoverQuerySchema, location="query")
@blp.response(200, HandoverPageSchema)
def list_handovers(args):
    """Recorded hand-overs, newest day first; ``since``/``until`` bound the days."""
    return handover.search(**args)


@blp.route("/trainees/handovers/none", methods=["POST"])
@roles(*handover.DESK_ROLES)
@blp.arguments(NoSheetSchema)
@blp.response(201, HandoverSchema)
def no_sheet(data):
    """Record that no sheet came on ``day`` (default today), with the reason (``note``):
    the day's task is done and no reminder is sent. 409 when the day is recorded."""
    return handover.no_sheet(data["day"], data["note"], current_principal().id)


@blp.route("/trainees/export")
@roles(*MANAGERS)
@blp.arguments(ExportQuerySchema, location="query")
@blp.response(200, TableSchema, description="The master list as XLSX, CSV (UTF-8 with BOM) "
                                             "or JSON rows.")
@blp.doc(**FILE_RESPONSES)
def export_trainees(args):
    """Export the master list of trainees (学员名单) as XLSX or CSV."""
    return steps.export_master(args["format"], args["unmasked"],
                               f"trainees-{business_today().isoformat()}", args["stage"])


@blp.route("/trainees/board")
@roles(*MANAGERS)
@blp.response(200, BoardSchema)
def get_board():
    """The pipeline board: every stage with its count and trainees, and who is stuck."""
    return board_service.board()


@blp.route("/trainees/id-cards")
@roles(*MANAGERS)
@blp.response(200, IdCardSchema(many=True))
def held_id_cards():
    """Original ID cards (身份证原件) the company holds now, and who holds each."""
    return health.held_id_cards()


@blp.route("/trainees/<int:trainee_id>")
@roles(*MANAGERS)
@blp.response(200, TraineeDetailSchema)
def get_trainee(trainee_id):
    """One trainee with her ID card, certificate, mobile check and bookings."""
    return pipeline.get(trainee_id)


@blp.route("/trainees/<int:trainee_id>", methods=["PATCH"])
@roles(*MANAGERS)
@blp.arguments(TraineeUpdateSchema)
@blp.response(200, TraineeDetailSchema)
def update_trainee(data, trainee_id):
    """Correct a trainee's details; send the ``version`` you read (stale → 409)."""
    return steps.update_trainee(trainee_id, data)


@blp.route("/trainees/<int:trainee_id>/id-card", methods=["POST"])
@roles(*MANAGERS)
@blp.arguments(IdCardCollectSchema)
@blp.response(201, IdCardSchema)
def collect_id_card(data, trainee_id):
    """Record that the company collected her original ID card (and who keeps it)."""
    return steps.collect_id_card(trainee_id, data["holder_id"])


@blp.route("/trainees/<int:trainee_id>/id-card/return", methods=["POST"])
@roles(*MANAGERS)
@blp.arguments(IdCardReturnSchema)
@blp.response(200, IdCardSchema)
def return_id_card(data, trainee_id):
    """Record that her ID card was returned, and to whom."""
    return steps.return_id_card(trainee_id, data["returned_to"])


@blp.route("/trainees/<int:trainee_id>/exam-exceptions", methods=["POST"])
@roles("supervisor")
@blp.arguments(ExceptionInSchema)
@blp.response(201, ExceptionSchema)
def grant_exception(data, trainee_id):
    """A supervisor's recorded exception: one more company-paid exam (who, why, when)."""
    return steps.grant_exception(trainee_id, data["reason"])


@blp.route("/trainees/<int:trainee_id>/health-certificate", methods=["POST"])
@roles(*MANAGERS)
@blp.arguments(CertificateInSchema)
@blp.response(201, CertificateSchema)
def receive_certificate(data, trainee_id):
    """Record her health certificate received from the hospital (number, dates)."""
    return steps.receive_certificate(trainee_id, **data)


@blp.route("/trainees/<int:trainee_id>/health-certificate/handover", methods=["POST"])
@roles(*MANAGERS)
@blp.response(200, CertificateSchema)
def hand_over_certificate(trainee_id):
    """Record that her certificate was handed to her."""
    return steps.hand_over_certificate(trainee_id)


@blp.route("/trainees/<int:trainee_id>/mobile-checks", methods=["POST"])
@roles(*MANAGERS)
@blp.arguments(MobileCheckInSchema)
@blp.response(201, MobileCheckSchema)
def check_mobile(data, trainee_id):
    """Record whether her mobile was ever registered on 58同城 (registered blocks her)."""
    return steps.check_mobile(trainee_id, data["registered"])


@blp.route("/trainees/<int:trainee_id>/graduate", methods=["POST"])
@roles(*MANAGERS)
@blp.arguments(GraduateSchema)
@blp.response(201, GraduationSchema)
def graduate(data, trainee_id):
    """Turn a certified trainee into a worker in one step (409 if already graduated)."""
    return steps.graduate(trainee_id, data["service_lines"])
