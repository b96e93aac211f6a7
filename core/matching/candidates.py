"""Candidates for one order (候选阿姨), ranked in the database.

The pool is read from :class:`~core.matching.profiles.MatchingProfile` (one row per
worker and line): her line, status (空闲), credentials valid through the whole period
(``valid_until``), not on the customer's "do not send" list, and free — no booking in
force overlapping the period, asked live of ``assignments``. The score and its parts
(:mod:`core.matching.scoring`) are SQL expressions, so the database ranks every
candidate and only the requested page leaves it. A plugin rule or score part that
gives an SQL form (``MatchingRule.where``, ``ScorePart.expr``) joins the query; one
that does not sends the ranking down the Python path (every candidate read once,
scored by :func:`rank` — correct, slower).

"Why not her?" (为什么不是她) asks each core rule of the source tables separately
(:mod:`core.matching.rules`), so it names exactly which credential fails.
"""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import sqlalchemy as sa

from ..errors import NotFound
from ..extensions import db
from ..followups.models import Evaluation
from ..identity import age_on
from ..messages import Msg
from ..orders.models import Order
from ..plugins import matching_rules, score_parts
from ..timeutil import utcnow
from ..workers.models import GRADES, Worker, WorkerServiceLine
from .context import OrderContext, order_context
from .models import CustomerExcludedWorker
from .profiles import MatchingProfile as P
from .rules import WORKING_STATUSES, busy_workers, core_rules
from .scoring import grade_value, score, weights


@dataclass
class Ranking:
    """One page of the ranked candidates and how many there are in all."""

    total: int
    items: list[dict]


def _float(x):
    return sa.cast(x, sa.Float)


def _n(x) -> sa.ColumnElement:
    """A numeric constant written into the SQL (never user text): SQLite evaluates
    these once per statement instead of fetching a bound parameter per row — a third
    of the ranking's time on 20,000 candidates."""
    if isinstance(x, bool) or not isinstance(x, int | float):
        raise TypeError(f"not a number: {x!r}")
    if isinstance(x, int):
        return sa.literal_column(str(int(x)), sa.Integer)
    # typed, or PostgreSQL reads 0.6 as NUMERIC and does decimal arithmetic per row
    return sa.cast(sa.literal_column(repr(float(x))), sa.Float)


def _v(x: float) -> sa.ColumnElement:
    """A per-request number (the current time, the customer's location) as a typed
    bound parameter: the statement's text, and so SQLAlchemy's compiled-statement cache
    entry, stays the same from request to request. Written into the SQL as :func:`_n`
    does, every call was a new statement — compiled afresh (43 % of a request) and kept
    in the cache (≈ 0.5 MiB each)."""
    return sa.bindparam(None, float(x), type_=sa.Float)


def _case01(cond) -> sa.ColumnElement:
    return sa.case((cond, _n(1.0)), else_=_n(0.0))


def _years_before(day: dt.date, years: int) -> dt.date:
    try:
        return day.replace(year=day.year - years)
    except ValueError:  # 29 February → 28 February
        return day.replace(year=day.year - years, day=28)


def _contains(column, text: str) -> sa.ColumnElement:
    """``text`` occurs in ``column`` (case-sensitive on both databases)."""
    if db.session.get_bind().dialect.name == "postgresql":
        return sa.func.strpos(column, text) > 0
    return sa.func.instr(column, text) > 0


@dataclass(frozen=True)
class History:
    """The customer's history with workers: who served her before (another order of
    hers had her as its worker) and each worker's best evaluation on her orders."""

    served: frozenset
    best: dict

    def continuity(self, worker_id) -> sa.ColumnElement:
        """The continuity part (``scoring.continuity``) as a CASE on the worker id."""
        groups: dict[float, list[int]] = {1.0: [], 0.6: [], 0.5: []}
        for wid in self.served:
            best = self.best.get(wid)
            value = 0.6 if best is None else (1.0 if best >= 4 else (0.5 if best >= 3 else 0.0))
            if value:
                groups[value].append(int(wid))
        # the served workers as bound lists (one IN per value), so every customer's
        # ranking is the same statement; an empty list is IN () — false
        return sa.case(*((worker_id.in_(sa.bindparam(None, ids, expanding=True)), _n(v))
                         for v, ids in groups.items()), else_=_n(0.0))


