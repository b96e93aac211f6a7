"""The trainee area's service steps (#11): what a page or the API calls to change something.

Each step takes ids and validated data, loads what it acts on (a trainee locked for her
stage change), applies the stage's rules (:mod:`.health`, :mod:`.certification`,
:mod:`.interviews`, :mod:`.internship`, :mod:`.graduation`, :mod:`.registration`,
:mod:`.pipeline`) and is one unit of work (:func:`core.transactions.transactional`): it
commits when it returns and rolls everything back when it is refused, so a page that
flashes the refusal shows the database as it was. The member of staff acting is the
request's principal, as the rules read it (:func:`.pipeline.actor_id`).
"""
from __future__ import annotations

import datetime as dt
from typing import IO

from ..audit.service import record
from ..errors import DomainError
from ..transactions import transactional
from . import (
    certification,
    exports,
    graduation,
    health,
    internship,
    interviews,
    pipeline,
    registration,
)
from .models import (
    CertificationEntry,
    CertificationList,
    ExamBatch,
    ExamBooking,
    ExamException,
    GroupInterview,
    GroupInterviewAttendee,
    HealthCertificate,
    IdCardCustody,
    Internship,
    MobileCheck,
    Trainee,
)

# ------------------------------------------------------------------ registration, exports


@transactional
def import_sheet(stream: IO[bytes], filename: str) -> registration.Preview:
    """Import a sheet's valid new rows (and record the day's hand-over) in one go."""
    return registration.import_sheet(stream, filename)


@transactional
def export_master(fmt: str, unmasked: bool, basename: str, stage: str | None = None):
    """The master list as a download (or JSON rows), the export audited."""
    rows = list(exports.master_rows(exports.id_numbers(unmasked), stage))
    resp = exports.respond(exports.MASTER_HEADERS, rows, fmt, basename)
    record("export", "trainee", None, exports.summary("master list", fmt, unmasked, len(rows)))
    return resp


# ---------------------------------------------------------------------- one trainee


@transactional
def update_trainee(trainee_id: int, data: dict) -> Trainee:
    """Correct her details (``data["version"]`` the one read, else 409)."""
    return pipeline.update(pipeline.get(trainee_id, lock=True), data)


@transactional
def collect_id_card(trainee_id: int, holder_id: int | None = None) -> IdCardCustody:
    """The company now holds her original ID card."""
    return health.collect_id_card(pipeline.get(trainee_id, lock=True), holder_id)


@transactional
def return_id_card(trainee_id: int, returned_to: str) -> IdCardCustody:
    """Her ID card was returned, to ``returned_to``."""
    return health.return_id_card(pipeline.get(trainee_id, lock=True), returned_to)


@transactional
def grant_exception(trainee_id: int, reason: str) -> ExamException:
    """A supervisor's exception: one more company-paid exam."""
    return health.grant_exception(pipeline.get(trainee_id, lock=True), reason)


@transactional
def receive_certificate(trainee_id: int, **data) -> HealthCertificate:
    """Her health certificate received (number, issued_on, expires_on, self_arranged)."""
    return health.receive_certificate(pipeline.get(trainee_id, lock=True), **data)


@transactional
def hand_over_certificate(trainee_id: int) -> HealthCertificate:
    """Her health certificate handed to her."""
    return health.hand_over_certificate(pipeline.get(trainee_id, lock=True))


@transactional
def check_mobile(trainee_id: int, registered: bool) -> MobileCheck:
    """Whether her mobile was ever registered on 58同城."""
    return certification.check_mobile(pipeline.get(trainee_id, lock=True), registered)


@transactional
def graduate(trainee_id: int, service_lines: list[str] | None = None) -> dict:
    """Turn her into a worker; the graduation (trainee_id, worker_id, stage)."""
    trainee = pipeline.get(trainee_id, lock=True)
    worker = graduation.graduate(trainee, service_lines)
    return {"trainee_id": trainee.id, "worker_id": worker.id, "stage": trainee.stage}


# ------------------------------------------------------------------------- exam batches


@transactional
def create_batch(exam_date: dt.date, hospital_id: int, notes: str = "") -> ExamBatch:
    """A new exam batch."""
    return health.create_batch(exam_date, hospital_id, notes)


@transactional
def book(batch_id: int, trainee_id: int, *, details_confirmed: bool,
         id_card_collected: bool = False, payment: str = "company") -> ExamBooking:
    """Book her into a batch (her ID card collected now when ``id_card_collected``)."""
    batch = health.get_batch(batch_id)
    return health.book(batch, pipeline.get(trainee_id, lock=True),
                       details_confirmed=details_confirmed,
                       id_card_collected=id_card_collected, payment=payment)


@transactional
def cancel_booking(batch_id: int, trainee_id: int) -> None:
    """Take her off a batch before the exam."""
    health.cancel_booking(health.get_batch(batch_id), pipeline.get(trainee_id, lock=True))


@transactional
def record_attendance(batch_id: int, trainee_id: int, attended: bool) -> ExamBooking:
    """Whether she came to the exam of the batch."""
    return health.record_attendance(health.get_batch(batch_id),
                                    pipeline.get(trainee_id, lock=True), attended)


@transactional
def record_own_attendance(trainee_id: int, attended: bool) -> ExamBooking:
    """Whether she came to the exam she is booked for (409 when she has none pending)."""
    trainee = pipeline.get(trainee_id, lock=True)
    booking = next((b for b in trainee.bookings if b.attendance is None), None)
    if booking is None:
        raise DomainError(health.NOT_IN_BATCH, status=409)
    return health.record_attendance(booking.batch, trainee, attended)


