"""``jz_make``: customers, workers ready to be matched, and orders of a line, made through
core's services (as the desk would make them) in an app's database; and orders moved on
(``move``, ``into_service``) the way core's own follow-up tests do it: the state written
directly, then announced through the plugins' broadcast as the orders service does."""
from __future__ import annotations

import copy
import datetime as dt
import itertools

#: the password of the admin the factories act as ("kit-admin")
_ACTOR = "kit-admin"


def resident_id(n: int) -> str:
    """A valid resident ID number (a woman born in 1985) with its check digit, distinct
    for each ``n`` below 10,000."""
    body = f"110105{1985:04d}{n // 2800 % 12 + 1:02d}{n // 100 % 28 + 1:02d}{n % 100 * 2 + 100:03d}"
    total = sum(int(c) * pow(2, 17 - i, 11) for i, c in enumerate(body))
    return body + "0123456789X"[(12 - total % 11) % 11]


def near_today(raw: dict, days_ahead: int = 10) -> dict:
    """A copy of a raw sample intake with its dates moved, all by the same number of days,
    so the earliest is ``days_ahead`` days from the business day today: a sample dated
    in 2030 lies outside the dates an order may take now."""
    from ..timeutil import business_today

    def as_day(value):
        try:
            return dt.date.fromisoformat(value) if isinstance(value, str) else None
        except ValueError:
            return None

    out = copy.deepcopy(raw)
    days = {k: as_day(v) for k, v in out.items()}
    days = {k: v for k, v in days.items() if v is not None}
    if days:
        shift = business_today() + dt.timedelta(days=days_ahead) - min(days.values())
        out.update({k: (v + shift).isoformat() for k, v in days.items()})
    return out


