"""A hand-built October 2026 for the KPI tests: two dispatchers (A 王芳, B 李娜), their
orders, follow-ups, evaluations, mediation cases and quality checks, written straight
into the real database. Every expected figure is worked out by hand in the tests."""
from __future__ import annotations

import datetime as dt
from decimal import Decimal
from zoneinfo import ZoneInfo

from core.accounts.service import create_user
from core.audit.models import AuditEvent
from core.customers.models import Customer
from core.extensions import db
from core.followups.models import Evaluation, FollowUp, FollowUpOutcome, MediationCase
from core.orders.models import Order, OrderEvent
from core.quality.models import QualityCheck, QualityStandard, QualityStandardItem
from core.workers.models import Worker

SH = ZoneInfo("Asia/Shanghai")
PASSWORD = "correct-horse-42"


def sh(month: int, day: int, hour: int = 10, minute: int = 0, year: int = 2026) -> dt.datetime:
    """A Shanghai wall-clock time as aware UTC."""
    return dt.datetime(year, month, day, hour, minute, tzinfo=SH).astimezone(dt.timezone.utc)


def utc(month: int, day: int, hour: int = 0, year: int = 2026) -> dt.datetime:
    return dt.datetime(year, month, day, hour, tzinfo=dt.timezone.utc)


def _order(n, line, customer, dispatcher, created, state="quoted"):
    order = Order(number=f"T{n:05d}", service_line=line, customer_id=customer.id,
                  dispatcher_id=dispatcher, state=state, created_at=created,
                  updated_at=created, address_text="")
    db.session.add(order)
    db.session.flush()
    return order


def _event(order, kind, at, actor, **kw):
    db.session.add(OrderEvent(order_id=order.id, kind=kind, at=at, actor_id=actor, **kw))


def _followup(n, order, assignee, due, *, state="done", done=None, outcome=None, by=None):
    f = FollowUp(order_id=order.id, service_line=order.service_line, rule_code=f"r{n}",
                 anchor_key="service_start", kind="phone", title_zh="回访", title_en="Call",
                 planned_at=due, due_at=due, state=state, outcome=outcome,
                 assignee_id=assignee, completed_at=done,
                 completed_by_id=(by or assignee) if done else None)
    db.session.add(f)
    db.session.flush()
    return f


