"""Stage endpoints of the trainee API: exam batches (/api/v1/exam-batches), certification
lists (/api/v1/certification-lists), group interviews (/api/v1/group-interviews) and
internships (/api/v1/internships). Thin: parse, call one service step (:mod:`.steps`, which
commits), respond."""
from __future__ import annotations

from flask import request

from ..access import roles
from . import certification, health, internship, interviews, steps
from .blueprint import blp
from .pipeline import MANAGERS
from .schemas import FILE_RESPONSES, TableSchema
from .schemas_stages import (
    AbandonInSchema,
    AppointmentInSchema,
    AttendanceInSchema,
    AttendeeInSchema,
    AttendeeSchema,
    BookingInSchema,
    BookingSchema,
    CertificationListInSchema,
    CertificationListSchema,
    CheckInDueSchema,
    CheckInInSchema,
    CheckInSchema,
    CompleteInSchema,
    EntryInSchema,
    EntrySchema,
    ExamBatchInSchema,
    ExamBatchSchema,
    FormatQuerySchema,
    HospitalInterviewInSchema,
    InternshipInSchema,
    InternshipSchema,
    InterviewInSchema,
    InterviewSchema,
    OutcomeInSchema,
    PeriodInSchema,
    PickupQuerySchema,
    PickupSchema,
    PlaceInSchema,
    ResultInSchema,
    StartInSchema,
    TrainingInSchema,
)

# ------------------------------------------------------------------ exam batches (体检)


@blp.route("/exam-batches")
@roles(*MANAGERS)
@blp.response(200, ExamBatchSchema(many=True))
def list_batches():
    """Exam batches, latest first, each with its pickup date and bookings."""
    return health.list_batches()


@blp.route("/exam-batches", methods=["POST"])
@roles(*MANAGERS)
@blp.arguments(ExamBatchInSchema)
@blp.response(201, ExamBatchSchema)
def create_batch(data):
    """Create an exam batch on a date at an exam hospital."""
    return steps.create_batch(data["exam_date"], data["hospital_id"], data["notes"])


@blp.route("/exam-batches/pickups")
@roles(*MANAGERS)
@blp.arguments(PickupQuerySchema, location="query")
@blp.response(200, PickupSchema(many=True))
def pickups(args):
    """Certificates to pick up today or overdue (exam + 4 working days); ``upcoming=true``
    lists the later ones too."""
    return health.pickups(upcoming=args["upcoming"])


@blp.route("/exam-batches/<int:batch_id>")
@roles(*MANAGERS)
@blp.response(200, ExamBatchSchema)
def get_batch(batch_id):
    """One exam batch with its bookings."""
    return health.get_batch(batch_id)


@blp.route("/exam-batches/<int:batch_id>/bookings", methods=["POST"])
@roles(*MANAGERS)
@blp.arguments(BookingInSchema)
@blp.response(201, BookingSchema)
def book(data, batch_id):
    """Book a trainee: details confirmed, original ID card held (or collected now), and the
    company pays once only — otherwise 409 with the reason."""
    return steps.book(batch_id, data["trainee_id"], details_confirmed=data["details_confirmed"],
                      id_card_collected=data["id_card_collected"], payment=data["payment"])


@blp.route("/exam-batches/<int:batch_id>/bookings/<int:trainee_id>", methods=["DELETE"])
@roles(*MANAGERS)
@blp.response(204)
def cancel_booking(batch_id, trainee_id):
    """Take a trainee off a batch before the exam (no paid place is lost)."""
    steps.cancel_booking(batch_id, trainee_id)


@blp.route("/exam-batches/<int:batch_id>/attendance", methods=["POST"])
@roles(*MANAGERS)
@blp.arguments(AttendanceInSchema)
@blp.response(200, BookingSchema)
def record_attendance(data, batch_id):
    """Record whether a booked trainee came to the exam (a no-show loses the paid place)."""
    return steps.record_attendance(batch_id, data["trainee_id"], data["attended"])


# -------------------------------------------------------- certification lists (58到家认证)


@blp.route("/certification-lists")
@roles(*MANAGERS)
@blp.response(200, CertificationListSchema(many=True))
def list_certification_lists():
    """Certification lists, latest first."""
    return certification.list_lists()


