"""Pages of the pipeline's stages: exam batches and the pickup list (体检、领证), ID cards
held, certification lists (58到家认证), group interviews (群面会) and internships (医院实习).
Each form is read with :func:`core.webforms.parse_form` and handed to one service step
(:mod:`.steps`, which commits, or rolls back when it refuses)."""
from __future__ import annotations

from flask import redirect, render_template, request, url_for
from flask_babel import gettext as _
from marshmallow import fields, validate

from ..access import roles
from ..partners.service import options as partner_options
from ..timeutil import business_today
from ..webforms import parse_form
from . import certification, exports, health, internship, interviews, steps
from .blueprint import bp
from .interviews import OUTCOMES
from .models import INTERNSHIP_STATES
from .pipeline import MANAGERS, shown_id_number
from .schemas_stages import (
    AppointmentInSchema,
    AttendanceInSchema,
    CertificationListInSchema,
    ExamBatchInSchema,
    InternshipInSchema,
    InterviewInSchema,
    OutcomeInSchema,
    ResultInSchema,
)
from .views import act


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
        data = parse_form(ExamBatchInSchema())
        holder["batch"] = steps.create_batch(data["exam_date"], data["hospital_id"],
                                             data["notes"])
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
    return act(lambda: steps.record_attendance(
        batch_id, trainee_id, parse_form(AttendanceInSchema(only=("attended",)))["attended"]),
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
        data = parse_form(CertificationListInSchema(only=("platform_id",)))
        holder["cl"] = steps.create_list(data["platform_id"])
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
        steps.set_appointment(list_id, **parse_form(AppointmentInSchema()))
    return act(run, _("已登记预约"), url_for("trainees.cert_list", list_id=list_id))


@bp.post("/certification-lists/<int:list_id>/result/<int:trainee_id>")
@roles(*MANAGERS)
def cert_result(list_id, trainee_id):
    """Record one trainee's result."""
    def run():
        steps.record_result(list_id, trainee_id,
                            **parse_form(ResultInSchema(exclude=("trainee_id",))))
    return act(run, _("已登记认证结果"), url_for("trainees.cert_list", list_id=list_id))


@bp.get("/certification-lists/<int:list_id>/export.<fmt>")
@roles(*MANAGERS)
def cert_export(list_id, fmt):
    """Download the list for the platform's contact, exactly as on record."""
    fmt = fmt if fmt in exports.MIMETYPES else "xlsx"
    return steps.export_list(list_id, fmt, request.args.get("unmasked") == "1")


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
    return act(lambda: steps.create_interview(**parse_form(InterviewInSchema())),
               _("已创建群面会"), url_for("trainees.interview_list"))


@bp.post("/interviews/<int:interview_id>/attendees")
@roles(*MANAGERS)
def interview_attendee(interview_id):
    """Add an attendee (by trainee number), or record her outcome."""
    interviews.get(interview_id)  # an unknown interview is the 404 page, not a flash
    back = url_for("trainees.interview_list")
    if "outcome" in parse_form({"outcome": fields.String()}):
        def outcome():
            data = parse_form(OutcomeInSchema())
            steps.record_outcome(interview_id, data["trainee_id"], data["outcome"], data["note"])
        return act(outcome, _("已登记结果"), back)
    return act(lambda: steps.add_attendee(
        interview_id, parse_form(OutcomeInSchema(only=("trainee_id",)))["trainee_id"]),
        _("已加入"), back)


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
    def run():
        data = parse_form(InternshipInSchema(), checkboxes=("willing",))
        steps.choose_intern(data["trainee_id"], data["hospital_id"], data["willing"])
    return act(run, _("已选定实习学员"), url_for("trainees.internships"))


@bp.post("/internships/<int:internship_id>/<step>")
@roles(*MANAGERS)
def internship_step(internship_id, step):
    """One internship step from its form: training, interview, start, period change,
    check-in (an outcome of its follow-up; the same day again changes nothing), completion,
    abandonment, placement."""
    on = fields.Date(required=True)
    end_on = fields.Date(required=True)

    def note(limit: int, **kwargs):
        return fields.String(validate=validate.Length(max=limit), **kwargs)

    #: each step's form (the names its template posts) and the service step it calls
    forms = {
        "training": ({"on": on, "note": note(4000, load_default="")},
                     lambda i, f: steps.record_training(i, f["on"], f["note"] or "—")),
        "interview": ({"on": on, "accepted": fields.Boolean(required=True),
                       "note": note(255, load_default="")},
                      lambda i, f: steps.record_hospital_interview(i, f["on"], f["accepted"],
                                                                   f["note"])),
        "start": ({"on": on, "end_on": end_on},
                  lambda i, f: steps.start_internship(i, f["on"], f["end_on"])),
        "check-in": ({"on": on, "channel": fields.String(
                          load_default="message", validate=validate.OneOf(["message", "phone"])),
                      "note": note(500, load_default="")},
                     lambda i, f: steps.check_in(i, f["on"], f["channel"], f["note"])),
        "period": ({"on": on, "end_on": end_on, "version": fields.Integer(required=True)},
                   lambda i, f: steps.change_internship_period(i, f["on"], f["end_on"],
                                                               f["version"])),
        "complete": ({"on": on, "note": note(255, load_default="")},
                     lambda i, f: steps.complete_internship(i, f["on"], f["note"])),
        "abandon": ({"on": on, "note": note(255, load_default="")},
                    lambda i, f: steps.abandon_internship(i, f["on"], f["note"])),
        "placement": ({"on": on, "note": note(255, load_default="")},
                      lambda i, f: steps.place_intern(i, f["note"] or "—", f["on"])),
    }
    if step not in forms:
        from ..errors import NotFound

        raise NotFound()
    argmap, run = forms[step]
    return act(lambda: run(internship_id, parse_form(argmap)), _("已保存"),
               url_for("trainees.internships"))
