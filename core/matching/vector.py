"""Candidates of many orders at once (批量候选), column-wise: the batch planner's view of
matching, the same hard rules and the same score as the single-order ranking
(:mod:`core.matching.candidates`, :mod:`core.matching.scoring`) computed as numpy
matrices orders × workers, one per service line.

Reads, for a whole batch:
- per service line present, ONE read of ``matching_profiles`` (:mod:`.profiles`): the
  line's workers whose status allows work and whose credentials are valid through the
  earliest last day among the line's orders; each order then masks those valid through
  its own last day;
- ONE read of the bookings in force (``assignments`` active, hold not expired)
  overlapping the batch's overall span: each order masks the workers booked in its own
  period (a booking of the order itself does not count);
- the customers' "do not send" lists, and their history with workers (continuity:
  served one of the customer's other orders; best rating on the customer's orders).

The score's parts are :mod:`.scoring`'s formulas, vectorised (rating, experience,
grade, distance, preferences, continuity, fairness; weights from ``scoring.weights``),
summed in the same order and rounded the same way. Plugin rules and score parts
(``register_matching_rules`` / ``register_score_parts``) take one worker row each;
they are called with rows carrying the single-order path's fields, and — since they
are pure functions of (intake, row) — evaluated once per group of workers whose rows
agree on every field the function read (recorded while it runs), so a rule reading
one field costs one call per distinct value of that field, not one per worker.

Not eligible = ``-inf``.
"""
from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Mapping
from dataclasses import dataclass, field

import numpy as np
import sqlalchemy as sa

from ..customers.models import CustomerAddress
from ..errors import Conflict
from ..extensions import db, in_ids
from ..followups.models import Evaluation
from ..orders.models import Order
from ..plugins import matching_rules, score_parts
from ..timeutil import utcnow
from ..workers.models import GRADES
from .context import OrderContext, order_context
from .models import Assignment, CustomerExcludedWorker
from .profiles import MatchingProfile
from .rules import WORKING_STATUSES
from .scoring import CORE_PARTS, weights

_EARTH_KM = 12742.0  # diameter, as scoring.km
if tuple(CORE_PARTS) != ("rating", "experience", "grade", "distance", "preferences",
                         "continuity", "fairness"):  # pragma: no cover
    raise RuntimeError("scoring.CORE_PARTS changed: vectorise the new part here too")
_NONE = -(2 ** 40)  # code of a missing integer value


@dataclass
class LineScores:
    """One service line of a batch: its orders (rows, ascending id), the line's workers
    passing the line-wide rules (columns, ascending id), and the score matrix."""

    line: str
    orders: list[OrderContext]
    worker_ids: np.ndarray
    score: np.ndarray

    def __post_init__(self):
        self.row_of = {c.order_id: i for i, c in enumerate(self.orders)}

    def row(self, order_id: int) -> dict[int, float]:
        """{worker: score} of one order's candidates."""
        i = self.row_of[order_id]
        j = np.flatnonzero(np.isfinite(self.score[i]))
        return dict(zip(self.worker_ids[j].tolist(), self.score[i, j].tolist(), strict=True))


@dataclass
class BatchScores:
    """Every line's :class:`LineScores`, each order's context, orders with no period."""

    lines: dict[str, LineScores] = field(default_factory=dict)
    contexts: dict[int, OrderContext] = field(default_factory=dict)
    no_period: list[int] = field(default_factory=list)

    def line_of(self, order_id: int) -> LineScores:
        """The line block holding the order's row."""
        return self.lines[self.contexts[order_id].service_line]

    def row(self, order_id: int) -> dict[int, float]:
        """{worker: score} of one order's candidates."""
        return self.line_of(order_id).row(order_id)

    def score(self, order_id: int, worker_id: int) -> float:
        """The score of one pair (``-inf`` when she is not eligible)."""
        ls = self.line_of(order_id)
        j = int(np.searchsorted(ls.worker_ids, worker_id))
        if j == len(ls.worker_ids) or ls.worker_ids[j] != worker_id:
            return float("-inf")
        return float(ls.score[ls.row_of[order_id], j])

    def as_dicts(self) -> dict[int, dict[int, float]]:
        """{order: {worker: score}} — for small batches and tests."""
        return {o: self.row(o) for o in sorted(self.contexts)}