@blp.route("/certification-lists", methods=["POST"])
@roles(*MANAGERS)
@blp.arguments(CertificationListInSchema)
@blp.response(201, CertificationListSchema)
def create_certification_list(data):
    """Start a certification list for the platform."""
    return steps.create_list(data["platform_id"], data["notes"])


@blp.route("/certification-lists/<int:list_id>")
@roles(*MANAGERS)
@blp.response(200, CertificationListSchema)
def get_certification_list(list_id):
    """One certification list with its entries and results."""
    return certification.get_list(list_id)


@blp.route("/certification-lists/<int:list_id>", methods=["PATCH"])
@roles(*MANAGERS)
@blp.arguments(AppointmentInSchema)
@blp.response(200, CertificationListSchema)
def set_appointment(data, list_id):
    """Record the appointment: date, time and the teacher taking the group."""
    return steps.set_appointment(list_id, **data)


@blp.route("/certification-lists/<int:list_id>/entries", methods=["POST"])
@roles(*MANAGERS)
@blp.arguments(EntryInSchema)
@blp.response(201, EntrySchema)
def add_entry(data, list_id):
    """List a trainee (409 "no valid health certificate", mobile registered/unchecked …)."""
    return steps.add_entry(list_id, data["trainee_id"], data["details_confirmed"])


@blp.route("/certification-lists/<int:list_id>/entries/<int:trainee_id>", methods=["DELETE"])
@roles(*MANAGERS)
@blp.response(204)
def remove_entry(list_id, trainee_id):
    """Take a trainee off the list before her result is recorded."""
    steps.remove_entry(list_id, trainee_id)


@blp.route("/certification-lists/<int:list_id>/results", methods=["POST"])
@roles(*MANAGERS)
@blp.arguments(ResultInSchema)
@blp.response(200, EntrySchema)
def record_result(data, list_id):
    """Record a trainee's result: certified (number, valid until) or failed with reason."""
    return steps.record_result(list_id, data["trainee_id"], result=data["result"],
                               reason=data["reason"], platform_number=data["platform_number"],
                               certified_until=data["certified_until"])


@blp.route("/certification-lists/<int:list_id>/export")
@roles(*MANAGERS)
@blp.arguments(FormatQuerySchema, location="query")
@blp.response(200, TableSchema, description="The list as XLSX, CSV or JSON rows, exactly as "
                                             "on record.")
@blp.doc(**FILE_RESPONSES)
def export_certification_list(args, list_id):
    """Export the list for the platform's contact: ID numbers masked, or in full with
    ``unmasked=true`` for a holder of the platform export permission (recorded)."""
    return steps.export_list(list_id, args["format"], args["unmasked"])


# ---------------------------------------------------------------- group interviews (群面会)


@blp.route("/group-interviews")
@roles(*MANAGERS)
@blp.response(200, InterviewSchema(many=True))
def list_interviews():
    """Group interviews with partner companies, latest first."""
    return interviews.list_all()


@blp.route("/group-interviews", methods=["POST"])
@roles(*MANAGERS)
@blp.arguments(InterviewInSchema)
@blp.response(201, InterviewSchema)
def create_interview(data):
    """Record a group interview held by a partner company."""
    return steps.create_interview(**data)


@blp.route("/group-interviews/<int:interview_id>")
@roles(*MANAGERS)
@blp.response(200, InterviewSchema)
def get_interview(interview_id):
    """One group interview with its attendees and outcomes."""
    return interviews.get(interview_id)


@blp.route("/group-interviews/<int:interview_id>/attendees", methods=["POST"])
@roles(*MANAGERS)
@blp.arguments(AttendeeInSchema)
@blp.response(201, AttendeeSchema)
def add_attendee(data, interview_id):
    """Put a trainee on the interview."""
    return steps.add_attendee(interview_id, data["trainee_id"])


@blp.route("/group-interviews/<int:interview_id>/outcomes", methods=["POST"])
@roles(*MANAGERS)
@blp.arguments(OutcomeInSchema)
@blp.response(200, AttendeeSchema)
def record_outcome(data, interview_id):
    """Record the partner's verdict on one attendee."""
    return steps.record_outcome(interview_id, data["trainee_id"], data["outcome"], data["note"])


