"""Candidates and "why not her?" on generated small worlds stored in the real database
equal a brute-force oracle written from the rules (not from the code under test): who
passes every hard rule, each part of her score, the total and the ranking; and the
list reflects changes made through the ORM at once."""
from __future__ import annotations

import copy
import datetime as dt
import itertools
import math
from types import SimpleNamespace

import pytest
import sqlalchemy as sa
from hypothesis import HealthCheck, Phase, event, given, settings
from hypothesis import strategies as st

from core.customers.models import CustomerAddress
from core.extensions import db
from core.followups.models import Evaluation
from core.identity import age_on
from core.matching.candidates import candidates, why_not
from core.matching.context import required_kinds
from core.matching.models import Assignment, CustomerExcludedWorker, WorkerLocation
from core.matching.periods import order_period
from core.matching.scoring import WEIGHTS
from core.orders.models import Order
from core.timeutil import business_today, utcnow
from core.workers.models import GRADES, Worker, WorkerCredential, WorkerServiceLine
from plugins.cleaning.schemas import SAMPLE_INTAKE
from tests.conftest import make_user
from tests.orders.helpers import make_customer

H, D = dt.timedelta(hours=1), dt.timedelta(days=1)
HEALTH, PLATFORM = "health_certificate", "platform_certification"
DISTRICTS = ("鼓楼区", "玄武区")
_seq = itertools.count(1)

# ----------------------------------------------------------------------------- the spec

#: credential expiry relative to the period: (first, last) business day → expires_on
EXPIRY = {"null": lambda f, last: None, "before": lambda f, last: f - D,
          "first_day": lambda f, last: f, "last_day": lambda f, last: last,
          "after": lambda f, last: last + 30 * D}
#: booking periods relative to the order's period ``p`` and the time ``t0`` the world was
#: made (past ends leave 12 h of slack so whole days since then never straddle a boundary)
SLOTS = {
    "touch_before": lambda p, t0: (p.starts_at - 2 * H, p.starts_at),
    "straddle_start": lambda p, t0: (p.starts_at - H, p.starts_at + H),
    "inside": lambda p, t0: (p.starts_at + H, p.starts_at + 2 * H),
    "cover": lambda p, t0: (p.starts_at - D, p.ends_at + D),
    "straddle_end": lambda p, t0: (p.ends_at - H, p.ends_at + H),
    "touch_after": lambda p, t0: (p.ends_at, p.ends_at + 2 * H),
    "past_3": lambda p, t0: (t0 - 3 * D - 16 * H, t0 - 3 * D - 12 * H),
    "past_40": lambda p, t0: (t0 - 40 * D - 16 * H, t0 - 40 * D - 12 * H),
    "past_100": lambda p, t0: (t0 - 100 * D - 16 * H, t0 - 100 * D - 12 * H),
    "soon": lambda p, t0: (t0 + D, t0 + D + 4 * H),
    "later": lambda p, t0: (p.ends_at + 5 * D, p.ends_at + 5 * D + 4 * H),
}
#: (kind, state, expiry of a hold: None, "past" or "future")
BOOKING_KINDS = (("assignment", "active", None), ("assignment", "released", None),
                 ("assignment", "replaced", None), ("hold", "active", "future"),
                 ("hold", "active", "past"), ("hold", "active", None),
                 ("hold", "lapsed", "past"))

coords = st.tuples(st.floats(31.8, 32.3), st.floats(118.5, 119.0))

#: slots that never overlap the order's period; kinds of booking that never block it
APART = ("touch_before", "touch_after", "past_3", "past_40", "past_100", "soon", "later")
HARMLESS = tuple(k for k in BOOKING_KINDS if k[1] != "active" or k[2] == "past")
booking = st.tuples(st.sampled_from(sorted(SLOTS)), st.sampled_from(BOOKING_KINDS),
                    st.sampled_from(["other", "other", "this", "earlier"]))