def _epoch(value: dt.datetime) -> float:
    if value.tzinfo is None:
        value = value.replace(tzinfo=dt.timezone.utc)
    return value.timestamp()


def _factorize(values) -> np.ndarray:
    """Integer codes, equal exactly where the values are equal."""
    seen: dict = {}
    return np.fromiter((seen.setdefault(v, len(seen)) for v in values), np.int64,
                       len(values))


_PROFILE_COLUMNS = ("worker_id", "name", "birth_date", "hometown", "dialect",
                    "years_experience", "grade", "grade_rank", "district", "latitude",
                    "longitude", "rating_sum", "ratings_count", "last_end_epoch",
                    "valid_until")
#: what the score needs (without plugins)
_SCORE_COLUMNS = tuple(c for c in _PROFILE_COLUMNS if c not in ("name", "grade"))


_EPOCH_DAY = dt.date(1970, 1, 1).toordinal()


def _day_numbers(values) -> np.ndarray:
    """Days since 1970-01-01 of dates (``date`` objects or ISO text; ``None`` → NaT's
    integer, the smallest int64)."""
    return np.array(values, dtype="datetime64[D]").astype(np.int64)


def _seconds(values) -> np.ndarray:
    """Epoch seconds of UTC timestamps (aware datetimes, or SQLite's naive UTC text)."""
    if values and isinstance(values[0], str):
        return np.array(values, dtype="datetime64[us]").astype(np.int64) / 1e6
    return np.array([_epoch(v) for v in values], dtype=np.float64)


class _Workers:
    """A line's profile rows, as columns (Python lists and numpy arrays)."""

    def __init__(self, rows, columns):
        cols = list(zip(*rows, strict=True)) if rows else [()] * len(columns)
        self.raw = dict(zip(columns, cols, strict=True))
        raw = self.raw
        self.n = len(raw["worker_id"])
        self.ids = np.array(raw["worker_id"], dtype=np.int64)
        self.years = np.array(raw["years_experience"], dtype=np.float64)
        np.nan_to_num(self.years, copy=False)
        self.grade_rank = np.array(raw["grade_rank"], dtype=np.int64)
        self.lat = np.array(raw["latitude"], dtype=np.float64)
        self.lon = np.array(raw["longitude"], dtype=np.float64)
        self.rating_sum = np.array(raw["rating_sum"], dtype=np.float64)
        self.ratings_count = np.array(raw["ratings_count"], dtype=np.float64)
        self.last_end = np.array(raw["last_end_epoch"], dtype=np.float64)
        self.valid_until = _day_numbers(raw["valid_until"])
        births = np.array(raw["birth_date"], dtype="datetime64[D]")
        self.has_birth = ~np.isnat(births)
        years = births.astype("datetime64[Y]")
        months = births.astype("datetime64[M]")
        self.birth_year = years.astype(np.int64) + 1970
        self.birth_md = ((months - years).astype(np.int64) + 1) * 100 + \
            (births - months).astype(np.int64) + 1
        self._ages: dict = {}
        self._codes: dict = {}

    def ages(self, day: dt.date) -> np.ndarray:
        """Full years of age on ``day`` (``identity.age_on``); ``_NONE`` when unknown."""
        if day not in self._ages:
            years = day.year - self.birth_year - ((day.month * 100 + day.day) < self.birth_md)
            self._ages[day] = np.where(self.has_birth, years, _NONE)
        return self._ages[day]

    def codes(self, name: str, values) -> np.ndarray:
        if name not in self._codes:
            self._codes[name] = _factorize(values)
        return self._codes[name]

    def text_codes(self, name: str) -> tuple[np.ndarray, list]:
        """(codes, distinct values) of a text column (``None`` read as "")."""
        seen: dict = {}
        codes = np.fromiter((seen.setdefault(v or "", len(seen)) for v in self.raw[name]),
                            np.int64, self.n)
        return codes, list(seen)


