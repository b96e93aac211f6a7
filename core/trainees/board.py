"""The pipeline board (学员进度看板): each stage with its trainees and counts, and who is
stuck — booked but did not attend, certificate overdue for pickup, certificate received
but not handed over, phone number blocked on 58同城, intern check-in overdue."""
from __future__ import annotations

import datetime as dt

import sqlalchemy as sa

from ..extensions import db
from ..messages import Msg
from ..timeutil import business_today
from . import health, internship
from .models import STAGES, ExamBatch, ExamBooking, HealthCertificate, MobileCheck, Trainee

#: trainees shown per stage column (the count is always complete)
PER_STAGE = 50

STUCK = {
    "booked_not_attended": Msg("Booked, exam date passed, attendance not recorded",
                               "已约体检，体检日已过，未登记到检"),
    "certificate_overdue": Msg("Certificate overdue for pickup", "健康证逾期未领"),
    "certificate_due_today": Msg("Certificate to pick up today", "今天应领健康证"),
    "not_handed_over": Msg("Certificate received, not handed over", "健康证已领回，未发放"),
    "phone_blocked": Msg("Mobile registered on 58同城: must change number",
                         "手机号已在58同城注册，须更换号码"),
    "check_in_due": Msg("Internship check-in due", "实习跟踪到期"),
}


def _stuck(today: dt.date) -> dict[int, list[str]]:
    """trainee id → codes of what holds her up."""
    out: dict[int, list[str]] = {}

    def add(tid: int, code: str) -> None:
        out.setdefault(tid, []).append(code)

    late = sa.select(ExamBooking.trainee_id).join(ExamBooking.batch).where(
        ExamBooking.attendance.is_(None), ExamBatch.exam_date < today)
    for tid in db.session.scalars(late):
        add(tid, "booked_not_attended")
    for item in health.pickups(today):
        add(item["trainee"].id, "certificate_overdue" if item["status"] == "overdue"
            else "certificate_due_today")
    latest = sa.select(sa.func.max(HealthCertificate.id)).group_by(HealthCertificate.trainee_id)
    unhanded = sa.select(HealthCertificate.trainee_id).where(
        HealthCertificate.id.in_(latest), HealthCertificate.handed_over_at.is_(None))
    for tid in db.session.scalars(unhanded):
        add(tid, "not_handed_over")
    last_check = sa.select(sa.func.max(MobileCheck.id)).join(
        Trainee, sa.and_(Trainee.id == MobileCheck.trainee_id,
                         Trainee.mobile == MobileCheck.mobile)).group_by(MobileCheck.trainee_id)
    blocked = sa.select(MobileCheck.trainee_id).where(MobileCheck.id.in_(last_check),
                                                      MobileCheck.registered.is_(True))
    for tid in db.session.scalars(blocked):
        add(tid, "phone_blocked")
    for item in internship.check_ins_due(today):
        add(item["trainee"].id, "check_in_due")
    return out


def board(today: dt.date | None = None) -> dict:
    """Stage columns (code, label, count, trainees) and the stuck trainees with reasons."""
    today = today or business_today()
    counts = {stage: n for stage, n in db.session.execute(
        sa.select(Trainee.stage, sa.func.count()).group_by(Trainee.stage))}
    stuck = _stuck(today)
    columns = []
    for code, (zh, en) in STAGES.items():
        trainees = list(db.session.scalars(sa.select(Trainee).where(Trainee.stage == code)
                                           .order_by(Trainee.updated_at.desc(), Trainee.id.desc())
                                           .limit(PER_STAGE)))
        columns.append({"code": code, "label": {"zh": zh, "en": en},
                        "count": counts.get(code, 0), "trainees": trainees})
    stuck_trainees = {t.id: t for t in db.session.scalars(
        sa.select(Trainee).where(Trainee.id.in_(list(stuck))))} if stuck else {}
    stuck_list = [{"trainee": stuck_trainees[tid], "reasons": codes}
                  for tid, codes in sorted(stuck.items()) if tid in stuck_trainees]
    return {"today": today, "columns": columns, "stuck": stuck_list, "stuck_by_id": stuck}
