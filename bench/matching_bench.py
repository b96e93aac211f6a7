"""Matching at scale: 100,000 workers with credentials, 1,000,000 assignments, 50,000
customers, on PostgreSQL (loaded with COPY) and SQLite (executemany, one transaction).

Measures (targets in brackets):
- candidates for one order through the API (``GET /api/v1/orders/<id>/candidates``),
  p95 over ``--calls`` calls on orders of different dates [≤ 150 ms];
- in process: ``candidates.ranking`` (first page of 20) against the floor — one read
  of the needed fields of every candidate (``candidates.read_rows``) in the same run
  [ranking ≤ 3× floor];
- batch: 2,000 orders × 20,000 workers, pruned top-k solve vs the full problem's
  optimum [within 0.1 %, ≤ 2 s], greedy gap reported (see ``--help``).

    .venv/bin/python bench/matching_bench.py --database postgresql://postgres@127.0.0.1:5432/test
    .venv/bin/python bench/matching_bench.py --database sqlite
    .venv/bin/python bench/matching_bench.py --batch-only
"""
from __future__ import annotations

import argparse
import datetime as dt
import json
import random
import statistics
import sys
import tempfile
import time
from pathlib import Path

import sqlalchemy as sa

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
sys.path.insert(0, str(Path(__file__).resolve().parent))

LINES = ("cleaning", "child_massage", "maternity_nurse", "nanny")
SKILL = {"maternity_nurse": "maternity_care", "nanny": "infant_care",
         "child_massage": "child_massage"}
DISTRICTS = ("鼓楼区", "玄武区", "秦淮区", "建邺区", "栖霞区", "雨花台区", "江宁区", "浦口区")
GRADES = ("junior", "silver", "gold", "platinum", "diamond", "crown")


def p95(samples):
    return statistics.quantiles(samples, n=100)[94]


def _writer(conn, dialect):
    """rows → table: COPY on PostgreSQL, executemany on SQLite."""
    def write(table, columns, rows):
        if dialect == "postgresql":
            cur = conn.cursor()
            with cur.copy(f"COPY {table} ({', '.join(columns)}) FROM STDIN") as copy:
                for row in rows:
                    copy.write_row(row)
        else:
            marks = ", ".join("?" for _ in columns)
            conn.executemany(f"INSERT INTO {table} ({', '.join(columns)}) VALUES ({marks})",
                             rows)
    return write