@dataclass
class _History:
    """The batch customers' do-not-send lists and history with workers."""

    excluded: dict = field(default_factory=lambda: defaultdict(list))  # customer → [w]
    served: dict = field(default_factory=lambda: defaultdict(lambda: defaultdict(set)))
    best: dict = field(default_factory=dict)  # (customer, worker) → best overall rating

    def continuity(self, ctx: OrderContext) -> dict[int, tuple[bool, int | None]]:
        """worker → (served, customer_rating) for the workers who served another order
        of the customer (``candidates.worker_columns``)."""
        out = {}
        for w, orders in self.served.get(ctx.customer_id, {}).items():
            if orders - {ctx.order_id}:
                out[w] = (True, self.best.get((ctx.customer_id, w)))
        return out


def _history(customers: list[int]) -> _History:
    out = _History()
    if not customers:
        return out
    ex = CustomerExcludedWorker.__table__
    for c, w in db.session.execute(sa.select(ex.c.customer_id, ex.c.worker_id)
                                   .where(in_ids(ex.c.customer_id, customers))):
        out.excluded[c].append(w)
    o = Order.__table__
    customer_of = {}
    for c, w, oid in db.session.execute(sa.select(o.c.customer_id, o.c.worker_id, o.c.id)
                                        .where(in_ids(o.c.customer_id, customers))):
        customer_of[oid] = c
        if w is not None:
            out.served[c][w].add(oid)
    ev = Evaluation.__table__
    # the evaluations of those orders by ix_evaluations_order_id, the best per
    # (customer, worker) taken here: a join with GROUP BY read every evaluation
    for oid, w, overall in db.session.execute(
            sa.select(ev.c.order_id, ev.c.worker_id, ev.c.overall)
            .where(in_ids(ev.c.order_id, customer_of))) if customer_of else ():
        key = (customer_of[oid], w)
        out.best[key] = max(out.best.get(key, overall), overall)
    return out


def _bookings(contexts: list[OrderContext], now: dt.datetime) -> tuple:
    """(worker, order, start, end) arrays of the bookings in force overlapping the
    batch's span (epoch seconds)."""
    if not contexts:
        return (np.zeros(0, np.int64),) * 2 + (np.zeros(0),) * 2
    a = Assignment.__table__
    first = min(c.period.starts_at for c in contexts)
    last = max(c.period.ends_at for c in contexts)
    rows = db.session.execute(
        sa.select(a.c.worker_id, a.c.order_id, sa.type_coerce(a.c.starts_at, sa.String),
                  sa.type_coerce(a.c.ends_at, sa.String))
        .where(a.c.state == sa.literal_column("'active'"),  # the partial index, on SQLite
               sa.or_(a.c.expires_at.is_(None), a.c.expires_at > now),
               a.c.starts_at < last, a.c.ends_at > first)).all()
    if not rows:
        return (np.zeros(0, np.int64),) * 2 + (np.zeros(0),) * 2
    w, o, s, e = zip(*rows, strict=True)
    return (np.array(w, np.int64), np.array(o, np.int64), _seconds(s), _seconds(e))


def _profiles(line: str, from_day: dt.date, for_rows: bool) -> _Workers:
    """The line's profiles passing the line-wide rules; every field when plugins will see
    rows (``for_rows``), else only what the score needs. Dates come as the driver gives
    them (no per-value conversion) and are parsed column-wise."""
    p = MatchingProfile.__table__
    names = _PROFILE_COLUMNS if for_rows else _SCORE_COLUMNS
    cols = [sa.type_coerce(p.c[n], sa.String).label(n) if n in ("birth_date", "valid_until")
            else p.c[n] for n in names]
    stmt = (sa.select(*cols)
            .where(p.c.service_line == line, p.c.status.in_(WORKING_STATUSES),
                   p.c.valid_until >= from_day)
            .order_by(p.c.worker_id))
    return _Workers(db.session.execute(stmt).all(), names)


