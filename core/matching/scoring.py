"""The matching score (匹配评分), shown with its parts: each part is 0…1 and counts
its weight (config ``MATCHING_WEIGHTS``; plugins add parts through
``register_score_parts``). Pure functions of the order context and one worker row."""
from __future__ import annotations

import math

from flask import current_app, has_app_context

from ..workers.models import GRADES
from .context import OrderContext

#: default weights of core's parts; config ``MATCHING_WEIGHTS`` overrides any of them
WEIGHTS = {"rating": 3.0, "experience": 1.0, "grade": 1.5, "distance": 2.0,
           "preferences": 1.5, "continuity": 1.0, "fairness": 1.0}
LABELS = {"rating": ("评价", "Rating"), "experience": ("经验", "Experience"),
          "grade": ("等级", "Grade"), "distance": ("距离", "Distance"),
          "preferences": ("客户偏好", "Preferences"), "continuity": ("老客户", "Continuity"),
          "fairness": ("轮候", "Fairness")}
_RANK = {g: i for i, g in enumerate(GRADES)}


def weights(extra_parts=()) -> dict[str, float]:
    """Weight of every part: core defaults, plugin parts' own, then the config's."""
    out = dict(WEIGHTS)
    out.update({p.code: p.weight for p in extra_parts})
    if has_app_context():
        out.update(current_app.config.get("MATCHING_WEIGHTS", {}))
    return out


def km(lat1, lon1, lat2, lon2) -> float:
    """Great-circle distance in kilometres."""
    p1, p2 = math.radians(lat1), math.radians(lat2)
    a = (math.sin((p2 - p1) / 2) ** 2
         + math.cos(p1) * math.cos(p2) * math.sin(math.radians(lon2 - lon1) / 2) ** 2)
    return 12742.0 * math.asin(min(1.0, math.sqrt(a)))


def rating(ctx, w) -> float:
    """Her average overall score (1–5) from evaluations (评价); 0.6 when she has none."""
    return 0.6 if w["rating"] is None else (float(w["rating"]) - 1) / 4


def experience(ctx, w) -> float:
    """Years of experience, full marks from 15 years."""
    return min(w["years_experience"] or 0, 15) / 15


def grade(ctx, w) -> float:
    """Her grade (等级) against the grade asked: as asked is best, above slightly less,
    below drops fast; with no grade asked, higher is better."""
    return grade_value(_RANK.get(w["grade"], 0), ctx.grade_asked)


def grade_value(mine: int, asked_grade: str | None) -> float:
    """The grade part for her grade's rank ``mine`` (0 = lowest) and the grade asked."""
    asked = _RANK.get(asked_grade)
    if asked is None:
        return (mine + 1) / len(GRADES)
    gap = mine - asked
    return max(0.0, 1 - 0.1 * gap) if gap >= 0 else max(0.0, 0.5 + 0.25 * gap)


def distance(ctx, w) -> float:
    """Closeness to the customer: by coordinates when both are known (0 from 30 km),
    else the same district (区) scores 0.8, another 0.3, unknown 0.5."""
    if None not in (ctx.latitude, w["latitude"]):
        return max(0.0, 1 - km(ctx.latitude, ctx.longitude, w["latitude"], w["longitude"]) / 30)
    if not ctx.district or not w["district"]:
        return 0.5
    return 0.8 if w["district"] == ctx.district else 0.3


def preferences(ctx, w) -> float:
    """The share of the customer's stated wishes she meets (age range, 籍贯, dialect);
    0.5 when none were stated."""
    prefs, checks = ctx.preferences, []
    lo, hi = prefs.get("worker_age_min"), prefs.get("worker_age_max")
    if lo is not None or hi is not None:
        checks.append((lo or 0) <= w["age"] <= (hi or 200))
    if prefs.get("hometown"):
        checks.append(str(prefs["hometown"]) in (w["hometown"] or ""))
    if prefs.get("dialect"):
        checks.append(str(prefs["dialect"]) == (w["dialect"] or ""))
    if prefs.get("min_experience_years") is not None:
        checks.append((w["years_experience"] or 0) >= prefs["min_experience_years"])
    return sum(checks) / len(checks) if checks else 0.5


def continuity(ctx, w) -> float:
    """She served this customer before (老客户): rated 4+ → 1, unrated → 0.6, rated
    below 3 → 0; never → 0."""
    if not w["served"]:
        return 0.0
    best = w["customer_rating"]
    if best is None:
        return 0.6
    return 1.0 if best >= 4 else (0.5 if best >= 3 else 0.0)


def fairness(ctx, w) -> float:
    """How long she has waited for work (轮候): days since her last assignment ended,
    full marks from 60 days or never assigned."""
    last = w["last_end"]
    if last is None:
        return 1.0
    return min(max((ctx.now - last).days, 0), 60) / 60


CORE_PARTS = {"rating": rating, "experience": experience, "grade": grade,
              "distance": distance, "preferences": preferences, "continuity": continuity,
              "fairness": fairness}


def score(ctx: OrderContext, worker: dict, weight: dict, extra_parts=()) -> tuple[float, dict]:
    """(total, parts) for one worker: each part's 0…1 value times its weight."""
    parts = {code: fn(ctx, worker) * weight[code] for code, fn in CORE_PARTS.items()}
    for part in extra_parts:
        parts[part.code] = float(part.score(ctx.intake, worker)) * weight[part.code]
    return round(sum(parts.values()), 6), {k: round(v, 4) for k, v in parts.items()}