OVERLAPPING = tuple(sorted(set(SLOTS) - set(APART)))
BLOCKING = tuple(k for k in BOOKING_KINDS if k[1] == "active" and k[2] != "past")
blocking_booking = st.tuples(st.sampled_from(OVERLAPPING), st.sampled_from(BLOCKING),
                             st.sampled_from(["other", "earlier"]))
harmless_booking = st.one_of(
    st.tuples(st.sampled_from(APART), st.sampled_from(BOOKING_KINDS),
              st.sampled_from(["other", "earlier"])),
    st.tuples(st.sampled_from(sorted(SLOTS)), st.sampled_from(HARMLESS),
              st.sampled_from(["other", "earlier"])),
    st.tuples(st.sampled_from(sorted(SLOTS)), st.sampled_from(BOOKING_KINDS), st.just("this")))


def worker_spec(qualified: bool):
    """A worker; a ``qualified`` one passes every hard rule, any other may fail some."""
    return st.fixed_dictionaries({
        "lines": st.sampled_from([("cleaning",), ("cleaning", "nanny")] if qualified else
                                 [("cleaning",), ("cleaning", "nanny"), ("nanny",), ()]),
        "status": st.just("available") if qualified else st.sampled_from(
            ["available", "on_leave", "inactive", "blacklisted", "on_assignment"]),
        "age": st.integers(22, 60), "birthday_shift": st.sampled_from([-1, 0, 1, -150, 150]),
        "hometown": st.sampled_from(["安徽六安", "江苏南京", "四川成都"]),
        "dialect": st.sampled_from([None, "普通话", "四川话"]),
        "years": st.integers(0, 30), "grade": st.sampled_from(GRADES),
        "health": st.sampled_from([["after"], ["null"], ["last_day"], ["before", "after"]])
        if qualified else st.lists(st.sampled_from(
            ["null", "after", "last_day", "first_day", "before"]), max_size=2),
        "platform": st.tuples(st.just("certified"), st.sampled_from(["null", "after",
                                                                     "last_day"]))
        if qualified else st.one_of(st.none(), st.tuples(
            st.sampled_from(["certified", "pending", "failed"]),
            st.sampled_from(["null", "after", "before", "last_day", "first_day"]))),
        "location": st.one_of(st.none(), st.fixed_dictionaries({
            "district": st.sampled_from([*DISTRICTS, ""]),
            "coords": st.one_of(coords, coords, st.none())})),
        "evaluations": st.lists(st.tuples(
            st.integers(1, 5), st.sampled_from(["none", "earlier", "other_customer", "this"])),
            max_size=3),
        "served": st.sampled_from(["no", "earlier", "other_customer"]),
        "bookings": st.lists(harmless_booking if qualified else st.one_of(
            booking, blocking_booking), max_size=3),
        "excluded": st.just(False) if qualified else st.booleans(),
    })


world_spec = st.fixed_dictionaries({
    # days from today, or a date around 29 February (ages of women born on a leap day)
    "first_day": st.one_of(st.integers(3, 20), st.integers(3, 20), st.sampled_from(
        [dt.date(2028, 2, 29), dt.date(2028, 3, 1), dt.date(2027, 2, 28)])),
    "time": st.sampled_from(["09:00", "14:30", "22:00"]),  # 22:00 runs past midnight
    "prefs": st.fixed_dictionaries({}, optional={
        "worker_age_min": st.integers(25, 45), "worker_age_max": st.integers(35, 60),
        "hometown": st.sampled_from(["安徽", "江苏", "四川成都"]),
        "dialect": st.sampled_from(["普通话", "四川话"])}),
    "use_address": st.sampled_from([True, True, False]),
    "address_coords": st.one_of(coords, coords, st.none()),
    "intake_district": st.sampled_from(DISTRICTS),
    "main_worker": st.one_of(st.none(), st.integers(0, 7)),
    "workers": st.lists(st.one_of(worker_spec(True), worker_spec(False)), min_size=1,
                        max_size=8),
})


# ------------------------------------------------------------------------ the database


