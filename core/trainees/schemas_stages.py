"""API schemas of the pipeline's stages: exam batches and certificates (体检、健康证), the
platform certification list (58到家认证), group interviews (群面会) and internships (医院实习)."""
from __future__ import annotations

from marshmallow import Schema, ValidationError, fields, validate, validates_schema

from ..messages import Msg
from .interviews import OUTCOMES
from .models import INTERNSHIP_STATES
from .pickup import pickup_date
from .pipeline import shown_id_number
from .schemas import InSchema, _user


class PartnerBriefSchema(Schema):
    id = fields.Integer()
    name = fields.String()


class TraineeBriefSchema(Schema):
    id = fields.Integer()
    name = fields.String()
    mobile = fields.String()
    stage = fields.String()


# ----------------------------------------------------------------------------- health

class ExamBatchInSchema(InSchema):
    exam_date = fields.Date(required=True)
    hospital_id = fields.Integer(required=True, metadata={"description": "An exam_hospital "
                                                                         "partner."})
    notes = fields.String(load_default="", validate=validate.Length(max=2000))


class BookingSchema(Schema):
    trainee = fields.Nested(TraineeBriefSchema)
    payment = fields.String(metadata={"enum": ["company", "self"]})
    exception_id = fields.Integer(allow_none=True)
    booked_at = fields.DateTime()
    attendance = fields.String(allow_none=True, metadata={"enum": ["attended", "no_show"]})
    attendance_at = fields.DateTime(allow_none=True)


class ExamBatchSchema(Schema):
    id = fields.Integer()
    exam_date = fields.Date()
    hospital = fields.Nested(PartnerBriefSchema)
    pickup_date = fields.Function(lambda b: pickup_date(b.exam_date).date.isoformat(), metadata={
        "description": "Exam date + 4 working days in the official calendar (调休 included)."})
    pickup_date_official = fields.Function(lambda b: pickup_date(b.exam_date).official, metadata={
        "description": "false: the year's official calendar is not yet known; an estimate."})
    notes = fields.String()
    bookings = fields.List(fields.Nested(BookingSchema))


class BookingInSchema(InSchema):
    trainee_id = fields.Integer(required=True)
    details_confirmed = fields.Boolean(required=True, metadata={
        "description": "Her details were confirmed with her (信息已核对)."})
    id_card_collected = fields.Boolean(load_default=False, metadata={
        "description": "Record the collection of her original ID card now."})
    payment = fields.String(load_default="company", validate=validate.OneOf(["company", "self"]))


class AttendanceInSchema(InSchema):
    trainee_id = fields.Integer(required=True)
    attended = fields.Boolean(required=True)


class ExceptionInSchema(InSchema):
    reason = fields.String(required=True, validate=validate.Length(min=1, max=2000))


class ExceptionSchema(Schema):
    id = fields.Integer()
    trainee_id = fields.Integer()
    reason = fields.String()
    granted_at = fields.DateTime()
    granted_by = _user("granted_by")
    booking_id = fields.Function(lambda e: e.bookings[0].id if e.bookings else None,
                                 metadata={"description": "The booking that used it, if any."})


class CertificateInSchema(InSchema):
    number = fields.String(required=True, validate=validate.Length(min=1, max=64))
    issued_on = fields.Date(required=True)
    expires_on = fields.Date(required=True)
    self_arranged = fields.Boolean(load_default=False, metadata={
        "description": "From an exam she arranged and paid herself (自行体检)."})

    @validates_schema(skip_on_field_errors=True)
    def _dates(self, data, **_):
        if data["expires_on"] <= data["issued_on"]:
            raise ValidationError(Msg("The expiry date must be after the issue date.",
                                      "有效期须晚于发证日期。"), "expires_on")


class PickupSchema(Schema):
    trainee = fields.Nested(TraineeBriefSchema)
    batch_id = fields.Function(lambda p: p["batch"].id)
    exam_date = fields.Function(lambda p: p["batch"].exam_date.isoformat())
    pickup_date = fields.Date()
    official = fields.Boolean()
    status = fields.String(metadata={"enum": ["due_today", "overdue", "upcoming"]})


