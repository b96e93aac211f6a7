"""Surveys API (满意度调查): the desk's list, a survey for an order (sent as a link or
filled in during a call), the questionnaires, the results; and the public answer of a
customer through her personal link (no login). Thin: parse, call the service, answer."""
from __future__ import annotations

from flask_smorest import Blueprint

from .. import plugins
from ..access import current_principal, public, roles
from . import results, service
from .schemas import (
    AnswersInSchema,
    PublicSurveySchema,
    QuestionnaireSchema,
    ResultsQuerySchema,
    ResultsSchema,
    SurveyCreatedSchema,
    SurveyInSchema,
    SurveyPageSchema,
    SurveyQuerySchema,
    SurveySchema,
    ThanksSchema,
)

blp = Blueprint("surveys_api", __name__, url_prefix="/api/v1/surveys",
                description="Satisfaction surveys (满意度调查): links, answers, results")

DESK = ("dispatcher", "supervisor")


def questionnaire_view(code: str) -> dict:
    """A line's questionnaire as data."""
    q = service.questionnaire(code)
    return {"service_line": code, "complaint_category": q.complaint_category,
            "questions": [{"code": x.code, "kind": x.kind, "label_zh": x.label_zh,
                           "label_en": x.label_en, "required": x.required,
                           "overall": x.overall,
                           "choices": [{"value": v, "zh": zh, "en": en}
                                       for v, zh, en in x.choices]}
                          for x in q.questions]}


@blp.route("")
@roles(*DESK)
@blp.arguments(SurveyQuerySchema, location="query")
@blp.response(200, SurveyPageSchema)
def list_surveys(args):
    """Surveys, newest first; filter answered, dissatisfied, order, worker, customer,
    line, moment; ``q`` searches the order's number."""
    return results.search(**args)


@blp.route("", methods=["POST"])
@roles(*DESK)
@blp.arguments(SurveyInSchema)
@blp.response(201, SurveyCreatedSchema)
def create_survey(data):
    """A survey for an order: ``link`` sends her the personal link now (returned once);
    ``call`` opens it to be filled in during a call."""
    s, token = service.create(actor_id=current_principal().id, **data)
    return {**results.row(s), "link": service.link_path(token) if token else None}


@blp.route("/results")
@roles(*DESK)
@blp.arguments(ResultsQuerySchema, location="query")
@blp.response(200, ResultsSchema)
def survey_results(args):
    """CSAT and the dissatisfied rate per month, worker, line or dispatcher, with the
    free-text answers."""
    return results.summary(**args)


@blp.route("/questionnaires/<code>")
@roles(*DESK)
@blp.response(200, QuestionnaireSchema)
def get_questionnaire(code):
    """The questionnaire of a service line (its plugin's, or core's default)."""
    return questionnaire_view(code)


@blp.route("/<int:survey_id>")
@roles(*DESK)
@blp.response(200, SurveySchema)
def get_survey(survey_id):
    """One survey with its answers."""
    return results.row(service.get(survey_id))


@blp.route("/<int:survey_id>/answers", methods=["POST"])
@roles(*DESK)
@blp.arguments(AnswersInSchema)
@blp.response(200, SurveySchema)
def answer_survey(data, survey_id):
    """A dispatcher fills the survey in during a call. An answer out of range → 422
    naming ``answers.<question>``; answered already → 409."""
    return results.row(service.answer_by_staff(survey_id, data["answers"],
                                               actor_id=current_principal().id))


@blp.route("/public/<token>")
@public
@blp.response(200, PublicSurveySchema)
def public_survey(token):
    """The customer's survey through her link: her given name (surname masked), the
    service and the questions. Unknown or forged → 404; answered or expired → 409."""
    s = service.by_token(token)
    line = plugins.service_line(s.service_line)
    return {"name": service.shown_name(s.customer_id),
            "service_zh": line.name_zh if line else s.service_line,
            "service_en": line.name_en if line else s.service_line,
            "expires_at": s.expires_at, "questionnaire": questionnaire_view(s.service_line)}


@blp.route("/public/<token>", methods=["POST"])
@public
@blp.arguments(AnswersInSchema)
@blp.response(200, ThanksSchema)
def public_answer(data, token):
    """The customer answers through her link (once; not after it expired)."""
    s = service.answer_by_token(token, data["answers"])
    return {"answered": True, "dissatisfied": bool(s.dissatisfied)}