@pytest.fixture
def setup(app):
    """This customer (with one default address), another customer, a dispatcher."""
    this, other = make_customer(app), make_customer(app, "王先生")
    user = make_user(app, "dispatcher", "oracle-desk")
    with app.app_context():
        address = db.session.scalars(sa.select(CustomerAddress.id).where(
            CustomerAddress.customer_id == this)).one()
    return SimpleNamespace(customer=this, other=other, user=user, address=address)


def _id_number(birth: dt.date) -> str:
    """A valid resident ID number of a woman born on ``birth``."""
    body = f"110105{birth:%Y%m%d}{(next(_seq) % 500) * 2:03d}"
    total = sum(int(c) * pow(2, 17 - i, 11) for i, c in enumerate(body))
    return body + "0123456789X"[(12 - total % 11) % 11]


def _birth(first_day: dt.date, age: int, shift: int) -> dt.date:
    try:
        anniversary = first_day.replace(year=first_day.year - age)
    except ValueError:  # 29 February
        anniversary = first_day.replace(year=first_day.year - age, day=28)
    return anniversary + shift * D


def _order(setup, customer: int, state: str = "finished", intake=None, worker=None) -> Order:
    order = Order(number=f"ORC{next(_seq):010d}", service_line="cleaning",
                  customer_id=customer, dispatcher_id=setup.user, state=state,
                  intake=intake or copy.deepcopy(SAMPLE_INTAKE), worker_id=worker)
    db.session.add(order)
    return order


def build(setup, spec: dict) -> SimpleNamespace:
    """Store the world ``spec`` describes; returns what the oracle needs to know of it
    (concrete dates, ids). Bookings that would overlap an earlier active one of the same
    worker are dropped (PostgreSQL refuses them)."""
    t0 = utcnow()
    intake = copy.deepcopy(SAMPLE_INTAKE)
    first_day = spec["first_day"]
    if isinstance(first_day, int):
        first_day = business_today() + first_day * D
    intake["preferred_date"] = first_day.isoformat()
    intake["preferred_time"] = spec["time"]
    intake["address"] = {**intake["address"], "district": spec["intake_district"]}
    if spec["prefs"]:
        intake["requirements"] = dict(spec["prefs"])
    address = db.session.get(CustomerAddress, setup.address)
    address.latitude, address.longitude = spec["address_coords"] or (None, None)
    main = _order(setup, setup.customer, "matching", intake)
    main.address_id = setup.address if spec["use_address"] else None
    earlier = _order(setup, setup.customer)
    other = _order(setup, setup.other)
    db.session.flush()
    period = order_period(main)
    first, last = period.first_day, period.last_day
    world = SimpleNamespace(
        t0=t0, period=period, order_id=main.id, prefs=dict(spec["prefs"]),
        district=address.district if spec["use_address"] else spec["intake_district"],
        latitude=address.latitude if spec["use_address"] else None,
        longitude=address.longitude if spec["use_address"] else None,
        orders=[main.id, earlier.id, other.id], workers=[])
    for ws in spec["workers"]:
        birth = _birth(first, ws["age"], ws["birthday_shift"])
        number = next(_seq)
        worker = Worker(name=f"甲{number}", id_number=_id_number(birth),
                        mobile=f"137{number:08d}", hometown=ws["hometown"],
                        dialect=ws["dialect"], years_experience=ws["years"],
                        grade=ws["grade"], status=ws["status"])
        worker.line_links = [WorkerServiceLine(service_line=line) for line in ws["lines"]]
        creds = [(HEALTH, EXPIRY[e](first, last), None) for e in ws["health"]]
        if ws["platform"]:
            creds.append((PLATFORM, EXPIRY[ws["platform"][1]](first, last), ws["platform"][0]))
        worker.credentials = [WorkerCredential(kind=k, expires_on=e, certification_status=c)
                              for k, e, c in creds]
        db.session.add(worker)
        db.session.flush()
        w = SimpleNamespace(id=worker.id, spec=ws, birth=birth, creds=creds, served=False,
                            evaluations=[], bookings=[])
        world.workers.append(w)
        if ws["location"]:
            lat, lon = ws["location"]["coords"] or (None, None)
            db.session.add(WorkerLocation(worker_id=w.id, district=ws["location"]["district"],
                                          latitude=lat, longitude=lon))
        own = earlier  # an earlier order of this customer: hers if she served it
        if ws["served"] != "no":  # an order with her as its worker
            served = _order(setup, setup.customer if ws["served"] == "earlier"
                            else setup.other, worker=w.id)
            db.session.flush()
            world.orders.append(served.id)
            if ws["served"] == "earlier":
                own, w.served = served, True
        eval_orders = {"none": None, "earlier": own, "other_customer": other, "this": main}
        for overall, which in ws["evaluations"]:
            order = eval_orders[which]
            db.session.add(Evaluation(worker_id=w.id, order_id=order and order.id,
                                      source="supervisor", verdict="satisfied",
                                      overall=overall))
            w.evaluations.append((overall, which in ("earlier", "this")))
        booking_orders = {"other": other, "this": main, "earlier": earlier}
        for slot, (kind, state, expiry), which in ws["bookings"]:
            starts, ends = SLOTS[slot](period, t0)
            if state == "active" and any(b.state == "active" and b.starts < ends
                                         and starts < b.ends for b in w.bookings):
                continue
            expires = {None: None, "past": t0 - H, "future": t0 + D}[expiry]
            db.session.add(Assignment(worker_id=w.id, order_id=booking_orders[which].id,
                                      kind=kind, state=state, starts_at=starts, ends_at=ends,
                                      expires_at=expires))
            w.bookings.append(SimpleNamespace(starts=starts, ends=ends, kind=kind, state=state,
                                              expires=expires, this=which == "this"))
        if ws["excluded"]:
            db.session.add(CustomerExcludedWorker(customer_id=setup.customer, worker_id=w.id,
                                                  reason="客户投诉"))
    if spec["main_worker"] is not None and spec["main_worker"] < len(world.workers):
        main.worker_id = world.workers[spec["main_worker"]].id  # her own order: not "served"
    db.session.commit()
    return world


