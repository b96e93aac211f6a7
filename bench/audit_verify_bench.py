"""``jiazheng audit verify`` over a large audit trail.

Fills a fresh database (SQLite file by default, or a throw-away PostgreSQL database with
``--database``) with ``--rows`` chained audit rows — written straight through SQL with
the chain computed as the app computes it — then runs the real verify
(:func:`core.audit.service.verify_chain`, what the CLI calls) and prints the time and the
peak memory of the process.

    .venv/bin/python bench/audit_verify_bench.py [--database postgresql://…/test]
        [--rows 1000000]

Exits non-zero when the target (≤ 30 s) is missed or the chain does not verify.
"""
from __future__ import annotations

import argparse
import datetime as dt
import os
import random
import resource
import sys
import tempfile
import time
from pathlib import Path

import sqlalchemy as sa

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from pgbench_db import drop_database, make_database  # noqa: E402

ACTIONS = ("read", "update", "create", "read_denied", "grant", "search")


def _rows(n: int):
    from core.audit import chain

    rnd = random.Random(12)
    start = dt.datetime(2025, 1, 1, tzinfo=dt.timezone.utc)
    previous = chain.GENESIS
    for seq in range(1, n + 1):
        at = start + dt.timedelta(seconds=seq * 7, microseconds=rnd.randrange(10**6))
        action = ACTIONS[seq % len(ACTIONS)]
        entity_id = rnd.randrange(1, 50_000)
        changes = ({"status": ["active", "inactive"], "name": ["(withheld)", "(withheld)"]}
                   if action == "update" else None)
        summary = f"customer file {action}"
        previous = chain.link(previous, chain.canonical(seq, at, None, action, "customer",
                                                        entity_id, summary, changes))
        yield {"at": at, "actor_id": None, "action": action, "entity_type": "customer",
               "entity_id": entity_id, "summary": summary, "changes": changes, "seq": seq,
               "row_hash": previous}


def fill(app, n: int) -> None:
    from core.audit.models import AuditChainHead, AuditEvent
    from core.extensions import db

    table = AuditEvent.__table__
    batch, last = [], None
    with app.app_context(), db.engine.begin() as conn:
        for row in _rows(n):
            batch.append(row)
            last = row
            if len(batch) == 20_000:
                conn.execute(sa.insert(table), batch)
                batch = []
        if batch:
            conn.execute(sa.insert(table), batch)
        conn.execute(sa.delete(AuditChainHead.__table__))  # a migrated database has one
        conn.execute(sa.insert(AuditChainHead.__table__).values(
            id=1, seq=last["seq"], row_hash=last["row_hash"]))


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--database", help="a PostgreSQL URL (a throw-away database is "
                        "made next to it); default: a temporary SQLite file")
    parser.add_argument("--rows", type=int, default=1_000_000)
    args = parser.parse_args()

    from core import create_app
    from core.extensions import db

    pg_name = None
    with tempfile.TemporaryDirectory() as tmp:
        if args.database:
            url, pg_name = make_database(args.database)
        else:
            url = f"sqlite:///{Path(tmp) / 'audit.db'}"
        try:
            app = create_app({"SQLALCHEMY_DATABASE_URI": url, "SECRET_KEY": "bench",
                              "INSTANCE_PATH": str(Path(tmp) / "instance")})
            with app.app_context():
                db.create_all()
            t0 = time.perf_counter()
            fill(app, args.rows)
            print(f"filled {args.rows:,} rows in {time.perf_counter() - t0:.1f} s")
            rss_before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
            from core.audit.service import verify_chain

            with app.app_context():
                t0, c0 = time.perf_counter(), time.process_time()
                report = verify_chain()
                took, cpu = time.perf_counter() - t0, time.process_time() - c0
                db.engine.dispose()
            rss_after = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
            print(f"verify: {report.rows:,} rows in {took:.1f} s "
                  f"({report.rows / took:,.0f} rows/s; {cpu:.1f} s of this process's CPU); "
                  f"finding: {report.finding}")
            print(f"load average: {os.getloadavg()}")
            print(f"peak RSS {rss_before / 1024:.0f} MiB before verify, "
                  f"{rss_after / 1024:.0f} MiB after")
        finally:
            if pg_name:
                drop_database(args.database, pg_name)
    ok = report.finding is None and report.rows == args.rows and took <= 30
    print("target verify ≤ 30 s:", "met" if ok else "MISSED")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
