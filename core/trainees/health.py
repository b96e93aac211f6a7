"""Health check (体检) and health certificate (健康证).

Exams are booked in batches at an exam hospital. Before booking, each trainee's details
are confirmed and her original ID card (身份证原件) collected; the company knows whose
cards it holds, who holds them and when each was returned. The company pays one exam
per trainee: a booked trainee who does not attend loses the paid place, and booking her
again needs a self-paid mark or a supervisor's recorded exception. The certificate is
collected 4 working days after the exam; receiving it and handing it to its owner are
two recorded events.
"""
from __future__ import annotations

import datetime as dt

import sqlalchemy as sa

from ..audit.service import record
from ..errors import Invalid, NotFound
from ..extensions import db
from ..messages import Msg
from ..partners.service import require_kind
from ..timeutil import business_today, utcnow
from .models import (
    STAGES,
    ExamBatch,
    ExamBooking,
    ExamException,
    HealthCertificate,
    IdCardCustody,
    Trainee,
)
from .pickup import pickup_date
from .pipeline import actor_id, move, not_graduated, refuse

NOT_CONFIRMED = Msg("Confirm her details with her before booking.", "预约前请先与学员核对信息。")
NO_CARD = Msg("Her original ID card has not been collected.", "尚未收取她的身份证原件。")
CARD_HELD = Msg("The company already holds her ID card.", "公司已在保管她的身份证原件。")
CARD_NOT_HELD = Msg("The company does not hold her ID card.", "公司未保管她的身份证原件。")
ALREADY_BOOKED = Msg("She is already booked for the exam on {date}.", "她已预约 {date} 的体检。")
NOT_BOOKABLE = Msg("Only a registered trainee without an exam can be booked (she is: {stage}).",
                   "只有已备案、尚未体检的学员可以预约体检（当前：{stage_zh}）。")
PAST_EXAM = Msg("This exam date has passed.", "该体检日期已过。")
PAID_USED = Msg("Her company-paid exam was used ({why}); book her as self-paid or record a "
                "supervisor's exception first.",
                "公司付费的体检名额已用（{why_zh}）；请改为自费，或先由主管记录特批。")
EXCEPTION_OPEN = Msg("She already has an unused exception.", "她已有一项未使用的特批。")
NOT_YET = Msg("The exam date has not come yet.", "体检日期未到。")
ATTENDANCE_DONE = Msg("Attendance is already recorded.", "已登记过是否到检。")
NOT_IN_BATCH = Msg("She is not booked in this batch.", "她不在该体检批次中。")
NO_EXAM_AWAITING = Msg("She has no attended exam awaiting a certificate.",
                       "她没有已到检、待领证的体检。")
NO_CERTIFICATE = Msg("No certificate has been received for her.", "尚未收到她的健康证。")
HANDED = Msg("The certificate was already handed to her.", "健康证已发放给她。")


# ------------------------------------------------------------------- ID cards (身份证原件)

def collect_id_card(trainee: Trainee, holder_id: int | None = None) -> IdCardCustody:
    """Record that the company now holds her original ID card (and who keeps it)."""
    not_graduated(trainee)
    if trainee.id_card:
        refuse(CARD_HELD, code="id_card_held")
    if holder_id is not None:
        from ..accounts.models import User

        holder = db.session.get(User, holder_id)
        if holder is None or not holder.active:
            msg = Msg("No such active member of staff.", "找不到该在职员工。")
            raise Invalid(fields={"holder_id": [{"en": str(msg), "zh": msg.zh}]})
    card = IdCardCustody(trainee=trainee, collected_by_id=actor_id(),
                         holder_id=holder_id or actor_id())
    db.session.add(card)
    db.session.flush()
    record("update", "trainee", trainee.id, "original ID card collected")
    return card


def return_id_card(trainee: Trainee, returned_to: str) -> IdCardCustody:
    """Record the card's return, to her or to whom it was given."""
    card = trainee.id_card
    if card is None:
        refuse(CARD_NOT_HELD, code="id_card_not_held")
    card.returned_at, card.returned_to, card.returned_by_id = utcnow(), returned_to, actor_id()
    record("update", "trainee", trainee.id, f"original ID card returned to {returned_to}"[:255])
    return card


def held_id_cards() -> list[IdCardCustody]:
    """Every ID card the company holds now, oldest first."""
    return list(db.session.scalars(sa.select(IdCardCustody).where(
        IdCardCustody.returned_at.is_(None)).order_by(IdCardCustody.collected_at)))


