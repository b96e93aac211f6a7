"""The audit page: filters by person, record, kind and period; export for an inspector."""
import csv
import io

import openpyxl
import pytest


@pytest.fixture
def trail(api_as):
    """A customer file created, read, refused and asked for: one event of each kind."""
    admin = api_as("admin")
    made = admin.post("/api/v1/customers", json={
        "name": "王小明", "mobile": "13912345678", "confidentiality": "confidential",
        "addresses": [{"district": "朝阳区", "detail": "望京街 8 号"}]})
    assert made.status_code == 201, made.get_json()
    cid = made.get_json()["id"]
    assert api_as("dispatcher").get(f"/api/v1/customers/{cid}").status_code == 403
    asked = api_as("dispatcher").post("/api/v1/customers/access-requests", json={
        "customer_id": cid, "reason": "核对地址", "hours": 2})
    assert asked.status_code == 201
    assert admin.get(f"/api/v1/customers/{cid}").status_code == 200
    return cid


def _kinds(api_as, **query):
    items = api_as("admin").get("/api/v1/audit", query_string={"per_page": 200, **query}
                                ).get_json()["items"]
    return sorted({e["action"] for e in items})


def test_kind_filter_separates_reads_changes_refusals_and_grants(api_as, trail):
    assert _kinds(api_as, kind="read") == ["read"]
    assert "create" in _kinds(api_as, kind="change")
    assert _kinds(api_as, kind="denied") == ["read_denied"]
    assert _kinds(api_as, kind="grant") == ["grant_request"]


def test_an_unknown_kind_is_refused_naming_the_field(api_as, trail):
    resp = api_as("admin").get("/api/v1/audit", query_string={"kind": "gossip"})
    assert resp.status_code == 422
    assert "kind" in str(resp.get_json())


def test_page_filters_by_person_kind_and_period(web_as, api_as, trail):
    client = web_as("supervisor")
    dispatcher_id = api_as("dispatcher").get("/api/v1/auth/me").get_json()["id"]
    page = client.get("/audit/", query_string={"kind": "denied"})
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    assert "read_denied" in html and "grant_request" not in html
    page = client.get("/audit/", query_string={"entity_type": "customer", "entity_id": trail,
                                               "since": "2000-01-01", "until": "2000-01-02"})
    assert "read_denied" not in page.get_data(as_text=True)
    html = client.get("/audit/", query_string={"actor_id": dispatcher_id}
                      ).get_data(as_text=True)
    assert "grant_request" in html and 'data-action="create"' not in html


def test_page_refuses_a_bad_date_naming_the_field(web_as, trail):
    resp = web_as("supervisor").get("/audit/", query_string={"since": "yesterday"})
    assert resp.status_code == 400
    assert "since" in resp.get_data(as_text=True)


def test_export_csv_and_xlsx_for_an_inspector(web_as, trail):
    client = web_as("supervisor")
    resp = client.get("/audit/export", query_string={"format": "csv", "kind": "grant"})
    assert resp.status_code == 200 and resp.mimetype == "text/csv"
    rows = list(csv.reader(io.StringIO(resp.get_data(as_text=True).lstrip("\ufeff"))))
    assert rows[0][0].startswith("序号") and len(rows) == 2
    assert rows[1][5] == "grant_request" and len(rows[1][10]) == 64
    resp = client.get("/audit/export", query_string={"format": "xlsx"})
    assert resp.status_code == 200
    sheet = openpyxl.load_workbook(io.BytesIO(resp.data)).active
    actions = [r[5] for r in sheet.iter_rows(min_row=2, values_only=True)]
    assert {"create", "read", "read_denied", "grant_request"} <= set(actions)
    # nothing personal in the export: names and mobiles of customers stay out
    body = client.get("/audit/export", query_string={"format": "csv"}).get_data(as_text=True)
    assert "王小明" not in body and "13912345678" not in body and "望京街" not in body
    # the download is itself recorded
    assert "audit trail exported" in client.get("/audit/").get_data(as_text=True)


@pytest.mark.parametrize("role", ["dispatcher", "finance", "trainer", "quality"])
def test_only_supervisors_and_admins_see_or_export_the_trail(web_as, role):
    client = web_as(role)
    assert client.get("/audit/").status_code == 403
    assert client.get("/audit/export?format=csv").status_code == 403
