"""Load benchmark: the real server (``jiazheng serve``: gunicorn + an rq worker) under
16 concurrent clients, on the demo company enlarged to a year, on PostgreSQL.

1. A throw-away PostgreSQL database next to the given one: ``jiazheng db upgrade``,
   ``jiazheng demo-data``, then enlarged with COPY to ``--customers`` (5,000) customers
   with an address each, ``--workers`` (500) workers with lines, credentials and
   locations, ``--orders`` (30,000) orders over the past year in every state, and the
   follow-up calls of the orders in service (some overdue); matching profiles rebuilt,
   VACUUM ANALYZE.
2. ``jiazheng serve --workers W --threads T`` on a free port of 127.0.0.1.
3. ``wrk -t2 -c16 -d<seconds>s --latency`` (apt package ``wrk``) against each URL, as the
   dispatcher (bearer token), beside ``/static/app.css`` (the ceiling: no app code) in
   the same run; prints req/s, p99 and the ratio to the static ceiling, against the
   targets (≥ 500 req/s, p99 ≤ 100 ms; candidates ≥ 150 req/s, p99 ≤ 150 ms).
4. RSS of each gunicorn worker before and after 10,000 candidate requests (16 clients,
   several orders) — the target is flat within ± 10 %.
5. The desk: 16 clients as 16 dispatchers, each going round the five URLs (the orders of
   the list's page, several matching orders) while orders are changed ``--writes`` times
   a second (a note, through the API): req/s, p99 and how many answers came from the read
   cache (core/readcache.py) — every write sends the next reads back to the database.

``--read-cache off`` starts the server with the read cache off (``JIAZHENG_READ_CACHE=0``):
every answer computed, what the first read after a write costs.

Usage:

    .venv/bin/python bench/load_bench.py [--database postgresql://postgres@127.0.0.1:5432/test]
        [--seconds 15] [--web-workers 2] [--threads 4] [--rss-requests 10000] [--keep]
        [--read-cache on|off] [--writes 2]

Exits non-zero when a target is missed.
"""
from __future__ import annotations

import argparse
import datetime as dt
import http.client
import json
import os
import random
import re
import shutil
import signal
import socket
import subprocess
import sys
import threading
import time
import urllib.request
from pathlib import Path

import sqlalchemy as sa

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(Path(__file__).resolve().parent))
from pgbench_db import copy_rows, drop_database, make_database  # noqa: E402

JIAZHENG = Path(sys.executable).with_name("jiazheng")

LINES = ("cleaning", "maternity_nurse", "child_massage", "nanny")
DISTRICTS = ("朝阳区", "海淀区", "东城区", "西城区", "丰台区", "通州区", "昌平区")
SKILL = {"maternity_nurse": "maternity_care", "nanny": "infant_care",
         "child_massage": "child_massage"}
GRADES = ("junior", "silver", "gold", "platinum", "diamond", "crown")
#: (label, req/s target, p99 target ms)
TARGETS = {"orders list": (500, 100), "order API": (500, 100), "follow-up queue": (500, 100),
           "customer search": (500, 100), "candidates": (150, 150)}