# ------------------------------------------------------------------------- exam batches

def create_batch(exam_date: dt.date, hospital_id: int, notes: str = "") -> ExamBatch:
    """A new exam batch on a date at an exam hospital (体检医院)."""
    require_kind(hospital_id, "exam_hospital")
    batch = ExamBatch(exam_date=exam_date, hospital_id=hospital_id, notes=notes,
                      created_by_id=actor_id())
    db.session.add(batch)
    db.session.flush()
    record("create", "exam_batch", batch.id, f"exam batch on {exam_date.isoformat()}")
    return batch


def get_batch(batch_id: int) -> ExamBatch:
    """One exam batch, or 404."""
    batch = db.session.get(ExamBatch, batch_id)
    if batch is None:
        raise NotFound(Msg("No such exam batch.", "找不到该体检批次。"))
    return batch


def list_batches() -> list[ExamBatch]:
    """Exam batches, latest first."""
    return list(db.session.scalars(sa.select(ExamBatch).order_by(ExamBatch.exam_date.desc(),
                                                                 ExamBatch.id.desc())))


def grant_exception(trainee: Trainee, reason: str) -> ExamException:
    """A supervisor's exception (主管特批): one more company-paid exam, with who/why/when."""
    not_graduated(trainee)
    if _unused_exception(trainee):
        refuse(EXCEPTION_OPEN, code="exception_open")
    exception = ExamException(trainee_id=trainee.id, reason=reason, granted_by_id=actor_id())
    db.session.add(exception)
    db.session.flush()
    record("create", "exam_exception", exception.id,
           f"trainee #{trainee.id}: another company-paid exam approved")
    return exception


def _unused_exception(trainee: Trainee) -> ExamException | None:
    used = sa.select(ExamBooking.id).where(ExamBooking.exception_id == ExamException.id)
    return db.session.scalars(sa.select(ExamException).where(
        ExamException.trainee_id == trainee.id, ~used.exists())).first()


def _paid_place_used(trainee: Trainee) -> dict | None:
    """Why her company-paid place is gone (a no-show or an attended exam), else None."""
    for booking in trainee.bookings:
        if booking.payment == "company" and booking.attendance:
            date = booking.batch.exam_date.isoformat()
            if booking.attendance == "no_show":
                return {"why": f"did not attend on {date}", "why_zh": f"{date} 预约未到检"}
            return {"why": f"examined on {date}", "why_zh": f"{date} 已体检"}
    return None


def book(batch: ExamBatch, trainee: Trainee, *, details_confirmed: bool,
         id_card_collected: bool = False, payment: str = "company",
         today: dt.date | None = None) -> ExamBooking:
    """Book a trainee into an exam batch; refused (409) unless every prerequisite holds."""
    today = today or business_today()
    not_graduated(trainee)
    pending = next((b for b in trainee.bookings if b.attendance is None), None)
    if pending:
        refuse(ALREADY_BOOKED.format(date=pending.batch.exam_date.isoformat()),
               code="already_booked")
    if trainee.stage != "registered":
        refuse(NOT_BOOKABLE.format(stage=STAGES[trainee.stage][1],
                                   stage_zh=STAGES[trainee.stage][0]), code="not_bookable")
    if batch.exam_date < today:
        refuse(PAST_EXAM, code="exam_date_passed")
    if not details_confirmed:
        refuse(NOT_CONFIRMED, code="details_not_confirmed")
    exception = None
    if payment == "company":
        used = _paid_place_used(trainee)
        if used:
            exception = _unused_exception(trainee)
            if exception is None:
                refuse(PAID_USED.format(**used), code="paid_exam_used")
    if trainee.id_card is None:
        if not id_card_collected:
            refuse(NO_CARD, code="id_card_not_collected")
        collect_id_card(trainee)
    booking = ExamBooking(batch=batch, trainee=trainee, payment=payment,
                          exception_id=exception.id if exception else None,
                          details_confirmed_at=utcnow(), booked_by_id=actor_id())
    db.session.add(booking)
    db.session.flush()
    move(trainee, "exam_booked", f"booked for exam batch #{batch.id} ({payment}-paid)")
    return booking


