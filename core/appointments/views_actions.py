"""The forms of the order page's visits, sessions and interviews sections (same blueprint
as :mod:`core.appointments.views`).

Each posts with its CSRF token (and the record's version where it changes a slot or an
outcome); a refusal re-renders the order page with the reason and its status (409,
422), a success goes back to the order's section.
"""
from __future__ import annotations

import datetime as dt

from flask import flash, redirect, url_for
from flask_babel import gettext as _
from marshmallow import fields, validate

from ..access import current_principal, roles
from ..errors import DomainError, Invalid
from ..messages import Msg
from ..orders.records import PAYMENT_METHODS
from ..orders.views import _money, errors_of, order_page
from ..timeutil import SHANGHAI
from ..webforms import parse_form
from . import interviews, sessions, tools, visits
from .blueprint import bp
from .checks import get_order
from .views import WRITERS


def _me() -> int:
    return current_principal().id


def _text(name: str) -> str:
    return parse_form({name: fields.String(load_default="")})[name]


#: a ``datetime-local`` input (Beijing time)
_WHEN_ERRORS = {
    "required": Msg("Enter the time.", "请填写时间。"),
    "invalid": Msg("Write the time as YYYY-MM-DD HH:MM.", "时间格式应为 YYYY-MM-DD HH:MM。")}


def _when(name: str, required: bool = True) -> dt.datetime | None:
    """A ``datetime-local`` input (Beijing time) as an aware datetime; 422 on the field."""
    presence = {"required": True} if required else {"load_default": None}
    field = fields.AwareDateTime(default_timezone=SHANGHAI, error_messages=_WHEN_ERRORS,
                                 **presence)
    return parse_form({name: field})[name]


def _counts(prefix: str) -> list[dict]:
    """Form inputs ``<prefix><item_id>`` as ``[{item_id, quantity}]`` (blank ones left out);
    a count that is not a whole number, 0 or more, is refused on ``items``."""
    count = fields.Integer(validate=validate.Range(0, 10_000), error_messages={
        "invalid": Msg("Counts are whole numbers, 0 or more.", "数量须为不小于 0 的整数。")})
    names = [f"{prefix}{item_id}" for item_id in tools.item_ids()]
    try:
        data = parse_form({key: count for key in names})
    except Invalid as exc:
        raise Invalid(fields={"items": [m for msgs in exc.fields.values() for m in msgs]}) \
            from None
    return [{"item_id": int(key[len(prefix):]), "quantity": data[key]}
            for key in names if key in data]


def _act(order_id: int, action, done: str, anchor: str):
    """Run ``action(order)``; a refusal shows the order page with the reason."""
    order = get_order(order_id)
    try:
        action(order)
    except DomainError as exc:  # the step rolled back when it refused
        return order_page(get_order(order_id), alert=errors_of(exc), status=exc.status)
    flash(done)
    return redirect(url_for("orders.show", order_id=order_id, _anchor=anchor))


def _version() -> int | None:
    return parse_form({"version": fields.Integer(load_default=None)})["version"]


# --------------------------------------------------------------------------------- visits


@bp.post("/orders/<int:order_id>/visits/plan")
@roles(*WRITERS)
def plan_visits(order_id):
    """Plan the order's visits from its intake (生成上门计划)."""
    return _act(order_id, lambda order: visits.plan(order, _me()), _("已生成上门计划"),
                "visits")


def _visit_act(order_id: int, visit_id: int, step, done: str):
    return _act(order_id, lambda order: step(visits.get(order, visit_id)), done, "visits")


@bp.post("/orders/<int:order_id>/visits/<int:visit_id>/move")
@roles(*WRITERS)
def move_visit(order_id, visit_id):
    """Move a planned visit to another slot."""
    return _visit_act(order_id, visit_id, lambda v: visits.reschedule(
        v, _version(), _when("starts_at"), _when("ends_at"), _me()), _("上门时间已调整"))


@bp.post("/orders/<int:order_id>/visits/<int:visit_id>/cancel")
@roles(*WRITERS)
def cancel_visit(order_id, visit_id):
    """Call off a planned visit."""
    return _visit_act(order_id, visit_id, lambda v: visits.cancel(
        v, _version(), _text("reason"), _me()), _("上门已取消"))


@bp.post("/orders/<int:order_id>/visits/<int:visit_id>/start")
@roles(*WRITERS)
def start_visit(order_id, visit_id):
    """The worker started."""
    return _visit_act(order_id, visit_id, lambda v: visits.start(
        v, _me(), _when("started_at", required=False)), _("已开始服务"))


@bp.post("/orders/<int:order_id>/visits/<int:visit_id>/finish")
@roles(*WRITERS)
def report_finish(order_id, visit_id):
    """The finish time the worker reported."""
    return _visit_act(order_id, visit_id, lambda v: visits.report_finish(
        v, _when("finished_at"), _me()), _("已登记完工时间"))


@bp.post("/orders/<int:order_id>/visits/<int:visit_id>/confirm")
@roles(*WRITERS)
def confirm_finish(order_id, visit_id):
    """The customer confirmed the finish and answered the short follow-up (one call)."""
    return _visit_act(order_id, visit_id, lambda v: visits.confirm(
        v, _me(), _when("finished_at", required=False), _text("note"),
        _text("outcome") or None, _text("reason")), _("客户已确认完工，简单回访已记录"))


