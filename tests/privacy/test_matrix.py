"""Every cell of the access matrix (docs/privacy.md), through the API and the pages."""
import re

import pytest

from core.customers.disclosure import MATRIX

from .conftest import audit

CELLS = sorted(MATRIX)
GRANTABLE = sorted(k for k, (without, with_grant) in MATRIX.items() if without != with_grant)


def _expect(resp_json, status, view, file):
    """What a response must show for a view."""
    if view in ("name", "partial"):
        assert status == 403 and resp_json["code"] == "grant_required"
        return
    assert status == 200, resp_json
    assert resp_json["view"] == view
    expected = file["mobile"] if view == "full" else file["mobile"][:3] + "****" + \
        file["mobile"][-4:]
    assert resp_json["mobile"] == expected
    assert resp_json["addresses"][0]["detail"] == "望京街 8 号 3-1201"


def _row(api_as, role, file):
    items = api_as(role).get("/api/v1/customers", query_string={"per_page": 200}).get_json()
    return next(r for r in items["items"] if r["id"] == file["id"])


def _check_row(row, view, file):
    assert row["view"] == view
    if view == "partial":
        assert row["name"] == "王**" and row["mobile"] is None and row["district"] is None
    elif view == "name":
        assert row["name"] == "王小明" and row["mobile"] is None and row["district"] is None
    elif view == "masked":
        assert row["mobile"] == file["mobile"][:3] + "****" + file["mobile"][-4:]
    else:
        assert row["mobile"] == file["mobile"]


@pytest.mark.parametrize("level,role", CELLS)
def test_api_cell_without_a_grant(api_as, file_at, level, role):
    file = file_at(level)
    view = MATRIX[(level, role)][0]
    resp = api_as(role).get(f"/api/v1/customers/{file['id']}")
    _expect(resp.get_json(), resp.status_code, view, file)
    _check_row(_row(api_as, role, file), view, file)
    reads = audit(api_as, file["id"], "read")
    denied = audit(api_as, file["id"], "read_denied")
    if level == "normal":
        assert reads == [] and denied == []
    elif view in ("name", "partial"):
        assert reads == [] and len(denied) == 1
    else:
        assert len(reads) == 1


@pytest.mark.parametrize("level,role", GRANTABLE)
def test_api_cell_with_a_grant(api_as, file_at, grant, level, role):
    file = file_at(level)
    grant(role, file["id"])
    view = MATRIX[(level, role)][1]
    resp = api_as(role).get(f"/api/v1/customers/{file['id']}")
    _expect(resp.get_json(), resp.status_code, view, file)
    assert resp.get_json()["granted"] is True
    _check_row(_row(api_as, role, file), view, file)
    assert "under a grant" in audit(api_as, file["id"], "read")[0]["summary"]


@pytest.mark.parametrize("level,role,granted", [(lvl, r, False) for lvl, r in CELLS]
                         + [(lvl, r, True) for lvl, r in GRANTABLE])
def test_page_cell(app, api_as, web_as, file_at, level, role, granted):
    file = file_at(level)
    web = web_as(role, f"web-{role}")
    if granted:
        from tests.conftest import token_for

        api = api_as(role)
        api.token = token_for(app, f"web-{role}")  # the grant goes to the web user
        asked = api.post("/api/v1/customers/access-requests", json={
            "customer_id": file["id"], "reason": "核对地址", "hours": 2}).get_json()
        api_as("admin").post(f"/api/v1/customers/access-requests/{asked['id']}/approve",
                             json={})
    view = MATRIX[(level, role)][1 if granted else 0]
    resp = web.get(f"/customers/{file['id']}")
    html = resp.get_data(as_text=True)
    masked = file["mobile"][:3] + "****" + file["mobile"][-4:]
    if view in ("name", "partial"):
        assert resp.status_code == 403 and 'id="closed-note"' in html
        assert "望京街" not in html and file["mobile"] not in html and masked not in html
        assert ("王**" in html) == (view == "partial")
        assert 'id="ask-form"' in html
    else:
        assert resp.status_code == 200 and "望京街 8 号 3-1201" in html and "花生" in html
        shown = re.search(r'id="customer-mobile">([^<]*)', html).group(1).strip()
        assert shown == (file["mobile"] if view == "full" else masked)
        assert (file["mobile"] in html) == (view == "full")
        assert ('id="reveal-form"' in html) == (level == "secret" and role != "finance")
