"""SQL statements per request: every list and detail page and API endpoint has a budget.

The statements a request sends are counted with SQLAlchemy's ``before_cursor_execute``
event on the demo company (``core.demo``), for each GET route of the app, as an admin
(who may read everything): API routes with a bearer token, pages with a login session.
Each endpoint has a budget below; a change that adds statements fails here and must
either be fixed or raise the budget on purpose.

A budget alone does not catch an N+1 load on a list that happens to be short, so the
lists are measured again after the company has grown (more customers, orders for new
customers): a list whose statement count grows with its rows loads something per row.

Routes whose record the demo data does not hold (complaints, visits, contracts, quality
checks, …) are listed in ``NOT_MEASURED`` with that reason; a GET route that is in
neither table fails the test, so a new endpoint gets a budget when it is added.
"""
from __future__ import annotations

import datetime as dt
import os
import random

import pytest
import sqlalchemy as sa
from sqlalchemy import event

from core.extensions import db

from .conftest import login_session, make_user, token_for

pytestmark = pytest.mark.read_cache_off  # counts each request's statements

#: endpoint → most statements one request may send (demo data, admin, token already used);
#: the larger of the SQLite and the PostgreSQL count where they differ (PostgreSQL's candidate
#: ranking sends ``SET LOCAL jit = off`` first: one more on the order page). A request that
#: records a read or an export in the audit trail pays for the hash chain (its head row
#: read under a lock and moved on): worker pages, exports.
BUDGET = {
    "accounts.login": 1, "accounts.staff": 2, "accounts_api.list_tokens": 2,
    "accounts_api.list_users": 2, "accounts_api.me": 1, "api-docs.openapi_json": 1,
    "api-docs.openapi_swagger_ui": 1, "appointments.tool_kits": 4,
    "appointments_api.list_interviews": 4, "appointments_api.list_items": 3,
    "appointments_api.list_kits": 2, "appointments_api.list_sessions": 5,
    "appointments_api.list_visits": 4, "audit.list_events": 4, "audit_pages.index": 10,
    "cadences.index": 5, "cadences.show": 3, "cadences_api.cadence_history": 2,
    "cadences_api.get_cadence": 2, "cadences_api.list_cadences": 5,
    "calendar.index": 6, "calendar.year_page": 3, "calendar_api.get_year": 3,
    "complaints.index": 8, "complaints.new": 7, "complaints_api.get_policy": 19,
    "complaints_api.list_complaints": 5, "complaints_api.list_refunds": 3,
    "customers.access_requests": 4, "customers.create": 1, "customers.detail": 16,
    "customers.edit": 4, "customers.index": 4, "customers_api.get_customer": 4,
    "customers_api.list_access_requests": 3, "customers_api.list_destructions": 3,
    "customers_api.list_customers": 4, "customers.destructions": 8,
    "customers.file_duties": 12, "customers.unchecked": 5, "customers_api.list_duties": 11,
    "customers_api.list_unchecked": 5,
    "followups.index": 12, "followups.order_timeline": 6, "followups_api.followup_counts": 2,
    "followups_api.list_evaluations": 2, "followups_api.list_followups": 3,
    "followups_api.list_mediations": 2, "followups_api.my_notifications": 3,
    "followups_api.order_timeline": 6, "followups_api.worker_rating": 2,
    "matching.plan_page": 1, "matching_api.excluded": 4, "matching_api.excluded_workers": 3,
    "matching_api.list_bookings": 3, "matching_api.list_candidates": 9,
    "matching_api.why_not": 4, "orders.approvals_queue": 3, "orders.choose_line": 1,
    "orders.customer_picker": 3,
    "orders.edit": 3, "orders.index": 4, "orders.new": 3, "orders.show": 26,
    "orders_api.get_order": 4, "orders_api.list_approvals": 3, "orders_api.list_contracts": 3,
    "orders_api.list_orders": 4, "orders_api.list_payments": 3, "orders_api.order_history": 3,
    "partners.index": 3, "partners_api.list_partners": 3, "pricing.index": 9,
    "pricing.show": 4, "pricing_api.get_table": 3, "pricing_api.list_tables": 9,
    "pricing_api.table_history": 2, "quality_api.list_checks": 3,
    "quality_api.list_samples": 3, "quality_api.list_standards": 2, "reports.dashboard": 125,
    "reports.followups_weekly": 2, "reports.tasks": 2, "reports.workload": 4,
    "reports_api.followups_weekly": 2, "reports_api.get_weights": 2,
    "reports_api.kpi_definitions": 1, "reports_api.kpi_trend": 85, "reports_api.kpis": 16,
    "reports_api.pk_board": 9, "reports_api.workload": 4,
    "servicelines.list_credential_kinds": 1, "servicelines.list_plugins": 1,
    "servicelines.list_service_lines": 1, "system.health": 2, "trainees.batches": 3,
    "trainees.board": 14, "trainees.cert_lists": 3, "trainees.detail": 8,
    "trainees.id_cards": 2, "trainees.index": 5, "trainees.internships": 4,
    "trainees.interview_list": 3, "trainees.pickups": 2, "trainees_api.check_ins_due": 2,
    "trainees_api.export_trainees": 6, "trainees_api.get_board": 14,
    "trainees_api.get_trainee": 6, "trainees_api.held_id_cards": 2,
    "trainees_api.list_batches": 2, "trainees_api.list_certification_lists": 2,
    "trainees_api.list_internships": 2, "trainees_api.list_interviews": 2,
    "trainees_api.list_trainees": 3, "trainees_api.pickups": 2, "web.home": 17,
    "workers.detail": 18, "workers.edit": 10, "workers.index": 5, "workers.new": 1,
    "workers_api.get_worker": 12, "workers_api.list_credentials": 4,
    "workers_api.list_workers": 5,
    # probes (with the admin's session cookie: its user is loaded, 1 statement; a probe
    # without cookies touches nothing else): readiness reads the migration record (the
    # test schema has none, so it also pings); metrics counts overdue calls and breached
    # complaint clocks
    "appointments.sheets_outstanding": 5, "appointments_api.sheets_outstanding": 3,
    "customers_api.service_history": 8,
    "placement.profile_card": 3, "placement_api.list_agreements": 4,
    "placement_api.list_sendings": 4, "placement_api.list_templates": 1,
    "placement_api.list_willingness": 4, "placement_api.profile_card": 3,
    "quality.edit_standard": 2, "quality.index": 3, "quality.samples": 4,
    "quality.standards_page": 4, "reports.complaints_monthly": 41,
    "trainees_api.handover_today": 3, "trainees_api.list_handovers": 3,
    "surveys.index": 8, "surveys_api.list_surveys": 3, "surveys_api.survey_results": 4,
    "ops.healthz": 1, "ops.readyz": 3, "ops.metrics": 3,
}

