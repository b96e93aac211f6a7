"""Work per request on the hot paths: CPU time and SQL statements, not wall-clock time.

The shared 2-core machine makes wall-clock latencies depend on what else runs; the CPU
time this process spends on a request (``time.process_time``: Flask, marshmallow,
SQLAlchemy, the driver; on SQLite the database engine too, on PostgreSQL *not* the
server's own time) and the number of statements it sends do not. This measures both,
in-process through the Flask test client, on the data ``bench/load_bench.py`` serves
(the demo company enlarged to a year by COPY: 5,000 customers, 500 workers, 30,000
orders, their follow-up calls), on PostgreSQL, for the URLs of the load bench plus the
new-order customer picker (``/orders/customer-picker``, a dispatcher's web session).

    .venv/bin/python bench/request_cost.py [--database postgresql://postgres@127.0.0.1:5432/test]
        [--requests 200] [--keep | --existing URL] [--read-cache on]

Every answer is computed unless ``--read-cache on`` (then the measured requests are the
repeats answered from memory, core/readcache.py). Prints, per URL: CPU ms per request
(median, mean), statements per request (median: a bearer token's last use is written once
a minute, one more statement then), wall median.
Even CPU time grows when the machine is saturated (shared caches, hyper-threads): compare
two versions by alternating runs on the same database at the same time, e.g. this script
copied into a checkout of the older commit (it imports the ``core`` beside it).
"""
from __future__ import annotations

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import time
from pathlib import Path

import sqlalchemy as sa
from sqlalchemy import event

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from load_bench import JIAZHENG, drop_database, enlarge, make_database, rebuild  # noqa: E402


def prepare(base: str, customers: int) -> tuple[str, str]:
    url, name = make_database(base)
    env = {k: v for k, v in os.environ.items() if k != "REDIS_URL"}
    env.update(DATABASE_URL=url, JIAZHENG_INSTANCE_PATH=f"/tmp/{name}",
               SECRET_KEY="bench-" + name)
    for step in (["db", "upgrade"], ["demo-data"]):
        subprocess.run([str(JIAZHENG), *step], env=env, check=True, capture_output=True)
    enlarge(url, customers, 500, 30000)
    rebuild(url, f"/tmp/{name}")
    return url, name


def measure(url: str, requests: int, profile: str | None = None,
            read_cache: bool = False) -> list[tuple]:
    from core import create_app
    from core.extensions import db

    app = create_app({"SQLALCHEMY_DATABASE_URI": url, "SECRET_KEY": "bench",
                      "INSTANCE_PATH": "/tmp/jz_request_cost", "WTF_CSRF_ENABLED": False,
                      "READ_CACHE": read_cache})
    with app.app_context():
        engine = db.engine
        order = db.session.scalar(sa.text(
            "SELECT id FROM orders WHERE number LIKE 'JZL%' ORDER BY id DESC LIMIT 1"))
        matching = db.session.scalar(sa.text(
            "SELECT min(id) FROM orders WHERE state = 'matching' AND number NOT LIKE 'JZL%'"))
    seen = [0]

    def count(*_):
        seen[0] += 1
    event.listen(engine, "before_cursor_execute", count)

    api, web = app.test_client(), app.test_client()
    token = api.post("/api/v1/auth/tokens", json={"username": "dispatcher",
                                                  "password": "jiazheng-demo"}).get_json()
    headers = {"Authorization": f"Bearer {token['token']}"}
    assert web.post("/login", data={"username": "dispatcher",
                                    "password": "jiazheng-demo"}).status_code == 302
    urls = [
        ("orders list", api, "/api/v1/orders"),
        ("order API", api, f"/api/v1/orders/{order}"),
        ("follow-up queue", api, "/api/v1/followups?bucket=overdue"),
        ("customer search", api, "/api/v1/customers?q=%E7%8E%8B"),
        ("candidates", api, f"/api/v1/orders/{matching}/candidates"),
        ("picker, name", web, "/orders/customer-picker?q=%E7%8E%8B%E7%A7%80"),
        ("picker, phone", web, "/orders/customer-picker?q=1390000"),
    ]
    out = []
    for label, client, path in urls:
        if profile and profile not in label:
            continue
        for _ in range(3):  # warm: compiled statements, catalogues, the token's last use
            assert client.get(path, headers=headers).status_code == 200, path
        cpu, wall, stmts = [], [], []
        for _ in range(requests):
            seen[0] = 0
            c0, w0 = time.process_time(), time.perf_counter()
            resp = client.get(path, headers=headers)
            cpu.append(time.process_time() - c0)
            wall.append(time.perf_counter() - w0)
            stmts.append(seen[0])
            assert resp.status_code == 200
        if profile:
            import cProfile
            import pstats

            prof = cProfile.Profile()
            prof.enable()
            for _ in range(requests):
                client.get(path, headers=headers)
            prof.disable()
            print(f"--- {label}: {path}")
            pstats.Stats(prof).sort_stats("tottime").print_stats(25)
            pstats.Stats(prof).sort_stats("cumulative").print_stats(45)
        out.append((label, path, statistics.median(cpu) * 1000, statistics.mean(cpu) * 1000,
                    int(statistics.median(stmts)), statistics.median(wall) * 1000))
    event.remove(engine, "before_cursor_execute", count)
    with app.app_context():
        db.engine.dispose()
    return out


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--database", default="postgresql://postgres@127.0.0.1:5432/test")
    ap.add_argument("--existing", help="a database prepared by an earlier --keep run")
    ap.add_argument("--customers", type=int, default=5000)
    ap.add_argument("--requests", type=int, default=200)
    ap.add_argument("--keep", action="store_true")
    ap.add_argument("--profile", metavar="LABEL",
                    help="also print a cProfile of the URLs whose label contains LABEL")
    ap.add_argument("--read-cache", choices=("on", "off"), default="off",
                    help="on: what a repeated read costs when answered from memory")
    args = ap.parse_args()
    name = None
    url = args.existing
    try:
        if not url:
            url, name = prepare(args.database, args.customers)
        rows = measure(url, args.requests, args.profile, args.read_cache == "on")
    finally:
        if name and not args.keep:
            drop_database(args.database, name)
            shutil.rmtree(f"/tmp/{name}", ignore_errors=True)
        elif name:
            print(f"kept: --existing {url}")
    print(f"{args.requests} requests each, in-process (Flask test client), read cache "
          f"{args.read_cache}, load avg "
          f"{os.getloadavg()[0]:.1f}")
    print(f"{'URL':16s} {'CPU ms median':>13s} {'mean':>6s} {'stmts':>5s} {'wall ms':>8s}")
    for label, path, med, mean, stmts, wall in rows:
        print(f"{label:16s} {med:13.2f} {mean:6.2f} {stmts:5d} {wall:8.1f}  {path}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