def seed(app, workers: int, assignments: int, customers: int) -> dict:
    """Generate the data set; returns ids the measurements need."""
    from core.extensions import db
    from core.timeutil import business_today, utcnow

    rng = random.Random(7)
    now, today = utcnow(), business_today()
    with app.app_context():
        from core.accounts.service import create_user

        db.create_all()
        create_user("bench", "correct-horse-42", "dispatcher", "客服")
        db.session.commit()
        dialect = db.engine.dialect.name
        raw = db.engine.raw_connection()
        conn = raw.driver_connection
        if dialect == "sqlite":
            conn.execute("PRAGMA synchronous=OFF")
            conn.execute("PRAGMA journal_mode=MEMORY")
        ts = now if dialect == "postgresql" else now.replace(tzinfo=None).isoformat(" ")
        write = _writer(conn, dialect)
        t0 = time.monotonic()
        write("customers", ["name", "mobile", "household_notes", "confidentiality", "status",
                            "deactivation_note", "created_at", "updated_at", "version"],
              ((f"客户{i}", f"139{i:08d}", "", "normal", "active", "", ts, ts, 1)
               for i in range(customers)))
        write("workers", ["name", "id_number", "birth_date", "sex", "mobile", "hometown",
                          "dialect", "years_experience", "grade", "status", "version",
                          "created_at", "updated_at"],
              ((f"阿姨{i}", f"B{i:017d}", dt.date(1965 + i % 35, 1 + i % 12, 1 + i % 28), "F",
                f"137{i:08d}", rng.choice(("安徽六安", "江苏南京", "四川成都", "河南信阳")),
                rng.choice((None, "普通话", "四川话")), rng.randint(0, 25), rng.choice(GRADES),
                "available" if rng.random() < 0.9 else rng.choice(("on_leave", "inactive")),
                1, ts, ts) for i in range(workers)))
        wid = [r[0] for r in conn.execute("SELECT id FROM workers ORDER BY id").fetchall()]
        lines_of = {w: rng.sample(LINES, rng.choice((1, 1, 2))) for w in wid}
        write("worker_service_lines", ["worker_id", "service_line"],
              ((w, ln) for w in wid for ln in lines_of[w]))

        def credentials():
            for w in wid:
                yield (w, "health_certificate", None, today + dt.timedelta(
                    days=rng.randint(-60, 700)), None, 1, ts, ts)
                if rng.random() < 0.85:
                    yield (w, "platform_certification", None, None, "certified", 1, ts, ts)
                for ln in lines_of[w]:
                    if ln in SKILL:
                        yield (w, SKILL[ln], None, None, None, 1, ts, ts)
        write("worker_credentials", ["worker_id", "kind", "number", "expires_on",
                                     "certification_status", "version", "created_at",
                                     "updated_at"], credentials())
        write("worker_locations", ["worker_id", "district", "latitude", "longitude"],
              ((w, rng.choice(DISTRICTS), 32.0 + rng.random() * 0.2,
                118.7 + rng.random() * 0.2) for w in wid))
        cid = [r[0] for r in conn.execute("SELECT id FROM customers ORDER BY id").fetchall()]
        uid = conn.execute("SELECT id FROM users WHERE username = 'bench'").fetchone()[0]
        n_orders = max(1, assignments // 20)
        write("orders", ["number", "service_line", "customer_id", "dispatcher_id", "state",
                         "address_text", "cancel_note", "note", "created_at", "updated_at",
                         "version"],
              ((f"JZB{i:08d}", "cleaning", cid[i % len(cid)], uid, "finished", "", "", "", ts,
                ts, 1) for i in range(n_orders)))
        oid = [r[0] for r in conn.execute("SELECT id FROM orders ORDER BY id").fetchall()]
        per_worker = assignments // len(wid)
        start0 = now - dt.timedelta(days=330)

        def bookings():
            # consecutive, never overlapping, about 11 months back to a few weeks ahead:
            # 70 % 4-hour visits, 30 % 26-day terms, 10–40 days apart
            for w in wid:
                t = start0 + dt.timedelta(hours=rng.randint(0, 24 * 30))
                for _ in range(per_worker):
                    length = dt.timedelta(hours=4) if rng.random() < 0.7 else \
                        dt.timedelta(days=26)
                    end = t + length
                    s, e = (t, end) if dialect == "postgresql" else (
                        t.replace(tzinfo=None).isoformat(" "),
                        end.replace(tzinfo=None).isoformat(" "))
                    yield (w, oid[rng.randrange(len(oid))], "assignment", "active", s, e, "",
                           ts, "")
                    t = end + dt.timedelta(days=rng.randint(10, 40))
        write("assignments", ["worker_id", "order_id", "kind", "state", "starts_at", "ends_at",
                              "reason", "created_at", "end_reason"], bookings())
        write("evaluations", ["worker_id", "order_id", "source", "verdict", "overall",
                              "notes", "created_at"],  # each on one of the past orders
              ((rng.choice(wid), oid[rng.randrange(len(oid))], "end_of_service_call",
                "satisfied", rng.randint(2, 5), "", ts) for _ in range(len(wid) * 2)))
        raw.commit()
        raw.close()
        elapsed = time.monotonic() - t0
        t1 = time.monotonic()
        _rebuild_profiles(db)
        print(f"[{dialect}] matching profiles rebuilt in {time.monotonic() - t1:.1f} s",
              flush=True)
        print(f"[{dialect}] generated {len(wid):,} workers, {per_worker * len(wid):,} "
              f"assignments, {len(cid):,} customers in {elapsed:.1f} s", flush=True)
        return {"customers": cid, "seconds": round(elapsed, 1)}


def _rebuild_profiles(db) -> None:
    """The generator writes around the ORM, so the matching profiles are rebuilt (as
    after any bulk import), then the planner's statistics refreshed."""
    from core.matching import profiles
    from core.matching.models import Assignment

    db.create_all()  # a database kept from before the profiles existed
    for index in Assignment.__table__.indexes:
        index.create(db.engine, checkfirst=True)
    profiles.rebuild()
    db.session.commit()
    # after a bulk load, the state autovacuum reaches in production: statistics, and on
    # PostgreSQL the visibility map (index-only scans of the busy-workers index)
    with db.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as c:
        c.execute(sa.text("VACUUM ANALYZE" if db.engine.dialect.name == "postgresql"
                          else "ANALYZE"))


def make_orders(app, customers, user_id, count: int) -> list[int]:
    """Cleaning orders waiting for a worker, on ``count`` different future dates."""
    from core.extensions import db
    from core.orders.models import Order
    from core.timeutil import business_today

    with app.app_context():
        ids = []
        for i in range(count):
            day = business_today() + dt.timedelta(days=1 + i % 60)
            order = Order(number=f"JZM{i:06d}", service_line="cleaning",
                          customer_id=customers[i * 7 % len(customers)], dispatcher_id=user_id,
                          state="matching", address_text="", cancel_note="", note="",
                          intake={"preferred_date": day.isoformat(),
                                  "preferred_time": f"{8 + i % 8:02d}:00",
                                  "address": {"district": DISTRICTS[i % len(DISTRICTS)]}})
            db.session.add(order)
            db.session.flush()
            ids.append(order.id)
        db.session.commit()
        return ids


def bench_candidates(app, order_ids, calls: int) -> dict:
    """p95 through the API; in process, candidates() against the read_rows floor."""
    from core.extensions import db
    from core.matching import candidates
    from core.matching.context import order_context
    from core.orders.models import Order
    from core.timeutil import utcnow

    client = app.test_client()
    token = client.post("/api/v1/auth/tokens", json={"username": "bench",
                                                       "password": "correct-horse-42"}
                        ).get_json()["token"]
    headers = {"Authorization": f"Bearer {token}"}
    for oid in order_ids[:3]:  # warm up
        client.get(f"/api/v1/orders/{oid}/candidates", headers=headers)
    api, sizes = [], []
    for i in range(calls):
        oid = order_ids[i % len(order_ids)]
        t0 = time.perf_counter()
        resp = client.get(f"/api/v1/orders/{oid}/candidates?per_page=20", headers=headers)
        api.append((time.perf_counter() - t0) * 1000)
        assert resp.status_code == 200, resp.get_json()
        sizes.append(resp.get_json()["total"])
    floor, full = [], []
    with app.app_context():
        for i in range(min(calls, 20)):
            oid = order_ids[i % len(order_ids)]
            ctx = order_context(db.session.get(Order, oid), utcnow())
            t0 = time.perf_counter()
            candidates.read_rows(ctx)  # every candidate's needed fields, read once
            floor.append((time.perf_counter() - t0) * 1000)
            db.session.rollback()
            t0 = time.perf_counter()
            candidates.ranking(oid, {}, 1, 20)  # rules + score + rank, first page
            full.append((time.perf_counter() - t0) * 1000)
            db.session.remove()
    return {"api_p95_ms": round(p95(api), 1), "api_median_ms": round(statistics.median(api), 1),
            "candidates_median": int(statistics.median(sizes)),
            "floor_read_median_ms": round(statistics.median(floor), 1),
            "ranking_in_process_median_ms": round(statistics.median(full), 1),
            "ratio": round(statistics.median(full) / statistics.median(floor), 2)}


def bench_batch(database: str = "sqlite", orders: int = 2000, workers: int = 20000,
                assignments: int = 200_000, customers: int = 10_000, k: int = 20,
                repeats: int = 3) -> dict:
    """2,000 orders × 20,000 workers through the REAL path: a generated database
    (``seed``, then ``profiles.rebuild()``), 2,000 open orders over the four lines on
    two days, ``batch.propose(order_ids, k)`` timed end to end (orders, contexts, the
    column-wise candidates of :mod:`core.matching.vector`, pruned solve per component,
    greedy, names) ``repeats`` times; beside it the full problem's optimum
    (``linear_sum_assignment`` on each component's full eligible matrix) and the gaps."""
    import numpy as np
    from scipy.optimize import linear_sum_assignment

    from core import create_app

    drop = None
    if database == "sqlite":
        url = f"sqlite:///{tempfile.mkdtemp()}/batch.db"
    else:
        from pgbench_db import drop_database, make_database

        url, name = make_database(database)
        drop = (database, name)
    try:
        app = create_app({"SQLALCHEMY_DATABASE_URI": url, "TESTING": True,
                          "SECRET_KEY": "bench", "ARGON2_PROFILE": "CHEAPEST",
                          "INSTANCE_PATH": tempfile.mkdtemp()})
        ids = seed(app, workers, assignments, customers)
        with app.app_context():
            from core.extensions import db
            from core.matching import batch, profiles, vector
            from core.orders.models import Order
            from core.timeutil import business_today

            profiles.rebuild()
            db.session.commit()
            rng = random.Random(11)
            uid, cid = _user(app), ids["customers"]
            order_ids = []
            for i in range(orders):
                line = LINES[i % 4]
                day = business_today() + dt.timedelta(days=1 + i % 2)
                if line in ("cleaning", "child_massage"):
                    intake = {"preferred_date": day.isoformat(),
                              "preferred_time": f"{8 + rng.randrange(8):02d}:00",
                              "address": {"district": DISTRICTS[i % len(DISTRICTS)]}}
                elif line == "maternity_nurse":
                    intake = {"expected_delivery_date": day.isoformat(), "term_days": 26,
                              "grade": rng.choice(GRADES), "twins": rng.random() < 0.1,
                              "live_in": True,
                              "address": {"district": DISTRICTS[i % len(DISTRICTS)]}}
                else:
                    intake = {"start_date": day.isoformat(), "child_age_months": 8,
                              "arrangement": "day_shift", "grade": rng.choice(GRADES),
                              "address": {"district": DISTRICTS[i % len(DISTRICTS)]},
                              "requirements": rng.choice((
                                  {}, {"min_experience_years": 3},
                                  {"worker_age_min": 35, "worker_age_max": 50,
                                   "hometown": "江苏", "dialect": "普通话"}))}
                order = Order(number=f"JZP{i:06d}", service_line=line,
                              customer_id=cid[i * 7 % len(cid)], dispatcher_id=uid,
                              state="matching", address_text="", cancel_note="", note="",
                              intake=intake)
                db.session.add(order)
                db.session.flush()
                order_ids.append(order.id)
            db.session.commit()
            db.session.remove()
            times = []
            for _ in range(repeats):
                t0 = time.perf_counter()
                proposal = batch.propose(order_ids, k=k)
                times.append(time.perf_counter() - t0)
                db.session.remove()
            # the reference: every component's FULL eligible matrix, solved exactly
            t0 = time.perf_counter()
            found = vector.batch_scores(order_ids)
            optimum = served_full = 0
            for group in batch.components(found.contexts.values()):
                blocks = batch.blocks_of(found, group)
                cols = np.unique(np.concatenate([b.cols for b in blocks]))
                n = sum(len(b.rows) for b in blocks)
                full = np.full((n, len(cols)), -np.inf)
                at = 0
                for b in blocks:
                    full[at:at + len(b.rows), np.searchsorted(cols, b.cols)] = b.score
                    at += len(b.rows)
                cost = np.hstack([np.where(np.isfinite(full), -(1e6 + full), 1e7),
                                  np.zeros((n, n))])
                del full
                r, c = linear_sum_assignment(cost)
                real = (c < len(cols)) & (cost[r, c] < 0)
                optimum += float(-(cost[r[real], c[real]] + 1e6).sum())
                served_full += int(real.sum())
                del cost
            full_s = time.perf_counter() - t0
    finally:
        if drop:
            drop_database(*drop)
    total, greedy = proposal["optimal"]["total"], proposal["greedy"]["total"]
    return {"database": database.split("://")[0], "orders": orders, "workers": workers,
            "propose_s": [round(t, 3) for t in times],
            "propose_median_s": round(statistics.median(times), 3),
            "served": len(proposal["optimal"]["pairs"]), "served_full": served_full,
            "greedy_served": len(proposal["greedy"]["pairs"]),
            "unservable": len(proposal["unservable"]), "k_used": proposal["optimal"]["k"],
            "total": total, "optimum": round(optimum, 4), "greedy": greedy,
            "gap_to_optimum_percent": round(100 * (optimum - total) / optimum, 4),
            "greedy_gap_percent": round(100 * (optimum - greedy) / optimum, 4),
            "full_reference_s": round(full_s, 1)}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--database", default="sqlite",
                        help="'sqlite' (a temp file) or a PostgreSQL URL (a throw-away "
                             "database is made next to it)")
    parser.add_argument("--workers", type=int, default=100_000)
    parser.add_argument("--assignments", type=int, default=1_000_000)
    parser.add_argument("--customers", type=int, default=50_000)
    parser.add_argument("--calls", type=int, default=100)
    parser.add_argument("--batch-only", action="store_true")
    parser.add_argument("--existing", help="a database this script already filled "
                                           "(skips generation, keeps it)")
    parser.add_argument("--rebuild", action="store_true",
                        help="with --existing: rebuild the matching profiles first")
    parser.add_argument("--keep", action="store_true",
                        help="keep the generated database (its URL is printed) for --existing")
    parser.add_argument("--candidates-only", action="store_true",
                        help="skip the batch benchmark")
    args = parser.parse_args()
    report = {}
    if not args.candidates_only:
        report["batch"] = bench_batch(args.database)
        print(json.dumps(report["batch"], ensure_ascii=False), flush=True)
    if args.batch_only:
        return 0
    from core import create_app

    drop = None
    if args.existing:
        url = args.existing
    elif args.database == "sqlite":
        url = f"sqlite:///{tempfile.mkdtemp()}/bench.db"
    else:
        from pgbench_db import drop_database, make_database

        url, name = make_database(args.database)
        drop = (args.database, name)
    try:
        app = create_app({"SQLALCHEMY_DATABASE_URI": url, "TESTING": True,
                          "SECRET_KEY": "bench", "ARGON2_PROFILE": "CHEAPEST",
                          "INSTANCE_PATH": tempfile.mkdtemp()})
        if args.existing:
            with app.app_context():
                from core.extensions import db
                from core.matching.profiles import MatchingProfile

                if args.rebuild or not sa.inspect(db.engine).has_table(
                        MatchingProfile.__tablename__) or \
                        not db.session.query(MatchingProfile).first():
                    _rebuild_profiles(db)

                orders = list(db.session.scalars(sa.text(
                    "SELECT id FROM orders WHERE number LIKE 'JZM%' ORDER BY id")))
        else:
            ids = seed(app, args.workers, args.assignments, args.customers)
            orders = make_orders(app, ids["customers"], _user(app), 60)
            report["generation_s"] = ids["seconds"]
        if args.calls:
            report["candidates"] = bench_candidates(app, orders, args.calls)
        print(json.dumps(report, ensure_ascii=False, indent=1), flush=True)
    finally:
        if args.keep and not args.existing:
            print(f"kept: {url}", flush=True)
        elif drop:
            drop_database(*drop)
    return 0


def _user(app) -> int:
    from core.accounts.models import User
    from core.extensions import db

    with app.app_context():
        return db.session.scalar(sa.select(User.id).where(User.username == "bench"))


if __name__ == "__main__":
    sys.exit(main())
