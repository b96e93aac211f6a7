"""Follow-up pages: the dispatcher's queue with one-click outcomes, an order's timeline, a
mediation case, and the private calendar feed (public URL, secret token)."""
from __future__ import annotations

import datetime as dt
import uuid

import sqlalchemy as sa
from flask import Blueprint, Response, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from marshmallow import fields, post_load, validate

from .. import plugins
from ..access import current_principal, public, roles
from ..accounts.models import User
from ..errors import DomainError, Invalid
from ..extensions import db
from ..i18n import reader_text
from ..inputs import int64
from ..messages import bilingual
from ..pagination import page_number
from ..timeutil import SHANGHAI
from ..webforms import parse_form
from . import ical, jobs, queries, service, steps
from .models import INTERNSHIP_LINE, SCORE_FIELDS
from .queries import BUCKETS
from .rules import KIND_LABELS, OUTCOME_LABELS
from .schemas import FollowUpOutcomeInSchema, MediationUpdateSchema

bp = Blueprint("followups", __name__, url_prefix="/followups")
DESK = ("dispatcher", "supervisor")


def _flash_error(exc: DomainError) -> None:
    """Show a refusal (the step that refused has rolled back)."""
    for field, msgs in (exc.fields or {}).items():
        for m in msgs:
            flash(f"{field}: {reader_text(m)}", "error")
    if not exc.fields:
        m = bilingual(exc.message)
        flash(reader_text(m), "error")


def _rule_flags() -> dict:
    """(line, rule code) → the rule, for what a row's form must ask (scores, next session)."""
    out = {}
    for code in plugins.service_lines():
        for rule in plugins.followup_rules(code).rules:
            out[(code, rule.code)] = rule
    for rule in service.rules_for(INTERNSHIP_LINE).rules:
        out[(INTERNSHIP_LINE, rule.code)] = rule
    return out


@bp.get("/")
@roles(*DESK, *service.INTERNSHIP_DESK)
def index():
    """The follow-up queue (回访队列): overdue in red, due today, upcoming; filters by line
    and dispatcher; an outcome in one or two clicks with the script shown."""
    me = current_principal()
    jobs.arm_sweep_from_request()
    args = request.args
    bucket = args.get("bucket") or "today"
    if bucket not in BUCKETS:
        bucket = "today"
    line = args.get("line") or None
    if me.role in service.INTERNSHIP_DESK:  # a trainer: her internship check-ins only
        assignee, line = me.id, INTERNSHIP_LINE
    elif "assignee_id" in args:
        assignee = args.get("assignee_id", type=int64)  # empty → everyone's
    else:
        assignee = me.id if me.role == "dispatcher" else None
    if bucket == "today":  # today's page shows what is overdue too, red, on top
        page = queries.search(bucket="overdue", service_line=line,
                              assignee_id=assignee, q=args.get("q") or None, per_page=200)
        overdue = page["items"]
    else:
        overdue = []
    page = queries.search(bucket=bucket, service_line=line,
                          assignee_id=assignee, q=args.get("q") or None,
                          page=page_number(args.get("page")), per_page=50)
    staff = db.session.scalars(sa.select(User).where(
        User.active.is_(True), User.role.in_(("dispatcher", "supervisor", "trainer")))
        .order_by(User.display_name)).all()
    rows = overdue + page["items"]
    contacts = queries.order_contacts([f.order_id for f in rows], me)
    upcoming = queries.next_due(assignee, line) if bucket == "today" and not rows else None
    return render_template(
        "followups/index.html", page=page, overdue=overdue, bucket=bucket, args=args,
        contacts=contacts, next_due=upcoming,
        assignee=assignee, staff=staff, counts=queries.counts(assignee),
        rules=_rule_flags(), kinds=KIND_LABELS, outcomes=OUTCOME_LABELS,
        new_key=lambda: uuid.uuid4().hex, local=lambda ts: ts.astimezone(SHANGHAI),
        now=dt.datetime.now(dt.timezone.utc),
        notifications=queries.notifications(me.id, unread=True, per_page=10)["items"],
        token=ical.has_token(me.id))


def _local_time() -> fields.AwareDateTime:
    """A ``datetime-local`` box: its time is Beijing time."""
    return fields.AwareDateTime(load_default=None, default_timezone=SHANGHAI)


def _score() -> fields.Integer:
    return fields.Integer(load_default=None, validate=validate.Range(1, 5))