def build(app) -> dict:
    """Write the month; returns the ids the tests need."""
    with app.app_context():
        a = create_user("wangfang", PASSWORD, "dispatcher", "王芳")
        b = create_user("lina", PASSWORD, "dispatcher", "李娜")
        sup = create_user("zhuguan", PASSWORD, "supervisor", "张主管")
        qa = create_user("zhijian", PASSWORD, "quality", "赵质检")
        db.session.flush()
        A, B = a.id, b.id
        c1 = Customer(name="陈女士", mobile="13900000001")
        c2 = Customer(name="周先生", mobile="13900000002")
        db.session.add_all([c1, c2])
        worker = Worker(name="刘阿姨", id_number="11010519491231002X", mobile="13800000009",
                        hometown="四川")
        db.session.add(worker)
        db.session.flush()

        # ---- orders: entry accuracy, orders taken, dispatch time
        o1 = _order(1, "cleaning", c1, A, utc(10, 1, 8))          # corrected after quote ✗
        _event(o1, "transition", utc(10, 1, 9), A, from_state="enquiry", to_state="quoted")
        _event(o1, "updated", utc(10, 1, 10), A, data={"changed": ["intake.area_m2"]})
        _event(o1, "worker_assigned", utc(10, 1, 12), A)             # 4 h
        o2 = _order(2, "cleaning", c1, A, utc(10, 2, 0))          # changed before quote ✓
        _event(o2, "updated", utc(10, 2, 1), A, data={"changed": ["intake.area_m2"]})
        _event(o2, "transition", utc(10, 2, 2), A, from_state="enquiry", to_state="quoted")
        _event(o2, "updated", utc(10, 2, 3), A, data={"changed": ["note"]})  # note only ✓
        _event(o2, "worker_assigned", utc(10, 3, 0), A)              # 24 h
        _event(o2, "worker_assigned", utc(10, 4, 0), A)              # later: ignored
        o3 = _order(3, "nanny", c2, A, utc(10, 3, 0), state="cancelled")  # wrong line ✗
        _event(o3, "worker_assigned", utc(10, 3, 10), A)             # 10 h
        o4 = _order(4, "maternity_nurse", c2, B, utc(10, 5, 0))    # ✓ (the right line)
        _event(o4, "worker_assigned", utc(10, 5, 6), B)              # 6 h
        o5 = _order(5, "cleaning", c1, B, utc(10, 6, 0))          # platform ✗, reviewer ✓
        _event(o5, "transition", utc(10, 6, 1), B, from_state="enquiry", to_state="quoted")
        _event(o5, "updated", utc(10, 6, 2), B, data={"changed": ["agreed_price"]})
        _event(o5, "worker_assigned", utc(10, 6, 8), B)              # 8 h
        o6 = _order(6, "cleaning", c1, B, utc(10, 7, 0))          # platform ✓, reviewer ✗
        o7 = _order(7, "cleaning", c1, A, utc(9, 20, 0))          # September: not counted
        _event(o7, "worker_assigned", utc(9, 21, 0), A)
        # o3 was cancelled on 10-03 and c2's maternity-nurse order o4 followed 2 days later

        # ---- follow-ups: on time (assignee), satisfaction (order's dispatcher), calls
        f1 = _followup(1, o1, A, sh(10, 11, 7), done=sh(10, 11, 9), outcome="satisfied")
        f2 = _followup(2, o2, A, sh(10, 12), done=sh(10, 13), outcome="not_satisfied")
        _followup(3, o1, A, sh(10, 20), state="pending")                     # late
        _followup(4, o1, A, sh(10, 21), state="cancelled")                   # left out
        _followup(5, o2, A, sh(11, 1, 0, 30), state="pending")              # November
        f6 = _followup(6, o4, B, sh(10, 5), done=sh(10, 5, 15), outcome="satisfied")
        for f, at, outcome, who in ((f1, sh(10, 11, 9), "satisfied", A),
                                    (f2, sh(10, 12, 9), "unreachable", A),
                                    (f2, sh(10, 13), "not_satisfied", A),
                                    (f6, sh(10, 5, 15), "satisfied", B)):
            db.session.add(FollowUpOutcome(followup_id=f.id, outcome=outcome,
                                           recorded_by_id=who, recorded_at=at))

        # ---- evaluations (end-of-service scores)
        for order, overall in ((o1, 5), (o2, 2), (o4, 4)):
            db.session.add(Evaluation(worker_id=worker.id, order_id=order.id,
                                      source="supervisor", verdict="satisfied",
                                      overall=overall, created_at=sh(10, 20)))

        # ---- mediation cases: exception-report timeliness (24 h)
        m1 = MediationCase(order_id=o2.id, opened_at=sh(10, 13, 10))
        m2 = MediationCase(order_id=o1.id, opened_at=sh(10, 14, 10))
        m3 = MediationCase(order_id=o4.id, opened_at=sh(10, 15, 10))
        db.session.add_all([m1, m2, m3])
        db.session.flush()
        for case, at in ((m1, sh(10, 13, 20)), (m2, sh(10, 16, 10))):
            db.session.add(AuditEvent(action="update", entity_type="mediation_case",
                                      entity_id=case.id, actor_id=A, at=at))

        # ---- quality checks of October's work
        standard = QualityStandard(kind="order_entry", version=1, active=True)
        standard.items = [QualityStandardItem(position=1, title_zh="信息完整", weight=100,
                                              max_score=10)]
        db.session.add(standard)
        db.session.flush()
        for kind, record, who, score, accurate in (
                ("followup_call", f1.id, A, "80", None), ("order_entry", o2.id, A, "90", None),
                ("order_entry", o5.id, B, "70", True), ("order_entry", o6.id, B, "50", False)):
            db.session.add(QualityCheck(kind=kind, record_id=record, month=dt.date(2026, 10, 1),
                                        dispatcher_id=who, reviewer_id=qa.id,
                                        standard_id=standard.id, state="scored",
                                        score=Decimal(score), review_score=Decimal(score),
                                        entry_accurate=accurate, service_line="cleaning"))
        db.session.commit()
        return {"A": A, "B": B, "supervisor": sup.id, "quality": qa.id,
                "orders": [o.id for o in (o1, o2, o3, o4, o5, o6, o7)]}
