"""KPIs and the monthly report at scale, on PostgreSQL.

A year of a 50-dispatcher company is loaded with COPY (defaults: 300,000 orders with
their history, 2,000,000 follow-ups with an outcome each, evaluations, mediation cases
and their audit entries, quality checks) and complaints (one per six orders: 50,000 at
full size) with their SLA clocks; then it measures (targets in brackets):

- the KPI API computed live (no roll-up yet), ``--live-calls`` calls;
- the monthly roll-up built for each month of the year (what the hourly job does);
- the dashboard's KPI API (``GET /api/v1/reports/kpis?month=…&by=dispatcher``) reading the
  roll-up, p95 over ``--calls`` calls through the real app and its token check
  [≤ 200 ms]; the PK board likewise;
- the monthly report generated and stored (``monthly.generate``: its month's roll-up
  rebuilt, then the report read from it) [≤ 30 s];
- peak Python memory (tracemalloc) over the live calls, the roll-up builds and the
  report (the latency calls run untraced), and the server process's peak RSS.


Usage (a throw-away database is created next to the given one and dropped at the end):

    .venv/bin/python bench/reports_bench.py \\
        [--database postgresql://postgres@127.0.0.1:5432/test] \\
        [--orders 300000] [--followups 2000000] [--calls 50] [--keep]

Exits non-zero when a target is missed.
"""
from __future__ import annotations

import argparse
import datetime as dt
import os
import random
import statistics
import sys
import time
import tracemalloc
from pathlib import Path

import sqlalchemy as sa

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
sys.path.insert(0, str(Path(__file__).resolve().parent))
from pgbench_db import copy_rows, drop_database, make_database  # noqa: E402

DISPATCHERS = 50
YEAR = 2025
LINES = ("cleaning", "maternity_nurse", "nanny", "child_massage")