def _grade_table() -> np.ndarray:
    """[asked rank + 1 (0 = none asked), her rank] → scoring.grade."""
    n = len(GRADES)
    table = np.zeros((n + 1, n))
    table[0] = (np.arange(n) + 1) / n
    for asked in range(n):
        gap = np.arange(n) - asked
        table[asked + 1] = np.where(gap >= 0, np.maximum(0.0, 1 - 0.1 * gap),
                                    np.maximum(0.0, 0.5 + 0.25 * gap))
    return table


def _unit(lat, lon) -> np.ndarray:
    p, lam = np.radians(lat), np.radians(lon)
    return np.stack([np.sin(p), np.cos(p) * np.cos(lam), np.cos(p) * np.sin(lam)], axis=-1)


def _preferences(ctx: OrderContext, ws: _Workers, texts: dict) -> np.ndarray | float:
    """scoring.preferences for every worker: the share of stated wishes she meets."""
    prefs, checks = ctx.preferences, []
    lo, hi = prefs.get("worker_age_min"), prefs.get("worker_age_max")
    if lo is not None or hi is not None:
        age = ws.ages(ctx.period.first_day)
        checks.append((age != _NONE) & ((lo or 0) <= age) & (age <= (hi or 200)))
    if prefs.get("hometown"):
        codes, values = texts["hometown"]
        want = str(prefs["hometown"])
        checks.append(np.array([want in v for v in values], dtype=bool)[codes])
    if prefs.get("dialect"):
        codes, values = texts["dialect"]
        want = str(prefs["dialect"])
        checks.append(np.array([want == v for v in values], dtype=bool)[codes])
    if prefs.get("min_experience_years") is not None:
        checks.append(ws.years >= prefs["min_experience_years"])
    if not checks:
        return 0.5
    return sum(c.astype(np.float64) for c in checks) / len(checks)


def _busy(ws: _Workers, contexts: list[OrderContext], bookings: tuple) -> np.ndarray:
    """orders × workers: she has a booking in force overlapping the order's period (not
    one of the order itself). Bookings are compared once per distinct period."""
    n_o, n_w = len(contexts), ws.n
    b_worker, b_order, b_start, b_end = bookings
    pos = np.searchsorted(ws.ids, b_worker)
    mine = (pos < n_w) & (ws.ids[np.minimum(pos, n_w - 1)] == b_worker)
    col, b_order, b_start, b_end = pos[mine], b_order[mine], b_start[mine], b_end[mine]
    spans = sorted({(c.period.starts_at.timestamp(), c.period.ends_at.timestamp())
                    for c in contexts})
    span_of = {sp: i for i, sp in enumerate(spans)}
    starts = np.array([sp[0] for sp in spans])
    ends = np.array([sp[1] for sp in spans])
    ids = {c.order_id for c in contexts}
    own = np.isin(b_order, list(ids))  # bookings of an order of the batch: per order below
    busy = np.zeros((len(spans), n_w), dtype=bool)
    general = np.flatnonzero(~own)
    for lo in range(0, len(spans), 64):  # bounded memory: 64 periods × bookings at a time
        hit = ((b_start[general][None, :] < ends[lo:lo + 64, None])
               & (b_end[general][None, :] > starts[lo:lo + 64, None]))
        i, k = np.nonzero(hit)
        busy[lo + i, col[general][k]] = True
    row_span = np.array([span_of[(c.period.starts_at.timestamp(),
                                  c.period.ends_at.timestamp())] for c in contexts],
                        dtype=np.int64)
    out = busy[row_span] if n_o else np.zeros((0, n_w), dtype=bool)
    for k in np.flatnonzero(own):
        for i, c in enumerate(contexts):
            if c.order_id != b_order[k] and b_start[k] < ends[row_span[i]] and \
                    b_end[k] > starts[row_span[i]]:
                out[i, col[k]] = True
    return out


def _key_rows(keys: list) -> tuple[list, np.ndarray]:
    """(distinct keys, each row's index among them)."""
    index: dict = {}
    rows = np.fromiter((index.setdefault(k, len(index)) for k in keys), np.int64, len(keys))
    return list(index), rows


