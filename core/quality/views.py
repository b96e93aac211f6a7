"""Quality-check pages (质检): the checks list, the scoring-standard editor (weights sum to
100 %), the monthly sample draw, the reviewer's scoring form, the dispatcher's result
with her one appeal, the supervisor's decision. The same service calls as the API;
errors shown beside the fields or flashed, nothing half-written."""
from __future__ import annotations

import sqlalchemy as sa
from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from marshmallow import ValidationError, fields, validate

from ..access import current_principal, roles
from ..accounts.models import User
from ..errors import DomainError, Invalid, flatten_fields
from ..extensions import db
from ..i18n import reader_text
from ..messages import Msg, bilingual
from ..reports.periods import parse_month
from ..webforms import parse_form
from . import checks, sampling, standards
from .models import APPEAL_OUTCOMES, KIND_LABELS, KINDS, STATE_LABELS, STATES
from .schemas import (
    QAppealInSchema,
    QDecisionInSchema,
    QSampleInSchema,
    QScoreInSchema,
    QStandardInSchema,
)

bp = Blueprint("quality", __name__, url_prefix="/quality")

REVIEW = ("quality", "supervisor")
READ = ("quality", "supervisor", "dispatcher")
#: empty rows offered below a standard's items in the editor
EXTRA_ROWS = 3


def _int(value: str | None) -> int | None:
    value = (value or "").strip()
    return int(value) if value.isdigit() else None


def _errors(exc: Exception) -> dict:
    """The refusal's fields (nothing to undo: the form is read before the step, and a
    step that refuses has rolled back)."""
    if isinstance(exc, DomainError):
        if exc.fields:
            return exc.fields
        return {"_": [bilingual(exc.message)]}
    return flatten_fields(exc.messages)


def _flash(exc: Exception) -> None:
    for field, msgs in _errors(exc).items():
        for m in msgs:
            flash((f"{field}: " if field != "_" else "") + reader_text(m), "error")


def _people(role: tuple[str, ...]) -> list[User]:
    return list(db.session.scalars(sa.select(User).where(
        User.role.in_(role), User.active.is_(True)).order_by(User.display_name)))


def _ctx() -> dict:
    return {"kind_labels": KIND_LABELS, "state_labels": STATE_LABELS, "kinds": KINDS,
            "states": STATES}


# ---------------------------------------------------------------------------- checks


@bp.get("/")
@roles(*READ)
def index():
    """The checks the person may see (a dispatcher: her own), filtered, sorted, paged."""
    args = request.args
    filters = {"kind": args.get("kind") if args.get("kind") in KINDS else None,
               "state": args.get("state") if args.get("state") in STATES else None,
               "sample_id": _int(args.get("sample_id"))}
    month = None
    try:
        month = parse_month(args.get("month")).first if args.get("month") else None
    except DomainError as exc:
        _flash(exc)
    sort = args.get("sort") if (args.get("sort") or "").lstrip("-") in (
        "created_at", "score", "month", "state", "record_id") else None
    page = checks.search(page=_int(args.get("page")) or 1, per_page=20, sort=sort,
                         q=args.get("q"), month=month, **filters)
    user = current_principal()
    return render_template("quality/index.html", page=page, args=args,
                           reviewer=user.role in REVIEW or user.role == "admin", **_ctx())


@bp.get("/checks/<int:check_id>")
@roles(*READ)
def detail(check_id):
    """One check: the standard's items with the reviewer's (and the appeal's) scores, and
    the form the person may use — score, appeal once, or decide."""
    check = checks.get(check_id)
    user = current_principal()
    by_phase: dict[str, dict[int, object]] = {"review": {}, "appeal": {}}
    for s in check.scores:
        by_phase[s.phase][s.item_id] = s
    may_score = check.state in ("pending", "scored") and (
        user.id == check.reviewer_id or user.role in ("admin", "supervisor"))
    may_appeal = (user.id == check.dispatcher_id and check.state == "scored"
                  and check.appealed_at is None)
    may_decide = check.state == "appealed" and user.role in ("supervisor", "admin")
    return render_template("quality/detail.html", check=check, by_phase=by_phase,
                           may_score=may_score, may_appeal=may_appeal, may_decide=may_decide,
                           outcomes=APPEAL_OUTCOMES, **_ctx())


def _item_fields(check) -> dict:
    """The score form's per-item boxes (``score-<item id>``, ``comment-<item id>``) as an
    argument map, built from the check's standard (the names are known only now)."""
    out = {}
    for item in check.standard.items:
        whole = Msg(f"Give a whole number for “{item.title_en or item.title_zh}”.",
                    f"“{item.title_zh}”的分数应为整数。")
        out[f"score-{item.id}"] = fields.Integer(load_default=None,
                                                 error_messages={"invalid": whole})
        out[f"comment-{item.id}"] = fields.String(load_default="",
                                                  validate=validate.Length(max=500))
    return out


def _item_scores(check) -> list[dict]:
    """The scores typed into the check's form, as the API's ``scores`` (an item left
    blank is not scored); a refused box is named ``scores``, as the API names it."""
    try:
        form = parse_form(_item_fields(check))
    except Invalid as exc:
        raise Invalid(fields={"scores": [m for msgs in exc.fields.values() for m in msgs]}) \
            from None
    return [{"item_id": item.id, "score": form[f"score-{item.id}"],
             "comment": form[f"comment-{item.id}"]}
            for item in check.standard.items if form[f"score-{item.id}"] is not None]


