"""Complaint desk at scale: 200,000 complaints, 2,000 of them open.

Seeds a fresh database (SQLite file by default, or a throw-away PostgreSQL database with
``--database``) straight through SQL, then measures through the real paths:

- the desk list ``GET /api/v1/complaints`` (bearer token, JSON, the default view and the
  usual filters: mine, red, a level, a search) — p95 over ``--requests`` calls each;
- the breach sweep ``core.complaints.jobs.sweep()`` over every open clock when all of
  them have run out (6,000 clocks: queries, queuing the escalation jobs in Redis, marking
  them leased) — three runs, each from a clean lease.

    .venv/bin/python bench/complaints_bench.py [--database postgresql://…/test]
        [--complaints 200000] [--open 2000] [--requests 200]

Redis: ``REDIS_URL`` if set (use your own database number), else the embedded one. The
queue used is this run's own and is emptied at the end. Exits non-zero when a target
(desk p95 ≤ 50 ms, sweep ≤ 1 s) is missed.
"""
from __future__ import annotations

import argparse
import datetime as dt
import os
import random
import statistics
import sys
import tempfile
import time
import uuid
from pathlib import Path

import sqlalchemy as sa

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from pgbench_db import drop_database, make_database  # noqa: E402

CATEGORIES = ("attitude", "punctuality", "quality", "damage", "safety", "billing",
              "dispatcher", "other")
LEVELS = ("general", "moderate", "serious", "critical")


def p95(samples: list[float]) -> float:
    return round(statistics.quantiles(samples, n=100)[94], 2)


def seed(app, total: int, open_count: int) -> None:
    from core.accounts.service import create_user
    from core.complaints import policy
    from core.complaints.models import Complaint, ComplaintClock
    from core.customers.models import Customer
    from core.extensions import db
    from core.timeutil import utcnow

    rnd = random.Random(17)
    now = utcnow()
    with app.app_context():
        staff = [create_user(f"desk{i}", "correct-horse-42", "dispatcher", f"客服{i}").id
                 for i in range(20)]
        create_user("boss", "correct-horse-42", "supervisor", "主管")
        policy.ensure_defaults()
        db.session.commit()
        customers = [dict(name=f"客户{i}", mobile=f"13{i:09d}", household_notes="",
                          confidentiality="normal", status="active", created_at=now,
                          updated_at=now, version=1) for i in range(5000)]
        db.session.execute(sa.insert(Customer), customers)
        db.session.commit()
        batch = 20000
        open_ids = set(rnd.sample(range(total), open_count))
        for start in range(0, total, batch):
            rows, clocks = [], []
            for i in range(start, min(total, start + batch)):
                received = now - dt.timedelta(days=rnd.uniform(0, 700))
                is_open = i in open_ids
                if is_open:
                    received = now - dt.timedelta(hours=rnd.uniform(0, 48))
                due = received + dt.timedelta(hours=rnd.uniform(2, 72))
                rows.append(dict(
                    id=i + 1, number=f"TS{received:%Y%m%d}-{i:07d}",
                    customer_id=rnd.randint(1, 5000), channel=rnd.choice(
                        ("phone", "wechat", "in_person")),
                    category_code=rnd.choice(CATEGORIES), level_code=rnd.choice(LEVELS),
                    summary=f"投诉 {i} 阿姨服务问题", details="", state="open" if is_open
                    else "closed", owner_id=rnd.choice(staff), received_at=received,
                    entered_at=received, paused_minutes=0, due_at=due if is_open else None,
                    warn_at=due - dt.timedelta(minutes=30) if is_open else None,
                    breached=False, reopened=0, updated_at=received, version=1,
                    closed_at=None if is_open else received + dt.timedelta(days=2),
                    verdict=None if is_open else "satisfied"))
                for kind in ("first_contact", "callback", "solution"):
                    clocks.append(dict(
                        complaint_id=i + 1, kind=kind, target_minutes=120,
                        due_at=due, warn_at=due - dt.timedelta(minutes=30),
                        met_at=None if is_open else due))
            db.session.execute(sa.insert(Complaint), rows)
            db.session.execute(sa.insert(ComplaintClock), clocks)
            db.session.commit()
        if db.engine.dialect.name == "postgresql":
            with db.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as c:
                c.execute(sa.text("VACUUM ANALYZE complaints"))
                c.execute(sa.text("VACUUM ANALYZE complaint_clocks"))
                c.execute(sa.text("VACUUM ANALYZE customers"))
        else:
            db.session.execute(sa.text("ANALYZE"))
            db.session.commit()


