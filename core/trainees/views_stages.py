"""Pages of the pipeline's stages: exam batches and the pickup list (体检、领证), ID cards
held, certification lists (58到家认证), group interviews (群面会) and internships (医院实习)."""
from __future__ import annotations

from flask import redirect, render_template, request, url_for
from flask_babel import gettext as _

from ..access import roles
from ..inputs import int64
from ..partners.service import options as partner_options
from ..timeutil import business_today
from . import certification, exports, health, internship, interviews, pipeline
from .interviews import OUTCOMES
from .models import INTERNSHIP_STATES
from .pipeline import MANAGERS, shown_id_number
from .views import act, bp, form_date


@bp.get("/exam-batches")
@roles(*MANAGERS)
def batches():
    """Exam batches with their pickup dates; a form to create one."""
    return render_template("trainees/batches.html", batches=health.list_batches(),
                           hospitals=partner_options("exam_hospital"),
                           pickup_date=health.pickup_date)


@bp.post("/exam-batches")
@roles(*MANAGERS)
def create_batch():
    """Create an exam batch."""
    holder = {}

    def run():
        holder["batch"] = health.create_batch(form_date("exam_date"),
                                              request.form.get("hospital_id", type=int64) or 0,
                                              request.form.get("notes", "")[:2000])
    resp = act(run, _("已创建体检批次"), url_for("trainees.batches"))
    if "batch" in holder:
        return redirect(url_for("trainees.batch", batch_id=holder["batch"].id))
    return resp


@bp.get("/exam-batches/<int:batch_id>")
@roles(*MANAGERS)
def batch(batch_id):
    """One exam batch: who is booked, who came."""
    b = health.get_batch(batch_id)
    return render_template("trainees/batch.html", b=b, pickup=health.pickup_date(b.exam_date))


@bp.post("/exam-batches/<int:batch_id>/attendance/<int:trainee_id>")
@roles(*MANAGERS)
def batch_attendance(batch_id, trainee_id):
    """Record attendance from the batch page."""
    return act(lambda: health.record_attendance(health.get_batch(batch_id),
                                                pipeline.get(trainee_id, lock=True),
                                                request.form.get("attended") == "1"),
               _("已登记到检情况"), url_for("trainees.batch", batch_id=batch_id))


@bp.get("/pickups")
@roles(*MANAGERS)
def pickups():
    """Certificates to pick up today or overdue (and the coming ones)."""
    return render_template("trainees/pickups.html", items=health.pickups(upcoming=True),
                           today=business_today())


@bp.get("/id-cards")
@roles(*MANAGERS)
def id_cards():
    """Original ID cards the company holds now."""
    return render_template("trainees/id_cards.html", cards=health.held_id_cards())


@bp.get("/certification-lists")
@roles(*MANAGERS)
def cert_lists():
    """Certification lists (58认证名单)."""
    return render_template("trainees/cert_lists.html", lists=certification.list_lists(),
                           platforms=partner_options("certification_platform"))


@bp.post("/certification-lists")
@roles(*MANAGERS)
def create_cert_list():
    """Start a certification list."""
    holder = {}

    def run():
        holder["cl"] = certification.create_list(request.form.get("platform_id", type=int64))
    resp = act(run, _("已创建名单"), url_for("trainees.cert_lists"))
    if "cl" in holder:
        return redirect(url_for("trainees.cert_list", list_id=holder["cl"].id))
    return resp


@bp.get("/certification-lists/<int:list_id>")
@roles(*MANAGERS)
def cert_list(list_id):
    """One list: entries as confirmed, the appointment, results, export."""
    return render_template("trainees/cert_list.html", cl=certification.get_list(list_id),
                           show_id=shown_id_number)


@bp.post("/certification-lists/<int:list_id>/appointment")
@roles(*MANAGERS)
def cert_appointment(list_id):
    """Record the appointment: date, time, teacher."""
    def run():
        from marshmallow import fields

        certification.set_appointment(
            certification.get_list(list_id), version=request.form.get("version", type=int64),
            appointment_date=form_date("appointment_date"),
            appointment_time=fields.Time().deserialize(request.form.get("appointment_time")
                                                       or None),
            teacher=request.form.get("teacher", "").strip()[:64] or "—")
    return act(run, _("已登记预约"), url_for("trainees.cert_list", list_id=list_id))


@bp.post("/certification-lists/<int:list_id>/result/<int:trainee_id>")
@roles(*MANAGERS)
def cert_result(list_id, trainee_id):
    """Record one trainee's result."""
    def run():
        until = request.form.get("certified_until")
        certification.record_result(
            certification.get_list(list_id), pipeline.get(trainee_id, lock=True),
            certified=request.form.get("result") == "certified",
            reason=request.form.get("reason", "")[:255],
            platform_number=request.form.get("platform_number", "")[:64],
            certified_until=form_date("certified_until") if until else None)
    return act(run, _("已登记认证结果"), url_for("trainees.cert_list", list_id=list_id))


