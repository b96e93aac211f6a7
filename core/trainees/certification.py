"""Platform certification (58到家认证).

Only trainees with a valid health certificate can be listed. For each, her details are
confirmed and her mobile number checked never to have been registered on 58同城 (a
recorded yes/no; a registered number blocks her until she changes it). The list goes to
the platform's contact, the appointment (date, time, teacher taking the group) is
recorded, then each result: certified, or failed with the reason. The list keeps the
details as confirmed, and the export is built from exactly those records.
"""
from __future__ import annotations

import datetime as dt

import sqlalchemy as sa

from ..audit.service import record
from ..errors import Conflict, Invalid, NotFound
from ..extensions import db
from ..messages import Msg
from ..partners.service import require_kind
from ..timeutil import business_today, utcnow
from .models import CertificationEntry, CertificationList, MobileCheck, Trainee
from .pipeline import actor_id, move, not_graduated, refuse

NO_VALID_CERTIFICATE = Msg("No valid health certificate.", "没有有效的健康证。")
NOT_CONFIRMED = Msg("Confirm her details with her before listing.",
                    "列入名单前请先与学员核对信息。")
MOBILE_UNCHECKED = Msg("Check first that her mobile number was never registered on 58同城.",
                       "请先核实她的手机号从未在58同城注册过。")
MOBILE_REGISTERED = Msg("Her mobile number is already registered on 58同城; she must change "
                        "her number first.", "她的手机号已在58同城注册，须先更换号码。")
ALREADY_LISTED = Msg("She is already on a certification list.", "她已在58认证名单上。")
ALREADY_CERTIFIED = Msg("She is already certified.", "她已通过58认证。")
NOT_ON_LIST = Msg("She is not on this list.", "她不在该名单上。")
RESULT_DONE = Msg("Her result is already recorded.", "已登记过她的认证结果。")
NO_APPOINTMENT = Msg("Record the appointment (date, time, teacher) first.",
                     "请先登记预约的认证日期、时间和带队老师。")
NOT_YET = Msg("The appointment date has not come yet.", "认证日期未到。")
STALE = Msg("Someone changed this list since you read it; reload and try again.",
            "该名单已被他人修改，请刷新后重试。")

#: columns of the list sent to the platform, in order
EXPORT_HEADERS = ["序号", "姓名", "性别", "身份证号", "手机号", "籍贯", "健康证编号",
                  "健康证有效期至"]


def check_mobile(trainee: Trainee, registered: bool) -> MobileCheck:
    """Record whether her current mobile was ever registered on 58同城 (yes blocks her)."""
    not_graduated(trainee)
    check = MobileCheck(trainee_id=trainee.id, mobile=trainee.mobile, registered=registered,
                        checked_by_id=actor_id())
    db.session.add(check)
    trainee.mobile_checks.append(check)
    db.session.flush()
    record("update", "trainee", trainee.id, "58同城 mobile check: " +
           ("registered (blocked)" if registered else "never registered"))
    return check


def create_list(platform_id: int | None = None, notes: str = "") -> CertificationList:
    """A new certification list (58认证名单), optionally naming the platform partner."""
    if platform_id is not None:
        require_kind(platform_id, "certification_platform")
    cl = CertificationList(platform_id=platform_id, notes=notes, created_by_id=actor_id())
    db.session.add(cl)
    db.session.flush()
    record("create", "certification_list", cl.id, "certification list created")
    return cl


def get_list(list_id: int) -> CertificationList:
    """One certification list, or 404."""
    cl = db.session.get(CertificationList, list_id)
    if cl is None:
        raise NotFound(Msg("No such certification list.", "找不到该认证名单。"))
    return cl


def list_lists() -> list[CertificationList]:
    """Certification lists, latest first."""
    return list(db.session.scalars(sa.select(CertificationList).order_by(
        CertificationList.id.desc())))


def listing_blocker(trainee: Trainee, today: dt.date) -> Msg | None:
    """Why she cannot be listed now (no valid certificate, mobile …), or None."""
    if trainee.stage == "certification_listed":
        return ALREADY_LISTED
    if trainee.stage == "certified":
        return ALREADY_CERTIFIED
    cert = trainee.certificate
    if trainee.stage != "health_certified" or cert is None or not cert.valid_on(today):
        return NO_VALID_CERTIFICATE
    check = trainee.mobile_check
    if check is None:
        return MOBILE_UNCHECKED
    if check.registered:
        return MOBILE_REGISTERED
    return None


