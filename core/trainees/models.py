"""Trainee pipeline records: trainees, ID cards held, exams, certificates, the platform's
mobile check, certification lists, group interviews and internships."""
from __future__ import annotations

import datetime as dt

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..extensions import db
from ..timeutil import UTCDateTime, utcnow

#: Pipeline stages in order: code → (Chinese, English). Changed only by the services.
STAGES = {
    "registered": ("已备案", "Registered"),
    "exam_booked": ("已约体检", "Exam booked"),
    "examined": ("已体检待领证", "Examined, certificate pending"),
    "health_certified": ("已有健康证", "Health certificate"),
    "certification_listed": ("58认证名单", "On certification list"),
    "certified": ("已认证", "Certified"),
    "graduated": ("已转为阿姨", "Graduated to worker"),
}
SEXES = {"F": ("女", "Female"), "M": ("男", "Male")}


def _by():
    return mapped_column(sa.ForeignKey("users.id"), nullable=True)


class Trainee(db.Model):
    """A trainee (学员) registered from the daily sheet; her ID number is unique."""

    __tablename__ = "trainees"

    id: Mapped[int] = mapped_column(primary_key=True)
    registered_on: Mapped[dt.date] = mapped_column(sa.Date, index=True)
    name: Mapped[str] = mapped_column(sa.String(64), index=True)
    sex: Mapped[str] = mapped_column(sa.String(1))
    id_number: Mapped[str] = mapped_column(sa.String(18), unique=True)
    birth_date: Mapped[dt.date] = mapped_column(sa.Date)
    mobile: Mapped[str] = mapped_column(sa.String(11), index=True)
    hometown: Mapped[str] = mapped_column(sa.String(64), default="")
    intention: Mapped[str] = mapped_column(sa.String(64), default="")
    service_lines: Mapped[list] = mapped_column(sa.JSON, default=list)
    notes: Mapped[str] = mapped_column(sa.Text, default="")
    stage: Mapped[str] = mapped_column(sa.String(24), default="registered", index=True)
    #: the worker she became at graduation (毕业转为阿姨)
    worker_id: Mapped[int | None] = mapped_column(sa.ForeignKey("workers.id"), unique=True)
    graduated_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)
    version: Mapped[int] = mapped_column(default=1)
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)

    bookings: Mapped[list["ExamBooking"]] = relationship(back_populates="trainee",
                                                         order_by="ExamBooking.id")
    certificates: Mapped[list["HealthCertificate"]] = relationship(
        back_populates="trainee", order_by="HealthCertificate.id")
    id_cards: Mapped[list["IdCardCustody"]] = relationship(back_populates="trainee",
                                                           order_by="IdCardCustody.id")
    mobile_checks: Mapped[list["MobileCheck"]] = relationship(order_by="MobileCheck.id")

    __table_args__ = (
        sa.CheckConstraint("sex IN ('F','M')", name="sex_known"),
        sa.CheckConstraint(
            "stage IN ('registered','exam_booked','examined','health_certified',"
            "'certification_listed','certified','graduated')", name="stage_known"),
    )

    @property
    def certificate(self) -> "HealthCertificate | None":
        """Her latest health certificate (健康证), if any."""
        return self.certificates[-1] if self.certificates else None

    @property
    def id_card(self) -> "IdCardCustody | None":
        """The original ID card the company holds now, if any."""
        return next((c for c in reversed(self.id_cards) if c.returned_at is None), None)

    @property
    def mobile_check(self) -> "MobileCheck | None":
        """The latest 58同城 check of her *current* mobile number, if done."""
        return next((c for c in reversed(self.mobile_checks) if c.mobile == self.mobile), None)


class IdCardCustody(db.Model):
    """The company holds a trainee's original ID card (身份证原件) from collection to return."""

    __tablename__ = "trainee_id_cards"

    id: Mapped[int] = mapped_column(primary_key=True)
    trainee_id: Mapped[int] = mapped_column(sa.ForeignKey("trainees.id"), index=True)
    collected_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)
    collected_by_id: Mapped[int | None] = _by()
    holder_id: Mapped[int | None] = _by()
    returned_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)
    returned_to: Mapped[str] = mapped_column(sa.String(64), default="")
    returned_by_id: Mapped[int | None] = _by()

    trainee: Mapped[Trainee] = relationship(back_populates="id_cards")
    holder = relationship("User", foreign_keys=[holder_id])
    returned_by = relationship("User", foreign_keys=[returned_by_id])