# ------------------------------------------------------------------ certification lists


@transactional
def create_list(platform_id: int | None = None, notes: str = "") -> CertificationList:
    """A new certification list."""
    return certification.create_list(platform_id, notes)


@transactional
def set_appointment(list_id: int, **data) -> CertificationList:
    """The list's appointment (version, appointment_date, appointment_time, teacher)."""
    return certification.set_appointment(certification.get_list(list_id), **data)


@transactional
def add_entry(list_id: int, trainee_id: int, details_confirmed: bool) -> CertificationEntry:
    """Put her on the list."""
    return certification.add_entry(certification.get_list(list_id),
                                   pipeline.get(trainee_id, lock=True),
                                   details_confirmed=details_confirmed)


@transactional
def put_on_list(trainee_id: int, list_id: int | None,
                details_confirmed: bool) -> CertificationEntry:
    """Put her on a list, a new one when ``list_id`` is None (not kept when she is refused)."""
    cl = certification.get_list(list_id) if list_id else certification.create_list()
    return certification.add_entry(cl, pipeline.get(trainee_id, lock=True),
                                   details_confirmed=details_confirmed)


@transactional
def remove_entry(list_id: int, trainee_id: int) -> None:
    """Take her off the list."""
    certification.remove_entry(certification.get_list(list_id),
                               pipeline.get(trainee_id, lock=True))


@transactional
def record_result(list_id: int, trainee_id: int, *, result: str, reason: str = "",
                  platform_number: str = "",
                  certified_until: dt.date | None = None) -> CertificationEntry:
    """Her result on the list: ``certified`` or ``failed``."""
    return certification.record_result(
        certification.get_list(list_id), pipeline.get(trainee_id, lock=True),
        certified=result == "certified", reason=reason, platform_number=platform_number,
        certified_until=certified_until)


@transactional
def export_list(list_id: int, fmt: str, unmasked: bool, basename: str | None = None):
    """The list as a download (or JSON rows), exactly as on record; the export noted."""
    cl = certification.get_list(list_id)
    resp = exports.respond(certification.EXPORT_HEADERS,
                           certification.export_rows(cl, exports.id_numbers(unmasked)), fmt,
                           basename or f"certification-list-{cl.id}")
    certification.mark_exported(cl, fmt, unmasked)
    return resp


# --------------------------------------------------------------------- group interviews


@transactional
def create_interview(**data) -> GroupInterview:
    """A group interview (partner_id, held_on, place, notes)."""
    return interviews.create(**data)


@transactional
def add_attendee(interview_id: int, trainee_id: int) -> GroupInterviewAttendee:
    """Put her on the interview."""
    return interviews.add_attendee(interviews.get(interview_id), pipeline.get(trainee_id))


@transactional
def record_outcome(interview_id: int, trainee_id: int, outcome: str,
                   note: str = "") -> GroupInterviewAttendee:
    """The partner's verdict on her."""
    return interviews.record_outcome(interviews.get(interview_id), pipeline.get(trainee_id),
                                     outcome, note)


# -------------------------------------------------------------------------- internships


@transactional
def choose_intern(trainee_id: int, hospital_id: int, willing: bool) -> Internship:
    """Choose her for a hospital internship."""
    return internship.choose(pipeline.get(trainee_id, lock=True), hospital_id, willing)


@transactional
def record_training(internship_id: int, trained_on: dt.date, notes: str) -> Internship:
    """The extra training before the hospital's interview."""
    return internship.record_training(internship.get(internship_id), trained_on, notes)


@transactional
def record_hospital_interview(internship_id: int, interview_on: dt.date, accepted: bool,
                              note: str = "") -> Internship:
    """The hospital teacher's interview result."""
    return internship.record_interview(internship.get(internship_id), interview_on, accepted,
                                       note)


@transactional
def start_internship(internship_id: int, start_on: dt.date, end_on: dt.date) -> Internship:
    """Start the internship period (its check-ins planned)."""
    return internship.start(internship.get(internship_id), start_on, end_on)


@transactional
def change_internship_period(internship_id: int, start_on: dt.date, end_on: dt.date,
                             version: int | None = None) -> Internship:
    """Change a running internship's period (its pending check-ins re-planned)."""
    return internship.change_period(internship.get(internship_id), start_on, end_on, version)


@transactional
def check_in(internship_id: int, on: dt.date, channel: str, note: str = "",
             idempotency_key: str | None = None) -> dict:
    """A check-in with the intern (the same day's again changes nothing)."""
    return internship.check_in(internship.get(internship_id), on, channel, note,
                               idempotency_key=idempotency_key)


@transactional
def complete_internship(internship_id: int, completed_on: dt.date,
                        note: str = "") -> Internship:
    """The end of the internship."""
    return internship.complete(internship.get(internship_id), completed_on, note)


@transactional
def abandon_internship(internship_id: int, on: dt.date, note: str = "") -> Internship:
    """She gives the internship up."""
    return internship.abandon(internship.get(internship_id), on, note)


@transactional
def place_intern(internship_id: int, placement: str, placed_on: dt.date) -> Internship:
    """Where the intern was placed in a job."""
    return internship.place(internship.get(internship_id), placement, placed_on)
