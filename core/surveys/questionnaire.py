"""Questionnaires (满意度调查问卷): the value types a service-line plugin returns from
``get_survey_questionnaire``, core's default, their check, and how answers are read.

A :class:`Questionnaire` is a tuple of :class:`Question`; each question has a kind —
``stars`` (1–5), ``choice`` (one of its ``choices``) or ``text`` — and says which answers
count as dissatisfied (``dissatisfied_below`` for stars, ``dissatisfied_choices`` for a
choice). One stars question is the ``overall`` score: it is the survey's score (CSAT)
and, at the end of service, it feeds the worker's rating. Pure data: no clock, no
database. See ``docs/complaints.md`` for an example.
"""
from __future__ import annotations

import re
from dataclasses import dataclass

QUESTION_KINDS = ("stars", "choice", "text")
#: longest free-text answer kept
TEXT_MAX = 1000
_CODE = re.compile(r"^[a-z][a-z0-9_]{0,31}$")


@dataclass(frozen=True)
class Question:
    """One question of a questionnaire.

    ``code``: unique within the questionnaire (the answer's key). ``kind``: ``stars``,
    ``choice`` or ``text``. ``label_zh``/``label_en``: what the customer reads.
    ``choices``: ``((value, zh, en), …)`` for a choice. ``required``: must be answered.
    ``dissatisfied_below``: a stars answer below this counts as dissatisfied (e.g. 3:
    one or two stars). ``dissatisfied_choices``: choice values that count as
    dissatisfied. ``overall``: this stars question is the survey's score.
    """

    code: str
    kind: str
    label_zh: str
    label_en: str
    choices: tuple[tuple[str, str, str], ...] = ()
    required: bool = True
    dissatisfied_below: int | None = None
    dissatisfied_choices: tuple[str, ...] = ()
    overall: bool = False


@dataclass(frozen=True)
class Questionnaire:
    """The satisfaction questionnaire of a service line: its questions in order, and the
    complaint class a dissatisfied answer opens (one of the company's classes)."""

    questions: tuple[Question, ...]
    complaint_category: str = "quality"

    @property
    def overall(self) -> Question:
        """The stars question that is the survey's score."""
        return next(q for q in self.questions if q.overall)


DEFAULT = Questionnaire(questions=(
    Question("overall", "stars", "您对本次服务总体满意吗？",
             "How satisfied are you with this service overall?",
             dissatisfied_below=3, overall=True),
    Question("punctual", "choice", "阿姨是否准时？", "Was the worker on time?",
             choices=(("yes", "准时", "On time"), ("late", "迟到", "Late"),
                      ("no_show", "未到", "Did not come")),
             dissatisfied_choices=("no_show",)),
    Question("again", "choice", "下次还愿意选择我们吗？", "Would you book us again?",
             choices=(("yes", "愿意", "Yes"), ("maybe", "看情况", "Maybe"),
                      ("no", "不愿意", "No")), dissatisfied_choices=("no",)),
    Question("comment", "text", "还有什么想告诉我们的？", "Anything else you want to tell us?",
             required=False),
))


class QuestionnaireError(ValueError):
    """A questionnaire that cannot be used; the message lists every problem."""