class ExamBatch(db.Model):
    """A group health exam (集中体检) on one date at one hospital partner."""

    __tablename__ = "exam_batches"

    id: Mapped[int] = mapped_column(primary_key=True)
    exam_date: Mapped[dt.date] = mapped_column(sa.Date, index=True)
    hospital_id: Mapped[int] = mapped_column(sa.ForeignKey("partners.id"), index=True)
    notes: Mapped[str] = mapped_column(sa.Text, default="")
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)
    created_by_id: Mapped[int | None] = _by()

    hospital = relationship("Partner")
    bookings: Mapped[list["ExamBooking"]] = relationship(back_populates="batch",
                                                         order_by="ExamBooking.id")


class ExamException(db.Model):
    """A supervisor's recorded exception (主管特批): another company-paid exam for a trainee."""

    __tablename__ = "exam_exceptions"

    id: Mapped[int] = mapped_column(primary_key=True)
    trainee_id: Mapped[int] = mapped_column(sa.ForeignKey("trainees.id"), index=True)
    reason: Mapped[str] = mapped_column(sa.Text)
    granted_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)
    granted_by_id: Mapped[int | None] = _by()

    granted_by = relationship("User", foreign_keys=[granted_by_id])
    #: the booking that used it (at most one); unused while empty
    bookings: Mapped[list["ExamBooking"]] = relationship(back_populates="exception")


class ExamBooking(db.Model):
    """A trainee booked into an exam batch; ``payment`` says who pays (company: once only)."""

    __tablename__ = "exam_bookings"

    id: Mapped[int] = mapped_column(primary_key=True)
    batch_id: Mapped[int] = mapped_column(sa.ForeignKey("exam_batches.id"), index=True)
    trainee_id: Mapped[int] = mapped_column(sa.ForeignKey("trainees.id"), index=True)
    payment: Mapped[str] = mapped_column(sa.String(8))
    exception_id: Mapped[int | None] = mapped_column(sa.ForeignKey("exam_exceptions.id"))
    details_confirmed_at: Mapped[dt.datetime] = mapped_column(UTCDateTime)
    booked_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)
    booked_by_id: Mapped[int | None] = _by()
    attendance: Mapped[str | None] = mapped_column(sa.String(8))
    attendance_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)
    attendance_by_id: Mapped[int | None] = _by()

    batch: Mapped[ExamBatch] = relationship(back_populates="bookings")
    trainee: Mapped[Trainee] = relationship(back_populates="bookings")
    exception: Mapped[ExamException | None] = relationship(back_populates="bookings")

    __table_args__ = (
        sa.UniqueConstraint("batch_id", "trainee_id"),
        sa.CheckConstraint("payment IN ('company','self')", name="payment_known"),
        sa.CheckConstraint("attendance IS NULL OR attendance IN ('attended','no_show')",
                           name="attendance_known"),
    )


class HealthCertificate(db.Model):
    """A health certificate (健康证): received from the hospital, then handed to its owner."""

    __tablename__ = "health_certificates"

    id: Mapped[int] = mapped_column(primary_key=True)
    trainee_id: Mapped[int] = mapped_column(sa.ForeignKey("trainees.id"), index=True)
    booking_id: Mapped[int | None] = mapped_column(sa.ForeignKey("exam_bookings.id"))
    number: Mapped[str] = mapped_column(sa.String(64))
    issued_on: Mapped[dt.date] = mapped_column(sa.Date)
    expires_on: Mapped[dt.date] = mapped_column(sa.Date)
    received_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)
    received_by_id: Mapped[int | None] = _by()
    handed_over_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)
    handed_over_by_id: Mapped[int | None] = _by()

    trainee: Mapped[Trainee] = relationship(back_populates="certificates")

    def valid_on(self, day: dt.date) -> bool:
        """Whether the certificate is in force on ``day``."""
        return self.issued_on <= day <= self.expires_on