_NO_DEMO_RECORD = "the demo company has no such record"
#: GET routes not measured, and why
NOT_MEASURED = {
    **{name: _NO_DEMO_RECORD for name in (
        "appointments.service_sheet", "appointments_api.get_item", "appointments_api.get_kit",
        "appointments_api.get_visit", "complaints.detail", "complaints_api.get_complaint",
        "customers_api.get_access_request", "followups.mediation",
        "followups_api.get_followup", "followups_api.get_mediation", "orders.print_contract",
        "partners.detail", "partners_api.get_partner", "quality_api.get_check",
        "quality_api.get_sample", "quality_api.get_standard", "quality_api.redraw_sample",
        "trainees.batch", "trainees.cert_list", "trainees.cert_export",
        "trainees_api.export_certification_list", "trainees_api.get_batch",
        "trainees_api.get_certification_list", "trainees_api.get_internship",
        "trainees_api.get_interview", "calendar_api.get_schedule",
        "workers.photo", "workers_api.get_photo", "placement.print_agreement",
        "quality.detail", "surveys_api.get_questionnaire", "surveys_api.get_survey")},
    "surveys.answer_page": "a customer's survey link: authenticated by its own token",
    "surveys.fill": "a customer's survey link: authenticated by its own token",
    "surveys_api.public_survey": "a customer's survey link: authenticated by its own token",
    "static": "files, no database",
    "web.switch_language": "a redirect that sets a cookie, no database",
    "followups.ical_feed": "authenticated by its own feed token (tests/followups)",
    "reports.monthly_download": "renders a stored monthly report (tests/reports)",
    "reports_api.get_monthly": "asks for a month that has a stored report (tests/reports)",
    "trainees.export": "a file download of the trainee list (tests/trainees)",
    "audit_pages.export": "a file download of the audit trail (tests/audit)",
    "customers.export": "a file download of the customer list (tests/customers)",
}

#: list endpoints whose rows grow when the company grows (more customers and orders)
GROWING_LISTS = ("orders_api.list_orders", "orders.index", "customers_api.list_customers",
                 "customers.index", "matching_api.list_candidates", "web.home",
                 "followups.index", "complaints.index", "audit.list_events",
                 "customers.unchecked", "customers_api.list_unchecked")


class StatementCounter:
    """Counts the statements sent to the database while ``active``."""

    def __init__(self, engine):
        self.count, self.active, self.engine = 0, False, engine
        event.listen(engine, "before_cursor_execute", self._seen)

    def _seen(self, *args):
        if self.active:
            self.count += 1

    def close(self):
        event.remove(self.engine, "before_cursor_execute", self._seen)


