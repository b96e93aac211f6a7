"""KPI tables, trends and the PK board (staff compared, 000's PK mechanism); the
company's PK weights (:func:`set_weights` is a @transactional step)."""
from __future__ import annotations

import sqlalchemy as sa

from ..access import current_principal
from ..accounts.models import User
from ..audit.service import record
from ..errors import Invalid
from ..extensions import db
from ..plugins import service_lines
from ..timeutil import utcnow
from ..transactions import transactional
from . import compute, rollup
from .compute import DESK, Scope, available
from .kpis import DEFAULT_PK_WEIGHTS, KPIS, PK_CODES
from .models import KpiWeight
from .periods import Period, shift_month

#: at most this many months in a trend
MAX_TREND_MONTHS = 24


def definitions() -> list[dict]:
    """Every KPI's definition, with whether it can be computed on this installation."""
    return [{**k.as_dict(), "available": available(k.code)} for k in KPIS]


def figures(scope: Scope, codes: tuple[str, ...] | None = None, *,
            live: bool = False) -> dict[object, dict]:
    """``{group key: {kpi code: Figure}}`` for the scope: from the month's stored roll-up
    when it has a usable one (:mod:`core.reports.rollup`) and ``live`` is not asked, else
    one SQL aggregate per KPI."""
    wanted = tuple(c for c in (codes or tuple(k.code for k in KPIS)) if available(c))
    stored = None if live else rollup.read(scope, wanted)
    if stored is not None:
        return stored
    out: dict[object, dict] = {}
    for code in wanted:
        for key, figure in compute.COMPUTERS[code](scope).items():
            out.setdefault(key, {})[code] = figure
    return out


def labels(by: str, keys) -> dict:
    """People's and lines' names for group keys."""
    if by == "dispatcher":
        ids = [k for k in keys if k is not None]
        names = dict(db.session.execute(sa.select(User.id, User.display_name)
                                        .where(User.id.in_(ids))).all()) if ids else {}
        return {k: names.get(k, f"#{k}") for k in keys}
    if by == "line":
        lines = service_lines()
        return {k: (lines[k].name_zh if k in lines else
                    ("医院实习" if k == "internship" else str(k))) for k in keys}
    return {DESK: "全部"}


def _line_label_en(key) -> str:
    lines = service_lines()
    return lines[key].name_en if key in lines else (
        "Internship" if key == "internship" else str(key))


def table(scope: Scope) -> dict:
    """The KPIs of the scope, one row per group, sorted by label."""
    data = figures(scope)
    names = labels(scope.by, list(data))
    rows = [{"key": str(k), "label": names.get(k, str(k)),
             "label_en": _line_label_en(k) if scope.by == "line" else
             ("Whole desk" if scope.by == "desk" else names.get(k, str(k))),
             "figures": {c: f.as_dict() for c, f in data[k].items()}}
            for k in data]
    rows.sort(key=lambda r: r["label"])
    return {"period": scope.period.key, "first": scope.period.first,
            "last": scope.period.last, "by": scope.by,
            "dispatcher_id": scope.dispatcher_id, "service_line": scope.service_line,
            "kpis": definitions(), "rows": rows}


def trend(period: Period, months: int, *, dispatcher_id: int | None = None,
          service_line: str | None = None) -> dict:
    """Each KPI month by month, the ``months`` months up to ``period`` (oldest first)."""
    if not 1 <= months <= MAX_TREND_MONTHS:
        raise Invalid(fields={"months": [{"en": f"Give 1 to {MAX_TREND_MONTHS} months.",
                                          "zh": f"月数应为 1–{MAX_TREND_MONTHS}。"}]})
    points = []
    for back in range(months - 1, -1, -1):
        month = shift_month(period, -back)
        data = figures(Scope(month, "desk", dispatcher_id, service_line)).get(DESK, {})
        points.append({"period": month.key,
                       "figures": {c: f.as_dict() for c, f in data.items()}})
    return {"dispatcher_id": dispatcher_id, "service_line": service_line,
            "kpis": definitions(), "points": points}


# ------------------------------------------------------------------------ PK board


def weights() -> dict[str, int]:
    """The company's PK weights (percent per KPI), the defaults until it sets its own."""
    rows = dict(db.session.execute(
        sa.select(KpiWeight.code, KpiWeight.weight)).all())
    return rows or dict(DEFAULT_PK_WEIGHTS)


@transactional
def set_weights(new: dict[str, int]) -> dict[str, int]:
    """Replace the PK weights; 422 on ``weights`` unless they are PK KPIs summing to 100."""
    unknown = sorted(set(new) - set(PK_CODES))
    if unknown:
        raise Invalid(fields={"weights": [{
            "en": f"Not a KPI of the PK board: {', '.join(unknown)} (use "
                  f"{', '.join(PK_CODES)}).",
            "zh": f"不是 PK 榜的指标：{', '.join(unknown)}（可用：{', '.join(PK_CODES)}）。"}]})
    if any(not 0 <= w <= 100 for w in new.values()):
        raise Invalid(fields={"weights": [{"en": "Each weight is 0–100 %.",
                                           "zh": "每项权重应在 0–100% 之间。"}]})
    total = sum(new.values())
    if total != 100:
        raise Invalid(fields={"weights": [{
            "en": f"The weights must sum to 100 %, not {total} %.",
            "zh": f"权重合计须为 100%，当前为 {total}%。"}]})
    before = weights()
    db.session.execute(sa.delete(KpiWeight))
    user = current_principal()
    for code, weight in new.items():
        db.session.add(KpiWeight(code=code, weight=weight, updated_at=utcnow(),
                                 updated_by_id=user.id if user else None))
    db.session.flush()
    record("update", "kpi_weights", None, "PK weights changed",
           {"weights": [before, dict(new)]})
    return dict(new)


def pk_board(period: Period, service_line: str | None = None) -> dict:
    """Dispatchers ranked on the weighted score: Σ weight × KPI ÷ Σ weight of the KPIs
    they have figures for (rates and scores are all 0–100)."""
    w = {c: v for c, v in weights().items() if v > 0 and available(c)}
    data = figures(Scope(period, "dispatcher", None, service_line), tuple(w))
    names = labels("dispatcher", list(data))
    rows = []
    for key, figs in data.items():
        parts = {c: figs[c].value for c in w if c in figs and figs[c].value is not None}
        weight_sum = sum(w[c] for c in parts)
        score = round(sum(w[c] * v for c, v in parts.items()) / weight_sum, 1) \
            if weight_sum else None
        rows.append({"dispatcher_id": key, "name": names.get(key, f"#{key}"),
                     "score": score, "parts": parts})
    rows.sort(key=lambda r: (r["score"] is None, -(r["score"] or 0), r["name"]))
    rank = 0
    for i, row in enumerate(rows):
        if row["score"] is not None and (i == 0 or row["score"] != rows[i - 1]["score"]):
            rank = i + 1
        row["rank"] = rank if row["score"] is not None else None
    return {"period": period.key, "weights": w, "rows": rows}