class MobileCheck(db.Model):
    """The check that a mobile number was never registered on 58同城 (a recorded yes/no)."""

    __tablename__ = "trainee_mobile_checks"

    id: Mapped[int] = mapped_column(primary_key=True)
    trainee_id: Mapped[int] = mapped_column(sa.ForeignKey("trainees.id"), index=True)
    mobile: Mapped[str] = mapped_column(sa.String(11))
    registered: Mapped[bool] = mapped_column()
    checked_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)
    checked_by_id: Mapped[int | None] = _by()


class CertificationList(db.Model):
    """A list of trainees sent to the platform (58到家认证名单) and its appointment."""

    __tablename__ = "certification_lists"

    id: Mapped[int] = mapped_column(primary_key=True)
    platform_id: Mapped[int | None] = mapped_column(sa.ForeignKey("partners.id"))
    appointment_date: Mapped[dt.date | None] = mapped_column(sa.Date)
    appointment_time: Mapped[dt.time | None] = mapped_column(sa.Time)
    teacher: Mapped[str] = mapped_column(sa.String(64), default="")
    notes: Mapped[str] = mapped_column(sa.Text, default="")
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)
    created_by_id: Mapped[int | None] = _by()
    exported_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)
    version: Mapped[int] = mapped_column(default=1)

    platform = relationship("Partner")
    entries: Mapped[list["CertificationEntry"]] = relationship(
        back_populates="list", order_by="CertificationEntry.id", cascade="all, delete-orphan")


class CertificationEntry(db.Model):
    """One trainee on a certification list, with the details as confirmed (what is exported)."""

    __tablename__ = "certification_entries"

    id: Mapped[int] = mapped_column(primary_key=True)
    list_id: Mapped[int] = mapped_column(sa.ForeignKey("certification_lists.id"), index=True)
    trainee_id: Mapped[int] = mapped_column(sa.ForeignKey("trainees.id"), index=True)
    name: Mapped[str] = mapped_column(sa.String(64))
    sex: Mapped[str] = mapped_column(sa.String(1))
    id_number: Mapped[str] = mapped_column(sa.String(18))
    mobile: Mapped[str] = mapped_column(sa.String(11))
    hometown: Mapped[str] = mapped_column(sa.String(64), default="")
    certificate_number: Mapped[str] = mapped_column(sa.String(64))
    certificate_expires_on: Mapped[dt.date] = mapped_column(sa.Date)
    confirmed_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)
    confirmed_by_id: Mapped[int | None] = _by()
    result: Mapped[str | None] = mapped_column(sa.String(12))
    failure_reason: Mapped[str] = mapped_column(sa.String(255), default="")
    platform_number: Mapped[str] = mapped_column(sa.String(64), default="")
    certified_until: Mapped[dt.date | None] = mapped_column(sa.Date)
    result_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)
    result_by_id: Mapped[int | None] = _by()

    list: Mapped[CertificationList] = relationship(back_populates="entries")
    trainee: Mapped[Trainee] = relationship()

    __table_args__ = (
        sa.UniqueConstraint("list_id", "trainee_id"),
        sa.CheckConstraint("result IS NULL OR result IN ('certified','failed')",
                           name="result_known"),
    )


class GroupInterview(db.Model):
    """A group interview (群面会) held by a partner company for several trainees."""

    __tablename__ = "group_interviews"

    id: Mapped[int] = mapped_column(primary_key=True)
    partner_id: Mapped[int] = mapped_column(sa.ForeignKey("partners.id"), index=True)
    held_on: Mapped[dt.date] = mapped_column(sa.Date, index=True)
    place: Mapped[str] = mapped_column(sa.String(128), default="")
    notes: Mapped[str] = mapped_column(sa.Text, default="")
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)
    created_by_id: Mapped[int | None] = _by()

    partner = relationship("Partner")
    attendees: Mapped[list["GroupInterviewAttendee"]] = relationship(
        back_populates="interview", order_by="GroupInterviewAttendee.id",
        cascade="all, delete-orphan")