def add_entry(cl: CertificationList, trainee: Trainee, *, details_confirmed: bool,
              today: dt.date | None = None) -> CertificationEntry:
    """Put a trainee on the list with her details as confirmed now; refused (409) unless
    she has a valid health certificate and a mobile never registered on 58同城."""
    today = today or business_today()
    not_graduated(trainee)
    blocker = listing_blocker(trainee, today)
    if blocker:
        code = {NO_VALID_CERTIFICATE: "no_valid_health_certificate",
                MOBILE_REGISTERED: "mobile_registered", MOBILE_UNCHECKED: "mobile_unchecked"}
        refuse(blocker, code=code.get(blocker, "stage_refused"))
    if not details_confirmed:
        refuse(NOT_CONFIRMED, code="details_not_confirmed")
    cert = trainee.certificate
    entry = CertificationEntry(
        list=cl, trainee=trainee, name=trainee.name, sex=trainee.sex,
        id_number=trainee.id_number, mobile=trainee.mobile, hometown=trainee.hometown,
        certificate_number=cert.number, certificate_expires_on=cert.expires_on,
        confirmed_by_id=actor_id())
    db.session.add(entry)
    db.session.flush()
    move(trainee, "certification_listed", f"put on certification list #{cl.id}")
    return entry


def entry_of(cl: CertificationList, trainee_id: int) -> CertificationEntry:
    """Her entry on the list, or 404."""
    entry = next((e for e in cl.entries if e.trainee_id == trainee_id), None)
    if entry is None:
        raise NotFound(NOT_ON_LIST)
    return entry


def remove_entry(cl: CertificationList, trainee: Trainee) -> None:
    """Take her off the list before a result is recorded."""
    entry = entry_of(cl, trainee.id)
    if entry.result:
        refuse(RESULT_DONE, code="result_recorded")
    cl.entries.remove(entry)
    db.session.flush()
    move(trainee, "health_certified", f"taken off certification list #{cl.id}")


def set_appointment(cl: CertificationList, *, version: int, appointment_date: dt.date,
                    appointment_time: dt.time, teacher: str) -> CertificationList:
    """Record the appointment with the platform: date, time and the teacher taking the group."""
    if version != cl.version:
        raise Conflict(STALE, code="stale_version")
    cl.appointment_date, cl.appointment_time, cl.teacher = (appointment_date, appointment_time,
                                                            teacher)
    cl.version += 1
    record("update", "certification_list", cl.id, f"appointment {appointment_date.isoformat()} "
           f"{appointment_time.strftime('%H:%M')} with {teacher}"[:255])
    return cl


def record_result(cl: CertificationList, trainee: Trainee, *, certified: bool,
                  reason: str = "", platform_number: str = "",
                  certified_until: dt.date | None = None,
                  today: dt.date | None = None) -> CertificationEntry:
    """Record her result on the day: certified (with the platform's certification number
    and how long it is valid, carried into her worker record), or failed with the reason."""
    entry = entry_of(cl, trainee.id)
    if entry.result:
        refuse(RESULT_DONE, code="result_recorded")
    if cl.appointment_date is None:
        refuse(NO_APPOINTMENT, code="no_appointment")
    if cl.appointment_date > (today or business_today()):
        refuse(NOT_YET, code="appointment_not_reached")
    today = today or business_today()
    errors = {}
    if not certified and not reason.strip():
        errors["reason"] = Msg("Say why she failed.", "请填写未通过的原因。")
    if certified and not platform_number.strip():
        errors["platform_number"] = Msg("Give the platform's certification number.",
                                        "请填写58到家认证编号。")
    if certified and (certified_until is None or certified_until <= today):
        errors["certified_until"] = Msg("Give the date the certification is valid until "
                                        "(after today).", "请填写认证有效期（须晚于今天）。")
    if errors:
        raise Invalid(fields={k: [{"en": str(m), "zh": m.zh}] for k, m in errors.items()})
    entry.result = "certified" if certified else "failed"
    entry.failure_reason = "" if certified else reason.strip()
    if certified:
        entry.platform_number, entry.certified_until = platform_number.strip(), certified_until
    entry.result_at, entry.result_by_id = utcnow(), actor_id()
    if certified:
        move(trainee, "certified", f"certified on list #{cl.id}")
    else:
        move(trainee, "health_certified", f"failed certification on list #{cl.id}")
    return entry


def export_rows(cl: CertificationList, mask) -> list[list]:
    """The list's rows exactly as on record (``mask`` shows the ID numbers as the export
    may: masked, or in full for the platform)."""
    rows = []
    for number, e in enumerate(cl.entries, start=1):
        rows.append([number, e.name, "女" if e.sex == "F" else "男", mask(e.id_number),
                     e.mobile, e.hometown, e.certificate_number,
                     e.certificate_expires_on.isoformat()])
    return rows


def mark_exported(cl: CertificationList, fmt: str, unmasked: bool = False) -> None:
    """Note when the list was last exported for the platform's contact (audited, saying
    whether full ID numbers left)."""
    from .exports import summary

    cl.exported_at = utcnow()
    record("export", "certification_list", cl.id,
           summary("certification list", fmt, unmasked, len(cl.entries)))