# -------------------------------------------------------------------- internships (医院实习)


@blp.route("/internships")
@roles(*MANAGERS)
@blp.response(200, InternshipSchema(many=True))
def list_internships():
    """Hospital internships, latest first."""
    return internship.list_all()


@blp.route("/internships", methods=["POST"])
@roles(*MANAGERS)
@blp.arguments(InternshipInSchema)
@blp.response(201, InternshipSchema)
def choose_intern(data):
    """Choose a willing trainee with a valid health certificate for a hospital."""
    return steps.choose_intern(data["trainee_id"], data["hospital_id"], data["willing"])


@blp.route("/internships/check-ins-due")
@roles(*MANAGERS)
@blp.response(200, CheckInDueSchema(many=True))
def check_ins_due():
    """Interns to check in with (every two days) today or overdue: each internship's
    check-in follow-up due first, from the follow-up engine."""
    return internship.check_ins_due()


@blp.route("/internships/<int:internship_id>")
@roles(*MANAGERS)
@blp.response(200, InternshipSchema)
def get_internship(internship_id):
    """One internship with its check-ins."""
    return internship.get(internship_id)


@blp.route("/internships/<int:internship_id>/training", methods=["POST"])
@roles(*MANAGERS)
@blp.arguments(TrainingInSchema)
@blp.response(200, InternshipSchema)
def record_training(data, internship_id):
    """Record the extra training given before the hospital's interview."""
    return steps.record_training(internship_id, **data)


@blp.route("/internships/<int:internship_id>/interview", methods=["POST"])
@roles(*MANAGERS)
@blp.arguments(HospitalInterviewInSchema)
@blp.response(200, InternshipSchema)
def record_hospital_interview(data, internship_id):
    """Record the hospital teacher's interview result."""
    return steps.record_hospital_interview(internship_id, **data)


@blp.route("/internships/<int:internship_id>/start", methods=["POST"])
@roles(*MANAGERS)
@blp.arguments(StartInSchema)
@blp.response(200, InternshipSchema)
def start_internship(data, internship_id):
    """Start the internship period."""
    return steps.start_internship(internship_id, **data)


@blp.route("/internships/<int:internship_id>/period", methods=["POST"])
@roles(*MANAGERS)
@blp.arguments(PeriodInSchema)
@blp.response(200, InternshipSchema)
def change_internship_period(data, internship_id):
    """Change a running internship's period; its pending check-ins are re-planned. A stale
    ``version`` → 409."""
    return steps.change_internship_period(internship_id, **data)


@blp.route("/internships/<int:internship_id>/check-ins", methods=["POST"])
@roles(*MANAGERS)
@blp.arguments(CheckInInSchema)
@blp.response(201, CheckInSchema)
def record_check_in(data, internship_id):
    """Record a check-in with the intern (message or phone): the outcome of the check-in
    follow-up due first. The same day's check-in sent again answers ``replayed: true``
    (``Idempotency-Key`` header for another key)."""
    key = request.headers.get("Idempotency-Key") or None
    return steps.check_in(internship_id, idempotency_key=key, **data)


@blp.route("/internships/<int:internship_id>/abandon", methods=["POST"])
@roles(*MANAGERS)
@blp.arguments(AbandonInSchema)
@blp.response(200, InternshipSchema)
def abandon_internship(data, internship_id):
    """She gives the internship up before completing it; pending check-ins are cancelled."""
    return steps.abandon_internship(internship_id, **data)


@blp.route("/internships/<int:internship_id>/complete", methods=["POST"])
@roles(*MANAGERS)
@blp.arguments(CompleteInSchema)
@blp.response(200, InternshipSchema)
def complete_internship(data, internship_id):
    """Record the end of the internship."""
    return steps.complete_internship(internship_id, **data)


@blp.route("/internships/<int:internship_id>/placement", methods=["POST"])
@roles(*MANAGERS)
@blp.arguments(PlaceInSchema)
@blp.response(200, InternshipSchema)
def place_intern(data, internship_id):
    """Record where the intern was placed in a job."""
    return steps.place_intern(internship_id, **data)