@bp.post("/orders/<int:order_id>/visits/<int:visit_id>/sheet-returned")
@roles(*WRITERS)
def return_sheet(order_id, visit_id):
    """The service sheet (上户表) came back and is filed."""
    return _visit_act(order_id, visit_id, lambda v: visits.return_sheet(
        v, _me(), _when("returned_at", required=False), _text("note")), _("上户表已归档"))


@bp.post("/orders/<int:order_id>/visits/<int:visit_id>/payment")
@roles(*WRITERS)
def collect_payment(order_id, visit_id):
    """Money collected for the visit."""
    def step(visit):
        amount = _money(_text("amount") or None, "amount")
        if amount is None or amount <= 0:
            raise Invalid(fields={"amount": [{"zh": "金额必须大于 0。",
                                              "en": "The amount must be more than 0."}]})
        if _text("method") not in PAYMENT_METHODS:
            raise Invalid(fields={"method": [{"zh": "请选择收款方式。",
                                              "en": "Choose how it was paid."}]})
        visits.collect_payment(visit, amount=amount, method=_text("method"), actor_id=_me(),
                               note=_text("note"))

    return _visit_act(order_id, visit_id, step, _("已登记收款"))


@bp.post("/orders/<int:order_id>/visits/<int:visit_id>/tools/checkout")
@roles(*WRITERS)
def check_out_tools(order_id, visit_id):
    """Tools out to the worker: a kit, or the counts typed in."""
    return _visit_act(order_id, visit_id, lambda v: tools.check_out(
        v, _me(), kit_id=_id("kit_id"), items=_counts("out_") or None),
        _("工具已领出"))


@bp.post("/orders/<int:order_id>/visits/<int:visit_id>/tools/return")
@roles(*WRITERS)
def count_in_tools(order_id, visit_id):
    """Tools counted back in."""
    return _visit_act(order_id, visit_id, lambda v: tools.count_in(
        v, _me(), _counts("back_"), _text("note")), _("工具已清点归还"))


# ------------------------------------------------------------------------------- sessions


def _session_act(order_id: int, session_id: int, step, done: str):
    return _act(order_id, lambda order: step(sessions.get(order, session_id)), done,
                "sessions")


@bp.post("/orders/<int:order_id>/sessions")
@roles(*WRITERS)
def book_session(order_id):
    """Book a session."""
    return _act(order_id, lambda order: sessions.book(
        order, _me(), starts_at=_when("starts_at"), ends_at=_when("ends_at"),
        place=_text("place") or None, address=_text("address") or None, note=_text("note")),
        _("已预约推拿"), "sessions")


@bp.post("/orders/<int:order_id>/sessions/<int:session_id>/move")
@roles(*WRITERS)
def rebook_session(order_id, session_id):
    """Move a booked session."""
    return _session_act(order_id, session_id, lambda s: sessions.rebook(
        s, _version(), _me(), starts_at=_when("starts_at"), ends_at=_when("ends_at"),
        place=_text("place") or None, address=_text("address") or None), _("已改约"))


@bp.post("/orders/<int:order_id>/sessions/<int:session_id>/done")
@roles(*WRITERS)
def record_session(order_id, session_id):
    """A session done."""
    return _session_act(order_id, session_id, lambda s: sessions.record_done(
        s, _me(), done_at=_when("done_at", required=False), note=_text("note")),
        _("已记录推拿"))


@bp.post("/orders/<int:order_id>/sessions/<int:session_id>/cancel")
@roles(*WRITERS)
def cancel_session(order_id, session_id):
    """Cancel a booked session."""
    return _session_act(order_id, session_id, lambda s: sessions.cancel(
        s, _version(), _me(), _text("reason")), _("推拿预约已取消"))


# ----------------------------------------------------------------------------- interviews


def _interview_act(order_id: int, interview_id: int, step, done: str):
    return _act(order_id, lambda order: step(interviews.get(order, interview_id)), done,
                "interviews")


@bp.post("/orders/<int:order_id>/interviews")
@roles(*WRITERS)
def arrange_interview(order_id):
    """Arrange an interview."""
    return _act(order_id, lambda order: interviews.arrange(
        order, _me(), scheduled_at=_when("scheduled_at"), place=_require("place"),
        worker_id=_id("worker_id"), note=_text("note")),
        _("已安排面试"), "interviews")


def _require(name: str) -> str:
    return parse_form({name: fields.String(required=True, validate=validate.Length(
        min=1, error=Msg("Missing data for required field.", "必填项，不能为空。")))})[
        name]


def _id(name: str) -> int | None:
    return parse_form({name: fields.Integer(load_default=None)})[name]


@bp.post("/orders/<int:order_id>/interviews/<int:interview_id>/outcome")
@roles(*WRITERS)
def record_outcome(order_id, interview_id):
    """How the interview went."""
    return _interview_act(order_id, interview_id, lambda i: interviews.record_outcome(
        i, _version(), _me(), outcome=_text("outcome"), reason=_text("reason")),
        _("已登记面试结果"))


@bp.post("/orders/<int:order_id>/interviews/<int:interview_id>/cancel")
@roles(*WRITERS)
def cancel_interview(order_id, interview_id):
    """Call off an arranged interview."""
    return _interview_act(order_id, interview_id, lambda i: interviews.cancel(
        i, _version(), _me(), _text("reason")), _("面试已取消"))