class PickupQuerySchema(InSchema):
    upcoming = fields.Boolean(load_default=False)


# --------------------------------------------------------------------- certification

class MobileCheckInSchema(InSchema):
    registered = fields.Boolean(required=True, metadata={
        "description": "true if the number was ever registered on 58同城 (blocks her)."})


class CertificationListInSchema(InSchema):
    platform_id = fields.Integer(load_default=None)
    notes = fields.String(load_default="", validate=validate.Length(max=2000))


class EntrySchema(Schema):
    trainee_id = fields.Integer()
    name = fields.String()
    sex = fields.String()
    id_number = fields.Function(lambda e: shown_id_number(e.id_number))
    mobile = fields.String()
    hometown = fields.String()
    certificate_number = fields.String()
    certificate_expires_on = fields.Date()
    confirmed_at = fields.DateTime()
    result = fields.String(allow_none=True, metadata={"enum": ["certified", "failed"]})
    failure_reason = fields.String()
    platform_number = fields.String()
    certified_until = fields.Date(allow_none=True)
    result_at = fields.DateTime(allow_none=True)


class CertificationListSchema(Schema):
    id = fields.Integer()
    platform = fields.Nested(PartnerBriefSchema, allow_none=True)
    appointment_date = fields.Date(allow_none=True)
    appointment_time = fields.Time(allow_none=True)
    teacher = fields.String()
    notes = fields.String()
    exported_at = fields.DateTime(allow_none=True)
    version = fields.Integer()
    entries = fields.List(fields.Nested(EntrySchema))


class EntryInSchema(InSchema):
    trainee_id = fields.Integer(required=True)
    details_confirmed = fields.Boolean(required=True)


class AppointmentInSchema(InSchema):
    version = fields.Integer(required=True)
    appointment_date = fields.Date(required=True)
    appointment_time = fields.Time(required=True)
    teacher = fields.String(required=True, validate=validate.Length(min=1, max=64))


class ResultInSchema(InSchema):
    trainee_id = fields.Integer(required=True)
    result = fields.String(required=True, validate=validate.OneOf(["certified", "failed"]))
    reason = fields.String(load_default="", validate=validate.Length(max=255))
    platform_number = fields.String(load_default="", validate=validate.Length(max=64))
    certified_until = fields.Date(load_default=None)


class FormatQuerySchema(InSchema):
    format = fields.String(load_default="xlsx", validate=validate.OneOf(["xlsx", "csv", "json"]),
                           metadata={"description": "xlsx / csv download, or json rows."})
    unmasked = fields.Boolean(load_default=False, metadata={
        "description": "Full ID numbers, for the platform (58到家): needs the platform "
                       "export permission (403 platform_export_required); recorded."})


# ------------------------------------------------------------------ group interviews

class InterviewInSchema(InSchema):
    partner_id = fields.Integer(required=True)
    held_on = fields.Date(required=True)
    place = fields.String(load_default="", validate=validate.Length(max=128))
    notes = fields.String(load_default="", validate=validate.Length(max=2000))


class AttendeeSchema(Schema):
    trainee = fields.Nested(TraineeBriefSchema)
    outcome = fields.String(allow_none=True, metadata={"enum": list(OUTCOMES)})
    note = fields.String()
    recorded_at = fields.DateTime(allow_none=True)


class InterviewSchema(Schema):
    id = fields.Integer()
    partner = fields.Nested(PartnerBriefSchema)
    held_on = fields.Date()
    place = fields.String()
    notes = fields.String()
    attendees = fields.List(fields.Nested(AttendeeSchema))


class AttendeeInSchema(InSchema):
    trainee_id = fields.Integer(required=True)


class OutcomeInSchema(InSchema):
    trainee_id = fields.Integer(required=True)
    outcome = fields.String(required=True, validate=validate.OneOf(list(OUTCOMES)))
    note = fields.String(load_default="", validate=validate.Length(max=255))


# ------------------------------------------------------------------------ internships