def _ids(app) -> dict:
    from core.customers.models import Customer
    from core.orders.models import Order
    from core.trainees.models import Trainee
    from core.workers.models import Worker

    with app.app_context():
        first = {name: db.session.scalar(sa.select(sa.func.min(model.id))) for name, model in
                 (("order_id", Order), ("customer_id", Customer), ("worker_id", Worker),
                  ("trainee_id", Trainee))}
    return {**first, "year": 2026, "line": "cleaning"}


def _measure(app, counter, api, web, token, ids) -> dict[str, tuple[int, str, int]]:
    """endpoint → (statements, url, status) for every GET route the ids can fill."""
    out = {}
    for rule in app.url_map.iter_rules():
        if "GET" not in rule.methods or rule.endpoint in NOT_MEASURED or \
                not set(rule.arguments) <= set(ids):
            continue
        url = rule.build({k: ids[k] for k in rule.arguments})[1]
        client = api if url.startswith("/api/") else web
        headers = {"Authorization": f"Bearer {token}"}
        client.get(url, headers=headers)  # warm: the token's last use, lazy catalogues
        counter.count, counter.active = 0, True
        resp = client.get(url, headers=headers)
        counter.active = False
        out[rule.endpoint] = (counter.count, url, resp.status_code)
    return out


def _grow_company(app) -> None:
    """As many customers again, and orders for customers the first orders did not have."""
    from core.accounts.models import User
    from core.demo import _customers, _orders
    from core.timeutil import business_today

    with app.app_context():
        users = {u.username: u for u in db.session.scalars(sa.select(User))}
        _customers(random.Random(7), users, 15)
        db.session.commit()
        _orders(users, business_today(), per_line=4)
        db.session.commit()


def test_every_get_route_has_a_statement_budget_and_keeps_it(app, monkeypatch):
    from core.demo import load_demo

    # The token's last use is written at most once a minute; on a loaded machine the
    # measurement spans minutes, and that write would land on whichever request crossed a
    # minute. The warm-up request writes it; the measured requests must not.
    monkeypatch.setattr("core.gate.LAST_USED_RESOLUTION", dt.timedelta(days=1))

    with app.app_context():
        load_demo()
        engine = db.engine
    admin = make_user(app, "admin", "budget-admin")
    token = token_for(app, "budget-admin")
    api, web = app.test_client(), app.test_client()
    login_session(web, admin)
    counter = StatementCounter(engine)
    try:
        ids = _ids(app)
        before = _measure(app, counter, api, web, token, ids)
        _grow_company(app)
        after = _measure(app, counter, api, web, token, ids)
    finally:
        counter.close()

    if os.environ.get("JIAZHENG_PRINT_BUDGET"):
        print({name: n for name, (n, _, _) in sorted(before.items())})
    gets = {r.endpoint for r in app.url_map.iter_rules() if "GET" in r.methods}
    undeclared = sorted(gets - set(BUDGET) - set(NOT_MEASURED))
    assert not undeclared, f"GET routes with no statement budget: {undeclared}"
    assert not set(BUDGET) - set(before), f"budgeted but not measured: " \
        f"{sorted(set(BUDGET) - set(before))}"
    # (readiness answers 503 here: create_all made the tables, no migration is recorded)
    broken = {name: (url, status) for name, (_, url, status) in before.items()
              if status >= 500 and (name, status) != ("ops.readyz", 503)}
    assert not broken, broken
    over = {name: f"{n} statements > budget {BUDGET[name]} ({url})"
            for name, (n, url, _) in before.items() if n > BUDGET[name]}
    assert not over, "; ".join(f"{k}: {v}" for k, v in sorted(over.items()))
    grew = {name: f"{before[name][0]} → {after[name][0]} statements ({before[name][1]})"
            for name in GROWING_LISTS if after[name][0] != before[name][0]}
    assert not grew, f"statement count grows with the rows (N+1): {grew}"
    assert after["orders_api.list_orders"][2] == 200


def test_a_bearer_token_costs_one_statement_per_request(app, api_as):
    """Token auth reads the token with its user in one statement; its last use is written
    at most once a minute, without reloading the token afterwards."""
    client = api_as("dispatcher")
    with app.app_context():
        counter = StatementCounter(db.engine)
    try:
        client.get("/api/v1/auth/me")
        counts = []
        for _ in range(3):
            counter.count, counter.active = 0, True
            assert client.get("/api/v1/auth/me").status_code == 200
            counter.active = False
            counts.append(counter.count)
    finally:
        counter.close()
    assert counts == [1, 1, 1]
