"""Follow-ups under faults, against real PostgreSQL and a Redis server this script starts
itself on a free port (never the shared one).

A. Worker kills: ``--rounds`` times, make ``--per-round`` follow-ups due, sweep, and as soon
   as the workers are reminding, SIGKILL every worker process and every job process (the
   work horses); start new workers and let the sweep recover. Checks: no follow-up lost,
   none reminded twice (one in-app notification each), time from due to reminder.
B. Redis outage: measure order creation and outcome recording (p95) with Redis up, then
   stop Redis for ``--outage`` seconds while follow-ups keep coming due and the same
   operations keep running, then start an empty Redis (what a restart without persistence
   or a flush leaves) and measure how long until the backlog is reminded, exactly once.

    .venv/bin/python bench/followups_faults.py [--database postgresql://…/test]
        [--rounds 20] [--per-round 100] [--outage 60]

The enqueue lease is shortened to 5 s here (production: 90 s) so that a round takes
seconds; the sweep runs every second in part A and every 30 s (``jiazheng followups cron``,
the production default) in part B. Exits non-zero when a check fails.
"""
from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import random
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
from pathlib import Path

import psutil
import sqlalchemy as sa

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from pgbench_db import drop_database, make_database  # noqa: E402

JIAZHENG = Path(sys.executable).with_name("jiazheng")
LEASE_SECONDS = 5