def customer_history(ctx: OrderContext) -> History:
    """Read once per request: a customer has served few workers, so the answer is
    small and joins the ranking as literals."""
    order_ids = list(db.session.scalars(sa.select(Order.id).where(
        Order.customer_id == ctx.customer_id)))
    served = frozenset(db.session.scalars(sa.select(Order.worker_id).where(
        Order.customer_id == ctx.customer_id, Order.id != ctx.order_id,
        Order.worker_id.is_not(None)).distinct()))
    best: dict = {}
    if order_ids:  # no GROUP BY: SQLite would scan every evaluation in worker order
        for wid, overall in db.session.execute(sa.select(
                Evaluation.worker_id, Evaluation.overall).where(
                Evaluation.order_id.in_(order_ids))):
            best[wid] = max(best.get(wid, overall), overall)
    return History(served, best)


def _rating_value():
    return sa.case((P.ratings_count == 0, None),
                   else_=_float(P.rating_sum) / P.ratings_count)


def sql_parts(ctx: OrderContext, history: History) -> dict[str, sa.ColumnElement]:
    """Core's score parts (each 0…1) as SQL expressions over the profile — the same
    formulas as the Python ones in :mod:`core.matching.scoring`."""
    rating = sa.case((P.ratings_count == _n(0), _n(0.6)),
                     else_=(_float(P.rating_sum) / _float(P.ratings_count) - _n(1.0)) / _n(4.0))
    experience = sa.case((P.years_experience >= _n(15), _n(1.0)),
                         else_=_float(P.years_experience) / _n(15.0))
    grade = sa.case({_n(i): _n(grade_value(i, ctx.grade_asked)) for i in range(len(GRADES))},
                    value=P.grade_rank, else_=_n(grade_value(0, ctx.grade_asked)))
    if not ctx.district:
        by_district = _n(0.5)
    else:
        by_district = sa.case((P.district == "", _n(0.5)),
                              (P.district == ctx.district, _n(0.8)), else_=_n(0.3))
    if ctx.latitude is not None and ctx.longitude is not None:
        p1 = _v(float(ctx.latitude) * 3.141592653589793 / 180)
        p2 = sa.func.radians(P.latitude)
        half = sa.func.sin((p2 - p1) / _n(2.0))
        half_lon = sa.func.sin(sa.func.radians(P.longitude - _v(float(ctx.longitude)))
                               / _n(2.0))
        a = half * half + sa.func.cos(p1) * sa.func.cos(p2) * half_lon * half_lon
        root = sa.func.sqrt(a)
        km = _n(12742.0) * sa.func.asin(sa.case((root > _n(1.0), _n(1.0)), else_=root))
        distance = sa.case(
            (sa.and_(P.latitude.is_not(None), P.longitude.is_not(None)),
             sa.case((km >= _n(30.0), _n(0.0)), else_=_n(1.0) - km / _n(30.0))),
            else_=by_district)
    else:
        distance = by_district
    checks = _preference_checks(ctx)
    preferences = (sum(checks, _n(0.0)) / _n(float(len(checks)))) if checks else _n(0.5)
    continuity = history.continuity(P.worker_id)
    waited = _v(ctx.now.timestamp()) - P.last_end_epoch
    fairness = sa.case((P.last_end_epoch.is_(None), _n(1.0)),
                       (waited >= _n(60.0 * 86400), _n(1.0)), (waited < _n(86400.0), _n(0.0)),
                       else_=sa.func.floor(waited / _n(86400.0)) / _n(60.0))
    return {"rating": rating, "experience": experience, "grade": grade,
            "distance": distance, "preferences": preferences, "continuity": continuity,
            "fairness": fairness}


