"""Each KPI's formula on a hand-built October 2026 (tests/reports/world.py): every
expected figure below is worked out by hand from the rows written there."""
from __future__ import annotations

import pytest

from tests.conftest import ApiClient, token_for

from .world import build


@pytest.fixture
def world(app):
    return build(app)


def _as(app, username):
    return ApiClient(app, token_for(app, username))


def _table(client, **query):
    resp = client.get("/api/v1/reports/kpis", query_string={"month": "2026-10", **query})
    assert resp.status_code == 200, resp.get_json()
    return {row["key"]: {c: f["value"] for c, f in row["figures"].items()}
            for row in resp.get_json()["rows"]}


def test_every_kpi_per_dispatcher_on_the_hand_built_month(app, world):
    rows = _table(_as(app, "zhuguan"), by="dispatcher")
    a, b = rows[str(world["A"])], rows[str(world["B"])]
    # entry accuracy: A o1 corrected after quote ✗, o2 ✓, o3 wrong line ✗ → 1/3;
    # B o4 ✓, o5 platform ✗ but reviewer ✓, o6 reviewer ✗ → 2/3
    assert (a["entry_accuracy"], b["entry_accuracy"]) == (33.3, 66.7)
    assert (a["orders_taken"], b["orders_taken"]) == (3, 3)
    # dispatch hours: A 4, 24, 10 → median 10; B 6, 8 → 7
    assert (a["dispatch_hours"], b["dispatch_hours"]) == (10.0, 7.0)
    # on time: A f1 ✓ (same Shanghai day, different UTC day), f2 late, f3 pending → 1/3
    assert (a["followup_on_time"], b["followup_on_time"]) == (33.3, 100.0)
    # satisfaction: A satisfied 1 of 2; B 1 of 1
    assert (a["satisfaction_rate"], b["satisfaction_rate"]) == (50.0, 100.0)
    assert (a["service_score"], b["service_score"]) == (3.5, 4.0)
    # exceptions: A m1 in 10 h ✓, m2 in 48 h ✗; B m3 never written ✗
    assert (a["exception_timeliness"], b["exception_timeliness"]) == (50.0, 0.0)
    assert (a["quality_score"], b["quality_score"]) == (85.0, 60.0)
    assert (a["calls_made"], b["calls_made"]) == (3, 1)


def test_desk_and_line_figures(app, world):
    client = _as(app, "zhuguan")
    desk = _table(client, by="desk")["desk"]
    assert desk["entry_accuracy"] == 50.0 and desk["followup_on_time"] == 50.0
    assert desk["satisfaction_rate"] == 66.7 and desk["exception_timeliness"] == 33.3
    assert desk["dispatch_hours"] == 8.0 and desk["quality_score"] == 72.5
    assert desk["service_score"] == 3.67 and desk["orders_taken"] == 6
    lines = _table(client, by="line")
    assert lines["cleaning"]["entry_accuracy"] == 50.0   # o1 ✗ o2 ✓ o5 ✓ o6 ✗
    assert lines["nanny"]["entry_accuracy"] == 0.0       # o3 wrong line
    assert lines["maternity_nurse"]["entry_accuracy"] == 100.0
    only_b = _table(client, by="line", dispatcher_id=world["B"])
    assert only_b["cleaning"]["entry_accuracy"] == 50.0  # o5 ✓ o6 ✗


def test_trend_gives_each_month_oldest_first(app, world):
    resp = _as(app, "zhuguan").get("/api/v1/reports/kpis/trend",
                                   query_string={"month": "2026-10", "months": 3})
    points = resp.get_json()["points"]
    assert [p["period"] for p in points] == ["2026-08", "2026-09", "2026-10"]
    assert points[1]["figures"]["orders_taken"]["value"] == 1       # o7
    assert points[2]["figures"]["entry_accuracy"]["value"] == 50.0


def test_pk_board_ranks_on_the_company_weights(app, world):
    client = _as(app, "zhuguan")
    board = client.get("/api/v1/reports/pk", query_string={"month": "2026-10"}).get_json()
    # A: (20×33.3 + 30×50 + 20×50 + 20×33.3 + 10×85) / 100 = 46.82
    # B: (20×66.7 + 30×0 + 20×100 + 20×100 + 10×60) / 100 = 59.34
    assert [(r["name"], r["score"], r["rank"]) for r in board["rows"]] == [
        ("李娜", 59.3, 1), ("王芳", 46.8, 2)]
    resp = client.put("/api/v1/reports/pk-weights",
                      json={"weights": {"exception_timeliness": 100}})
    assert resp.status_code == 200
    board = client.get("/api/v1/reports/pk", query_string={"month": "2026-10"}).get_json()
    assert [(r["name"], r["score"]) for r in board["rows"]] == [("王芳", 50.0), ("李娜", 0.0)]