def enlarge(url: str, customers: int, workers: int, orders: int) -> dict:
    """Grow the demo company with COPY; returns ids the load needs."""
    import psycopg

    rng = random.Random(15)
    now = dt.datetime.now(dt.UTC)
    dsn = url.replace("postgresql+psycopg://", "postgresql://", 1)
    with psycopg.connect(dsn) as conn:
        have = conn.execute("SELECT count(*) FROM customers").fetchone()[0]
        copy_rows(conn, "customers", ["name", "mobile", "household_notes", "confidentiality",
                                      "status", "deactivation_note", "created_at",
                                      "updated_at", "version"],
                  ((f"{'王李张刘陈杨黄赵'[i % 8]}{'秀英桂兰玉珍丽华'[i % 7:i % 7 + 2]}{i}",
                    f"139{i:08d}", "", "normal", "active", "", now, now, 1)
                   for i in range(customers - have)))
        conn.execute("INSERT INTO customer_addresses (customer_id, label, district, detail, "
                     "is_default, created_at, updated_at, version) SELECT c.id, '家', "
                     f"(ARRAY{list(DISTRICTS)})[1 + c.id % {len(DISTRICTS)}], "
                     "'望京西路' || c.id || '号', true, now(), now(), 1 FROM customers c "
                     "WHERE NOT EXISTS (SELECT 1 FROM customer_addresses a "
                     "WHERE a.customer_id = c.id)")
        have_w = conn.execute("SELECT count(*) FROM workers").fetchone()[0]
        copy_rows(conn, "workers", ["name", "id_number", "birth_date", "sex", "mobile",
                                    "hometown", "dialect", "years_experience", "grade",
                                    "status", "version", "created_at", "updated_at"],
                  ((f"阿姨{i}", f"B{i:017d}", dt.date(1965 + i % 35, 1 + i % 12, 1 + i % 28),
                    "F", f"137{i:08d}", rng.choice(("安徽六安", "河南信阳", "四川南充")),
                    rng.choice((None, "普通话", "四川话")), rng.randint(0, 25),
                    rng.choice(GRADES), "available", 1, now, now)
                   for i in range(workers - have_w)))
        new_w = [r[0] for r in conn.execute(
            "SELECT id FROM workers WHERE id_number LIKE 'B%' ORDER BY id")]
        lines_of = {w: rng.sample(LINES, rng.choice((1, 1, 2))) for w in new_w}
        copy_rows(conn, "worker_service_lines", ["worker_id", "service_line"],
                  ((w, ln) for w in new_w for ln in lines_of[w]))
        today = now.date()

        def credentials():
            for w in new_w:
                yield (w, "health_certificate", None, today + dt.timedelta(
                    days=rng.randint(30, 700)), None, 1, now, now)
                yield (w, "platform_certification", None, None, "certified", 1, now, now)
                for ln in lines_of[w]:
                    if ln in SKILL:
                        yield (w, SKILL[ln], None, None, None, 1, now, now)
        copy_rows(conn, "worker_credentials", ["worker_id", "kind", "number", "expires_on",
                                               "certification_status", "version",
                                               "created_at", "updated_at"], credentials())
        copy_rows(conn, "worker_locations", ["worker_id", "district"],
                  ((w, rng.choice(DISTRICTS)) for w in new_w))

        samples = {line: row for line, *row in conn.execute(
            "SELECT DISTINCT ON (service_line) service_line, intake, quote_total, "
            "quote_detail FROM orders ORDER BY service_line, id")}
        desk = [r[0] for r in conn.execute(
            "SELECT id FROM users WHERE role = 'dispatcher' ORDER BY id")]
        cust = [r[0] for r in conn.execute(
            "SELECT id FROM customers WHERE confidentiality = 'normal' ORDER BY id")]
        states = ["finished"] * 14 + ["cancelled", "in_service", "in_service", "matching",
                                      "quoted", "enquiry"]
        year = 365 * 86400
        created = [now - dt.timedelta(seconds=rng.randrange(year)) for _ in range(orders)]
        created.sort()
        copy_rows(conn, "orders", [
            "number", "service_line", "customer_id", "dispatcher_id", "state", "intake",
            "quote_total", "quote_detail", "address_text", "cancel_note", "note",
            "created_at", "updated_at", "version"],
            ((f"JZL{i:08d}", line, cust[rng.randrange(len(cust))], desk[i % len(desk)],
              states[rng.randrange(len(states))], json.dumps(samples[line][0]),
              samples[line][1], json.dumps(samples[line][2]), "", "", "", created[i],
              created[i], 1) for i in range(orders) for line in [LINES[i % 4]]))
        in_service = conn.execute(
            "SELECT id, service_line, dispatcher_id, created_at FROM orders "
            "WHERE state = 'in_service' AND number LIKE 'JZL%'").fetchall()

        def calls():
            for oid, line, who, at in in_service:
                for days in (3, 5, 15):
                    due = at + dt.timedelta(days=days)
                    if due > now + dt.timedelta(days=30):
                        continue
                    # a desk in its steady state: the calls already due were reminded when
                    # they fell due and escalated a day later (else the worker sends
                    # thousands of reminders and escalations during the run)
                    late = due + dt.timedelta(days=1)
                    yield (oid, line, f"bench_d{days}", "service_start", "phone", "回访",
                           "Call", "", "", due, due, "pending", 0, who, now, now, 1,
                           due if due <= now else None, late if late <= now else None)
        copy_rows(conn, "followups", [
            "order_id", "service_line", "rule_code", "anchor_key", "kind", "title_zh",
            "title_en", "script_zh", "script_en", "planned_at", "due_at", "state",
            "attempts", "assignee_id", "created_at", "updated_at", "version",
            "reminded_at", "escalated_at"], calls())
        conn.commit()
        matching = [r[0] for r in conn.execute(
            "SELECT id FROM orders WHERE state = 'matching' AND number NOT LIKE 'JZL%' "
            "ORDER BY id")]
        some = [r[0] for r in conn.execute(
            "SELECT id FROM orders WHERE number LIKE 'JZL%' ORDER BY id DESC LIMIT 50")]
        open_ = [r[0] for r in conn.execute(
            "SELECT id FROM orders WHERE number LIKE 'JZL%' AND state IN "
            "('enquiry', 'quoted') ORDER BY id DESC LIMIT 20")]
        counts = {t: conn.execute(f"SELECT count(*) FROM {t}").fetchone()[0]
                  for t in ("customers", "workers", "orders", "followups")}
    return {"matching": matching, "orders": some, "open": open_, "counts": counts}