def _preference_checks(ctx: OrderContext) -> list:
    prefs, checks = ctx.preferences, []
    lo, hi = prefs.get("worker_age_min"), prefs.get("worker_age_max")
    if lo is not None or hi is not None:
        day = ctx.period.first_day
        oldest_excluded = _years_before(day, int(hi or 200) + 1)  # age ≤ hi ⟺ born after
        checks.append(_case01(sa.and_(P.birth_date <= _years_before(day, int(lo or 0)),
                                      P.birth_date > oldest_excluded)))
    if prefs.get("hometown"):
        checks.append(_case01(_contains(P.hometown, str(prefs["hometown"]))))
    if prefs.get("dialect"):
        checks.append(_case01(P.dialect == str(prefs["dialect"])))
    if prefs.get("min_experience_years") is not None:
        checks.append(_case01(P.years_experience >= prefs["min_experience_years"]))
    return checks


def pool(ctx: OrderContext) -> list:
    """Core's hard rules as conditions on the profile (see :mod:`core.matching.rules`);
    the customer's short "do not send" list joins as literals."""
    excluded = list(db.session.scalars(sa.select(CustomerExcludedWorker.worker_id).where(
        CustomerExcludedWorker.customer_id == ctx.customer_id)))
    return [P.service_line == ctx.service_line, P.status.in_(WORKING_STATUSES),
            P.valid_until >= ctx.period.last_day,
            *([P.worker_id.not_in(excluded)] if excluded else []),
            P.worker_id.not_in(busy_workers(ctx))]


def _filters(args: dict) -> list:
    out = []
    if args.get("min_grade") in GRADES:
        out.append(P.grade_rank >= GRADES.index(args["min_grade"]))
    if args.get("district"):
        out.append(P.district == args["district"])
    if args.get("q"):
        out.append(P.name.contains(args["q"], autoescape=True))
    if args.get("min_rating") is not None:
        out.append(sa.func.coalesce(_rating_value(), 0.0) >= args["min_rating"])
    return out


_FIELDS = (P.worker_id.label("id"), P.name, P.birth_date, P.hometown, P.dialect,
           P.years_experience, P.grade, P.district, P.latitude, P.longitude,
           P.rating_sum, P.ratings_count, P.last_end_epoch)


def _item(ctx: OrderContext, history: History, m) -> dict:
    """A profile row as the candidate dict (and the row plugins' rules see)."""
    count = m["ratings_count"] or 0
    last = m["last_end_epoch"]
    return {"id": m["id"], "name": m["name"],
            "age": age_on(m["birth_date"], ctx.period.first_day),
            "birth_date": m["birth_date"], "hometown": m["hometown"],
            "dialect": m["dialect"] or None, "years_experience": m["years_experience"],
            "grade": m["grade"], "district": m["district"] or None,
            "latitude": m["latitude"], "longitude": m["longitude"],
            "rating": m["rating_sum"] / count if count else None, "ratings_count": count,
            "served": m["id"] in history.served, "customer_rating": history.best.get(m["id"]),
            "last_end": None if last is None else dt.datetime.fromtimestamp(
                last, dt.timezone.utc)}


def _select(*extra):
    return sa.select(*_FIELDS, *extra).select_from(P)


def _no_jit() -> None:
    if db.session.get_bind().dialect.name == "postgresql":
        # a short OLTP read: JIT compiling it costs more than the query
        db.session.execute(sa.text("SET LOCAL jit = off"))


def read_rows(ctx: OrderContext, filters=()) -> list[dict]:
    """Every worker passing core's hard rules (and ``filters``), one columnar read of
    the fields the score needs (the Python path, and the benchmark's floor)."""
    history = customer_history(ctx)
    _no_jit()
    stmt = _select().where(*pool(ctx), *filters)
    return [_item(ctx, history, m) for m in db.session.execute(stmt).mappings()]


def rank(ctx: OrderContext, rows: list[dict], plugin_rules=(), extra_parts=(),
         weight: dict | None = None) -> list[dict]:
    """The Python path: rows passing the plugins' rules, scored (``scoring.score``) and
    ranked — highest total first, then lowest id."""
    weight = weight or weights(extra_parts)
    out = []
    for row in rows:
        if any(not rule.check(ctx.intake, row) for rule in plugin_rules):
            continue
        total, parts = score(ctx, row, weight, extra_parts)
        out.append({**row, "score": total, "parts": parts})
    out.sort(key=lambda r: (-r["score"], r["id"]))
    return out