@bp.post("/checks/<int:check_id>/<what>")
@roles(*READ)
def act(check_id, what):
    """The check page's forms: ``score`` (reviewer), ``appeal`` (the dispatcher, once),
    ``decision`` (a supervisor). The form is read before the step; a refused step wrote
    nothing (it rolled back)."""
    check = checks.get(check_id)
    user = current_principal()
    try:
        if what == "score" and (user.role in REVIEW or user.role == "admin"):
            data = parse_form(QScoreInSchema(exclude=("scores",)))
            checks.score(check, data["version"], _item_scores(check), data["comment"],
                         data["entry_accurate"])
        elif what == "appeal" and user.role == "dispatcher":
            data = parse_form(QAppealInSchema())
            checks.appeal(check, data["version"], data["reason"])
        elif what == "decision" and user.role in ("supervisor", "admin"):
            data = parse_form(QDecisionInSchema(exclude=("scores",)))
            scores = _item_scores(check) if data["outcome"] == "changed" else None
            checks.decide(check, data["version"], data["outcome"], data["note"], scores)
        else:
            flash(_("无权进行此操作"), "error")
            return redirect(url_for("quality.detail", check_id=check_id))
        flash(_("已保存"))
    except (DomainError, ValidationError) as exc:
        if isinstance(exc, DomainError) and exc.status == 404:
            raise
        _flash(exc)
    return redirect(url_for("quality.detail", check_id=check_id))


# -------------------------------------------------------------------------- standards


@bp.get("/standards")
@roles(*READ)
def standards_page():
    """The scoring standards in force, one per kind of record."""
    current = {k: standards.current(k) for k in KINDS}
    return render_template("quality/standards.html", current=current, **_ctx())


ROW_FIELDS = ("title_zh", "title_en", "description", "weight", "max_score")


def _rows_from_form() -> tuple[list[dict], str, str | None]:
    """The editor's rows (``<field>-<n>`` for n below ``rows``), its note and the kind it
    posts, read through an argument map built from the row count the form states; only
    the rows typed into. The kind is judged by the API's schema afterwards."""
    count = parse_form({"rows": fields.Integer(load_default=0,
                                               validate=validate.Range(min=0, max=500))})
    argmap = {f"{k}-{n}": fields.String(load_default="")
              for n in range(count["rows"]) for k in ROW_FIELDS}
    argmap["note"] = fields.String(load_default="", validate=validate.Length(max=255))
    argmap["kind"] = fields.String(load_default=None)
    form = parse_form(argmap)
    rows = [{k: form[f"{k}-{n}"] for k in ROW_FIELDS} for n in range(count["rows"])]
    return [r for r in rows if any(r.values())], form["note"], form["kind"]


@bp.route("/standards/edit", methods=["GET", "POST"])
@roles("supervisor")
def edit_standard():
    """The editor: a kind's items (title, description, weight %, top score); saved as the
    kind's next version when the weights sum to 100 %."""
    kind = request.args.get("kind") if request.args.get("kind") in KINDS else KINDS[0]
    errors: dict = {}
    note = ""
    if request.method == "POST":
        rows = []
        try:
            rows, note, posted = _rows_from_form()
            kind = posted if posted in KINDS else kind
            items = [{"title_zh": r["title_zh"], "title_en": r["title_en"],
                      "description": r["description"],
                      "weight": r["weight"] or None, "max_score": r["max_score"] or 10}
                     for r in rows]
            data = QStandardInSchema().load({"kind": posted or kind, "note": note,
                                             "items": items})
            standard = standards.save(data["kind"], data["items"], data["note"])
            flash(_("评分标准已保存为第 %(v)s 版", v=standard.version))
            return redirect(url_for("quality.standards_page"))
        except (DomainError, ValidationError) as exc:
            errors = _errors(exc)
        status = 422
    else:
        current = standards.current(kind)
        rows = [{"title_zh": i.title_zh, "title_en": i.title_en,
                 "description": i.description, "weight": i.weight,
                 "max_score": i.max_score} for i in (current.items if current else [])]
        status = 200
    rows = rows + [{} for _n in range(EXTRA_ROWS)]
    total = sum(int(r["weight"]) for r in rows
                if str(r.get("weight") or "").strip().isdigit())
    return render_template("quality/standard_edit.html", kind=kind, rows=rows,
                           errors=errors, note=note, total=total, **_ctx()), status


# ---------------------------------------------------------------------------- samples


@bp.route("/samples", methods=["GET", "POST"])
@roles(*REVIEW)
def samples():
    """The samples drawn (newest first) and the form to draw a month's sample."""
    errors: dict = {}
    form = request.form if request.method == "POST" else {}
    status = 200
    if request.method == "POST":
        try:
            data = parse_form(QSampleInSchema())
            sample = sampling.draw(parse_month(data["month"], must_have_ended=False),
                                   data["kind"], data["per_dispatcher"],
                                   reviewer_id=data["reviewer_id"], seed=data["seed"],
                                   dispatcher_ids=data["dispatcher_ids"])
            flash(_("已抽取 %(n)s 条记录", n=len(sample_checks(sample.id))))
            return redirect(url_for("quality.index", sample_id=sample.id))
        except (DomainError, ValidationError) as exc:
            errors = _errors(exc)
            status = 422
    page = sampling.listing(page=_int(request.args.get("page")) or 1, per_page=20)
    return render_template("quality/samples.html", page=page, form=form, errors=errors,
                           reviewers=_people(("quality", "supervisor")), args=request.args,
                           **_ctx()), status


def sample_checks(sample_id: int) -> list[int]:
    """The ids of a sample's checks."""
    return list(db.session.scalars(sa.select(checks.QualityCheck.id).where(
        checks.QualityCheck.sample_id == sample_id)))
