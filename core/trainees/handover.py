"""The 16:00 registration hand-over as a daily task of the desk (004: 每天下午4点，后勤老师
将当天最新的学员登记表传给客服部老师，客服部老师将最新的人员录入58名单表).

On every working day (the official calendar, :mod:`core.workcalendar`) the day's sheet is
due at 16:00; importing it (:func:`core.trainees.registration.import_sheet`) records the
hand-over, and so does the desk's note that no sheet came (no new trainees that day).
If neither happened by 17:00, a daily rq job reminds the desk (in-app message to every
dispatcher and supervisor, once a day), and the home page shows the task as overdue.
"""
from __future__ import annotations

import datetime as dt
import logging

import redis
import sqlalchemy as sa

from ..audit.service import record
from ..errors import Conflict, Invalid
from ..extensions import db
from ..messages import Msg
from ..pagination import paginate
from ..timeutil import SHANGHAI, utcnow
from ..transactions import transactional
from ..workcalendar import is_working_day
from .models import RegistrationHandover

log = logging.getLogger(__name__)

#: when the logistics teacher hands the day's sheet over, and when the desk is reminded
DUE_AT = dt.time(16, 0)
REMIND_AT = dt.time(17, 0)
#: who is reminded / sees the task on the home page
DESK_ROLES = ("dispatcher", "supervisor")
TILE_ROLES = DESK_ROLES + ("trainer", "admin")


def clock() -> dt.datetime:
    """Now, in Shanghai (one place, so a test can set the hour)."""
    return dt.datetime.now(SHANGHAI)


def _now_local(now: dt.datetime | None = None) -> dt.datetime:
    return (now or clock()).astimezone(SHANGHAI)


def of_day(day: dt.date) -> RegistrationHandover | None:
    """The day's hand-over, or None."""
    return db.session.scalar(sa.select(RegistrationHandover).where(
        RegistrationHandover.day == day))


def status(now: dt.datetime | None = None) -> dict:
    """Today's task: ``state`` is ``off`` (not a working day), ``waiting`` (before 16:00),
    ``due`` (16:00–17:00, no sheet yet), ``overdue`` (after 17:00, none) or ``done``."""
    local = _now_local(now)
    day = local.date()
    row = of_day(day)
    working = is_working_day(day)
    if row is not None:
        state = "done"
    elif not working:
        state = "off"
    elif local.time() < DUE_AT:
        state = "waiting"
    elif local.time() < REMIND_AT:
        state = "due"
    else:
        state = "overdue"
    return {"day": day, "working_day": working, "state": state, "due_at": DUE_AT,
            "remind_at": REMIND_AT, "handover": row}


def sheet_imported(filename: str, created: int, actor_id: int | None = None,
                   day: dt.date | None = None) -> RegistrationHandover:
    """An import of the day's sheet: the hand-over is done (counts the imports and the
    trainees created). In the caller's transaction."""
    day = day or _now_local().date()
    row = of_day(day)
    now = utcnow()
    if row is None:
        row = RegistrationHandover(day=day, kind="sheet", imports=0, created_count=0,
                                   first_at=now, by_id=actor_id)
        db.session.add(row)
    row.kind, row.imports = "sheet", (row.imports or 0) + 1
    row.created_count = (row.created_count or 0) + created
    row.filename, row.last_at = (filename or "")[:255], now
    db.session.flush()
    return row


@transactional
def no_sheet(day: dt.date | None, note: str, actor_id: int) -> RegistrationHandover:
    """The desk records that no sheet came on ``day`` (today or earlier), with the
    reason; a day with an imported sheet already is 409. A service step: one unit of work."""
    note = (note or "").strip()
    if not note:
        raise Invalid(fields={"note": [{"en": "Say why there is no sheet (e.g. no new "
                                              "trainees today).",
                                        "zh": "请写明没有登记表的原因（如今天没有新学员）。"}]})
    day = day or _now_local().date()
    if day > _now_local().date():
        raise Invalid(fields={"day": [{"en": "The day is still in the future.",
                                       "zh": "该日期还没有到。"}]})
    row = of_day(day)
    if row is not None:
        raise Conflict(Msg("The hand-over of {day} is recorded already.",
                           "{day} 的登记表交接已有记录。").format(day=day.isoformat()),
                       code="handover_recorded")
    now = utcnow()
    row = RegistrationHandover(day=day, kind="none", note=note[:255], first_at=now, last_at=now,
                               by_id=actor_id)
    db.session.add(row)
    db.session.flush()
    record("create", "registration_handover", row.id, f"{day}: no registration sheet",
           actor_id=actor_id)
    return row