@bp.get("/certification-lists/<int:list_id>/export.<fmt>")
@roles(*MANAGERS)
def cert_export(list_id, fmt):
    """Download the list for the platform's contact, exactly as on record."""
    from ..extensions import db

    cl = certification.get_list(list_id)
    fmt = fmt if fmt in exports.MIMETYPES else "xlsx"
    unmasked = request.args.get("unmasked") == "1"
    resp = exports.respond(certification.EXPORT_HEADERS,
                           certification.export_rows(cl, exports.id_numbers(unmasked)), fmt,
                           f"certification-list-{cl.id}")
    certification.mark_exported(cl, fmt, unmasked)
    db.session.commit()
    return resp


@bp.get("/interviews")
@roles(*MANAGERS)
def interview_list():
    """Group interviews (群面会) with partner companies."""
    return render_template("trainees/interviews.html", interviews=interviews.list_all(),
                           hosts=partner_options(*interviews.HOSTS), outcomes=OUTCOMES)


@bp.post("/interviews")
@roles(*MANAGERS)
def create_interview():
    """Record a group interview."""
    return act(lambda: interviews.create(request.form.get("partner_id", type=int64) or 0,
                                         form_date("held_on"),
                                         request.form.get("place", "")[:128]),
               _("已创建群面会"), url_for("trainees.interview_list"))


@bp.post("/interviews/<int:interview_id>/attendees")
@roles(*MANAGERS)
def interview_attendee(interview_id):
    """Add an attendee (by trainee number), or record her outcome."""
    interview = interviews.get(interview_id)
    trainee = pipeline.get(request.form.get("trainee_id", type=int64) or 0)
    if request.form.get("outcome") in OUTCOMES:
        return act(lambda: interviews.record_outcome(interview, trainee,
                                                     request.form["outcome"],
                                                     request.form.get("note", "")[:255]),
                   _("已登记结果"), url_for("trainees.interview_list"))
    return act(lambda: interviews.add_attendee(interview, trainee), _("已加入"),
               url_for("trainees.interview_list"))


@bp.get("/internships")
@roles(*MANAGERS)
def internships():
    """Hospital internships, and the interns to check in with today."""
    return render_template("trainees/internships.html", internships=internship.list_all(),
                           due=internship.check_ins_due(), states=INTERNSHIP_STATES,
                           planned_of=internship.planned_check_ins,
                           hospitals=partner_options("internship_hospital"))


@bp.post("/internships")
@roles(*MANAGERS)
def choose_intern():
    """Choose a willing trainee for a hospital internship."""
    return act(lambda: internship.choose(
        pipeline.get(request.form.get("trainee_id", type=int64) or 0, lock=True),
        request.form.get("hospital_id", type=int64) or 0,
        request.form.get("willing") == "on"), _("已选定实习学员"), url_for("trainees.internships"))


@bp.post("/internships/<int:internship_id>/<step>")
@roles(*MANAGERS)
def internship_step(internship_id, step):
    """One internship step from its form: training, interview, start, period change,
    check-in (an outcome of its follow-up; the same day again changes nothing), completion,
    abandonment, placement."""
    f = request.form
    steps = {
        "training": lambda i: internship.record_training(i, form_date("on"),
                                                         f.get("note", "")[:4000] or "—"),
        "interview": lambda i: internship.record_interview(i, form_date("on"),
                                                           f.get("accepted") == "1",
                                                           f.get("note", "")[:255]),
        "start": lambda i: internship.start(i, form_date("on"), form_date("end_on")),
        "check-in": lambda i: internship.check_in(i, form_date("on"),
                                                  "phone" if f.get("channel") == "phone"
                                                  else "message", f.get("note", "")[:500]),
        "period": lambda i: internship.change_period(i, form_date("on"), form_date("end_on"),
                                                     f.get("version", type=int64)),
        "complete": lambda i: internship.complete(i, form_date("on"), f.get("note", "")[:255]),
        "abandon": lambda i: internship.abandon(i, form_date("on"), f.get("note", "")[:255]),
        "placement": lambda i: internship.place(i, f.get("note", "")[:255] or "—",
                                                form_date("on")),
    }
    if step not in steps:
        from ..errors import NotFound

        raise NotFound()
    return act(lambda: steps[step](internship.get(internship_id)), _("已保存"),
               url_for("trainees.internships"))