def cleanup(world: SimpleNamespace | None) -> None:
    """Delete what ``build`` stored, through the ORM session (so profiles follow)."""
    db.session.rollback()
    if world is None:
        return
    ids = [w.id for w in world.workers]
    for model in (Assignment, Evaluation, CustomerExcludedWorker, WorkerLocation):
        for row in db.session.scalars(sa.select(model).where(model.worker_id.in_(ids))):
            db.session.delete(row)
    db.session.flush()
    for order in db.session.scalars(sa.select(Order).where(Order.id.in_(world.orders))):
        db.session.delete(order)
    db.session.flush()
    for worker in db.session.scalars(sa.select(Worker).where(Worker.id.in_(ids))):
        db.session.delete(worker)
    db.session.commit()


# -------------------------------------------------------------------------- the oracle


def _km(lat1, lon1, lat2, lon2) -> float:
    p1, p2 = math.radians(lat1), math.radians(lat2)
    a = (math.sin((p2 - p1) / 2) ** 2
         + math.cos(p1) * math.cos(p2) * math.sin(math.radians(lon2 - lon1) / 2) ** 2)
    return 12742.0 * math.asin(min(1.0, math.sqrt(a)))


def failed_codes(world, w, now) -> set[str]:
    """The hard rules she fails, straight from the spec."""
    p, ws, out = world.period, w.spec, set()
    if "cleaning" not in ws["lines"]:
        out.add("service_line")
    if ws["status"] != "available":
        out.add("status")
    if ws["excluded"]:
        out.add("do_not_send")
    for kind in required_kinds("cleaning"):
        if not any(k == kind and (e is None or e >= p.last_day)
                   and (kind != PLATFORM or c == "certified") for k, e, c in w.creds):
            out.add(f"credential:{kind}")
    if any(b.state == "active" and (b.expires is None or b.expires > now) and not b.this
           and b.starts < p.ends_at and b.ends > p.starts_at for b in w.bookings):
        out.add("free")
    return out