class GroupInterviewAttendee(db.Model):
    """A trainee at a group interview and the partner's verdict on her."""

    __tablename__ = "group_interview_attendees"

    id: Mapped[int] = mapped_column(primary_key=True)
    interview_id: Mapped[int] = mapped_column(sa.ForeignKey("group_interviews.id"), index=True)
    trainee_id: Mapped[int] = mapped_column(sa.ForeignKey("trainees.id"), index=True)
    outcome: Mapped[str | None] = mapped_column(sa.String(16))
    note: Mapped[str] = mapped_column(sa.String(255), default="")
    recorded_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)
    recorded_by_id: Mapped[int | None] = _by()

    interview: Mapped[GroupInterview] = relationship(back_populates="attendees")
    trainee: Mapped[Trainee] = relationship()

    __table_args__ = (
        sa.UniqueConstraint("interview_id", "trainee_id"),
        sa.CheckConstraint("outcome IS NULL OR outcome IN ('selected','not_selected','absent')",
                           name="outcome_known"),
    )


#: Internship steps in order: code → (Chinese, English)
INTERNSHIP_STATES = {
    "chosen": ("已选定", "Chosen"),
    "trained": ("已加训", "Extra training done"),
    "accepted": ("医院面试通过", "Accepted by hospital"),
    "rejected": ("医院面试未通过", "Not accepted by hospital"),
    "interning": ("实习中", "Interning"),
    "completed": ("实习结束", "Completed"),
    "placed": ("已安排工作", "Placed"),
    "abandoned": ("已中止实习", "Abandoned"),
}


class Internship(db.Model):
    """A hospital internship (医院实习): chosen → extra training → the hospital's interview →
    internship period with check-ins every two days (follow-ups on the engine, see
    :mod:`core.followups.internships`) → completion → placement (or abandoned)."""

    __tablename__ = "internships"

    id: Mapped[int] = mapped_column(primary_key=True)
    trainee_id: Mapped[int] = mapped_column(sa.ForeignKey("trainees.id"), index=True)
    hospital_id: Mapped[int] = mapped_column(sa.ForeignKey("partners.id"), index=True)
    status: Mapped[str] = mapped_column(sa.String(12), default="chosen", index=True)
    willing: Mapped[bool] = mapped_column(default=True)
    chosen_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)
    chosen_by_id: Mapped[int | None] = _by()
    training_notes: Mapped[str] = mapped_column(sa.Text, default="")
    trained_on: Mapped[dt.date | None] = mapped_column(sa.Date)
    interview_on: Mapped[dt.date | None] = mapped_column(sa.Date)
    interview_note: Mapped[str] = mapped_column(sa.String(255), default="")
    start_on: Mapped[dt.date | None] = mapped_column(sa.Date)
    end_on: Mapped[dt.date | None] = mapped_column(sa.Date)
    completed_on: Mapped[dt.date | None] = mapped_column(sa.Date)
    completion_note: Mapped[str] = mapped_column(sa.String(255), default="")
    placement: Mapped[str] = mapped_column(sa.String(255), default="")
    placed_on: Mapped[dt.date | None] = mapped_column(sa.Date)
    version: Mapped[int] = mapped_column(default=1)

    trainee: Mapped[Trainee] = relationship()
    hospital = relationship("Partner")

    @property
    def check_ins(self) -> list[dict]:
        """The check-ins made (outcomes of its follow-ups on the engine), by date."""
        from ..followups.internships import check_ins

        return check_ins(self.id) if self.id else []

    __table_args__ = (sa.CheckConstraint(
        "status IN ('chosen','trained','accepted','rejected','interning','completed','placed',"
        "'abandoned')",
        name="status_known"),)



class RegistrationHandover(db.Model):
    """The day's trainee registration hand-over (学员备案, 004: 每天下午4点，后勤老师将当天
    最新的学员登记表传给客服部老师): one row per business day, written when the day's sheet
    is imported (``kind='sheet'``, with the last import's counts) or when the desk records
    that there was no sheet that day (``kind='none'``, with the reason). A working day
    without a row by 17:00 raises the reminder."""

    __tablename__ = "registration_handovers"

    id: Mapped[int] = mapped_column(primary_key=True)
    day: Mapped[dt.date] = mapped_column(sa.Date, unique=True)
    kind: Mapped[str] = mapped_column(sa.String(8))
    imports: Mapped[int] = mapped_column(sa.Integer, default=0)
    created_count: Mapped[int] = mapped_column(sa.Integer, default=0)
    filename: Mapped[str] = mapped_column(sa.String(255), default="")
    note: Mapped[str] = mapped_column(sa.String(255), default="")
    first_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)
    last_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)
    by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))

    __table_args__ = (sa.CheckConstraint("kind IN ('sheet','none')", name="kind_known"),)
