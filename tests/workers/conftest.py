"""Helpers for the workers tests: valid resident ID numbers and workers made via the service."""
from __future__ import annotations

import datetime as dt
import itertools

import pytest
from stdnum.cn import ric

from core.extensions import db
from core.timeutil import business_today

_seq = itertools.count(100)


def make_id(birth: str = "19850315", sex: str = "F", region: str = "110105") -> str:
    """A valid 18-character ID number (correct check digit) for a birth date and sex."""
    # the 17th digit says the sex: odd for men, even for women
    n = (next(_seq) * 2 + (1 if sex == "M" else 0)) % 1000
    body = f"{region}{birth}{n:03d}"
    return body + ric.calc_check_digit(body + "0")


def worker_data(**over) -> dict:
    data = {"name": "王芳", "id_number": make_id(), "mobile": "13812345678", "hometown": "安徽六安",
            "service_lines": ["cleaning"], "years_experience": 5, "grade": "gold"}
    data.update(over)
    return data


def days(n: int) -> dt.date:
    """Today's business date plus n days."""
    return business_today() + dt.timedelta(days=n)


@pytest.fixture
def make_worker(app):
    """``make_worker(health=-1, status=..., **fields)`` → id of a worker made via the service.

    ``health``: days from today to her health certificate's expiry (None: none recorded).
    """
    from core.workers import credentials, service

    def _make(health: int | None = None, status: str | None = None, **fields) -> int:
        with app.app_context():
            worker = service.create_worker(worker_data(**fields))
            if health is not None:
                # recorded while valid; an expiry already past is then set directly, as
                # the passing of time would (recording an expired one takes her off
                # dispatch at once, which these tests are not about)
                cred = credentials.add_credential(worker, {
                    "kind": "health_certificate", "number": f"HC{worker.id}",
                    "issued_on": days(health) - dt.timedelta(days=365),
                    "expires_on": max(days(health), days(0))})
                cred.expires_on = days(health)
            if status:
                worker.status = status  # set directly: these tests are not about the rules
            db.session.commit()
            return worker.id

    return _make