def test_weights_not_summing_to_100_are_refused_and_nothing_changes(app, world):
    client = _as(app, "zhuguan")
    resp = client.put("/api/v1/reports/pk-weights",
                      json={"weights": {"entry_accuracy": 20, "quality_score": 30}})
    assert resp.status_code == 422
    assert "weights" in resp.get_json()["fields"]
    assert "50" in resp.get_json()["fields"]["weights"][0]["en"]
    resp = client.put("/api/v1/reports/pk-weights", json={"weights": {"calls_made": 100}})
    assert resp.status_code == 422 and "weights" in resp.get_json()["fields"]
    assert client.get("/api/v1/reports/pk-weights").get_json()["weights"][
        "exception_timeliness"] == 30


def test_a_dispatcher_sees_her_own_kpis_and_the_pk_board_only(app, world):
    a = _as(app, "wangfang")
    rows = _table(a, by="dispatcher")
    assert list(rows) == [str(world["A"])]
    resp = a.get("/api/v1/reports/kpis", query_string={"month": "2026-10",
                                                       "dispatcher_id": world["B"]})
    assert resp.status_code == 403
    desk = _table(a, by="desk")["desk"]
    assert desk["orders_taken"] == 3  # the "desk" of a dispatcher is her own work
    board = a.get("/api/v1/reports/pk", query_string={"month": "2026-10"}).get_json()
    assert len(board["rows"]) == 2
    # everyone's score and rank; the parts (her colleague's quality score…) her own only
    parts = {r["dispatcher_id"]: r["parts"] for r in board["rows"]}
    assert parts[world["B"]] == {} and parts[world["A"]]["quality_score"] == 85.0
    assert all(r["score"] is not None for r in board["rows"])
    assert a.put("/api/v1/reports/pk-weights",
                 json={"weights": {"quality_score": 100}}).status_code == 403


@pytest.mark.parametrize("query, field", [
    ({"month": "2026-13"}, "month"), ({"month": "October"}, "month"),
    ({"month": "2999-01"}, "month"), ({"by": "team"}, "by"),
    ({"dispatcher_id": "x"}, "dispatcher_id"),
])
def test_bad_kpi_queries_name_the_field(app, world, query, field):
    resp = _as(app, "zhuguan").get("/api/v1/reports/kpis", query_string=query)
    assert resp.status_code == 422
    assert field in resp.get_json()["fields"]


def test_definitions_carry_both_languages_and_say_what_is_not_installed(app, world):
    kpis = _as(app, "zhuguan").get("/api/v1/reports/kpi-definitions").get_json()["kpis"]
    codes = {k["code"]: k for k in kpis}
    assert codes["entry_accuracy"]["zh"] == "下单准确率"
    assert "÷" in codes["entry_accuracy"]["formula_en"]
    assert all(k["formula_zh"] and k["formula_en"] for k in kpis)
    assert codes["complaint_solution_hours"]["available"] is True


def test_complaint_kpis_on_hand_built_complaints(app, world):
    from core.complaints.models import Complaint, ComplaintClock
    from core.extensions import db

    from .world import sh

    with app.app_context():
        rows = (  # owner, received, first contact, resolved, first-contact met?, solved in SLA?
            (world["A"], sh(10, 2, 9), sh(10, 2, 10), sh(10, 3, 9), True, True),     # 1 h, 24 h
            (world["A"], sh(10, 4, 9), sh(10, 4, 12), sh(10, 9, 9), True, False),    # 3 h, 120 h
            (world["A"], sh(10, 6, 9), sh(10, 7, 9), None, False, None),             # 24 h, open
            (world["B"], sh(10, 8, 9), sh(10, 8, 11), sh(10, 10, 9), True, True),    # 2 h, 48 h
        )
        for n, (owner, received, contact, resolved, fc_ok, sol_ok) in enumerate(rows):
            c = Complaint(number=f"C{n}", customer_id=1, channel="phone",
                          category_code="attitude", level_code="normal", summary="投诉",
                          state="resolved" if resolved else "open", owner_id=owner,
                          received_at=received, first_contact_at=contact, resolved_at=resolved)
            db.session.add(c)
            db.session.flush()
            db.session.add(ComplaintClock(complaint_id=c.id, kind="first_contact",
                                          target_minutes=120,
                                          met_at=contact, breached_at=None if fc_ok else contact))
            if resolved:
                db.session.add(ComplaintClock(complaint_id=c.id, kind="solution",
                                              target_minutes=2880, met_at=resolved,
                                              breached_at=None if sol_ok else resolved))
        db.session.commit()
    rows = _table(_as(app, "zhuguan"), by="dispatcher")
    a, b = rows[str(world["A"])], rows[str(world["B"])]
    assert a["complaint_first_contact_hours"] == 3.0      # median of 1, 3, 24
    assert a["complaint_first_contact_in_sla"] == 66.7    # 2 of 3
    assert a["complaint_solution_hours"] == 72.0          # median of 24, 120
    assert a["complaint_solution_in_sla"] == 50.0         # 1 of 2
    assert (b["complaint_first_contact_hours"], b["complaint_solution_in_sla"]) == (2.0, 100.0)
