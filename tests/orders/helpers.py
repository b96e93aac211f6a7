"""Helpers shared by the orders and pricing tests: customers, workers, valid intakes."""
from __future__ import annotations

import copy
import datetime as dt
import itertools

from core.extensions import db
from core.timeutil import business_today

LINES = ("cleaning", "child_massage", "maternity_nurse", "nanny")
#: the date field of each line's intake, moved near today so "not in the past" rules pass
_DATE_FIELDS = {"cleaning": "preferred_date", "child_massage": "preferred_date",
                "maternity_nurse": "expected_delivery_date", "nanny": "start_date"}
_seq = itertools.count(1)


def day(n: int = 0) -> dt.date:
    """Today's business date plus ``n`` days."""
    return business_today() + dt.timedelta(days=n)


def intake(line: str, **over) -> dict:
    """A valid raw intake of ``line`` (the plugin's sample, dated 10 days from today)."""
    import importlib

    sample = importlib.import_module(f"plugins.{line}.schemas").SAMPLE_INTAKE
    raw = copy.deepcopy(sample)
    raw[_DATE_FIELDS[line]] = day(10).isoformat()
    raw.update(over)
    return raw


def _id_number() -> str:
    """A valid resident ID number (a woman born in March 1985) with its check digit."""
    body = f"110105198503{next(_seq) % 28 + 1:02d}{(next(_seq) % 500) * 2:03d}"
    total = sum(int(c) * pow(2, 17 - i, 11) for i, c in enumerate(body))
    return body + "0123456789X"[(12 - total % 11) % 11]


def _actor():
    from core.accounts.models import User
    from core.accounts.service import create_user

    user = db.session.query(User).filter_by(username="fixture-admin").one_or_none()
    return user or create_user("fixture-admin", "correct-horse-42", "admin", "Fixture admin")


def make_customer(app, name: str = "李女士", mobile: str | None = None,
                  confidentiality: str = "normal") -> int:
    """A customer with one (default) address, made through the customers service."""
    from core.customers.service import create_customer

    mobile = mobile or f"139{next(_seq):08d}"
    with app.app_context():
        customer = create_customer({
            "name": name, "mobile": mobile, "household_notes": "",
            "confidentiality": confidentiality, "lead_source": "referral",
            "addresses": [{"label": "家", "district": "鼓楼区", "detail": "中山路 1 号 301",
                           "is_default": True}]}, _actor())
        db.session.commit()
        return customer.id


def make_worker(app, lines=("cleaning",), name: str | None = None,
                status: str = "available", qualified: bool = True) -> int:
    """A worker doing ``lines`` with ``status``, made through the workers service;
    ``qualified``: holding every credential her lines need (健康证 first), valid for a
    year, as a worker the desk may send (False: none at all)."""
    from core.matching.context import required_kinds
    from core.workers import credentials
    from core.workers.service import create_worker

    with app.app_context():
        worker = create_worker({
            "name": name or f"阿姨{next(_seq)}", "id_number": _id_number(),
            "mobile": f"137{next(_seq):08d}", "hometown": "安徽六安",
            "service_lines": list(lines), "years_experience": 5, "grade": "gold"})
        worker.status = status
        if qualified:
            kinds = dict.fromkeys(k for line in lines for k in required_kinds(line))
            for kind in kinds:
                credentials.add_credential(worker, {
                    "kind": kind, "number": f"{kind[:2].upper()}{next(_seq)}",
                    "issued_on": day(-30), "expires_on": day(365), "certification_status":
                    "certified" if kind == "platform_certification" else None})
        db.session.commit()
        return worker.id


def make_qualified_worker(app, line: str, name: str | None = None,
                          health_expired: bool = False) -> int:
    """A worker of ``line`` holding every credential the line needs, valid for a year
    (``health_expired``: her 健康证 then expired yesterday, as time passing would — the
    nightly job not run)."""
    from core.matching.context import required_kinds
    from core.workers import credentials
    from core.workers.models import Worker, WorkerCredential

    wid = make_worker(app, (line,), name=name, qualified=False)
    with app.app_context():
        worker = db.session.get(Worker, wid)
        for kind in required_kinds(line):
            credentials.add_credential(worker, {
                "kind": kind, "number": f"{kind[:2].upper()}{wid}", "issued_on": day(-30),
                "expires_on": day(365), "certification_status":
                "certified" if kind == "platform_certification" else None})
        db.session.commit()
        if health_expired:
            db.session.query(WorkerCredential).filter_by(
                worker_id=wid, kind="health_certificate").one().expires_on = day(-1)
            db.session.commit()
    return wid
