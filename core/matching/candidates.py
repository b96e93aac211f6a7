"""Candidates for one order (候选阿姨): hard rules filtered in SQL, a columnar read of the
fields the score needs (never every worker as an ORM object), the score with its parts,
and "why not her?" (为什么不是她) — the rules a named worker fails.
"""
from __future__ import annotations

import sqlalchemy as sa

from ..errors import NotFound
from ..extensions import db
from ..followups.models import Evaluation
from ..identity import age_on
from ..messages import Msg
from ..orders.models import Order
from ..plugins import matching_rules, score_parts
from ..timeutil import utcnow
from ..workers.models import Worker, WorkerServiceLine
from .context import OrderContext, order_context
from .models import Assignment, WorkerLocation
from .rules import core_rules
from .scoring import score, weights

#: every worker's average overall score and count, one grouped pass (joined, not a
#: sub-query per worker)
RATINGS = (sa.select(Evaluation.worker_id, sa.func.avg(Evaluation.overall).label("rating"),
                     sa.func.count().label("ratings_count"))
           .group_by(Evaluation.worker_id).subquery("ratings"))


def worker_columns(ctx: OrderContext) -> list:
    """The columns matching reads for each worker: her facts, location, rating,
    history with this customer and the end of her last assignment."""
    served = sa.exists().where(Order.worker_id == Worker.id,
                               Order.customer_id == ctx.customer_id, Order.id != ctx.order_id)
    customer_rating = sa.select(sa.func.max(Evaluation.overall)).where(
        Evaluation.worker_id == Worker.id, Evaluation.order_id == Order.id,
        Order.customer_id == ctx.customer_id).scalar_subquery()
    last_end = sa.select(sa.func.max(Assignment.ends_at)).where(
        Assignment.worker_id == Worker.id, Assignment.kind == "assignment",
        Assignment.state != "released", Assignment.ends_at <= ctx.now).scalar_subquery()
    return [Worker.id, Worker.name, Worker._birth_date.label("birth_date"), Worker.hometown,
            Worker.dialect, Worker.years_experience, Worker.grade,
            WorkerLocation.district, WorkerLocation.latitude, WorkerLocation.longitude,
            RATINGS.c.rating, sa.func.coalesce(RATINGS.c.ratings_count, 0).label("ratings_count"),
            served.label("served"),
            customer_rating.label("customer_rating"), last_end.label("last_end")]


def _select(ctx: OrderContext, *extra):
    return (sa.select(*worker_columns(ctx), *extra)
            .outerjoin(WorkerLocation, WorkerLocation.worker_id == Worker.id)
            .outerjoin(RATINGS, RATINGS.c.worker_id == Worker.id))


def _row(ctx: OrderContext, m) -> dict:
    row = dict(m)
    row["age"] = age_on(row["birth_date"], ctx.period.first_day)
    row["rating"] = None if row["rating"] is None else float(row["rating"])
    row["served"] = bool(row["served"])
    return row


def read_rows(ctx: OrderContext, filters=()) -> list[dict]:
    """One columnar read of every worker passing core's hard rules (and ``filters``)."""
    stmt = _select(ctx).where(*(r.clause(ctx) for r in core_rules(ctx)), *filters)
    if db.session.get_bind().dialect.name == "postgresql":
        # a short OLTP read: JIT compiling it costs more than the query (≈1.3 s at 100k)
        db.session.execute(sa.text("SET LOCAL jit = off"))
    return [_row(ctx, m) for m in db.session.execute(stmt).mappings()]


def rank(ctx: OrderContext, rows: list[dict], plugin_rules=(), extra_parts=(),
         weight: dict | None = None) -> list[dict]:
    """Rows passing the plugins' rules, scored and ranked: highest total first, then
    lowest id (a stable order)."""
    weight = weight or weights(extra_parts)
    out = []
    for row in rows:
        if any(not rule.check(ctx.intake, row) for rule in plugin_rules):
            continue
        total, parts = score(ctx, row, weight, extra_parts)
        out.append({**row, "score": total, "parts": parts})
    out.sort(key=lambda r: (-r["score"], r["id"]))
    return out


def _filters(args: dict) -> list:
    from ..workers.models import GRADES

    out = []
    if args.get("min_grade") in GRADES:
        out.append(Worker.grade.in_(GRADES[GRADES.index(args["min_grade"]):]))
    if args.get("district"):
        out.append(WorkerLocation.district == args["district"])
    if args.get("q"):
        out.append(Worker.name.contains(args["q"]))
    return out


def get_context(order_id: int) -> OrderContext:
    """The matching context of an order (404 when missing)."""
    order = db.session.get(Order, order_id)
    if order is None:
        raise NotFound(Msg("No such order.", "没有该订单。"))
    return order_context(order, utcnow())


def candidates(order_id: int, args: dict | None = None) -> list[dict]:
    """The order's candidates, ranked, each with ``score`` and ``parts``."""
    args = args or {}
    ctx = get_context(order_id)
    rows = read_rows(ctx, _filters(args))
    ranked = rank(ctx, rows, matching_rules(ctx.service_line), score_parts(ctx.service_line))
    if args.get("min_rating") is not None:
        ranked = [r for r in ranked if (r["rating"] or 0) >= args["min_rating"]]
    return ranked


def why_not(order_id: int, worker_id: int) -> dict:
    """For a named worker: every hard rule she fails (code and message), empty when she
    is a candidate; plus her score when she passes."""
    ctx = get_context(order_id)
    rules = core_rules(ctx)
    cols = [sa.case((r.clause(ctx), 1), else_=0).label(f"ok_{i}") for i, r in enumerate(rules)]
    found = db.session.execute(_select(ctx, *cols).where(Worker.id == worker_id)).mappings().first()
    if found is None:
        raise NotFound(Msg("No such worker.", "没有该阿姨。"))
    failed = [{"code": r.code, "message": _msg(r.message)}
              for i, r in enumerate(rules) if not found[f"ok_{i}"]]
    row = _row(ctx, {k: v for k, v in found.items() if not k.startswith("ok_")})
    for rule in matching_rules(ctx.service_line):
        if not rule.check(ctx.intake, row):
            failed.append({"code": rule.code, "message": _msg(rule.message)})
    out = {"worker_id": worker_id, "name": row["name"], "failed": failed}
    if not failed:
        extra = score_parts(ctx.service_line)
        out["score"], out["parts"] = score(ctx, row, weights(extra), extra)
    return out


def _msg(message) -> dict:
    return {"en": str(message), "zh": getattr(message, "zh", str(message))}


def excluded(order_id: int, limit: int = 50, offset: int = 0) -> list[dict]:
    """Workers of the order's line who fail a hard rule, each with the rules she fails."""
    ctx = get_context(order_id)
    rules = core_rules(ctx)[1:]  # everyone listed does the line
    cols = [sa.case((r.clause(ctx), 1), else_=0).label(f"ok_{i}") for i, r in enumerate(rules)]
    stmt = (sa.select(Worker.id, Worker.name, *cols)
            .join(WorkerServiceLine, sa.and_(WorkerServiceLine.worker_id == Worker.id,
                                             WorkerServiceLine.service_line == ctx.service_line))
            .where(~sa.and_(*(r.clause(ctx) for r in rules)))
            .order_by(Worker.id).limit(limit).offset(offset))
    return [{"worker_id": m["id"], "name": m["name"],
             "failed": [{"code": r.code, "message": _msg(r.message)}
                        for i, r in enumerate(rules) if not m[f"ok_{i}"]]}
            for m in db.session.execute(stmt).mappings()]
