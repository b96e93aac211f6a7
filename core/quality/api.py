"""Quality-check API (/api/v1/quality): scoring standards, samples, checks, appeals."""
from __future__ import annotations

from flask_smorest import Blueprint

from ..access import roles
from ..reports.periods import parse_month
from . import checks, sampling, standards
from .schemas import (
    QAppealInSchema,
    QCheckDetailSchema,
    QCheckInSchema,
    QCheckPageSchema,
    QCheckQuerySchema,
    QDecisionInSchema,
    QRedrawSchema,
    QSampleInSchema,
    QSamplePageSchema,
    QSampleQuerySchema,
    QSampleSchema,
    QScoreInSchema,
    QStandardInSchema,
    QStandardListSchema,
    QStandardQuerySchema,
    QStandardSchema,
)

blp = Blueprint("quality_api", __name__, url_prefix="/api/v1/quality",
                description="Quality checks (质检): standards, samples, scores, appeals")

REVIEW = ("quality", "supervisor")
READ = ("quality", "supervisor", "dispatcher")


def _month(text):
    return parse_month(text).first if text else None


@blp.route("/standards")
@roles(*READ)
@blp.arguments(QStandardQuerySchema, location="query")
@blp.response(200, QStandardListSchema)
def list_standards(args):
    """The scoring standards in force (or every version with ``include_retired``)."""
    return {"items": standards.listing(args["kind"], include_retired=args["include_retired"])}


@blp.route("/standards", methods=["POST"])
@roles("supervisor")
@blp.arguments(QStandardInSchema)
@blp.response(201, QStandardSchema)
def save_standard(data):
    """Save a kind's scoring standard as its next version (weights sum to 100 %)."""
    standard = standards.save(data["kind"], data["items"], data["note"])
    return standard


@blp.route("/standards/<int:standard_id>")
@roles(*READ)
@blp.response(200, QStandardSchema)
def get_standard(standard_id):
    """One version of a scoring standard."""
    return standards.get(standard_id)


@blp.route("/samples")
@roles(*REVIEW)
@blp.arguments(QSampleQuerySchema, location="query")
@blp.response(200, QSamplePageSchema)
def list_samples(args):
    """Samples drawn, newest first."""
    return sampling.listing(page=args["page"], per_page=args["per_page"], sort=args["sort"],
                            kind=args["kind"], month=_month(args["month"]))


@blp.route("/samples", methods=["POST"])
@roles(*REVIEW)
@blp.arguments(QSampleInSchema)
@blp.response(201, QSampleSchema)
def draw_sample(data):
    """Draw N records per dispatcher of one kind from a month (seed stored)."""
    sample = sampling.draw(parse_month(data["month"]), data["kind"], data["per_dispatcher"],
                           reviewer_id=data["reviewer_id"], seed=data["seed"],
                           dispatcher_ids=data["dispatcher_ids"])
    return sample


@blp.route("/samples/<int:sample_id>")
@roles(*REVIEW)
@blp.response(200, QSampleSchema)
def get_sample(sample_id):
    """One sample."""
    return sampling.get(sample_id)


@blp.route("/samples/<int:sample_id>/redraw")
@roles(*REVIEW)
@blp.response(200, QRedrawSchema)
def redraw_sample(sample_id):
    """The draw made again from the stored seed, beside what was stored (audit)."""
    return sampling.redraw(sampling.get(sample_id))


@blp.route("/checks")
@roles(*READ)
@blp.arguments(QCheckQuerySchema, location="query")
@blp.response(200, QCheckPageSchema)
def list_checks(args):
    """Quality checks (a dispatcher sees her own only)."""
    args["month"] = _month(args["month"])
    return checks.search(**args)


@blp.route("/checks", methods=["POST"])
@roles(*REVIEW)
@blp.arguments(QCheckInSchema)
@blp.response(201, QCheckDetailSchema)
def create_check(data):
    """Check one record on demand (not drawn in a sample)."""
    check = checks.create_on_demand(data["kind"], data["record_id"], data["reviewer_id"])
    return check


@blp.route("/checks/<int:check_id>")
@roles(*READ)
@blp.response(200, QCheckDetailSchema)
def get_check(check_id):
    """One check with its standard and item scores (a dispatcher: her own only)."""
    return checks.get(check_id)


@blp.route("/checks/<int:check_id>/score", methods=["POST"])
@roles(*REVIEW)
@blp.arguments(QScoreInSchema)
@blp.response(200, QCheckDetailSchema)
def score_check(data, check_id):
    """Score every item with comments (order-entry checks also mark the entry)."""
    check = checks.score(checks.get(check_id), data["version"], data["scores"],
                         data["comment"], data["entry_accurate"])
    return check


@blp.route("/checks/<int:check_id>/appeal", methods=["POST"])
@roles("dispatcher")
@blp.arguments(QAppealInSchema)
@blp.response(200, QCheckDetailSchema)
def appeal_check(data, check_id):
    """The dispatcher appeals her check, once."""
    check = checks.appeal(checks.get(check_id), data["version"], data["reason"])
    return check


@blp.route("/checks/<int:check_id>/decision", methods=["POST"])
@roles("supervisor")
@blp.arguments(QDecisionInSchema)
@blp.response(200, QCheckDetailSchema)
def decide_appeal(data, check_id):
    """A supervisor decides the appeal: upheld, or changed with new item scores."""
    check = checks.decide(checks.get(check_id), data["version"], data["outcome"],
                          data["note"], data["scores"])
    return check