def search(*, since: dt.date | None = None, until: dt.date | None = None, page: int = 1,
           per_page: int | None = None) -> dict:
    """Recorded hand-overs, newest day first."""
    stmt = sa.select(RegistrationHandover).order_by(RegistrationHandover.day.desc())
    if since is not None:
        stmt = stmt.where(RegistrationHandover.day >= since)
    if until is not None:
        stmt = stmt.where(RegistrationHandover.day <= until)
    return paginate(stmt, page, per_page)


def remind(now: dt.datetime | None = None) -> dict:
    """The 17:00 check: on a working day with no hand-over, post the reminder to every
    active dispatcher and supervisor (once a day: the message key names the day)."""
    from ..accounts.models import User
    from ..followups import outbox

    st = status(now)
    if st["state"] != "overdue":
        return {"day": st["day"].isoformat(), "state": st["state"], "reminded": 0}
    users = list(db.session.scalars(sa.select(User.id).where(
        User.role.in_(DESK_ROLES), User.active.is_(True))))
    ids = outbox.post(f"trainee-handover:{st['day'].isoformat()}", users,
                      subject_zh=f"{st['day']:%m-%d} 学员登记表还没有导入",
                      subject_en=f"The trainee registration sheet of {st['day']:%m-%d} "
                                 "is not imported yet",
                      body_zh="后勤老师 16:00 交接的当天学员登记表还没有导入。请导入，或登记今天"
                              "没有登记表的原因。",
                      body_en="The day's registration sheet, due from the logistics teacher "
                              "at 16:00, has not been imported. Import it, or record why "
                              "there is none today.",
                      link="/trainees/")
    db.session.commit()
    return {"day": st["day"].isoformat(), "state": "overdue", "reminded": len(users),
            "messages": len(ids)}


def reminder_job() -> dict:
    """Daily at 17:00 (Shanghai): remind the desk if the day's sheet is missing, then arm
    tomorrow's run. Safe to run twice (the reminder's key names the day)."""
    result = remind()  # delivered by the follow-ups sweep, like every outbox message
    arm_daily_reminder()
    log.info("registration hand-over check: %s", result["state"])
    return result


def next_run(now: dt.datetime | None = None) -> dt.datetime:
    """The next 17:00 in Shanghai, as an aware datetime."""
    local = _now_local(now)
    at = dt.datetime.combine(local.date(), REMIND_AT, tzinfo=SHANGHAI)
    return at if at > local else at + dt.timedelta(days=1)


def arm_daily_reminder() -> bool:
    """Schedule the next 17:00 check (one per day: the job id names the day)."""
    from ..queue import queue

    when = next_run()
    try:
        queue().enqueue_at(when, reminder_job,
                           job_id=f"trainees-handover-reminder-{when:%Y%m%d}", result_ttl=3600)
        return True
    except (redis.RedisError, OSError):
        log.warning("redis unreachable; the registration hand-over reminder is not armed")
        return False


def dashboard_tiles(role: str | None = None) -> list[dict]:
    """The home page's tile for today's hand-over (desk, trainers, admins), on working
    days and days a sheet came."""
    from flask import url_for
    from flask_babel import gettext as _

    if role is not None and role not in TILE_ROLES:
        return []
    st = status()
    if st["state"] == "off":
        return []
    if st["state"] == "done":
        value, tone = (_("已导入") if st["handover"].kind == "sheet" else _("今日无登记表")), ""
    else:
        value, tone = {"waiting": (_("16:00 交接"), ""), "due": (_("待导入"), "warn"),
                       "overdue": (_("逾期未导入"), "bad")}[st["state"]]
    return [{"label": _("今日学员登记表"), "value": value, "tone": tone,
             "href": url_for("trainees.index"), "id": "registration-handover"}]
