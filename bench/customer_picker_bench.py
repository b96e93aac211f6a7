"""The new-order form's customer picker (选择客户) over many customers: p50 / p95.

Fills a fresh database (SQLite by default, or a throw-away PostgreSQL database with
``--database``) with ``--customers`` active files at every confidentiality level, then,
as a dispatcher, times ``--calls`` requests ``GET /orders/customer-picker?q=…`` through the
app (session, privacy rules, JSON) with what a desk types: two characters of a name, a
family name and a given-name character, the last 4 digits of a phone, a 3-digit prefix
and 7 digits (phone searches write their audit row, as in production).

    .venv/bin/python bench/customer_picker_bench.py [--database postgresql://…/test]
        [--customers 50000] [--calls 300]

Exits non-zero when p95 is over 50 ms.
"""
from __future__ import annotations

import argparse
import os
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

LEVELS = ("normal", "normal", "normal", "secret", "confidential", "top_secret")
SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘"
GIVEN = "秀英桂兰玉珍丽华美春梅红霞海燕小娟翠花建芳素芬金凤月娥子涵雨欣梓萱思彤"


def pct(values, p):
    values = sorted(values)
    return values[min(len(values) - 1, int(len(values) * p))] * 1000


def fill(app, customers: int) -> list[tuple[str, str]]:
    from core.accounts.service import create_user
    from core.customers.models import Customer
    from core.extensions import db
    from core.timeutil import utcnow

    rnd = random.Random(7)
    people = []
    for _ in range(customers):
        given = rnd.choice((1, 2))
        name = rnd.choice(SURNAMES) + "".join(rnd.choice(GIVEN) for _ in range(given))
        people.append((name, f"13{rnd.randrange(10**9):09d}"))
    with app.app_context():
        create_user("desk", "bench-password-1", "dispatcher", "desk")
        db.session.commit()
        now = utcnow()
        db.session.execute(sa.insert(Customer.__table__), [
            {"name": name, "mobile": mobile, "household_notes": "",
             "confidentiality": LEVELS[i % len(LEVELS)], "status": "active",
             "deactivation_note": "", "created_at": now, "updated_at": now, "version": 1}
            for i, (name, mobile) in enumerate(people)])
        db.session.commit()
    return people


def queries(people, calls: int) -> list[str]:
    rnd = random.Random(11)
    out = []
    for i in range(calls):
        name, mobile = rnd.choice(people)
        out.append((name[:2], name[-2:], mobile[-4:], mobile[:3], mobile[:7])[i % 5])
    return out


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--database")
    parser.add_argument("--customers", type=int, default=50_000)
    parser.add_argument("--calls", type=int, default=300)
    args = parser.parse_args()

    from core import create_app
    from core.extensions import db

    pg_name = None
    with tempfile.TemporaryDirectory() as tmp:
        url = f"sqlite:///{Path(tmp) / 'p.db'}"
        if args.database:
            url, pg_name = make_database(args.database)
        try:
            app = create_app({"SQLALCHEMY_DATABASE_URI": url, "SECRET_KEY": "bench",
                              "INSTANCE_PATH": str(Path(tmp) / "i"),
                              "ARGON2_PROFILE": "CHEAPEST", "WTF_CSRF_ENABLED": False})
            with app.app_context():
                db.create_all()
            people = fill(app, args.customers)
            client = app.test_client()
            resp = client.post("/login", data={"username": "desk",
                                               "password": "bench-password-1"})
            assert resp.status_code == 302, resp.status_code
            times, cpu, found = [], [], 0
            for q in queries(people, args.calls):
                t0, c0 = time.perf_counter(), time.process_time()
                resp = client.get("/orders/customer-picker", query_string={"q": q})
                times.append(time.perf_counter() - t0)
                cpu.append(time.process_time() - c0)
                assert resp.status_code == 200, resp.status_code
                found += bool(resp.get_json()["items"])
            with app.app_context():
                db.engine.dispose()
        finally:
            if pg_name:
                drop_database(args.database, pg_name)
    print(f"{args.customers:,} customers; {args.calls} picker requests "
          f"({found} found someone)")
    print(f"GET /orders/customer-picker: p50 {pct(times, .5):.1f} ms, "
          f"p95 {pct(times, .95):.1f} ms, mean {statistics.mean(times) * 1000:.1f} ms")
    print(f"  CPU time of this process per request (the app; on SQLite the database too): "
          f"p50 {pct(cpu, .5):.1f} ms, p95 {pct(cpu, .95):.1f} ms; load avg "
          f"{os.getloadavg()[0]:.1f}")
    ok = pct(times, .95) <= 50
    print("target p95 ≤ 50 ms:", "met" if ok else "MISSED")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