def rebuild(url: str, instance: str) -> None:
    """Matching profiles (the generator wrote around the ORM) and planner statistics."""
    from core import create_app
    from core.extensions import db
    from core.matching import profiles

    app = create_app({"SQLALCHEMY_DATABASE_URI": url, "SECRET_KEY": "bench",
                      "INSTANCE_PATH": instance})
    with app.app_context():
        profiles.rebuild()
        db.session.commit()
        with db.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as c:
            c.execute(sa.text("VACUUM ANALYZE"))
        db.engine.dispose()


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wrk(url: str, token: str | None, seconds: int) -> dict:
    """req/s and p99 (ms) of ``wrk -t2 -c16``."""
    cmd = ["wrk", "-t2", "-c16", f"-d{seconds}s", "--latency", "--timeout", "10s"]
    if token:
        cmd += ["-H", f"Authorization: Bearer {token}"]
    out = subprocess.run(cmd + [url], capture_output=True, text=True, timeout=seconds + 60)
    return parse_wrk(out.stdout)


def parse_wrk(text: str) -> dict:
    """req/s, p99 (ms), non-2xx count and socket errors from wrk's ``--latency`` report."""
    rps = float(re.search(r"Requests/sec:\s+([\d.]+)", text).group(1))
    p99 = re.search(r"99%\s+([\d.]+)(us|ms|s)\b", text)
    scale = {"us": 0.001, "ms": 1.0, "s": 1000.0}[p99.group(2)]
    non2xx = re.search(r"Non-2xx or 3xx responses: (\d+)", text)
    errors = re.search(r"Socket errors: (.*)", text)
    return {"rps": rps, "p99_ms": float(p99.group(1)) * scale,
            "non2xx": int(non2xx.group(1)) if non2xx else 0,
            "errors": errors.group(1) if errors else ""}


def rss_kib(pid: int) -> int:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1])
    return 0


def web_workers(master: int) -> list[int]:
    kids = Path(f"/proc/{master}/task/{master}/children").read_text().split()
    return [int(k) for k in kids]