class _OutcomeForm(FollowUpOutcomeInSchema):
    """The API's outcome schema as a row's form posts it: times in Beijing time from
    ``datetime-local`` boxes, and the scores as ``score_<name>`` selects."""

    new_due_at = _local_time()
    next_session_at = _local_time()
    score_overall = _score()
    score_attitude = _score()
    score_skill = _score()
    score_efficiency = _score()
    score_communication = _score()

    @post_load
    def _scores(self, data, **kwargs):
        scores = {name: data.pop(f"score_{name}", None) for name in SCORE_FIELDS}
        data["scores"] = {k: v for k, v in scores.items() if v is not None} or None
        return data


def _back() -> str:
    """Where the form came from (the queue, or an order's timeline)."""
    try:
        back = parse_form({"next": fields.String(load_default="")})["next"]
    except Invalid:
        back = ""
    return (back if back.startswith("/") and not back.startswith("//")
            else url_for("followups.index"))


@bp.post("/<int:followup_id>/outcome")
@roles(*DESK, *service.INTERNSHIP_DESK)
def record_outcome(followup_id):
    """Record an outcome from the queue or the timeline (idempotent: the form's key)."""
    try:
        data = parse_form(_OutcomeForm(exclude=("scores",)))
        result = steps.record_outcome(followup_id, data.pop("outcome"), current_principal(),
                                      **data)
        if result.replayed:
            flash(_("该结果已记录过，未重复记录"))
        else:
            flash(_("已记录回访结果"))
            if result.mediation is not None:
                flash(_("已开启调解"))
    except DomainError as exc:
        _flash_error(exc)
    return redirect(_back())


@bp.get("/orders/<int:order_id>")
@roles(*DESK)
def order_timeline(order_id):
    """An order's full follow-up timeline: done and planned."""
    order = service._order(order_id)
    return render_template("followups/order.html", order=order,
                           **timeline_context(order_id))


def timeline_context(order_id: int) -> dict:
    """What ``followups/_timeline.html`` needs; the orders page includes the partial with
    ``{% with **followups_timeline %}`` or passes these names itself."""
    return {"fu_items": service.timeline(order_id), "fu_rules": _rule_flags(),
            "fu_kinds": KIND_LABELS, "fu_outcomes": OUTCOME_LABELS,
            "fu_local": lambda ts: ts.astimezone(SHANGHAI), "fu_new_key": lambda: uuid.uuid4().hex,
            "fu_now": dt.datetime.now(dt.timezone.utc)}


@bp.get("/mediations/<int:case_id>")
@roles(*DESK)
def mediation(case_id):
    """A mediation case (调解): cause, actions, resolution."""
    case = service.get_mediation(case_id)
    return render_template("followups/mediation.html", case=case,
                           **timeline_context(case.order_id))


@bp.post("/mediations/<int:case_id>")
@roles(*DESK)
def update_mediation(case_id):
    """Save the case; ``resolve`` closes it."""
    service.get_mediation(case_id)
    try:
        data = parse_form(MediationUpdateSchema(), checkboxes=("worker_replaced",))
        steps.update_mediation(case_id, data.pop("version"), current_principal().id, **data)
        flash(_("已保存调解记录"))
    except DomainError as exc:
        _flash_error(exc)
    return redirect(url_for("followups.mediation", case_id=case_id))


@bp.post("/calendar")
@roles(*DESK, *service.INTERNSHIP_DESK)
def issue_calendar():
    """Make (or remake) my private calendar URL; shown once."""
    token = steps.issue_calendar_token(current_principal().id)
    flash(_("日历订阅地址（请立即复制，仅显示一次）：") + " " +
          url_for("followups.ical_feed", token=token, _external=True))
    return redirect(url_for("followups.index"))


@bp.post("/calendar/revoke")
@roles(*DESK, *service.INTERNSHIP_DESK)
def revoke_calendar():
    """Revoke my private calendar URL."""
    steps.revoke_calendar_token(current_principal().id)
    flash(_("已停用日历订阅地址"))
    return redirect(url_for("followups.index"))


@bp.get("/ical/<token>.ics")
@public
def ical_feed(token):
    """A person's follow-ups as an iCalendar feed; the secret token in the URL is the
    only credential (no session), revocable and regenerable."""
    user = ical.user_for_token(token)
    if user is None:
        abort(404)
    body = ical.feed(user, host=request.host.split(":")[0], lang=request.args.get("lang", "zh"))
    resp = Response(body, mimetype="text/calendar")
    resp.headers["Cache-Control"] = "private, max-age=300"
    resp.headers["Content-Disposition"] = 'inline; filename="followups.ics"'
    return resp