def _line_scores(line: str, contexts: list[OrderContext], now: dt.datetime,
                 bookings: tuple, history: _History) -> LineScores:
    extra, rules = score_parts(line), matching_rules(line)
    ws = _profiles(line, min(c.period.last_day for c in contexts), bool(rules or extra))
    n_o, n_w = len(contexts), ws.n
    if not n_w:
        return LineScores(line, contexts, ws.ids, np.full((n_o, 0), -np.inf))
    # --- hard rules: credentials through each order's last day, free, not excluded
    days, day_row = _key_rows([c.period.last_day.toordinal() - _EPOCH_DAY for c in contexts])
    valid = ws.valid_until[None, :] >= np.array(days, np.int64)[:, None]
    eligible = valid[day_row] & ~_busy(ws, contexts, bookings)
    for i, ctx in enumerate(contexts):
        for w in history.excluded.get(ctx.customer_id, ()):
            j = np.searchsorted(ws.ids, w)
            if j < n_w and ws.ids[j] == w:
                eligible[i, j] = False
    # --- the score: scoring's parts, summed in scoring.CORE_PARTS' order
    weight = weights(extra)
    rated = ws.ratings_count > 0
    rating = np.where(rated, (ws.rating_sum / np.where(rated, ws.ratings_count, 1) - 1) / 4,
                      0.6)
    experience = np.minimum(ws.years, 15) / 15
    waited = np.floor((now.timestamp() - np.nan_to_num(ws.last_end)) / 86400)
    fairness = np.where(np.isnan(ws.last_end), 1.0, np.minimum(np.maximum(waited, 0), 60) / 60)
    fair = fairness * weight["fairness"]
    grades = _grade_table()
    d_codes, d_values = ws.text_codes("district")
    no_district = np.array([v == "" for v in d_values])[d_codes]
    texts = {"hometown": ws.text_codes("hometown"), "dialect": ws.text_codes("dialect")}

    def pref_key(ctx):
        prefs = ctx.preferences
        age = prefs.get("worker_age_min") is not None or prefs.get("worker_age_max") is not None
        return (repr(sorted((k, repr(v)) for k, v in prefs.items())),
                ctx.period.first_day if age else None)

    # every order's parts before continuity, as one vector per distinct (grade asked,
    # district, preferences) — orders located by coordinates get their own distance
    keys, key_row = _key_rows([(c.grade_asked if c.grade_asked in GRADES else None,
                                c.district or "", pref_key(c)) for c in contexts])
    first = {}
    for i, k in enumerate(key_row.tolist()):
        first.setdefault(k, contexts[i])
    reg, near_of, prefs_of, pre = [], [], [], np.empty((len(keys), n_w))
    for k, (asked, district, _p) in enumerate(keys):
        g = grades[0 if asked is None else GRADES.index(asked) + 1][ws.grade_rank]
        reg.append(rating * weight["rating"] + experience * weight["experience"]
                   + g * weight["grade"])
        if district:
            near = np.where(no_district, 0.5,
                            np.where(np.array([v == district for v in d_values])[d_codes],
                                     0.8, 0.3))
        else:
            near = np.full(n_w, 0.5)
        near_of.append(near)
        prefs_of.append(_preferences(first[k], ws, texts) * weight["preferences"])
        pre[k] = reg[k] + near * weight["distance"] + prefs_of[k]
    total = pre[key_row]
    located = [i for i, c in enumerate(contexts)
               if c.latitude is not None and c.longitude is not None]
    has_coords = ~np.isnan(ws.lat) & ~np.isnan(ws.lon)
    if located and has_coords.any():
        u_o = _unit(np.array([contexts[i].latitude for i in located], float),
                    np.array([contexts[i].longitude for i in located], float))
        u_w = _unit(np.where(has_coords, ws.lat, 0.0), np.where(has_coords, ws.lon, 0.0))
        half_chord2 = sum((u_o[:, None, d] - u_w[None, :, d]) ** 2 for d in range(3)) / 4
        km = _EARTH_KM * np.arcsin(np.minimum(1.0, np.sqrt(half_chord2)))
        for n, i in enumerate(located):
            k = key_row[i]
            near = np.where(has_coords, np.maximum(0.0, 1 - km[n] / 30), near_of[k])
            total[i] = reg[k] + near * weight["distance"] + prefs_of[k]
    history_of = [history.continuity(ctx) for ctx in contexts]
    fixes = []
    for i, served in enumerate(history_of):  # (pre + continuity) + fairness, as scoring
        for w, (_served, best) in served.items():
            j = np.searchsorted(ws.ids, w)
            if j < n_w and ws.ids[j] == w:
                c = 0.6 if best is None else (1.0 if best >= 4 else (0.5 if best >= 3 else 0.0))
                fixes.append((i, j, (total[i, j] + c * weight["continuity"]) + fair[j]))
    total += fair[None, :]
    for i, j, value in fixes:
        total[i, j] = value
    if rules or extra:
        src = _RowSource(ws, contexts, history_of, now)
        for i, ctx in enumerate(contexts):
            idx = np.flatnonzero(eligible[i])
            for rule in rules:
                ok = _evaluate(lambda row, rule=rule, ctx=ctx: bool(rule.check(ctx.intake, row)),
                               src, i, idx)
                if isinstance(ok, np.ndarray):
                    ok = ok.astype(bool)
                    eligible[i, idx[~ok]] = False
                    idx = idx[ok]
                elif not ok:
                    eligible[i, idx] = False
                    idx = idx[:0]
            for part in extra:
                values = _evaluate(lambda row, part=part, ctx=ctx:
                                   float(part.score(ctx.intake, row)), src, i, idx)
                if isinstance(values, np.ndarray):
                    total[i, idx] += values.astype(np.float64) * weight[part.code]
                else:
                    total[i, idx] += values * weight[part.code]
    np.round(total, 6, out=total)
    np.copyto(total, -np.inf, where=~eligible)
    return LineScores(line, contexts, ws.ids, total)