def p95(samples: list[float]) -> float:
    return round(statistics.quantiles(samples, n=100)[94], 2) if len(samples) > 1 else 0.0


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class RedisServer:
    """A redis-server of our own, without persistence (a restart comes back empty)."""

    def __init__(self, port: int):
        self.port, self.proc = port, None

    def start(self) -> None:
        self.proc = subprocess.Popen(["redis-server", "--port", str(self.port), "--save", "",
                                      "--appendonly", "no", "--bind", "127.0.0.1"],
                                     stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        import redis

        for _ in range(100):
            try:
                redis.Redis(port=self.port).ping()
                return
            except redis.ConnectionError:
                time.sleep(0.05)
        raise RuntimeError("redis-server did not start")

    def stop(self) -> None:
        if self.proc and self.proc.poll() is None:
            self.proc.terminate()
            self.proc.wait(10)


class Workers:
    """``jiazheng worker`` processes (rq AppWorker: a forked work horse per job)."""

    def __init__(self, env: dict, count: int = 2):
        self.env, self.count, self.procs = env, count, []

    def start(self) -> None:
        self.procs = [p for p in self.procs if p.poll() is None]
        while len(self.procs) < self.count:
            self.procs.append(subprocess.Popen(
                [str(JIAZHENG), "worker", "--no-scheduler"], env=self.env,
                stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True))

    def kill_all(self) -> int:
        """SIGKILL every worker and every job process under it; returns how many died."""
        victims = []
        for proc in self.procs:
            try:
                parent = psutil.Process(proc.pid)
                victims += [parent, *parent.children(recursive=True)]
            except psutil.NoSuchProcess:
                pass
        for victim in victims:
            try:
                victim.send_signal(signal.SIGKILL)
            except psutil.NoSuchProcess:
                pass
        for proc in self.procs:
            proc.wait(10)
        self.procs = []
        return len(victims)


def make_app(url: str, redis_url: str):
    from core import create_app

    return create_app({"TESTING": True, "SQLALCHEMY_DATABASE_URI": url, "REDIS_URL": redis_url,
                       "SECRET_KEY": "bench", "INSTANCE_PATH": tempfile.mkdtemp(prefix="jz-"),
                       "FOLLOWUPS_ENQUEUE_LEASE_SECONDS": LEASE_SECONDS,
                       "FOLLOWUPS_ESCALATE_OVERDUE_HOURS": 24 * 365})


def seed(app) -> dict:
    from core.accounts.models import User
    from core.customers.models import Customer
    from core.extensions import db
    from core.orders.models import Order

    with app.app_context():
        db.create_all()
        desk = User(username="desk", display_name="客服", role="dispatcher", password_hash="x",
                    active=True)
        customer = Customer(name="李女士", mobile="13900000001")
        db.session.add_all([desk, customer])
        db.session.flush()
        order = Order(number="JZB-0000001", service_line="nanny", customer_id=customer.id,
                      dispatcher_id=desk.id, state="in_service", address_text="")
        db.session.add(order)
        db.session.commit()
        return {"desk": desk.id, "customer": customer.id, "order": order.id}


_seq = iter(range(10**9))


def add_due(app, ids: dict, n: int, kind: str = "phone") -> list[int]:
    """``n`` pending follow-ups due now (rows as the planner writes them)."""
    from core.extensions import db
    from core.followups.models import FollowUp
    from core.timeutil import utcnow

    now = utcnow()
    with app.app_context():
        rows = [FollowUp(order_id=ids["order"], service_line="nanny", rule_code="bench",
                         anchor_key=f"b:{next(_seq)}", kind=kind, title_zh="回访",
                         title_en="Follow-up", script_zh="", script_en="", planned_at=now,
                         due_at=now, state="pending", attempts=0, assignee_id=ids["desk"],
                         version=1, created_at=now, updated_at=now) for _ in range(n)]
        db.session.add_all(rows)
        db.session.commit()
        return [r.id for r in rows]


def status(app, followup_ids: list[int]) -> dict:
    """Reminded / notification counts of these follow-ups."""
    from core.extensions import db
    from core.followups.models import FollowUp, Notification, OutboxMessage

    with app.app_context():
        reminded = db.session.scalar(sa.select(sa.func.count()).where(
            FollowUp.id.in_(followup_ids), FollowUp.reminded_at.is_not(None)))
        per = dict(db.session.execute(
            sa.select(OutboxMessage.followup_id, sa.func.count(Notification.id))
            .join(Notification, Notification.outbox_id == OutboxMessage.id)
            .where(OutboxMessage.followup_id.in_(followup_ids),
                   OutboxMessage.dedupe_key.like("remind:%"))
            .group_by(OutboxMessage.followup_id)).all())
        lag = db.session.scalar(sa.select(sa.func.max(
            sa.extract("epoch", FollowUp.reminded_at - FollowUp.due_at))).where(
            FollowUp.id.in_(followup_ids)))
        db.session.rollback()
    return {"reminded": reminded, "lost": sum(1 for i in followup_ids if per.get(i, 0) == 0),
            "twice": sum(1 for i in followup_ids if per.get(i, 0) > 1),
            "max_lag_s": round(float(lag or 0), 1)}


def planned_pool(app, ids: dict, orders: int) -> list[int]:
    """Real planned follow-ups to record outcomes on: ``orders`` 育婴师 orders in service
    since five days ago, planned by the engine; marked reminded so that only the backlog
    of part B is waiting for reminders."""
    from core.extensions import db
    from core.followups import service
    from core.followups.models import FollowUp
    from core.orders.models import Order
    from core.timeutil import business_today

    with app.app_context():
        made = []
        for i in range(orders):
            order = Order(number=f"JZB-P{i:06d}", service_line="nanny",
                          customer_id=ids["customer"], dispatcher_id=ids["desk"],
                          state="in_service", address_text="",
                          start_date=business_today() - dt.timedelta(days=5))
            db.session.add(order)
            db.session.flush()
            service.sync_order(order)
            made.append(order.id)
        db.session.execute(sa.update(FollowUp).where(FollowUp.order_id.in_(made)).values(
            reminded_at=FollowUp.due_at))
        db.session.commit()
        pool = list(db.session.scalars(sa.select(FollowUp.id).where(
            FollowUp.order_id.in_(made), FollowUp.state == "pending",
            FollowUp.rule_code.in_(("day3", "day15"))).order_by(FollowUp.id.desc())))
        db.session.rollback()
        return pool


def sweep(app) -> dict:
    from core.followups import jobs

    with app.app_context():
        return jobs.sweep()


def part_a(app, ids: dict, workers: Workers, rounds: int, per_round: int) -> dict:
    results = []
    for r in range(rounds):
        fids = add_due(app, ids, per_round)
        workers.start()
        sweep(app)
        started = time.monotonic()
        while status(app, fids)["reminded"] == 0 and time.monotonic() - started < 60:
            time.sleep(0.02)
        time.sleep(random.uniform(0.0, 0.3))  # kill somewhere in the middle of the batch
        before = status(app, fids)["reminded"]
        killed = workers.kill_all()
        workers.start()
        while time.monotonic() - started < 240:
            sweep(app)
            now = status(app, fids)
            if now["reminded"] == per_round and now["lost"] == 0:
                break  # every reminder made and its notification delivered
            time.sleep(1)
        s = status(app, fids)
        results.append({"round": r + 1, "reminded_before_kill": before, "killed": killed, **s})
        print(json.dumps(results[-1]), flush=True)
    return {"rounds": rounds, "per_round": per_round,
            "killed_mid_batch": sum(1 for x in results if 0 < x["reminded_before_kill"]
                                    < per_round),
            "lost": sum(x["lost"] for x in results), "twice": sum(x["twice"] for x in results),
            "max_due_to_reminder_s": max(x["max_lag_s"] for x in results)}


def _timed(samples: list[float], func) -> None:
    t0 = time.perf_counter()
    func()
    samples.append((time.perf_counter() - t0) * 1000)


def part_b(app, ids: dict, workers: Workers, server: RedisServer, cron_env: dict,
           outage: int) -> dict:
    from core.extensions import db
    from core.followups import service
    from core.followups.models import FollowUp
    from core.orders import service as orders
    from tests.orders.helpers import intake

    def create_order():
        with app.app_context():
            orders.create_order(service_line="cleaning", customer_id=ids["customer"],
                                actor_id=ids["desk"], intake=intake("cleaning"))

    pool = planned_pool(app, ids, 400)

    def record_outcome():
        fid = pool.pop()
        with app.app_context():
            f = db.session.get(FollowUp, fid)
            service.record_outcome(fid, "satisfied", actor_id=ids["desk"], version=f.version,
                                   idempotency_key=uuid.uuid4().hex)
            db.session.commit()

    cron = subprocess.Popen([str(JIAZHENG), "followups", "cron", "--interval", "30"],
                            env=cron_env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                            start_new_session=True)
    workers.start()
    normal_orders, normal_outcomes = [], []
    for _ in range(60):
        _timed(normal_orders, create_order)
        _timed(normal_outcomes, record_outcome)

    server.stop()
    down_orders, down_outcomes, backlog = [], [], []
    t_end = time.monotonic() + outage
    next_batch = 0.0
    while time.monotonic() < t_end:
        if time.monotonic() >= next_batch:  # follow-ups keep coming due during the outage
            backlog += add_due(app, ids, 50)
            sweep(app)  # fails fast: nothing marked, nothing lost
            next_batch = time.monotonic() + 10
        _timed(down_orders, create_order)
        _timed(down_outcomes, record_outcome)
        time.sleep(0.2)
    server.start()  # empty: the queued jobs and the cron's state in Redis are gone
    back = time.monotonic()
    cron_restarted = cron.poll() is not None
    if cron_restarted:  # the cron process died with Redis; its supervisor restarts it
        cron = subprocess.Popen([str(JIAZHENG), "followups", "cron", "--interval", "30"],
                                env=cron_env, stdout=subprocess.DEVNULL,
                                stderr=subprocess.DEVNULL, start_new_session=True)
    workers_restarted = sum(1 for p in workers.procs if p.poll() is not None)
    workers.start()
    cleared_after = None
    while time.monotonic() - back < 300:
        if status(app, backlog)["reminded"] == len(backlog):
            cleared_after = round(time.monotonic() - back, 1)
            break
        time.sleep(0.5)
    cron.send_signal(signal.SIGTERM)
    cron.wait(10)
    s = status(app, backlog)
    return {
        "outage_s": outage, "backlog": len(backlog),
        "order_create_p95_ms_normal": p95(normal_orders),
        "order_create_p95_ms_redis_down": p95(down_orders),
        "outcome_p95_ms_normal": p95(normal_outcomes),
        "outcome_p95_ms_redis_down": p95(down_outcomes),
        "requests_during_outage": len(down_orders) + len(down_outcomes),
        "backlog_cleared_after_redis_back_s": cleared_after,
        "cron_restarted": cron_restarted, "workers_restarted": workers_restarted,
        "lost": s["lost"], "twice": s["twice"]}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--database", default=os.environ.get(
        "JIAZHENG_TEST_DATABASE_URL", "postgresql://postgres@127.0.0.1:5432/test"))
    parser.add_argument("--rounds", type=int, default=20)
    parser.add_argument("--per-round", type=int, default=100)
    parser.add_argument("--outage", type=int, default=60)
    parser.add_argument("--skip-a", action="store_true")
    parser.add_argument("--skip-b", action="store_true")
    args = parser.parse_args()

    url, name = make_database(args.database)
    server = RedisServer(free_port())
    server.start()
    redis_url = f"redis://127.0.0.1:{server.port}/0"
    app = make_app(url, redis_url)
    env = {k: v for k, v in os.environ.items() if not k.startswith(("PYTEST_", "COV_"))}
    env.update(DATABASE_URL=url, REDIS_URL=redis_url, SECRET_KEY="bench",
               JIAZHENG_INSTANCE_PATH=tempfile.mkdtemp(prefix="jz-w-"))
    workers = Workers(env)
    result: dict = {}
    try:
        ids = seed(app)
        if not args.skip_a:
            result["kills"] = part_a(app, ids, workers, args.rounds, args.per_round)
        if not args.skip_b:
            result["redis_outage"] = part_b(app, ids, workers, server, env, args.outage)
    finally:
        workers.kill_all()
        server.stop()
        from core.extensions import db

        with app.app_context():
            db.session.remove()
            db.engine.dispose()
        drop_database(args.database, name)
    print(json.dumps(result, indent=2))
    ok = True
    if "kills" in result:
        k = result["kills"]
        ok &= k["lost"] == 0 and k["twice"] == 0 and k["max_due_to_reminder_s"] <= 180
    if "redis_outage" in result:
        b = result["redis_outage"]
        ok &= b["lost"] == 0 and b["twice"] == 0
        ok &= (b["backlog_cleared_after_redis_back_s"] or 1e9) <= 60
        ok &= b["order_create_p95_ms_redis_down"] <= 2 * b["order_create_p95_ms_normal"]
        ok &= b["outcome_p95_ms_redis_down"] <= 2 * b["outcome_p95_ms_normal"]
    print("checks passed" if ok else "CHECK FAILED", file=sys.stderr)
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