def oracle_parts(world, w, now) -> dict[str, float]:
    """Each part of her score (0…1, unweighted), from the spec."""
    ws = w.spec
    overall = [o for o, _ in w.evaluations]
    rating = sum(overall) / len(overall) if overall else None
    mine = [o for o, this_customer in w.evaluations if this_customer]
    customer_rating = max(mine) if mine else None
    ends = [b.ends for b in w.bookings if b.kind == "assignment" and b.state != "released"]
    last_end = max(ends) if ends else None
    loc = ws["location"] or {"district": "", "coords": None}
    lat, lon = loc["coords"] or (None, None)
    age = age_on(w.birth, world.period.first_day)

    if None not in (world.latitude, lat):
        distance = max(0.0, 1 - _km(world.latitude, world.longitude, lat, lon) / 30)
    elif not world.district or not loc["district"]:
        distance = 0.5
    else:
        distance = 0.8 if loc["district"] == world.district else 0.3
    prefs, checks = world.prefs, []
    lo, hi = prefs.get("worker_age_min"), prefs.get("worker_age_max")
    if lo is not None or hi is not None:
        checks.append((lo or 0) <= age <= (hi or 200))
    if prefs.get("hometown"):
        checks.append(prefs["hometown"] in ws["hometown"])
    if prefs.get("dialect"):
        checks.append(prefs["dialect"] == (ws["dialect"] or ""))
    if not w.served:
        continuity = 0.0
    elif customer_rating is None:
        continuity = 0.6
    else:
        continuity = 1.0 if customer_rating >= 4 else 0.5 if customer_rating >= 3 else 0.0
    return {
        "rating": 0.6 if rating is None else (rating - 1) / 4,
        "experience": min(ws["years"], 15) / 15,
        "grade": (GRADES.index(ws["grade"]) + 1) / len(GRADES),  # no grade asked
        "distance": distance,
        "preferences": sum(checks) / len(checks) if checks else 0.5,
        "continuity": continuity,
        "fairness": 1.0 if last_end is None
        else min(max((now - last_end).days, 0), 60) / 60,
    }


def oracle(world, now) -> tuple[dict[int, set[str]], dict[int, tuple[float, dict]]]:
    """(failed codes of every worker, (total, weighted parts) of every candidate)."""
    failed, scored = {}, {}
    for w in world.workers:
        failed[w.id] = failed_codes(world, w, now)
        if not failed[w.id]:
            parts = {c: v * WEIGHTS[c] for c, v in oracle_parts(world, w, now).items()}
            scored[w.id] = (sum(parts.values()), parts)
    return failed, scored


def describe(world, wid) -> str:
    w = next(w for w in world.workers if w.id == wid)
    return f"worker {wid}: {w.spec} birth={w.birth} bookings={w.bookings}"


def _events(world, failed, scored, now) -> None:
    """What the example exercised (``--hypothesis-show-statistics``)."""
    event(f"candidates: {min(len(scored), 3)}{'+' if len(scored) >= 3 else ''}")
    for code in sorted({c for codes in failed.values() for c in codes}):
        event(f"fails {code}")
    for w in world.workers:
        if w.id not in scored:
            continue
        if any(b.kind == "assignment" and b.state != "released" and b.ends > now
               for b in w.bookings):
            event("candidate with a future assignment")
        if w.served:
            event("candidate served the customer before")
        if world.prefs:
            event("candidate scored on preferences")
        if world.latitude is not None and (w.spec["location"] or {}).get("coords"):
            event("candidate scored by coordinates")