class Factories:
    """``jz_make``: each method commits and returns the new record's id.

    - ``customer(**fields)``: a customer with one default address (鼓楼区); ``fields``
      override the customers service's input (``name``, ``mobile``, ``addresses`` …).
    - ``worker(line, *, status="available", credentials=True, **fields)``: a worker of
      ``line`` holding, valid for a year, the health certificate and every credential
      the line requires — a candidate for its orders; ``credentials=False`` gives her
      none; ``fields`` override the workers service's input.
    - ``order(line, intake=None, *, customer_id=None, state=None, **fields)``: an order
      of ``line`` taken through the orders service, its intake the line's first sample
      intake (its dates moved to start 10 days from today) unless given (raw, as a form
      or the API sends it); a new customer unless ``customer_id``; ``state="matching"``
      (or ``"quoted"``) moves it on through the lifecycle; ``fields`` go to
      ``create_order`` (``agreed_price``, ``note`` …); ``state="in_service"`` puts it
      in service with :meth:`into_service` (``start_date``: its 上户 date).
    - ``move(order_id, to_state, **dates)``: the order in ``to_state`` (and its
      ``start_date`` / ``end_date``), written directly in the database — no lifecycle
      check, no worker or contract needed — and announced through the plugins'
      broadcast exactly as the orders service's ``transition`` does, in one transaction:
      ``handle_order_state_change``, then ``handle_order_period_change`` when a date
      moved (``period_change=False``: the state change only).
    - ``into_service(order_id, start_date=None)``: 上户 — ``move`` to ``in_service`` on
      ``start_date`` (a date or ISO string; default: the order's own start date, else
      today): core plans the order's follow-ups (回访) as it does for a real order.
    """

    def __init__(self, app) -> None:
        self.app = app
        self._seq = itertools.count(1)

    # ------------------------------------------------------------------------ helpers

    def _actor(self):
        from ..accounts.models import User
        from ..accounts.service import create_user
        from ..extensions import db
        from .apps import PASSWORD

        user = db.session.query(User).filter_by(username=_ACTOR).one_or_none()
        if user is None:
            user = create_user(_ACTOR, PASSWORD, "admin", "Kit admin")
            db.session.flush()
        return user

    def _line(self, code: str):
        from ..plugins import line_of

        return line_of(code)

    # ---------------------------------------------------------------------- factories

    def customer(self, **fields) -> int:
        from ..customers.service import create_customer
        from ..extensions import db

        n = next(self._seq)
        data = {"name": f"客户{n}", "mobile": f"139{n:08d}", "household_notes": "",
                "confidentiality": "normal", "lead_source": "referral",
                "addresses": [{"label": "家", "district": "鼓楼区",
                               "detail": f"中山路 {n} 号", "is_default": True}]}
        data.update(fields)
        with self.app.app_context():
            customer = create_customer(data, self._actor())
            db.session.commit()
            return customer.id

    def worker(self, line: str, *, status: str = "available", credentials: bool = True,
               **fields) -> int:
        from ..extensions import db
        from ..matching.context import required_kinds
        from ..timeutil import business_today
        from ..workers import credentials as creds
        from ..workers.service import create_worker

        n = next(self._seq)
        data = {"name": f"阿姨{n}", "id_number": resident_id(n), "mobile": f"137{n:08d}",
                "hometown": "安徽六安", "service_lines": [line], "years_experience": 5,
                "grade": "gold"}
        data.update(fields)
        with self.app.app_context():
            self._line(line)  # 404 for a line no loaded plugin owns
            worker = create_worker(data)
            worker.status = status
            today = business_today()
            for kind in required_kinds(line) if credentials else ():
                creds.add_credential(worker, {
                    "kind": kind, "number": f"KIT{n}{kind[:2].upper()}",
                    "issued_on": today - dt.timedelta(days=30),
                    "expires_on": today + dt.timedelta(days=365),
                    "certification_status":
                        "certified" if kind == creds.PLATFORM else None})
            db.session.commit()
            return worker.id

    def order(self, line: str, intake: dict | None = None, *, customer_id: int | None = None,
              state: str | None = None, start_date: dt.date | str | None = None,
              **fields) -> int:
        from ..orders.service import create_order, transition

        if intake is None:
            with self.app.app_context():
                samples = self._line(line).sample_intakes
            if not samples:
                raise AssertionError(f"service line {line!r} gives no sample intake: pass "
                                     "intake=... or give the line sample_intakes")
            intake = near_today(samples[0])
        if customer_id is None:
            customer_id = self.customer()
        path = {None: (), "enquiry": (), "quoted": ("quoted",),
                "matching": ("quoted", "matching"), "in_service": ()}
        if state not in path:
            raise ValueError(f"jz_make.order: state is one of {sorted(filter(None, path))}, "
                             f"not {state!r}; move it further through the API")
        with self.app.app_context():
            actor = self._actor()
            order = create_order(service_line=line, customer_id=customer_id,
                                 actor_id=actor.id, intake=intake, **fields)
            for to in path[state]:
                order = transition(order, to, order.version, actor.id)
            order_id = order.id
        if state == "in_service":
            self.into_service(order_id, start_date)
        elif start_date is not None:
            raise ValueError("jz_make.order: start_date goes with state='in_service'")
        return order_id

    def move(self, order_id: int, to_state: str, *, period_change: bool = True,
             **dates: dt.date | str | None) -> None:
        """The order in ``to_state`` (and ``dates``), announced as the orders service
        does (see the class)."""
        from .. import plugins
        from ..extensions import db
        from ..orders.models import Order

        unknown = set(dates) - {"start_date", "end_date"}
        if unknown:
            raise TypeError(f"jz_make.move: only start_date and end_date, not {sorted(unknown)}")
        with self.app.app_context():
            order = db.session.get(Order, order_id)
            if order is None:
                raise LookupError(f"jz_make.move: there is no order {order_id}")
            from_state, before = order.state, (order.start_date, order.end_date)
            for key, value in dates.items():
                setattr(order, key, dt.date.fromisoformat(value) if isinstance(value, str)
                        else value)
            order.state = to_state
            db.session.flush()
            plugins.notify_order_state_changed(
                order_id=order.id, service_line=order.service_line, from_state=from_state,
                to_state=to_state)
            if period_change and (order.start_date, order.end_date) != before:
                plugins.notify_order_period_changed(
                    order_id=order.id, service_line=order.service_line,
                    previous_start=before[0], previous_end=before[1],
                    start_date=order.start_date, end_date=order.end_date)
            db.session.commit()

    def into_service(self, order_id: int, start_date: dt.date | str | None = None) -> None:
        """上户 on ``start_date`` (default: the order's own start date, else today)."""
        from ..extensions import db
        from ..orders.models import Order
        from ..timeutil import business_today

        if start_date is None:
            with self.app.app_context():
                order = db.session.get(Order, order_id)
                start_date = (order.start_date if order is not None else None) \
                    or business_today()
        self.move(order_id, "in_service", start_date=start_date)