def problems(q: Questionnaire) -> list[str]:
    """Every problem of a questionnaire, in words (empty when it is valid)."""
    if not isinstance(q, Questionnaire):
        return [f"expected core.Questionnaire, got {type(q).__name__}"]
    out: list[str] = []
    if not q.questions:
        out.append("a questionnaire needs at least one question")
    seen: set[str] = set()
    for i, question in enumerate(q.questions):
        if not isinstance(question, Question):
            out.append(f"questions[{i}] is {type(question).__name__}, not a Question")
            continue
        name = f"question {question.code!r}"
        if not isinstance(question.code, str) or not _CODE.match(question.code):
            out.append(f"{name}: code must be lower-case letters, digits and _ (at most 32)")
        if question.code in seen:
            out.append(f"{name}: the code is used twice")
        seen.add(question.code)
        if question.kind not in QUESTION_KINDS:
            out.append(f"{name}: kind must be one of {', '.join(QUESTION_KINDS)}")
        for attr in ("label_zh", "label_en"):
            value = getattr(question, attr)
            if not isinstance(value, str) or not value.strip() or len(value) > 200:
                out.append(f"{name}: {attr} must be given (at most 200 characters)")
        values = [c[0] for c in question.choices if isinstance(c, tuple) and len(c) == 3]
        if question.kind == "choice":
            if len(values) < 2 or len(values) != len(question.choices):
                out.append(f"{name}: a choice needs two or more (value, zh, en) choices")
            for v in question.dissatisfied_choices:
                if v not in values:
                    out.append(f"{name}: dissatisfied choice {v!r} is not one of its choices")
        elif question.choices or question.dissatisfied_choices:
            out.append(f"{name}: only a choice question has choices")
        if question.dissatisfied_below is not None and (
                question.kind != "stars" or question.dissatisfied_below not in range(2, 6)):
            out.append(f"{name}: dissatisfied_below is for stars, 2–5")
        if question.overall and (question.kind != "stars" or not question.required):
            out.append(f"{name}: the overall question is a required stars question")
    overall = [question for question in q.questions
               if isinstance(question, Question) and question.overall]
    if len(overall) != 1:
        out.append("exactly one question must be the overall score (overall=True)")
    if not isinstance(q.complaint_category, str) or not _CODE.match(q.complaint_category):
        out.append("complaint_category must be a class code")
    return out


def check(q: Questionnaire, owner: str) -> Questionnaire:
    """``q`` when valid; else :class:`QuestionnaireError` naming the plugin and problems."""
    found = problems(q)
    if found:
        raise QuestionnaireError(f"plugin {owner!r}: invalid questionnaire: " + "; ".join(found))
    return q


@dataclass(frozen=True)
class Reading:
    """Answers read against a questionnaire: the clean answers, the score, and which
    questions were answered dissatisfied."""

    answers: dict
    score: int
    dissatisfied_on: tuple[str, ...]

    @property
    def dissatisfied(self) -> bool:
        """At least one answer counts as dissatisfied."""
        return bool(self.dissatisfied_on)


def read(q: Questionnaire, raw) -> tuple[Reading | None, dict[str, list[dict]]]:
    """Read raw answers (``{code: value}``); returns the reading and, when something is
    wrong, the errors by field (``answers.<code>``), bilingual."""
    errors: dict[str, list[dict]] = {}

    def err(code: str, en: str, zh: str) -> None:
        errors.setdefault(f"answers.{code}", []).append({"en": en, "zh": zh})

    if not isinstance(raw, dict):
        return None, {"answers": [{"en": "Answers must be an object of question: answer.",
                                   "zh": "答案格式应为“问题: 答案”。"}]}
    known = {question.code: question for question in q.questions}
    for code in raw:
        if code not in known:
            err(str(code)[:40], "There is no such question.", "没有这个问题。")
    clean: dict = {}
    unhappy: list[str] = []
    for question in q.questions:
        value = raw.get(question.code)
        if isinstance(value, str):
            value = value.strip()
        if value in (None, ""):
            if question.required:
                err(question.code, "Please answer this question.", "请回答这个问题。")
            continue
        if question.kind == "stars":
            stars = _stars(value)
            if stars is None:
                err(question.code, "Give 1 to 5 stars.", "请选择1到5颗星。")
                continue
            clean[question.code] = stars
            if question.dissatisfied_below and stars < question.dissatisfied_below:
                unhappy.append(question.code)
        elif question.kind == "choice":
            values = [c[0] for c in question.choices]
            if value not in values:
                err(question.code, f"Choose one of: {', '.join(values)}.",
                    "请从给出的选项中选择一项。")
                continue
            clean[question.code] = value
            if value in question.dissatisfied_choices:
                unhappy.append(question.code)
        else:
            if not isinstance(value, str) or len(value) > TEXT_MAX:
                err(question.code, f"Write at most {TEXT_MAX} characters.",
                    f"最多填写{TEXT_MAX}个字。")
                continue
            clean[question.code] = value
    if errors:
        return None, errors
    return Reading(clean, clean[q.overall.code], tuple(unhappy)), {}


def _stars(value) -> int | None:
    if isinstance(value, bool):
        return None
    if isinstance(value, str) and value.isdigit():
        value = int(value)
    return value if isinstance(value, int) and 1 <= value <= 5 else None