def _ranked_in_sql(ctx, filters, rules, extra, page: int, per_page: int) -> Ranking:
    weight, history = weights(extra), customer_history(ctx)
    parts = sql_parts(ctx, history)
    parts.update({p.code: p.expr(ctx.intake, P) for p in extra})
    # 1. every candidate's total only (one expression per row), ranked; the page's ids
    total = sum((e * _n(float(weight[c])) for c, e in parts.items()), _n(0.0))
    cond = [c for c in (r.where(ctx.intake, P) for r in rules) if c is not None]
    scored = (sa.select(P.worker_id.label("id"), total.label("score"))
              .where(*pool(ctx), *filters, *cond).subquery("scored"))
    top = (sa.select(scored.c.id, scored.c.score, sa.func.count().over().label("n"))
           .order_by(scored.c.score.desc(), scored.c.id)
           .limit(per_page).offset((page - 1) * per_page).subquery("top"))
    # 2. the page's fields and parts (the parts computed for these rows alone)
    stmt = (_select(top.c.score, top.c.n, *(e.label(f"p_{c}") for c, e in parts.items()))
            .join(top, sa.and_(top.c.id == P.worker_id, P.service_line == ctx.service_line))
            .order_by(top.c.score.desc(), top.c.id))
    _no_jit()
    rows = db.session.execute(stmt).mappings().all()
    count = rows[0]["n"] if rows else db.session.scalar(
        sa.select(sa.func.count()).select_from(scored))
    items = []
    for m in rows:
        item = _item(ctx, history, m)
        item["score"] = round(float(m["score"]), 6)
        item["parts"] = {c: round(float(m[f"p_{c}"]) * weight[c], 4) for c in parts}
        items.append(item)
    return Ranking(count, items)


def get_context(order_id: int) -> OrderContext:
    """The matching context of an order (404 when missing)."""
    order = db.session.get(Order, order_id)
    if order is None:
        raise NotFound(Msg("No such order.", "没有该订单。"))
    return order_context(order, utcnow())


def ranking(order_id: int, args: dict | None = None, page: int = 1,
            per_page: int | None = None) -> Ranking:
    """One page (all when ``per_page`` is None) of the order's candidates, ranked, each
    with ``score`` and ``parts``; filters ``min_grade``, ``district``, ``q`` (name),
    ``min_rating``."""
    args = args or {}
    ctx = get_context(order_id)
    rules, extra = matching_rules(ctx.service_line), score_parts(ctx.service_line)
    filters = _filters(args)
    if all(r.where for r in rules) and all(p.expr for p in extra):
        return _ranked_in_sql(ctx, filters, rules, extra, page, per_page or 10**9)
    ranked = rank(ctx, read_rows(ctx, filters), rules, extra)
    if per_page is None:
        return Ranking(len(ranked), ranked)
    return Ranking(len(ranked), ranked[(page - 1) * per_page: page * per_page])


def candidates(order_id: int, args: dict | None = None) -> list[dict]:
    """The order's candidates, all of them, ranked (see :func:`ranking`)."""
    return ranking(order_id, args).items


def why_not(order_id: int, worker_id: int) -> dict:
    """For a named worker: every hard rule she fails (code and message), empty when she
    is a candidate; plus her score when she passes."""
    ctx = get_context(order_id)
    rules = core_rules(ctx)
    cols = [sa.case((r.clause(ctx), 1), else_=0).label(f"ok_{i}") for i, r in enumerate(rules)]
    found = db.session.execute(sa.select(Worker.name, *cols).where(Worker.id == worker_id)
                               ).mappings().first()
    if found is None:
        raise NotFound(Msg("No such worker.", "没有该阿姨。"))
    failed = [{"code": r.code, "message": _msg(r.message)}
              for i, r in enumerate(rules) if not found[f"ok_{i}"]]
    out = {"worker_id": worker_id, "name": found["name"], "failed": failed}
    if failed:
        return out
    row = db.session.execute(_select().where(
        P.worker_id == worker_id, P.service_line == ctx.service_line)).mappings().first()
    if row is None:  # profile not built yet (a bulk load without rebuild)
        return out
    row = _item(ctx, customer_history(ctx), row)
    for rule in matching_rules(ctx.service_line):
        if not rule.check(ctx.intake, row):
            failed.append({"code": rule.code, "message": _msg(rule.message)})
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