def check(world, stats: bool = True) -> None:
    """candidates() and why_not() of the world's order equal the oracle."""
    got = candidates(world.order_id)
    now = utcnow()
    failed, scored = oracle(world, now)
    if stats:
        _events(world, failed, scored, now)
    ids = [c["id"] for c in got]
    assert sorted(ids) == sorted(scored), (
        f"candidates {sorted(ids)} != oracle {sorted(scored)}; failed={failed}\n"
        + "\n".join(describe(world, i) for i in set(ids) ^ set(scored)))
    for c in got:
        total, parts = scored[c["id"]]
        wrong = {code: (c["parts"].get(code), round(value, 6)) for code, value in parts.items()
                 if c["parts"].get(code) is None or abs(c["parts"][code] - value) >= 1e-4}
        assert not wrong, f"parts (got, oracle) {wrong}\n{describe(world, c['id'])}"
        assert abs(c["score"] - total) < 1e-4, (c["score"], total, describe(world, c["id"]))
    for i, a in enumerate(ids):
        for b in ids[i + 1:]:
            assert scored[b][0] - scored[a][0] <= 1e-5, f"{a} ranked before better {b}"
    for w in world.workers:
        answer = why_not(world.order_id, w.id)
        codes = {f["code"] for f in answer["failed"]}
        assert codes == failed[w.id], (codes, failed[w.id], describe(world, w.id))
        if not codes:
            assert abs(answer["score"] - scored[w.id][0]) < 1e-4, (answer, scored[w.id],
                                                                   describe(world, w.id))


# --------------------------------------------------------------------------- the tests


@settings(max_examples=40, deadline=None, phases=set(Phase) - {Phase.explain},
          suppress_health_check=[HealthCheck.function_scoped_fixture,
                                 HealthCheck.too_slow, HealthCheck.data_too_large])
@given(spec=world_spec)
def test_candidates_and_why_not_equal_a_brute_force_oracle_on_stored_worlds(app, setup,
                                                                             spec):
    with app.app_context():
        world = None
        try:
            world = build(setup, spec)
            check(world)
        finally:
            cleanup(world)
        assert not db.session.scalars(sa.select(Worker.id)).all()


def _spec(**over) -> dict:
    """A worker who passes every rule (before ``over``)."""
    base = {"lines": ("cleaning",), "status": "available", "age": 40, "birthday_shift": 0,
            "hometown": "安徽六安", "dialect": None, "years": 5, "grade": "gold",
            "health": ["after"], "platform": ("certified", "null"), "location": None,
            "evaluations": [], "served": "no", "bookings": [], "excluded": False}
    return {**base, **over}


def test_changes_made_through_the_orm_show_in_candidates_at_once(app, setup):
    spec = {"first_day": 7, "time": "09:00", "prefs": {}, "use_address": True,
            "address_coords": None, "intake_district": "鼓楼区", "main_worker": None,
            "workers": [
                _spec(health=["before"]),                                        # expired
                _spec(bookings=[("inside", ("assignment", "active", None), "other")]),  # busy
                _spec(evaluations=[(3, "none")]),                                # rated 3
                _spec(status="on_leave"),
            ]}
    with app.app_context():
        world = None
        try:
            world = build(setup, spec)
            expired, busy, rated, away = world.workers
            check(world, stats=False)
            assert [c["id"] for c in candidates(world.order_id)] == [rated.id]

            # one transaction: renew her 健康证, release the booking, a new evaluation,
            # back from leave with a location
            last = world.period.last_day
            cred = db.session.scalars(sa.select(WorkerCredential).where(
                WorkerCredential.worker_id == expired.id,
                WorkerCredential.kind == HEALTH)).one()
            cred.expires_on = last + 365 * D
            expired.creds = [(HEALTH, last + 365 * D, None), *expired.creds[1:]]
            booking = db.session.scalars(sa.select(Assignment).where(
                Assignment.worker_id == busy.id)).one()
            booking.state = "released"
            busy.bookings[0].state = "released"
            db.session.add(Evaluation(worker_id=rated.id, source="supervisor",
                                      verdict="satisfied", overall=5))
            rated.evaluations.append((5, False))
            db.session.get(Worker, away.id).status = "available"
            away.spec = {**away.spec, "status": "available",
                         "location": {"district": "鼓楼区", "coords": None}}
            db.session.add(WorkerLocation(worker_id=away.id, district="鼓楼区"))
            db.session.commit()

            check(world, stats=False)
            assert sorted(c["id"] for c in candidates(world.order_id)) == sorted(
                w.id for w in world.workers)
        finally:
            cleanup(world)