def hammer(port: int, paths: list[str], token: str, total: int, clients: int = 16) -> int:
    """``total`` GETs over ``clients`` keep-alive connections; returns the non-200s."""
    left = iter(range(total))
    lock = threading.Lock()
    bad = [0]

    def run():
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
        while True:
            with lock:
                i = next(left, None)
            if i is None:
                break
            conn.request("GET", paths[i % len(paths)],
                         headers={"Authorization": f"Bearer {token}"})
            resp = conn.getresponse()
            resp.read()
            if resp.status != 200:
                with lock:
                    bad[0] += 1
        conn.close()

    threads = [threading.Thread(target=run) for _ in range(clients)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return bad[0]


DESK_SCRIPT = """
local paths = {%s}
local tokens = {%s}
local n = 0
request = function()
  n = n + 1
  local who = tokens[(math.floor(n / #paths) %% #tokens) + 1]
  return wrk.format("GET", paths[(n %% #paths) + 1], {["Authorization"] = "Bearer " .. who})
end
"""


def desk_tokens(url: str, base: str, count: int) -> list[str]:
    """Bearer tokens of ``count`` dispatchers (made with the demo dispatcher's password)."""
    import psycopg

    with psycopg.connect(url.replace("postgresql+psycopg://", "postgresql://", 1)) as conn:
        conn.execute(
            "INSERT INTO users (username, display_name, role, password_hash, active, "
            "platform_export, created_at, session_generation) SELECT 'bench_desk' || n, "
            "'调度' || n, 'dispatcher', u.password_hash, true, false, now(), 0 FROM users u, "
            "generate_series(1, %s) n WHERE u.username = 'dispatcher' "
            "ON CONFLICT (username) DO NOTHING", (count,))
    return [login(base, f"bench_desk{n}") for n in range(1, count + 1)]


def login(base: str, username: str) -> str:
    req = urllib.request.Request(base + "/api/v1/auth/tokens", data=json.dumps(
        {"username": username, "password": "jiazheng-demo"}).encode(),
        headers={"Content-Type": "application/json"})
    with urllib.request.urlopen(req, timeout=30) as resp:
        return json.loads(resp.read())["token"]


def keep_writing(port: int, token: str, orders: list[int], per_second: float,
                 stop: threading.Event) -> list[int]:
    """Change an order's note ``per_second`` times a second until ``stop``; returns
    [writes made, writes refused]."""
    done = [0, 0]
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    headers = {"Authorization": f"Bearer {token}", "Content-Type": "application/json"}
    n = 0
    while not stop.wait(1 / per_second):
        order = orders[n % len(orders)]
        n += 1
        conn.request("GET", f"/api/v1/orders/{order}", headers=headers)
        version = json.loads(conn.getresponse().read())["version"]
        conn.request("PATCH", f"/api/v1/orders/{order}", headers=headers, body=json.dumps(
            {"note": f"回访备注 {n}", "version": version}))
        resp = conn.getresponse()
        resp.read()
        done[0 if resp.status == 200 else 1] += 1
    conn.close()
    return done


def desk_run(base: str, port: int, tokens: list[str], paths: list[str], seconds: int,
             writes: float, orders: list[int], server_log: Path) -> dict:
    """``wrk`` as the desk (every client a dispatcher going round ``paths``) while a
    supervisor's client keeps changing orders; the read cache's hits from the access log."""
    script = Path(f"/tmp/jz_desk_{port}.lua")
    script.write_text(DESK_SCRIPT % (", ".join(json.dumps(p) for p in paths),
                                     ", ".join(json.dumps(t) for t in tokens)))
    stop = threading.Event()
    written: list[int] = []
    writer = threading.Thread(target=lambda: written.extend(
        keep_writing(port, tokens[0], orders, writes, stop)), daemon=True)
    before = cache_outcomes(server_log)
    if writes:
        writer.start()
    cmd = ["wrk", "-t2", "-c16", f"-d{seconds}s", "--latency", "--timeout", "10s",
           "-s", str(script), base]
    out = subprocess.run(cmd, capture_output=True, text=True, timeout=seconds + 60).stdout
    stop.set()
    if writes:
        writer.join()
    script.unlink()
    result = parse_wrk(out)
    after = cache_outcomes(server_log)
    result["hits"], result["misses"] = (after[k] - before[k] for k in ("hit", "miss"))
    result["writes"], result["refused"] = written or (0, 0)
    return result


def cache_outcomes(server_log: Path) -> dict:
    """The read cache's hits and misses so far, from the server's JSON access log."""
    text = server_log.read_text(errors="replace")
    return {outcome: text.count(f'"cache": "{outcome}"') for outcome in ("hit", "miss")}


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--database", default="postgresql://postgres@127.0.0.1:5432/test")
    ap.add_argument("--customers", type=int, default=5000)
    ap.add_argument("--workers", type=int, default=500)
    ap.add_argument("--orders", type=int, default=30000)
    ap.add_argument("--seconds", type=int, default=15)
    ap.add_argument("--web-workers", type=int, default=2)
    ap.add_argument("--threads", type=int, default=4)
    ap.add_argument("--rss-requests", type=int, default=10000)
    ap.add_argument("--keep", action="store_true")
    ap.add_argument("--read-cache", choices=("on", "off"), default="on")
    ap.add_argument("--writes", type=float, default=2.0,
                    help="order changes a second during the desk run (0: none)")
    ap.add_argument("--desk", type=int, default=16, help="dispatchers in the desk run")
    ap.add_argument("--desk-seconds", type=int, default=30)
    args = ap.parse_args()
    if not shutil.which("wrk"):
        sys.exit("wrk is not installed: apt-get install wrk")
    url, name = make_database(args.database, "jz_bench_load")
    instance = f"/tmp/{name}"
    server_log = Path(f"/tmp/{name}.log")  # a file, not a pipe: a slow reader slows the server
    env = {k: v for k, v in os.environ.items() if k not in ("REDIS_URL",)}
    env.update(DATABASE_URL=url, JIAZHENG_INSTANCE_PATH=instance, SECRET_KEY="bench-" + name,
               JIAZHENG_READ_CACHE="1" if args.read_cache == "on" else "0")
    proc = None
    failed = False
    try:
        t0 = time.monotonic()
        for step in (["db", "upgrade"], ["demo-data"]):
            subprocess.run([str(JIAZHENG), *step], env=env, check=True, capture_output=True)
        ids = enlarge(url, args.customers, args.workers, args.orders)
        rebuild(url, instance)
        print(f"data: {ids['counts']} in {time.monotonic() - t0:.0f} s", flush=True)

        port = free_port()
        proc = subprocess.Popen([str(JIAZHENG), "serve", "--port", str(port), "--workers",
                                 str(args.web_workers), "--threads", str(args.threads),
                                 "--rq-workers", "1"], env=env, stdout=subprocess.PIPE,
                                stderr=server_log.open("w"), text=True)
        master = None
        for line in proc.stdout:
            if m := re.search(r"gunicorn pid (\d+)", line):
                master = int(m.group(1))
            if "Press Ctrl-C" in line:
                break
        threading.Thread(target=lambda: [None for _ in proc.stdout], daemon=True).start()
        base = f"http://127.0.0.1:{port}"
        token = login(base, "dispatcher")

        order = ids["orders"][0]
        candidate_order = ids["matching"][0]
        urls = {
            "static ceiling": (base + "/static/app.css", None),
            "orders list": (base + "/api/v1/orders", token),
            "order API": (base + f"/api/v1/orders/{order}", token),
            "follow-up queue": (base + "/api/v1/followups?bucket=overdue", token),
            "customer search": (base + "/api/v1/customers?q=%E7%8E%8B", token),
            "candidates": (base + f"/api/v1/orders/{candidate_order}/candidates", token),
        }
        print(f"gunicorn {args.web_workers} workers × {args.threads} threads, read cache "
              f"{args.read_cache}, wrk -t2 -c16 -d{args.seconds}s, {os.cpu_count()} CPUs, load avg "
              f"{os.getloadavg()[0]:.1f} at start", flush=True)
        results = {}
        for label, (u, tok) in urls.items():
            wrk(u, tok, 3)  # warm up
            results[label] = r = wrk(u, tok, args.seconds)
            ceiling = results["static ceiling"]["rps"]
            target = TARGETS.get(label)
            verdict = ""
            if target:
                met = r["rps"] >= target[0] and r["p99_ms"] <= target[1]
                failed |= not met
                verdict = (f"  target ≥ {target[0]} req/s, p99 ≤ {target[1]} ms: "
                           f"{'met' if met else 'MISSED'}")
            print(f"{label:16s} {r['rps']:8.1f} req/s  p99 {r['p99_ms']:7.1f} ms  "
                  f"{r['rps'] / ceiling:6.1%} of static"
                  f"{'  non-2xx ' + str(r['non2xx']) if r['non2xx'] else ''}"
                  f"{'  errors ' + r['errors'] if r['errors'] else ''}{verdict}", flush=True)

        tokens = desk_tokens(url, base, args.desk)
        rounds = [u.replace(base, "") for u, _t in list(urls.values())[1:]]
        rounds += [f"/api/v1/orders/{o}" for o in ids["orders"][1:6]]
        rounds += [f"/api/v1/orders/{o}/candidates" for o in ids["matching"][1:4]]
        rounds += ["/api/v1/followups?bucket=today", "/api/v1/orders?page=2",
                   "/api/v1/customers?q=%E6%9D%8E"]
        desk_run(base, port, tokens, rounds, 3, 0, ids["open"], server_log)  # warm up
        r = desk_run(base, port, tokens, rounds, args.desk_seconds, args.writes, ids["open"],
                     server_log)
        answered = r["hits"] + r["misses"]
        print(f"desk: {len(tokens)} dispatchers round {len(rounds)} URLs, {r['writes']} "
              f"order changes ({args.writes:g}/s; {r['refused']} refused): "
              f"{r['rps']:.1f} req/s  p99 {r['p99_ms']:.1f} ms  "
              f"{r['rps'] / results['static ceiling']['rps']:.1%} of static; "
              f"read cache {r['hits']} hits of {answered} "
              f"({r['hits'] / max(answered, 1):.0%})"
              f"{'  non-2xx ' + str(r['non2xx']) if r['non2xx'] else ''}", flush=True)

        paths = [f"/api/v1/orders/{o}/candidates" for o in ids["matching"]]
        hammer(port, paths, token, 500)  # warm: every statement compiled once
        pids = web_workers(master)
        before = {p: rss_kib(p) for p in pids}
        t1 = time.monotonic()
        bad = hammer(port, paths, token, args.rss_requests)
        after = {p: rss_kib(p) for p in pids}
        took = time.monotonic() - t1
        for p in pids:
            change = (after[p] - before[p]) / before[p]
            failed |= abs(change) > 0.10
            print(f"worker {p}: RSS {before[p] / 1024:.1f} → {after[p] / 1024:.1f} MiB "
                  f"({change:+.1%}) over {args.rss_requests} candidate requests "
                  f"({args.rss_requests / took:.0f} req/s, {bad} not 200)", flush=True)
    finally:
        if proc and proc.poll() is None:
            proc.send_signal(signal.SIGTERM)
            try:
                proc.wait(60)
            except subprocess.TimeoutExpired:
                proc.kill()
        if not args.keep:
            drop_database(args.database, name)
            shutil.rmtree(instance, ignore_errors=True)
            server_log.unlink(missing_ok=True)
        else:
            print(f"kept database {name}")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