# --- plugin rules and parts, called on rows ------------------------------------------

_ORDER_FIELDS = ("age", "served", "customer_rating")
#: the fields of a worker row, as ``candidates`` builds it for plugins
_ROW_FIELDS = ("id", "name", "age", "birth_date", "hometown", "dialect", "years_experience",
               "grade", "district", "latitude", "longitude", "rating", "ratings_count",
               "served", "customer_rating", "last_end")


class _RowSource:
    """The fields of a worker row as the single-order path builds it (``candidates``),
    on demand, for order ``i`` and worker ``j``, with equality codes per field."""

    def __init__(self, ws: _Workers, contexts, history_of, now):
        self.ws, self.contexts, self.history_of, self.now = ws, contexts, history_of, now
        self.lists: dict = {}

    def _list(self, key: str) -> list:
        if key not in self.lists:
            raw = self.ws.raw
            if key not in _ROW_FIELDS or key in _ORDER_FIELDS:
                raise KeyError(key)
            if key == "id":
                values = list(raw["worker_id"])
            elif key == "rating":
                values = [s / c if c else None
                          for s, c in zip(raw["rating_sum"], raw["ratings_count"],
                                          strict=True)]
            elif key == "last_end":
                values = [None if e is None else dt.datetime.fromtimestamp(
                    e, dt.timezone.utc) for e in raw["last_end_epoch"]]
            elif key in ("dialect", "district"):
                values = [v or None for v in raw[key]]
            elif key == "birth_date":
                values = [dt.date.fromisoformat(v[:10]) if isinstance(v, str) else v
                          for v in raw[key]]
            else:
                values = list(raw[key])
            self.lists[key] = values
        return self.lists[key]

    def value(self, i: int, j: int, key: str):
        if key == "age":
            age = int(self.ws.ages(self.contexts[i].period.first_day)[j])
            return None if age == _NONE else age
        if key in ("served", "customer_rating"):
            found = self.history_of[i].get(int(self.ws.ids[j]))
            if key == "served":
                return found is not None
            return None if found is None else found[1]
        return self._list(key)[j]

    def codes(self, i: int, key: str) -> np.ndarray:
        if key == "age":
            return self.ws.ages(self.contexts[i].period.first_day)
        if key in ("served", "customer_rating"):
            out = np.zeros(self.ws.n, np.int64)
            for w, (_s, best) in self.history_of[i].items():
                j = np.searchsorted(self.ws.ids, w)
                if j < self.ws.n and self.ws.ids[j] == w:
                    out[j] = 1 if key == "served" else (
                        _NONE if best is None else 1 + int(best))
            return out
        try:
            return self.ws.codes(key, self._list(key))
        except KeyError:
            return np.zeros(self.ws.n, np.int64)


