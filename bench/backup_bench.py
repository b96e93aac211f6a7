"""``jiazheng backup`` / ``restore`` timed on a database of a given size.

Fills a fresh database (SQLite file by default, or a throw-away PostgreSQL database with
``--database``) with ``--rows`` chained audit rows (the biggest table a running company
grows) plus ``--photos`` 200 KB uploads, then times the real :func:`core.backup.backup`
(encrypted) and :func:`core.backup.restore` into a second fresh database, and the audit
verify the restore ends with. Prints the database size, the archive size and MB/s.

    .venv/bin/python bench/backup_bench.py [--database postgresql://…/test]
        [--rows 1000000] [--photos 200]
"""
from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time
from pathlib import Path

import sqlalchemy as sa

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from audit_verify_bench import fill  # noqa: E402
from pgbench_db import drop_database, make_database  # noqa: E402


def db_bytes(engine) -> int:
    with engine.connect() as conn:
        if engine.dialect.name == "postgresql":
            return conn.execute(sa.text("SELECT pg_database_size(current_database())")).scalar()
        return Path(engine.url.database).stat().st_size


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--database")
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--photos", type=int, default=200)
    args = parser.parse_args()

    from flask_migrate import upgrade

    from core import create_app
    from core.audit.service import verify_chain
    from core.backup import backup, new_key, restore
    from core.extensions import db

    made = []
    key = new_key()
    with tempfile.TemporaryDirectory() as tmp:
        tmp = Path(tmp)

        def fresh(tag):
            if args.database:
                url, name = make_database(args.database)
                made.append(name)
                return url
            return f"sqlite:///{tmp / f'{tag}.db'}"

        try:
            src = create_app({"SQLALCHEMY_DATABASE_URI": fresh("src"), "SECRET_KEY": "b",
                              "INSTANCE_PATH": str(tmp / "src")})
            with src.app_context():
                upgrade()
            fill(src, args.rows)
            photos = tmp / "src" / "uploads" / "workers"
            photos.mkdir(parents=True)
            for i in range(args.photos):
                (photos / f"{i}.jpg").write_bytes(os.urandom(200_000))
            archive = tmp / "jz.backup"
            with src.app_context():
                size = db_bytes(db.engine)
                t0 = time.perf_counter()
                backup(db.engine, src.instance_path, archive, key)
                took_backup = time.perf_counter() - t0
                db.engine.dispose()
            dst = create_app({"SQLALCHEMY_DATABASE_URI": fresh("dst"), "SECRET_KEY": "b",
                              "INSTANCE_PATH": str(tmp / "dst")})
            with dst.app_context():
                t0 = time.perf_counter()
                restore(db.engine, dst.instance_path, archive, key)
                took_restore = time.perf_counter() - t0
                t0 = time.perf_counter()
                report = verify_chain()
                took_verify = time.perf_counter() - t0
                db.engine.dispose()
        finally:
            for name in made:
                drop_database(args.database, name)
        mb = (size + args.photos * 200_000) / 1e6
        print(f"database {size / 1e6:,.0f} MB ({args.rows:,} audit rows) + "
              f"{args.photos} photos ({args.photos * 0.2:.0f} MB); archive "
              f"{archive.stat().st_size / 1e6 if archive.exists() else 0:,.0f} MB encrypted")
        print(f"backup {took_backup:.1f} s ({mb / took_backup:.0f} MB/s), restore "
              f"{took_restore:.1f} s ({mb / took_restore:.0f} MB/s), verify after restore "
              f"{took_verify:.1f} s ({report.rows:,} rows, finding: {report.finding})")
        print(f"load average: {os.getloadavg()}")
    return 0 if report.finding is None else 1


if __name__ == "__main__":
    sys.exit(main())