def seed(app, orders: int, followups: int) -> None:
    from core.accounts.service import create_user
    from core.customers.models import Customer
    from core.extensions import db
    from core.workers.models import Worker

    rng = random.Random(14)
    start = dt.datetime(YEAR, 1, 1, tzinfo=dt.timezone.utc)
    span = 365 * 86400
    with app.app_context():
        db.create_all()
        create_user("bench-sup", "bench-password-1", "supervisor", "主管")
        users = [create_user(f"desk{i}", "bench-password-1", "dispatcher", f"客服{i:02d}")
                 for i in range(DISPATCHERS)]
        qa = create_user("bench-qa", "bench-password-1", "quality", "质检")
        db.session.flush()
        desk = [u.id for u in users]
        customers = [Customer(name=f"客户{i}", mobile=f"139{i:08d}") for i in range(2000)]
        db.session.add_all(customers)
        worker = Worker(name="刘阿姨", id_number="11010519491231002X", mobile="13800000009",
                        hometown="四川")
        db.session.add(worker)
        db.session.commit()
        cust = [c.id for c in customers]
        raw = db.engine.raw_connection()
        t0 = time.monotonic()
        try:
            conn = raw.driver_connection
            created = [start + dt.timedelta(seconds=rng.randrange(span)) for _ in range(orders)]
            states = ["finished"] * 7 + ["cancelled"] + ["in_service"] * 2
            copy_rows(conn, "orders", ["number", "service_line", "customer_id", "dispatcher_id",
                                       "state", "address_text", "cancel_note", "note",
                                       "created_at", "updated_at", "version"],
                      ((f"B{i:08d}", LINES[i % 4], cust[i % len(cust)], desk[i % DISPATCHERS],
                        states[i % 10], "", "", "", created[i], created[i], 1)
                       for i in range(orders)))
            ids = [r[0] for r in conn.execute("SELECT id FROM orders ORDER BY id").fetchall()]

            def events():
                for i, oid in enumerate(ids):
                    c = created[i]
                    yield (oid, c, desk[i % DISPATCHERS], "created", None, "enquiry", "", None)
                    yield (oid, c + dt.timedelta(hours=1), desk[i % DISPATCHERS], "transition",
                           "enquiry", "quoted", "", None)
                    if i % 9 == 0:
                        yield (oid, c + dt.timedelta(hours=2), desk[i % DISPATCHERS], "updated",
                               None, None, "", '{"changed": ["intake.area_m2"]}')
                    yield (oid, c + dt.timedelta(hours=rng.randint(2, 72)), desk[i % DISPATCHERS],
                           "worker_assigned", None, None, "", None)

            copy_rows(conn, "order_events", ["order_id", "at", "actor_id", "kind", "from_state",
                                             "to_state", "note", "data"], events())
            conn.commit()
            print(f"orders + history loaded in {time.monotonic() - t0:.0f} s", flush=True)

            def fus():
                for i in range(followups):
                    o = i % orders
                    due = created[o] + dt.timedelta(days=rng.randint(1, 30),
                                                    hours=rng.randint(0, 9))
                    r = rng.random()
                    state = "done" if r < 0.9 else ("cancelled" if r < 0.93 else "pending")
                    done = due + dt.timedelta(hours=rng.choice((0, 1, 3, 30))) \
                        if state == "done" else None
                    outcome = (("satisfied" if rng.random() < 0.92 else "not_satisfied")
                               if state == "done" else None)
                    who = desk[o % DISPATCHERS]
                    yield (ids[o], LINES[o % 4], f"r{i // orders}", "service_start", "phone",
                           "回访", "Call", "", "", due, due, state, outcome, 0, who, done,
                           who if done else None, due, due, 1)

            copy_rows(conn, "followups", [
                "order_id", "service_line", "rule_code", "anchor_key", "kind", "title_zh",
                "title_en", "script_zh", "script_en", "planned_at", "due_at", "state",
                "outcome", "attempts", "assignee_id", "completed_at", "completed_by_id",
                "created_at", "updated_at", "version"], fus())
            conn.execute("INSERT INTO followup_outcomes (followup_id, outcome, reason, notes, "
                         "attempt, recorded_by_id, recorded_at) SELECT id, outcome, '', '', 1, "
                         "completed_by_id, completed_at FROM followups WHERE state = 'done'")
            conn.execute(f"INSERT INTO evaluations (worker_id, order_id, source, verdict, "
                         f"overall, notes, created_at) SELECT {worker.id}, id, 'supervisor', "
                         f"'satisfied', 1 + id % 5, '', created_at + interval '20 days' "
                         f"FROM orders WHERE id % 10 = 0")
            conn.execute("INSERT INTO mediation_cases (order_id, state, cause, actions, "
                         "resolution, worker_replaced, opened_at, version) SELECT id, 'open', "
                         "'', '', '', false, created_at + interval '4 days', 1 FROM orders "
                         "WHERE id % 60 = 0")
            conn.execute("INSERT INTO audit_events (at, action, entity_type, entity_id, "
                         "summary) SELECT opened_at + (id % 48) * interval '1 hour', 'update', "
                         "'mediation_case', id, '' FROM mediation_cases")
            # complaints: one per six orders (50,000 at full size), owned by the order's
            # dispatcher, received a day after the order, contacted within 0–4 h,
            # resolved (nine in ten) within 0–4 days, with their two clocks
            conn.execute(
                "INSERT INTO complaints (number, customer_id, order_id, channel, "
                "category_code, level_code, summary, details, state, owner_id, received_at, "
                "entered_at, paused_minutes, breached, first_contact_at, resolved_at, "
                "reopened, updated_at, version) SELECT 'K' || lpad(id::text, 9, '0'), "
                "customer_id, id, 'phone', 'attitude', 'normal', '投诉', '', "
                "CASE WHEN id % 60 = 0 THEN 'open' ELSE 'resolved' END, dispatcher_id, "
                "created_at + interval '1 day', created_at + interval '1 day', 0, false, "
                "created_at + interval '1 day' + (id % 5) * interval '1 hour', "
                "CASE WHEN id % 60 = 0 THEN NULL ELSE created_at + interval '1 day' + "
                "(id % 97) * interval '1 hour' END, 0, created_at, 1 FROM orders "
                "WHERE id % 6 = 0")
            conn.execute(
                "INSERT INTO complaint_clocks (complaint_id, kind, target_minutes, met_at, "
                "breached_at) SELECT id, 'first_contact', 120, first_contact_at, CASE WHEN "
                "first_contact_at > received_at + interval '2 hours' THEN first_contact_at "
                "END FROM complaints")
            conn.execute(
                "INSERT INTO complaint_clocks (complaint_id, kind, target_minutes, met_at, "
                "breached_at) SELECT id, 'solution', 2880, resolved_at, CASE WHEN "
                "resolved_at > received_at + interval '48 hours' THEN resolved_at END "
                "FROM complaints WHERE resolved_at IS NOT NULL")
            conn.execute("INSERT INTO quality_standards (kind, version, active, note, "
                         "created_at) VALUES ('order_entry', 1, true, '', now())")
            conn.execute(f"INSERT INTO quality_checks (kind, record_id, month, dispatcher_id, "
                         f"service_line, reviewer_id, standard_id, state, score, comment, "
                         f"appeal_reason, decision_note, created_at, version) SELECT "
                         f"'order_entry', id, date_trunc('month', created_at)::date, "
                         f"dispatcher_id, service_line, {qa.id}, 1, 'scored', 60 + id % 40, "
                         f"'', '', '', now(), 1 FROM orders WHERE id % 150 = 0")
            conn.commit()
            print(f"everything loaded in {time.monotonic() - t0:.0f} s", flush=True)
        finally:
            raw.close()
        with db.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as c:
            c.execute(sa.text("VACUUM ANALYZE"))


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--database", default="postgresql://postgres@127.0.0.1:5432/test")
    ap.add_argument("--orders", type=int, default=300_000)
    ap.add_argument("--followups", type=int, default=2_000_000)
    ap.add_argument("--calls", type=int, default=50)
    ap.add_argument("--live-calls", type=int, default=3,
                    help="calls of the live path (no roll-up) measured first")
    ap.add_argument("--keep", action="store_true")
    args = ap.parse_args()
    url, name = make_database(args.database, "jz_bench_rep")
    os.environ.setdefault("JIAZHENG_INSTANCE_PATH", f"/tmp/{name}")
    from core import create_app

    app = create_app({"SQLALCHEMY_DATABASE_URI": url, "SECRET_KEY": "bench",
                      "INSTANCE_PATH": f"/tmp/{name}", "ARGON2_PROFILE": "CHEAPEST"})
    try:
        seed(app, args.orders, args.followups)
        client = app.test_client()
        token = client.post("/api/v1/auth/tokens", json={
            "username": "bench-sup", "password": "bench-password-1"}).get_json()["token"]
        headers = {"Authorization": f"Bearer {token}"}
        months = [f"{YEAR}-{m:02d}" for m in range(1, 13)]
        from core.extensions import db
        from core.reports import rollup
        from core.reports.periods import parse_month

        # peak memory is traced over the live calls, the roll-up builds and the report;
        # the latency calls run untraced (tracemalloc slows Python several times over)
        tracemalloc.start()
        # the live path (what a month without a roll-up costs): a few calls
        live = []
        for i in range(args.live_calls):
            t = time.perf_counter()
            resp = client.get(f"/api/v1/reports/kpis?month={months[(i * 5) % 12]}"
                              f"&by=dispatcher", headers=headers)
            live.append((time.perf_counter() - t) * 1000)
            assert resp.status_code == 200
        # the roll-up of the year, as the hourly job builds it (month by month)
        build_s = []
        with app.app_context():
            for key in months:
                t = time.perf_counter()
                rollup.build(parse_month(key))
                db.session.commit()
                build_s.append(time.perf_counter() - t)
        peak_build = tracemalloc.get_traced_memory()[1]
        tracemalloc.stop()
        samples = []
        for i in range(args.calls):
            t = time.perf_counter()
            resp = client.get(f"/api/v1/reports/kpis?month={months[i % 12]}&by=dispatcher",
                              headers=headers)
            samples.append((time.perf_counter() - t) * 1000)
            assert resp.status_code == 200 and len(resp.get_json()["rows"]) == DISPATCHERS
        p95 = statistics.quantiles(samples, n=100)[94]
        pk = []
        for i in range(args.calls):
            t = time.perf_counter()
            resp = client.get(f"/api/v1/reports/pk?month={months[i % 12]}", headers=headers)
            pk.append((time.perf_counter() - t) * 1000)
            assert resp.status_code == 200
        from core.reports import monthly

        tracemalloc.start()

        with app.app_context():
            t = time.perf_counter()
            report = monthly.generate(parse_month(f"{YEAR}-06", must_have_ended=True))
            db.session.commit()
            generate_s = time.perf_counter() - t
            digest = report.digest
        peak_mb = max(peak_build, tracemalloc.get_traced_memory()[1]) / 2**20
        if live:
            print(f"KPI API live (no roll-up), one month: mean {statistics.mean(live):.0f} ms, "
                  f"max {max(live):.0f} ms over {len(live)} calls")
        print(f"roll-up built per month: mean {statistics.mean(build_s):.1f} s, max "
              f"{max(build_s):.1f} s, the year {sum(build_s):.0f} s")
        print(f"PK board from the roll-up: p50 {statistics.median(pk):.0f} ms, p95 "
              f"{statistics.quantiles(pk, n=100)[94]:.0f} ms")
        print(f"KPI API per dispatcher, one month: p50 {statistics.median(samples):.0f} ms, "
              f"p95 {p95:.0f} ms over {args.calls} calls [target ≤ 200 ms]")
        print(f"monthly report generated and stored: {generate_s:.1f} s [target ≤ 30 s] "
              f"(digest {digest[:12]})")
        print(f"peak Python memory (tracemalloc) over the live calls, the roll-up builds and "
              f"the report: "
              f"{peak_mb:.1f} MiB")
        import resource

        print(f"peak RSS of this process: "
              f"{resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024:.0f} MiB")
        return 0 if p95 <= 200 and generate_s <= 30 else 1
    finally:
        if not args.keep:
            drop_database(args.database, name)


if __name__ == "__main__":
    sys.exit(main())