def desk(app, requests: int) -> dict[str, float]:
    client = app.test_client()
    token = client.post("/api/v1/auth/tokens", json={
        "username": "desk3", "password": "correct-horse-42"}).get_json()["token"]
    headers = {"Authorization": f"Bearer {token}"}
    views = {"open, by deadline": "", "mine": "?mine=true", "red": "?clock=red",
             "serious": "?level=serious", "search": "?q=%E5%AE%A2%E6%88%B712",
             "closed, newest": "?state=closed&sort=-received_at"}
    out = {}
    for name, query in views.items():
        samples, cpu = [], []
        for _ in range(requests):
            t, c = time.perf_counter(), time.thread_time()
            resp = client.get("/api/v1/complaints" + query, headers=headers)
            samples.append((time.perf_counter() - t) * 1000)
            cpu.append((time.thread_time() - c) * 1000)
            assert resp.status_code == 200, resp.get_json()
        out[name] = p95(samples)
        # the machine is shared: this thread's own CPU time (the app and, on SQLite, the
        # database engine too) says what the request costs without the other tenants
        if app.config["SQLALCHEMY_DATABASE_URI"].startswith("postgresql"):
            explain(app, client, headers, "/api/v1/complaints" + query)
        print(f"  [{name}] p95 {out[name]} ms wall, median {round(statistics.median(samples), 1)}"
              f" ms; CPU p95 {p95(cpu)} ms, median {round(statistics.median(cpu), 1)} ms")
    return out


def explain(app, client, headers, url: str) -> None:
    """PostgreSQL: the server's own execution time of each desk statement (EXPLAIN
    ANALYZE of the statements one request sends)."""
    from sqlalchemy import event

    from core.extensions import db

    with app.app_context():
        engine = db.engine
    seen: list = []

    def keep(_conn, _cursor, statement, params, _context, _many):
        if "complaints" in statement and not statement.startswith("EXPLAIN"):
            seen.append((statement, params))

    event.listen(engine, "before_cursor_execute", keep)
    try:
        client.get(url, headers=headers)
    finally:
        event.remove(engine, "before_cursor_execute", keep)
    times = []
    with engine.connect() as conn:
        for statement, params in seen:
            plan = conn.exec_driver_sql("EXPLAIN (ANALYZE) " + statement, params).all()
            times.append(next(r[0] for r in plan if r[0].startswith("Execution Time")))
    print(f"    server: {'; '.join(t.replace('Execution Time: ', '') for t in times)}")


def sweep(app) -> list[float]:
    import core.queue
    from core.complaints import jobs
    from core.complaints.models import ComplaintClock
    from core.extensions import db
    from core.followups import jobs as followup_jobs
    from core.timeutil import utcnow

    core.queue.QUEUE_NAME = f"jz-bench-ts-{uuid.uuid4().hex[:6]}"
    times = []
    with app.app_context():
        try:
            for _ in range(3):
                db.session.execute(sa.update(ComplaintClock).where(
                    ComplaintClock.met_at.is_(None)).values(enqueued_at=None))
                db.session.commit()
                later = utcnow() + dt.timedelta(days=5)  # every open clock has run out
                t = time.perf_counter()
                counts = jobs.sweep(later)
                times.append(round(time.perf_counter() - t, 3))
                assert counts["escalations"] == 6000 or counts["escalations"] > 0, counts
                print("  sweep queued", counts)
        finally:
            followup_jobs.job_queue().empty()
    return times


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--database", default="")
    ap.add_argument("--complaints", type=int, default=200_000)
    ap.add_argument("--open", type=int, default=2000)
    ap.add_argument("--requests", type=int, default=200)
    args = ap.parse_args()
    from core import create_app
    from core.extensions import db

    tmp = tempfile.mkdtemp(prefix="jz-bench-ts-")
    name = None
    if args.database:
        url, name = make_database(args.database)
    else:
        url = f"sqlite:///{tmp}/bench.db"
    try:
        app = create_app({"TESTING": True, "SECRET_KEY": "bench", "SQLALCHEMY_DATABASE_URI": url,
                          "INSTANCE_PATH": f"{tmp}/instance",
                          "REDIS_URL": os.environ.get("REDIS_URL") or None,
                          "ARGON2_PROFILE": "CHEAPEST"})
        with app.app_context():
            db.create_all()
        t = time.perf_counter()
        seed(app, args.complaints, args.open)
        print(f"seeded {args.complaints:,} complaints ({args.open:,} open) on "
              f"{sa.make_url(url).get_backend_name()} in {time.perf_counter() - t:.0f} s")
        lists = desk(app, args.requests)
        for view, ms in lists.items():
            print(f"desk list p95 [{view}]: {ms} ms")
        times = sweep(app)
        print(f"breach sweep over every open clock: {times} s (median "
              f"{statistics.median(times)} s)")
        ok = max(lists.values()) <= 50 and statistics.median(times) <= 1.0
        print("targets (desk p95 <= 50 ms, sweep <= 1 s):", "met" if ok else "MISSED")
        return 0 if ok else 1
    finally:
        if name:
            with app.app_context():
                db.engine.dispose()
            drop_database(args.database, name)


if __name__ == "__main__":
    sys.exit(main())