class _Traced(Mapping):
    """A worker row that records which fields are read (in order); iterating over it
    (``keys()``, ``dict(row)`` …) marks the read as opaque."""

    def __init__(self, src: _RowSource, i: int, j: int):
        self.src, self.i, self.j = src, i, j
        self.read: list[str] = []
        self.opaque = False

    def __getitem__(self, key):
        self.read.append(key)
        return self.src.value(self.i, self.j, key)

    def __iter__(self):
        self.opaque = True
        return iter(_ROW_FIELDS)

    def __len__(self):
        return len(_ROW_FIELDS)


def _call(fn, src, i, j):
    row = _Traced(src, i, j)
    result = fn(row)
    return result, None if row.opaque else frozenset(row.read)


def _evaluate(fn, src: _RowSource, i: int, idx: np.ndarray):
    """``fn(row)`` for order ``i`` and each worker of ``idx`` (an array of results, or
    one value when the call read no field of the row): once per group of workers
    agreeing on every field the call read (a pure function takes the same path and
    returns the same value on equal inputs)."""
    if not len(idx):
        return np.empty(0, dtype=object)
    out = np.empty(len(idx), dtype=object)
    pending = np.arange(len(idx))
    while pending.size:
        result, keys = _call(fn, src, i, int(idx[pending[0]]))
        if keys is None:  # read the whole row: one call per worker
            for p in pending:
                out[p] = fn(_Traced(src, i, int(idx[p])))
            break
        if not keys:
            if len(pending) == len(idx):
                return result
            out[pending] = [result] * len(pending)
            break
        group = np.zeros(len(pending), np.int64)
        for key in sorted(keys):
            codes = src.codes(i, key)[idx[pending]]
            _u, codes = np.unique(codes, return_inverse=True)
            group = np.unique(group * (codes.max() + 1) + codes, return_inverse=True)[1]
        _u, first = np.unique(group, return_index=True)
        results = np.empty(len(first), dtype=object)
        good = np.zeros(len(first), dtype=bool)
        for g, f in enumerate(first):
            r, k = (result, keys) if f == 0 else _call(fn, src, i, int(idx[pending[f]]))
            if k is not None and k <= keys:
                results[g], good[g] = r, True
        done = good[group]
        out[pending[done]] = results[group[done]]
        pending = pending[~done]
    return out


def batch_scores(order_ids, now: dt.datetime | None = None) -> BatchScores:
    """Every order's eligible workers and scores, per service line (see the module)."""
    now = now or utcnow()
    orders = list(db.session.scalars(sa.select(Order).where(in_ids(Order.id, order_ids))
                                     .order_by(Order.id)))
    addresses = {o.address_id for o in orders if o.address_id}
    if addresses:  # into the identity map: order_context's get() reads no more
        list(db.session.scalars(sa.select(CustomerAddress)
                                .where(in_ids(CustomerAddress.id, addresses))))
    out = BatchScores()
    by_line = defaultdict(list)
    for order in orders:
        try:
            ctx = order_context(order, now)
        except Conflict:  # no service date yet
            out.no_period.append(order.id)
            continue
        out.contexts[order.id] = ctx
        by_line[ctx.service_line].append(ctx)
    contexts = list(out.contexts.values())
    bookings = _bookings(contexts, now)
    history = _history(sorted({c.customer_id for c in contexts}))
    for line, ctxs in sorted(by_line.items()):
        out.lines[line] = _line_scores(line, ctxs, now, bookings, history)
    return out