class CheckInSchema(Schema):
    """A check-in made: the outcome of one of the internship's follow-ups."""

    on = fields.Date()
    channel = fields.String(metadata={"enum": ["message", "phone"]})
    note = fields.String()
    recorded_at = fields.DateTime()
    followup_id = fields.Integer(metadata={"description": "The follow-up it closed."})
    replayed = fields.Boolean(dump_default=False,
                              metadata={"description": "A repeat that changed nothing."})


class PlannedCheckInSchema(Schema):
    """A check-in follow-up on the engine (/api/v1/followups/<followup_id>)."""

    due_on = fields.Date()
    state = fields.String(metadata={"enum": ["pending", "done", "cancelled"]})
    outcome = fields.String(allow_none=True)
    followup_id = fields.Integer()


class InternshipSchema(Schema):
    id = fields.Integer()
    trainee = fields.Nested(TraineeBriefSchema)
    hospital = fields.Nested(PartnerBriefSchema)
    status = fields.String(metadata={"enum": list(INTERNSHIP_STATES)})
    chosen_at = fields.DateTime()
    training_notes = fields.String()
    trained_on = fields.Date(allow_none=True)
    interview_on = fields.Date(allow_none=True)
    interview_note = fields.String()
    start_on = fields.Date(allow_none=True)
    end_on = fields.Date(allow_none=True)
    completed_on = fields.Date(allow_none=True)
    completion_note = fields.String()
    placement = fields.String()
    placed_on = fields.Date(allow_none=True)
    next_check_in = fields.Function(lambda i: _next(i))
    check_ins = fields.List(fields.Nested(CheckInSchema))
    planned_check_ins = fields.Function(lambda i: PlannedCheckInSchema(many=True).dump(
        _planned(i)), metadata={"description": "Its check-in follow-ups, every two days."})
    version = fields.Integer()


def _planned(internship):
    from .internship import planned_check_ins

    return planned_check_ins(internship)


def _next(internship):
    from .internship import next_check_in

    due = next_check_in(internship)
    return due.isoformat() if due else None


class InternshipInSchema(InSchema):
    trainee_id = fields.Integer(required=True)
    hospital_id = fields.Integer(required=True)
    willing = fields.Boolean(required=True, metadata={"description": "She wants to intern."})


class TrainingInSchema(InSchema):
    trained_on = fields.Date(required=True)
    notes = fields.String(required=True, validate=validate.Length(min=1, max=4000))


class HospitalInterviewInSchema(InSchema):
    interview_on = fields.Date(required=True)
    accepted = fields.Boolean(required=True)
    note = fields.String(load_default="", validate=validate.Length(max=255))


class StartInSchema(InSchema):
    start_on = fields.Date(required=True)
    end_on = fields.Date(required=True)


class PeriodInSchema(InSchema):
    start_on = fields.Date(required=True)
    end_on = fields.Date(required=True)
    version = fields.Integer(required=True, metadata={"description": "The version you read."})


class AbandonInSchema(InSchema):
    on = fields.Date(required=True)
    note = fields.String(load_default="", validate=validate.Length(max=255))


class CheckInInSchema(InSchema):
    on = fields.Date(required=True)
    channel = fields.String(required=True, validate=validate.OneOf(["message", "phone"]))
    note = fields.String(load_default="", validate=validate.Length(max=500))


class CompleteInSchema(InSchema):
    completed_on = fields.Date(required=True)
    note = fields.String(load_default="", validate=validate.Length(max=255))


class PlaceInSchema(InSchema):
    placement = fields.String(required=True, validate=validate.Length(min=1, max=255))
    placed_on = fields.Date(required=True)


class CheckInDueSchema(Schema):
    internship_id = fields.Function(lambda d: d["internship"].id)
    followup_id = fields.Integer(metadata={"description": "The engine's follow-up due."})
    assignee_id = fields.Integer(allow_none=True)
    trainee = fields.Nested(TraineeBriefSchema)
    due_on = fields.Date()
    status = fields.String(metadata={"enum": ["due_today", "overdue"]})