def booking_of(batch: ExamBatch, trainee: Trainee) -> ExamBooking:
    """Her booking in this batch, or 404."""
    booking = next((b for b in batch.bookings if b.trainee_id == trainee.id), None)
    if booking is None:
        raise NotFound(NOT_IN_BATCH)
    return booking


def cancel_booking(batch: ExamBatch, trainee: Trainee, today: dt.date | None = None) -> None:
    """Take her off a batch before the exam (no place is lost; an exception is freed)."""
    booking = booking_of(batch, trainee)
    if booking.attendance is not None:
        refuse(ATTENDANCE_DONE, code="attendance_recorded")
    if batch.exam_date < (today or business_today()):
        refuse(PAST_EXAM, code="exam_date_passed")
    db.session.delete(booking)  # an exception it used is free again
    db.session.flush()
    move(trainee, "registered", f"booking in exam batch #{batch.id} cancelled")


def record_attendance(batch: ExamBatch, trainee: Trainee, attended: bool,
                      today: dt.date | None = None) -> ExamBooking:
    """Record whether she came to the exam; a no-show loses the company-paid place."""
    booking = booking_of(batch, trainee)
    if booking.attendance is not None:
        refuse(ATTENDANCE_DONE, code="attendance_recorded")
    if batch.exam_date > (today or business_today()):
        refuse(NOT_YET, code="exam_date_not_reached")
    booking.attendance = "attended" if attended else "no_show"
    booking.attendance_at, booking.attendance_by_id = utcnow(), actor_id()
    if attended:
        move(trainee, "examined", f"attended exam batch #{batch.id}")
    else:
        move(trainee, "registered", f"did not attend exam batch #{batch.id}"
             + (" (company-paid place lost)" if booking.payment == "company" else ""))
    return booking


# --------------------------------------------------------------- certificates (健康证)

def receive_certificate(trainee: Trainee, *, number: str, issued_on: dt.date,
                        expires_on: dt.date, self_arranged: bool = False) -> HealthCertificate:
    """Record a certificate received from the hospital (number, issue and expiry dates).

    ``self_arranged``: an exam she arranged and paid herself elsewhere (自行体检).
    """
    not_graduated(trainee)
    if expires_on <= issued_on:
        msg = Msg("The expiry date must be after the issue date.", "有效期须晚于发证日期。")
        raise Invalid(fields={"expires_on": [{"en": str(msg), "zh": msg.zh}]})
    booking = None
    if trainee.stage == "examined":
        booking = next(b for b in reversed(trainee.bookings) if b.attendance == "attended")
    elif not (self_arranged and trainee.stage == "registered"):
        refuse(NO_EXAM_AWAITING, code="no_exam_awaiting_certificate")
    cert = HealthCertificate(trainee=trainee, booking_id=booking.id if booking else None,
                             number=number, issued_on=issued_on, expires_on=expires_on,
                             received_by_id=actor_id())
    db.session.add(cert)
    db.session.flush()
    move(trainee, "health_certified", f"health certificate {number} received"[:255])
    return cert


def hand_over_certificate(trainee: Trainee) -> HealthCertificate:
    """Record that her certificate was handed to her (发放)."""
    cert = trainee.certificate
    if cert is None:
        refuse(NO_CERTIFICATE, code="no_certificate")
    if cert.handed_over_at:
        refuse(HANDED, code="already_handed_over")
    cert.handed_over_at, cert.handed_over_by_id = utcnow(), actor_id()
    record("update", "trainee", trainee.id, "health certificate handed to her")
    return cert


def pickups(today: dt.date | None = None, upcoming: bool = False) -> list[dict]:
    """The errand list (领证): attended exams whose certificate is still to be collected,
    with the pickup date (exam + 4 working days) and whether it is due today or overdue."""
    today = today or business_today()
    stmt = (sa.select(ExamBooking).join(ExamBooking.trainee).join(ExamBooking.batch)
            .where(ExamBooking.attendance == "attended", Trainee.stage == "examined")
            .order_by(ExamBatch.exam_date, ExamBooking.id))
    out = []
    for booking in db.session.scalars(stmt):
        due = pickup_date(booking.batch.exam_date)
        status = ("overdue" if due.date < today else "due_today" if due.date == today
                  else "upcoming")
        if status != "upcoming" or upcoming:
            out.append({"trainee": booking.trainee, "batch": booking.batch,
                        "pickup_date": due.date, "official": due.official, "status": status})
    return out
