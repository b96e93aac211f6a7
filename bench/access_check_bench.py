"""The access check (权限校验) on a customer-file read: what it adds, p50 / p95.

Fills a fresh database (SQLite by default, or a throw-away PostgreSQL database with
``--database``) with ``--customers`` files at every level and ``--requests`` access
requests (a tenth of them grants in force, spread over 50 dispatchers), then times, for a
dispatcher holding grants, over ``--calls`` reads of random files:

- the check alone as a read runs it: the grants query (once a request) plus
  :func:`core.customers.disclosure.sight`, in a fresh request context each time;
- the whole read ``GET /api/v1/customers/<id>`` through the app (token, check, audit row
  for secret-and-above, JSON), for scale.

    .venv/bin/python bench/access_check_bench.py [--database postgresql://…/test]
        [--customers 20000] [--requests 50000] [--calls 2000]

Exits non-zero when the check's p95 is over 5 ms.
"""
from __future__ import annotations

import argparse
import datetime as dt
import random
import statistics
import sys
import tempfile
import time
from pathlib import Path

import sqlalchemy as sa

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from pgbench_db import drop_database, make_database  # noqa: E402

LEVELS = ("normal", "secret", "confidential", "top_secret")


def pct(values, p):
    values = sorted(values)
    return values[min(len(values) - 1, int(len(values) * p))] * 1000


def fill(app, customers: int, requests: int) -> list[int]:
    from core.accounts.service import create_user
    from core.customers.models import Customer
    from core.customers.models_access import AccessRequest
    from core.extensions import db
    from core.timeutil import utcnow

    rnd = random.Random(5)
    with app.app_context():
        users = [create_user(f"disp{i}", "bench-password-1", "dispatcher", f"d{i}")
                 for i in range(50)]
        create_user("boss", "bench-password-1", "admin", "boss")
        db.session.commit()
        ids = [u.id for u in users]
        now = utcnow()
        db.session.execute(sa.insert(Customer.__table__), [
            {"name": f"客户{i}", "mobile": f"139{i:08d}", "household_notes": "",
             "confidentiality": LEVELS[i % 4], "status": "active", "deactivation_note": "",
             "created_at": now, "updated_at": now, "version": 1}
            for i in range(customers)])
        rows = []
        for i in range(requests):
            cid = rnd.randrange(1, customers + 1)
            granted = i % 10 == 0
            rows.append({"customer_id": cid, "requester_id": rnd.choice(ids),
                         "level": "confidential", "reason": "bench", "hours": 4,
                         "state": "approved" if granted else "refused",
                         "decision_note": "", "created_at": now,
                         "expires_at": now + dt.timedelta(hours=4) if granted else None})
        db.session.execute(sa.insert(AccessRequest.__table__), rows)
        db.session.commit()
        return ids


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--database")
    parser.add_argument("--customers", type=int, default=20_000)
    parser.add_argument("--requests", type=int, default=50_000)
    parser.add_argument("--calls", type=int, default=2_000)
    args = parser.parse_args()

    from core import create_app
    from core.accounts.models import User
    from core.customers import disclosure
    from core.customers.models import Customer
    from core.extensions import db

    pg_name = None
    with tempfile.TemporaryDirectory() as tmp:
        url = f"sqlite:///{Path(tmp) / 'a.db'}"
        if args.database:
            url, pg_name = make_database(args.database)
        try:
            app = create_app({"SQLALCHEMY_DATABASE_URI": url, "SECRET_KEY": "bench",
                              "INSTANCE_PATH": str(Path(tmp) / "i"),
                              "ARGON2_PROFILE": "CHEAPEST"})
            with app.app_context():
                db.create_all()
            fill(app, args.customers, args.requests)
            rnd = random.Random(9)
            check = []
            with app.app_context():
                user = db.session.scalar(sa.select(User).where(User.username == "disp0"))
                files = [db.session.get(Customer, rnd.randrange(1, args.customers + 1))
                         for _ in range(args.calls)]
                for customer in files:
                    with app.test_request_context("/"):
                        disclosure.forget_grants()  # a new request: the grants query runs
                        t0 = time.perf_counter()
                        disclosure.sight(customer, user)
                        check.append(time.perf_counter() - t0)
            client = app.test_client()
            token = client.post("/api/v1/auth/tokens", json={
                "username": "disp0", "password": "bench-password-1"}).get_json()["token"]
            reads = []
            for _ in range(min(args.calls, 500)):
                cid = rnd.randrange(1, args.customers + 1)
                t0 = time.perf_counter()
                resp = client.get(f"/api/v1/customers/{cid}",
                                  headers={"Authorization": f"Bearer {token}"})
                reads.append(time.perf_counter() - t0)
                assert resp.status_code in (200, 403), resp.status_code
            with app.app_context():
                db.engine.dispose()
        finally:
            if pg_name:
                drop_database(args.database, pg_name)
    print(f"{args.customers:,} files, {args.requests:,} requests; {args.calls:,} checks")
    print(f"access check (grants query + sight): p50 {pct(check, .5):.2f} ms, "
          f"p95 {pct(check, .95):.2f} ms, mean {statistics.mean(check) * 1000:.2f} ms")
    print(f"whole read GET /api/v1/customers/<id>: p50 {pct(reads, .5):.1f} ms, "
          f"p95 {pct(reads, .95):.1f} ms")
    ok = pct(check, .95) <= 5
    print("target check p95 ≤ 5 ms:", "met" if ok else "MISSED")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
