"""Survey pages: the customer's public page behind her personal link (no login, mobile
first, Chinese by default), the dispatcher's fill-in page for a call, and the results
(CSAT and dissatisfied rate per month, worker, line or dispatcher, with a chart and the
free-text answers). Thin: the same service calls as the API."""
from __future__ import annotations

from flask import Blueprint, current_app, flash, redirect, render_template, request, url_for
from flask_babel import force_locale, get_locale
from flask_babel import gettext as _
from marshmallow import fields

from .. import plugins
from ..access import current_principal, public, roles
from ..errors import Conflict, Invalid, NotFound
from ..i18n import reader_text
from ..inputs import INT64_MAX
from ..messages import bilingual
from ..webforms import parse_form
from . import results, service
from .results import GROUPS

bp = Blueprint("surveys", __name__)
DESK = ("dispatcher", "supervisor")


def _raw(questionnaire) -> dict:
    """The answers the form posted, by question code (empty ones left out), read through
    an argument map of the questionnaire's own codes; each answer is judged by the
    service (:func:`core.surveys.questionnaire.read`), with its own words."""
    argmap = {x.code: fields.String(load_default=None) for x in questionnaire.questions}
    return {k: v for k, v in parse_form(argmap).items() if v is not None}


def _errors(exc: Invalid) -> dict:
    return {k.split(".", 1)[-1]: v for k, v in (exc.fields or {}).items()}


def _closed(exc, lang: str, status: int):
    with force_locale(lang):
        return render_template("surveys/closed.html", lang=lang, code=exc.code,
                               message=bilingual(exc.message)[lang]), status


@bp.route("/s/<token>", methods=["GET", "POST"])
@public
def answer_page(token):
    """The customer's survey: her given name (surname masked), the service, the
    questions; answered once, before the link expires."""
    lang = request.args.get("lang")
    lang = lang if lang in current_app.config["LANGUAGES"] else "zh"
    try:
        s = service.by_token(token)
    except NotFound as exc:
        return _closed(exc, lang, 404)
    except Conflict as exc:
        return _closed(exc, lang, 409)
    q = service.questionnaire(s.service_line)
    line = plugins.service_line(s.service_line)
    answers, errors = {}, {}
    if request.method == "POST":
        try:
            answers = _raw(q)
            service.answer_by_token(token, answers)
        except Invalid as exc:
            errors = _errors(exc)
        except Conflict as exc:
            return _closed(exc, lang, 409)
        else:
            with force_locale(lang):
                return render_template("surveys/thanks.html", lang=lang)
    with force_locale(lang):
        return render_template(
            "surveys/public.html", lang=lang, token=token, q=q, answers=answers,
            errors=errors, name=service.shown_name(s.customer_id),
            service_name=(line.name_zh if lang == "zh" else line.name_en) if line
            else s.service_line), 422 if errors else 200


@bp.route("/surveys/")
@roles(*DESK)
def index():
    """Results: CSAT and dissatisfied rate by month / worker / line / dispatcher, a
    chart, the free-text answers, and the surveys still unanswered."""
    by = request.args.get("by") if request.args.get("by") in GROUPS else "month"
    month = (request.args.get("month") or "").strip() or None
    line = (request.args.get("service_line") or "").strip() or None
    errors = {}
    if month and not _is_month(month):
        errors["month"] = [{"en": "Give the month as YYYY-MM, between 1900 and 2100.",
                            "zh": "月份格式为 YYYY-MM，须在 1900 年至 2100 年之间。"}]
        month = None
    people = {}
    for field in ("worker_id", "dispatcher_id"):
        raw = (request.args.get(field) or "").strip()
        if not raw:
            continue
        if raw.isdigit() and 0 < int(raw) <= INT64_MAX:
            people[field] = int(raw)
        else:
            errors[field] = [{"en": "Choose someone from the list.",
                              "zh": "请从列表中选择。"}]
    data = results.summary(by=by, month=month, service_line=line, **people)
    if str(get_locale()) == "en":
        for group in data["groups"]:
            group["label"] = group["label_en"]
    open_ = results.search(answered=False, per_page=10)
    workers, dispatchers = results.people()
    return render_template("surveys/index.html", data=data, by=by, month=month or "",
                           line=line or "", errors=errors, unanswered=open_["items"],
                           chart=_chart(data["groups"]), workers=workers,
                           dispatchers=dispatchers, chosen=people)


def _is_month(text: str) -> bool:
    import re

    from .schemas import MONTH  # the API's rule: 1900-01 … 2100-12
    return bool(re.fullmatch(MONTH, text))


def _chart(groups: list[dict]) -> dict:
    """Bar geometry for the inline SVG: CSAT and dissatisfied rate per group."""
    shown = groups[-12:] if groups else []
    width = max(320, 70 * len(shown) + 60)
    bars = []
    for i, g in enumerate(shown):
        x = 50 + i * 70
        csat, bad = g["csat"] or 0, g["dissatisfied_rate"] or 0
        bars.append({"x": x, "label": g["label"][:8], "csat": csat, "bad": bad,
                     "h_csat": round(csat * 1.6, 1), "h_bad": round(bad * 1.6, 1),
                     "answered": g["answered"]})
    return {"width": width, "bars": bars}


@bp.route("/surveys/<int:survey_id>/fill", methods=["GET", "POST"])
@roles(*DESK)
def fill(survey_id):
    """A dispatcher fills the survey in while on the phone with the customer."""
    s = service.get(survey_id)
    q = service.questionnaire(s.service_line)
    answers, errors = {}, {}
    if request.method == "POST":
        try:
            answers = _raw(q)
            s = service.answer_by_staff(survey_id, answers, actor_id=current_principal().id)
        except Invalid as exc:
            errors = _errors(exc)
        except Conflict as exc:
            m = bilingual(exc.message)
            flash(reader_text(m), "error")
            return redirect(url_for("surveys.index"))
        else:
            flash(_("调查已记录。") + (_("客户不满意，已转为投诉。") if s.dissatisfied else ""))
            if s.complaint_id:
                return redirect(url_for("complaints.detail", complaint_id=s.complaint_id))
            return redirect(url_for("surveys.index"))
    row = results.search(order_id=s.order_id, per_page=200)["items"] if s.order_id else []
    number = next((r["order_number"] for r in row if r["id"] == s.id), None)
    return render_template("surveys/fill.html", s=s, q=q, answers=answers, errors=errors,
                           order_number=number), 422 if errors else 200
